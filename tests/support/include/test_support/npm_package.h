// The npm test servers (s3rver, Azurite) at the versions the tests pin, installed on demand by
// tests/support/npm_package.sh, the one place that knows the versions and the install lock.
#pragma once

#include <string>
#include <string_view>

namespace zerofs::testing {

// The package directory of `name` ("s3rver" or "azurite"), or "" with `*why` set when node or
// npm is missing or the install failed (the caller skips its tests). Blocks while installing.
std::string npm_package(std::string_view name, std::string* why);

}  // namespace zerofs::testing
