#include "gcs/token_source.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "http/http_status.h"
#include "s3/sigv4.h"

namespace zobj::gcs {

using zerofs::Errc;
using zerofs::Result;
using zerofs::Task;

Result<std::unique_ptr<TokenSource>> TokenSource::create(ServiceAccountKey key, http::Client& http,
                                                         bool allow_http, std::string scope,
                                                         std::chrono::seconds margin) {
  ZF_TRY(http::Endpoint endpoint, http::parse_endpoint(key.token_uri(), allow_http));
  return std::unique_ptr<TokenSource>(
      new TokenSource(std::move(key), http, std::move(endpoint), std::move(scope), margin));
}

TokenSource::TokenSource(ServiceAccountKey key, http::Client& http, http::Endpoint endpoint,
                         std::string scope, std::chrono::seconds margin)
    : key_(std::move(key)),
      http_(http),
      endpoint_(std::move(endpoint)),
      scope_(std::move(scope)),
      margin_(margin) {}

void TokenSource::invalidate() {
  std::lock_guard lock(mutex_);
  token_.clear();
}

Task<Result<std::string>> TokenSource::authorization() {
  std::string current;
  {
    std::lock_guard lock(mutex_);
    const Clock::time_point now = Clock::now();
    if (!token_.empty() && expires_ > now) {
      if (expires_ - now > margin_ || refreshing_) co_return token_;
      current = token_;  // inside the margin: this caller refreshes, falling back to it
    }
    if (!current.empty()) refreshing_ = true;
  }
  Result<std::string> fresh = co_await exchange();
  if (!current.empty()) {
    std::lock_guard lock(mutex_);
    refreshing_ = false;
  }
  if (!fresh && !current.empty()) co_return current;
  co_return fresh;
}

Task<Result<std::string>> TokenSource::exchange() {
  exchanges_.fetch_add(1, std::memory_order_relaxed);
  ZF_CO_TRY(const std::string assertion, key_.jwt(scope_, std::chrono::system_clock::now()));
  s3::Query form;
  form.emplace_back("grant_type", "urn:ietf:params:oauth:grant-type:jwt-bearer");
  form.emplace_back("assertion", assertion);
  const std::string body = s3::canonical_query(form);
  http::Request request("POST", endpoint_.base_path.empty() ? "/" : endpoint_.base_path);
  request.headers.emplace_back("Content-Type", "application/x-www-form-urlencoded");
  request.body = zerofs::as_bytes(body);
  const Clock::time_point sent = Clock::now();
  Result<http::Response> r = co_await http_.send(endpoint_, std::move(request));
  if (!r) co_return std::unexpected(r.error().with_context("OAuth2 token exchange"));
  if (r->status != 200) {
    // The token endpoint answers 400 invalid_grant for a key it does not accept.
    const Errc code = r->status == 400 ? Errc::unauthorized : http::errc_for_status(r->status);
    co_return std::unexpected(http::with_retry_hint(
        zerofs::Error::make(code, "OAuth2 token exchange at {} for {}: HTTP {}: {}",
                            key_.token_uri(), key_.client_email(), r->status,
                            r->body.chars().substr(0, 300)),
        *r));
  }
  const nlohmann::json doc = nlohmann::json::parse(r->body.chars(), nullptr, false);
  const auto token = doc.is_object() ? doc.find("access_token") : doc.end();
  const auto expires_in = doc.is_object() ? doc.find("expires_in") : doc.end();
  if (token == doc.end() || !token->is_string() || expires_in == doc.end() ||
      !expires_in->is_number_integer()) {
    co_return zerofs::fail(Errc::permanent, "OAuth2 token reply from {} not understood",
                           key_.token_uri());
  }
  std::string authorization = "Bearer " + token->get<std::string>();
  std::lock_guard lock(mutex_);
  token_ = authorization;
  expires_ = sent + std::chrono::seconds(expires_in->get<std::int64_t>());
  co_return authorization;
}

}  // namespace zobj::gcs
