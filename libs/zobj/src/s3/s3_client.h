// S3Client: addresses, signs and sends S3 REST requests, and turns failed replies into
// zobj errors. Shared by S3Store's operations, multipart uploads and the start-up probe.
#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "http/http_client.h"
#include "s3/sigv4.h"
#include "zobj/s3_store.h"

namespace zobj::s3 {

struct Call {
  std::string method;
  std::string key;  // full object key in the bucket; empty for bucket-level requests
  Query query;
  http::Headers headers;  // extra headers, all signed
  zerofs::ByteView body;
  std::optional<std::chrono::steady_clock::time_point> deadline;

  Call(std::string m, std::string k) : method(std::move(m)), key(std::move(k)) {}
};

class Client {
 public:
  static zerofs::Result<std::unique_ptr<Client>> create(std::string bucket, std::string prefix,
                                                        const S3Settings& settings);

  // Sends `call` (its body must outlive the task). Any HTTP status is a success here;
  // transport failures are errors (see http::Client).
  zerofs::Task<zerofs::Result<http::Response>> send(Call call);

  // The HTTP request `call` becomes, signed at `date_time` ("YYYYMMDDTHHMMSSZ"). send()
  // uses it with the current time; tests pin it to AWS's published examples.
  http::Request prepare(Call& call, std::string_view date_time) const;

  // The error a failed reply stands for, from its status and S3 error code (+ Retry-After).
  zerofs::Error error_from(const http::Response& response, std::string_view operation,
                           std::string_view key) const;

  // "<prefix>/<key>", or `key` when there is no prefix.
  std::string full_key(std::string_view key) const;
  const std::string& bucket() const noexcept { return bucket_; }
  // Where requests go: "bucket.host" when virtual-hosted, the endpoint's host otherwise.
  const http::Endpoint& endpoint() const noexcept { return endpoint_; }
  const std::string& prefix() const noexcept { return prefix_; }
  std::string describe() const;

  std::uint64_t requests() const noexcept { return requests_.load(std::memory_order_relaxed); }
  std::uint64_t connections_opened() const { return http_->stats().connections_opened; }

 private:
  Client() = default;
  std::string target_path(std::string_view key) const;

  std::string bucket_;
  std::string prefix_;
  std::string region_;
  Credentials credentials_;
  bool virtual_hosted_ = false;
  bool sign_payload_ = true;
  http::Endpoint endpoint_;  // where requests go (bucket.host when virtual-hosted)
  std::unique_ptr<http::Client> http_;
  std::atomic<std::uint64_t> requests_{0};
};

}  // namespace zobj::s3
