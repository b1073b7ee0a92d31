// gcs::Client: addresses and authorises JSON API requests (OAuth2 bearer tokens from a
// TokenSource), and turns failed replies into zobj errors. Shared by GcsStore's operations.
#pragma once

#include <atomic>
#include <memory>
#include <string>

#include "gcs/token_source.h"
#include "http/http_client.h"
#include "s3/sigv4.h"
#include "zobj/gcs_store.h"

namespace zobj::gcs {

// The custom metadata key that carries the put-id, and its download header.
inline constexpr std::string_view kPutIdKey = "zerofs-put-id";
inline constexpr std::string_view kPutIdHeader = "x-goog-meta-zerofs-put-id";

struct Call {
  std::string method;
  std::string path;  // below the endpoint, already encoded: "/storage/v1/b/..."
  s3::Query query;
  http::Headers headers;
  zerofs::ByteView body;

  Call(std::string m, std::string p) : method(std::move(m)), path(std::move(p)) {}
};

class Client {
 public:
  static zerofs::Result<std::unique_ptr<Client>> create(std::string bucket, std::string prefix,
                                                        const GcsSettings& settings);

  zerofs::Task<zerofs::Result<http::Response>> send(Call call);

  zerofs::Error error_from(const http::Response& response, std::string_view operation,
                           std::string_view key) const;

  // "/storage/v1/b/<bucket>/o/<encoded full key>".
  std::string object_path(std::string_view key) const;
  // "/storage/v1/b/<bucket>/o" or, with `upload`, "/upload/storage/v1/b/<bucket>/o".
  std::string objects_path(bool upload) const;
  std::string full_key(std::string_view key) const;
  const std::string& prefix() const noexcept { return prefix_; }
  const http::Endpoint& endpoint() const noexcept { return endpoint_; }
  std::string describe() const;

  std::uint64_t requests() const noexcept { return requests_.load(std::memory_order_relaxed); }
  std::uint64_t token_requests() const noexcept { return tokens_ ? tokens_->exchanges() : 0; }

 private:
  Client() = default;

  std::string bucket_;
  std::string prefix_;
  http::Endpoint endpoint_;
  std::unique_ptr<http::Client> http_;
  std::unique_ptr<TokenSource> tokens_;  // null when anonymous
  std::atomic<std::uint64_t> requests_{0};
};

}  // namespace zobj::gcs
