#include "appcommon/config_values.h"

#include <array>
#include <cmath>

namespace zerofs::app {

namespace {

// 2^64 as a double: the first value that no longer fits in uint64_t.
constexpr double kTwoTo64 = 18446744073709551616.0;

constexpr std::array<std::string_view, 5> kStoreSchemes = {"file://", "memory://", "s3://",
                                                           "azure://", "gs://"};

}  // namespace

Result<std::uint64_t> gigabytes_to_bytes(double gigabytes) {
  if (!std::isfinite(gigabytes)) return fail(Errc::invalid_argument, "must be a finite number");
  if (gigabytes < 0)
    return fail(Errc::invalid_argument, "must not be negative (got {})", gigabytes);
  const double bytes = std::round(gigabytes * 1e9);
  if (bytes >= kTwoTo64) {
    return fail(Errc::invalid_argument, "{} GB is more than 2^64 bytes", gigabytes);
  }
  return static_cast<std::uint64_t>(bytes);
}

Result<std::uint64_t> seconds_to_micros(double seconds) {
  constexpr double kOneDay = 86400.0;
  if (!std::isfinite(seconds) || seconds <= 0 || seconds > kOneDay) {
    return fail(Errc::invalid_argument, "must be more than 0 and at most {} seconds (got {})",
                kOneDay, seconds);
  }
  const double micros = std::round(seconds * 1e6);
  if (micros < 1) return fail(Errc::invalid_argument, "must be at least 0.000001 seconds");
  return static_cast<std::uint64_t>(micros);
}

Result<bool> parse_bool_text(std::string_view text) {
  if (text == "true") return true;
  if (text == "false") return false;
  return fail(Errc::invalid_argument, "expected true or false, found \"{}\"", text);
}

Result<void> check_store_url(std::string_view url) {
  for (std::string_view scheme : kStoreSchemes) {
    if (url.starts_with(scheme)) {
      if (url.size() == scheme.size()) {
        return fail(Errc::invalid_argument, "\"{}\" names no bucket, container or path", url);
      }
      return {};
    }
  }
  return fail(Errc::invalid_argument,
              "\"{}\" is not a supported object store URL (use file://, memory://, s3://, "
              "azure:// or gs://)",
              url);
}

Result<void> check_redis_url(std::string_view url) {
  for (std::string_view scheme : {std::string_view("redis://"), std::string_view("rediss://")}) {
    if (url.starts_with(scheme) && url.size() > scheme.size()) return {};
  }
  return fail(Errc::invalid_argument, "\"{}\" is not a Redis URL (expected redis://HOST:PORT)",
              url);
}

std::string mask_url_credentials(std::string_view url) {
  const std::size_t scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) return std::string(url);
  const std::size_t authority = scheme_end + 3;
  const std::size_t authority_end = url.find('/', authority);
  const std::size_t at = url.substr(0, authority_end).rfind('@');
  if (at == std::string_view::npos || at < authority) return std::string(url);
  std::string masked(url.substr(0, authority));
  masked += "***";
  masked += url.substr(at);
  return masked;
}

}  // namespace zerofs::app
