// azure::Client: addresses, signs (Shared Key) and sends Blob service requests, and turns
// failed replies into zobj errors. Shared by AzureStore's operations and block uploads.
#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <string>

#include "azure/shared_key.h"
#include "http/http_client.h"
#include "zobj/azure_store.h"

namespace zobj::azure {

inline constexpr std::string_view kApiVersion = "2021-12-02";
// The metadata header that carries the put-id.
inline constexpr std::string_view kPutIdHeader = "x-ms-meta-zerofsputid";

struct Call {
  std::string method;
  std::string blob;  // full blob name in the container; empty for container requests
  Query query;
  http::Headers headers;  // extra headers (x-ms-* ones are signed as such)
  zerofs::ByteView body;

  Call(std::string m, std::string b) : method(std::move(m)), blob(std::move(b)) {}
};

class Client {
 public:
  static zerofs::Result<std::unique_ptr<Client>> create(std::string container, std::string prefix,
                                                        const AzureSettings& settings);

  // Sends `call` (its body must outlive the task). Any HTTP status is a success here.
  zerofs::Task<zerofs::Result<http::Response>> send(Call call);

  // The HTTP request `call` becomes, dated `date` (an RFC 1123 x-ms-date). send() uses it
  // with the current time; tests pin it.
  http::Request prepare(Call& call, std::string_view date) const;

  // The error a failed reply stands for, from its status and Azure error code.
  zerofs::Error error_from(const http::Response& response, std::string_view operation,
                           std::string_view key) const;

  std::string full_key(std::string_view key) const;
  const std::string& prefix() const noexcept { return prefix_; }
  std::string describe() const;
  std::uint64_t requests() const noexcept { return requests_.load(std::memory_order_relaxed); }

 private:
  Client() = default;
  std::string target_path(std::string_view blob) const;

  std::string container_;
  std::string prefix_;
  std::string account_;
  std::string key_bytes_;  // the decoded account key; empty: anonymous
  http::Endpoint endpoint_;
  std::unique_ptr<http::Client> http_;
  std::atomic<std::uint64_t> requests_{0};
};

// The Azure error code of a reply: the x-ms-error-code header, else the body's <Code>.
std::string error_code(const http::Response& response);

}  // namespace zobj::azure
