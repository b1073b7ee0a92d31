// Hex helpers for byte-exact assertions.
#pragma once

#include <string>
#include <string_view>

#include "base/buffer.h"

namespace nfs3::testing {

inline std::string hex(zerofs::ByteView bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string s;
  for (std::byte b : bytes) {
    s.push_back(kDigits[std::to_integer<unsigned>(b) >> 4]);
    s.push_back(kDigits[std::to_integer<unsigned>(b) & 15]);
  }
  return s;
}

// Hex digits with spaces ignored, as bytes.
inline zerofs::Buffer unhex(std::string_view text) {
  zerofs::Buffer out;
  int hi = -1;
  for (char c : text) {
    if (c == ' ') continue;
    const int v = c <= '9' ? c - '0' : c - 'a' + 10;
    if (hi < 0) {
      hi = v;
    } else {
      out.push_back(std::byte(static_cast<unsigned char>(hi * 16 + v)));
      hi = -1;
    }
  }
  return out;
}

inline std::string compact(std::string_view spaced) {
  std::string s;
  for (char c : spaced) {
    if (c != ' ') s.push_back(c);
  }
  return s;
}

}  // namespace nfs3::testing
