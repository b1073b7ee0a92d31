// `${VAR}` substitution in configuration strings.
//
// Syntax: `${NAME}` is replaced by the value of environment variable NAME, where NAME is
// [A-Za-z_][A-Za-z0-9_]*. `$${` writes a literal `${` (so "$${HOME}" stays "${HOME}").
// A `$` not followed by `{` is kept as is. An unset variable is an error; a variable set to
// the empty string substitutes as empty. Substituted text is not scanned again.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "base/result.h"

namespace zerofs::app {

// Returns the value of an environment variable, or nullopt when it is unset.
using EnvLookup = std::function<std::optional<std::string>(std::string_view name)>;

// Reads the process environment (getenv). Safe as long as nobody calls setenv concurrently.
EnvLookup process_environment();

// Errors (Errc::invalid_argument): "environment variable NAME is not set", an unterminated
// `${`, or an invalid variable name. Messages name no key; callers add that context.
Result<std::string> substitute_env(std::string_view text, const EnvLookup& env);

}  // namespace zerofs::app
