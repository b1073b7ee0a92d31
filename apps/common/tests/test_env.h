// Helpers for the appcommon tests: a fake environment and a parse shorthand.
#pragma once

#include <map>
#include <string>

#include "appcommon/config_parser.h"

namespace zerofs::app::test_env {

inline EnvLookup fake_env(std::map<std::string, std::string, std::less<>> vars) {
  return [vars = std::move(vars)](std::string_view name) -> std::optional<std::string> {
    const auto found = vars.find(name);
    if (found == vars.end()) return std::nullopt;
    return found->second;
  };
}

// The environment most tests run with.
inline EnvLookup default_env() {
  return fake_env({{"HOME", "/home/tester"}, {"ZEROFS_PASSWORD", "hunter2"}});
}

// The required section, to which tests append what they exercise.
inline constexpr std::string_view kStorage =
    "[storage]\n"
    "url = \"s3://bucket/prefix\"\n"
    "encryption_password = \"secret\"\n";

inline Result<Config> parse(std::string_view text, const EnvLookup& env = default_env()) {
  return parse_config(text, "test.toml", env);
}

// parse(kStorage + extra)
inline Result<Config> parse_with_storage(std::string_view extra,
                                         const EnvLookup& env = default_env()) {
  return parse(std::string(kStorage) + std::string(extra), env);
}

inline std::string error_of(const Result<Config>& result) {
  return result ? std::string("(no error)") : result.error().message();
}

}  // namespace zerofs::app::test_env
