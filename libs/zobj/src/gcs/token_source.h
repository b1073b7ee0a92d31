// TokenSource: OAuth2 access tokens for a service account, exchanged at the key's token_uri
// and cached. token() returns the cached token while it has more than `margin` left; inside
// the margin one caller refreshes it while the others keep using the current token, and only
// callers that find no valid token at all wait for an exchange of their own.
//
// Thread safety: every method may be called concurrently. Lifetime: `http` must outlive the
// source.
#pragma once

#include <atomic>
#include <chrono>
#include <mutex>
#include <string>

#include "gcs/service_account.h"
#include "http/http_client.h"

namespace zobj::gcs {

class TokenSource {
 public:
  // REQUIRES: the token_uri is an http(s) URL the client may reach (invalid_argument if not).
  static zerofs::Result<std::unique_ptr<TokenSource>> create(ServiceAccountKey key,
                                                             http::Client& http, bool allow_http,
                                                             std::string scope,
                                                             std::chrono::seconds margin);

  // "Bearer <token>", fetching or refreshing it as needed. Errors: unauthorized when the
  // token endpoint refuses the assertion, transient for 5xx and transport failures.
  zerofs::Task<zerofs::Result<std::string>> authorization();

  // Forgets the cached token (after a 401 from the storage API).
  void invalidate();

  std::uint64_t exchanges() const noexcept { return exchanges_.load(std::memory_order_relaxed); }

 private:
  TokenSource(ServiceAccountKey key, http::Client& http, http::Endpoint endpoint, std::string scope,
              std::chrono::seconds margin);
  zerofs::Task<zerofs::Result<std::string>> exchange();

  using Clock = std::chrono::steady_clock;
  const ServiceAccountKey key_;
  http::Client& http_;
  const http::Endpoint endpoint_;
  const std::string scope_;
  const std::chrono::seconds margin_;
  std::atomic<std::uint64_t> exchanges_{0};

  std::mutex mutex_;
  std::string token_;          // guarded by mutex_; "Bearer ..." or empty
  Clock::time_point expires_;  // guarded by mutex_
  bool refreshing_ = false;    // guarded by mutex_
};

}  // namespace zobj::gcs
