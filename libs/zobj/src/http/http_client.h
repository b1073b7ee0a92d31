// http::Client: an asynchronous HTTP/1.1 client over Boost.Beast, for the object stores
// (S3 today; Azure and GCS build on it the same way). Beast stays inside src/http/*.cc.
//
//  - One keep-alive connection pool per origin (scheme, host, port), at most
//    `max_connections_per_host` connections each; further requests wait for a free one.
//  - HTTPS verifies the peer's certificate and host name against the system's CAs, or
//    against `ca_file` alone when set. Plain http is refused unless `allow_http`.
//  - Timeouts: `connect_timeout` for resolve + connect + TLS handshake; `io_timeout` is the
//    longest a request may make no progress (a large body may take longer in total);
//    Request::deadline bounds the whole exchange.
//  - Bodies are not copied: a request body is sent from the caller's view; a response body
//    is read into one Buffer sized from Content-Length (grown only for chunked replies).
//  - No retries, apart from resending once on a fresh connection when a pooled connection
//    turns out to have been closed by the server before any response byte arrived (the
//    request cannot have been processed). Retrying is RetryStore's job.
//
// Errors: send() succeeds with any HTTP status (see http_status.h to classify it). Transport
// failures are Errc::transient (timeouts, refused or reset connections, truncated replies),
// except TLS certificate failures (Errc::permanent) and refused plain http
// (Errc::invalid_argument).
//
// Threading: the client runs its own I/O thread and io_context, so connections outlive the
// callers' executors; send() may be called from any thread or coroutine and resumes the
// caller on its own executor. Lifetime: destroy the client only when no send() is pending.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "base/async.h"
#include "base/result.h"
#include "http/endpoint.h"
#include "http/http_message.h"

namespace zobj::http {

struct ClientOptions {
  std::size_t max_connections_per_host = 64;
  std::chrono::milliseconds connect_timeout{10'000};
  std::chrono::milliseconds io_timeout{30'000};
  std::chrono::milliseconds idle_timeout{15'000};  // pooled connections idle longer are closed
  bool allow_http = false;
  std::string ca_file;  // PEM bundle replacing the system CAs; empty: system CAs
  std::string user_agent = "zerofs";
};

struct ClientStats {
  std::uint64_t requests = 0;
  std::uint64_t connections_opened = 0;
  std::uint64_t connections_reused = 0;
  std::uint64_t stale_resends = 0;  // requests resent after a pooled connection had closed
};

class Client {
 public:
  static zerofs::Result<std::unique_ptr<Client>> create(ClientOptions options);
  ~Client();
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  // Sends `request` to `endpoint` and reads the whole response. `endpoint` must stay valid
  // until the task completes; so must the bytes request.body views.
  zerofs::Task<zerofs::Result<Response>> send(const Endpoint& endpoint, Request request);

  ClientStats stats() const;
  const ClientOptions& options() const;

  class Impl;

 private:
  explicit Client(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace zobj::http
