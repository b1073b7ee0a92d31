// How an HTTP status maps onto the zobj error taxonomy, and the Retry-After hint.
//
//   404 -> not_found, 412 -> precondition_failed, 401/403 -> unauthorized,
//   408, 429 and 5xx -> transient (retried by RetryStore), any other failure -> permanent.
// Services refine this with their own error codes (S3's SlowDown, NoSuchBucket, ...).
#pragma once

#include <chrono>
#include <optional>
#include <string_view>

#include "base/result.h"
#include "http/http_message.h"

namespace zobj::http {

zerofs::Errc errc_for_status(int status) noexcept;

// Retry-After as delay-seconds or an HTTP-date (RFC 9110 §10.2.3), relative to `now`;
// nullopt when absent or unparsable. Capped at one hour.
std::optional<std::chrono::milliseconds> retry_after(
    const Response& response,
    std::chrono::system_clock::time_point now = std::chrono::system_clock::now());

// An IMF-fixdate ("Sun, 06 Nov 1994 08:49:37 GMT") as milliseconds since the Unix epoch.
std::optional<std::int64_t> parse_http_date(std::string_view date);

// Attaches `response`'s Retry-After to `error` (when there is one).
zerofs::Error with_retry_hint(zerofs::Error error, const Response& response);

}  // namespace zobj::http
