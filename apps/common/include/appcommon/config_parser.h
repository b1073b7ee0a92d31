// Parsing and validating a zerofs TOML configuration into a Config (config.h).
//
// What is checked, each failure being Errc::invalid_argument with a one-line message that
// starts with "<origin>:<line>: " whenever a line is known:
//  - TOML syntax (line and column);
//  - unknown sections and keys, named by their full dotted key ("unknown key 'lsm.foo'",
//    "unknown section [cachee]"), with a suggestion for near misses;
//  - value types ("lsm.l0_max_ssts: expected an integer, found a string");
//  - `${VAR}` substitution in every string (env_substitution.h), naming variable and key;
//  - value ranges and formats (sizes, addresses, compression, URLs);
//  - missing required keys, all named in one message (no line).
// Boolean keys also accept the strings "true" and "false", so they can come from `${VAR}`.
//
// Thread safety: the functions are pure apart from reading the environment through `env`.
#pragma once

#include <filesystem>
#include <string_view>

#include "appcommon/config.h"
#include "appcommon/env_substitution.h"
#include "base/result.h"

namespace zerofs::app {

// `origin_name` prefixes messages (usually the file name as the user typed it).
Result<Config> parse_config(std::string_view text, std::string_view origin_name,
                            const EnvLookup& env = process_environment());

// Reads `path` and parses it; a file that cannot be read gives Errc::not_found or
// Errc::permanent with the system's reason.
Result<Config> load_config(const std::filesystem::path& path,
                           const EnvLookup& env = process_environment());

}  // namespace zerofs::app
