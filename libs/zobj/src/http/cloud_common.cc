#include "http/cloud_common.h"

#include <fmt/format.h>

namespace zobj::http {

std::string prefixed_key(std::string_view prefix, std::string_view key) {
  if (prefix.empty()) return std::string(key);
  std::string out;
  out.reserve(prefix.size() + 1 + key.size());
  out += prefix;
  out += '/';
  out += key;
  return out;
}

std::string store_url(std::string_view scheme, std::string_view bucket, std::string_view prefix) {
  return prefix.empty() ? fmt::format("{}://{}", scheme, bucket)
                        : fmt::format("{}://{}/{}", scheme, bucket, prefix);
}

std::string fold_whitespace(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  bool space = false;
  for (const char c : value) {
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      space = !out.empty();
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += c;
  }
  return out;
}

}  // namespace zobj::http
