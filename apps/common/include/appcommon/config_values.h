// Conversions from TOML values to configuration values, shared by the parser and its tests.
// Each returns Errc::invalid_argument with a message that names no key: the parser adds the
// key and line.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "base/result.h"

namespace zerofs::app {

// Decimal gigabytes to bytes (1 GB = 10^9 bytes), rounded to the nearest byte. Rejects
// negative, NaN, infinite values and values beyond 2^64 - 1 bytes.
Result<std::uint64_t> gigabytes_to_bytes(double gigabytes);

// Seconds (possibly fractional) to whole microseconds, rounded to nearest; must be finite,
// > 0 and at most one day.
Result<std::uint64_t> seconds_to_micros(double seconds);

// "true" / "false" (exactly, as ZeroFS accepts for allow_http) to a bool.
Result<bool> parse_bool_text(std::string_view text);

// Checks that `url` names an object store zerofs knows: file://, memory://, s3://,
// azure://, gs://, with something after the scheme. Deeper checks belong to the store.
Result<void> check_store_url(std::string_view url);

// Checks a Redis URL for aws.conditional_put: redis:// or rediss:// followed by a host.
Result<void> check_redis_url(std::string_view url);

// `url` with any "user:password@" part replaced by "***@", for printing.
std::string mask_url_credentials(std::string_view url);

}  // namespace zerofs::app
