#include "appcommon/env_substitution.h"

#include <cstdlib>

namespace zerofs::app {

namespace {

bool is_name_start(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_'; }

bool is_name_char(char c) { return is_name_start(c) || (c >= '0' && c <= '9'); }

bool is_valid_name(std::string_view name) {
  if (name.empty() || !is_name_start(name.front())) return false;
  for (char c : name) {
    if (!is_name_char(c)) return false;
  }
  return true;
}

}  // namespace

EnvLookup process_environment() {
  return [](std::string_view name) -> std::optional<std::string> {
    const char* value = std::getenv(std::string(name).c_str());
    if (value == nullptr) return std::nullopt;
    return std::string(value);
  };
}

Result<std::string> substitute_env(std::string_view text, const EnvLookup& env) {
  std::string out;
  out.reserve(text.size());
  std::size_t pos = 0;
  while (pos < text.size()) {
    const std::size_t dollar = text.find('$', pos);
    if (dollar == std::string_view::npos) {
      out.append(text.substr(pos));
      break;
    }
    out.append(text.substr(pos, dollar - pos));
    const std::string_view rest = text.substr(dollar);
    if (rest.starts_with("$${")) {
      out.append("${");
      pos = dollar + 3;
      continue;
    }
    if (!rest.starts_with("${")) {
      out.push_back('$');
      pos = dollar + 1;
      continue;
    }
    const std::size_t close = rest.find('}');
    if (close == std::string_view::npos) {
      return fail(Errc::invalid_argument, "unterminated \"${{\" (write \"$${{\" for a literal)");
    }
    const std::string_view name = rest.substr(2, close - 2);
    if (!is_valid_name(name)) {
      return fail(Errc::invalid_argument,
                  "\"${{{}}}\" is not a valid variable reference (names are letters, digits "
                  "and '_')",
                  name);
    }
    const std::optional<std::string> value = env(name);
    if (!value) return fail(Errc::invalid_argument, "environment variable {} is not set", name);
    out.append(*value);
    pos = dollar + close + 1;
  }
  return out;
}

}  // namespace zerofs::app
