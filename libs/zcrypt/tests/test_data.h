// Deterministic inputs shared by the zcrypt tests.
#pragma once

#include <cstddef>
#include <cstdint>
#include <random>
#include <string>
#include <string_view>

#include "base/buffer.h"

namespace zcrypt::testing {

// Incompressible bytes from a seeded generator.
inline zerofs::Buffer random_bytes(std::size_t n, std::uint64_t seed = 1) {
  std::mt19937_64 rng(seed);
  zerofs::Buffer b(n);
  for (std::size_t i = 0; i < n; ++i) b[i] = static_cast<std::byte>(rng() & 0xff);
  return b;
}

// Text-like bytes (words from a small vocabulary) that every codec shrinks well.
inline zerofs::Buffer compressible_bytes(std::size_t n, std::uint64_t seed = 2) {
  static constexpr std::string_view kWords[] = {
      "inode ", "directory ", "chunk ", "object ", "store ", "manifest ", "compaction ",
      "the ",   "of ",        "and ",   "block ",  "key ",   "value ",    "sequence "};
  std::mt19937_64 rng(seed);
  zerofs::Buffer b;
  b.reserve(n + 16);
  while (b.size() < n) b.append(kWords[rng() % std::size(kWords)]);
  b.resize(n);
  return b;
}

inline std::string to_hex(zerofs::ByteView bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string s;
  for (std::byte b : bytes) {
    s.push_back(kDigits[static_cast<unsigned>(b) >> 4]);
    s.push_back(kDigits[static_cast<unsigned>(b) & 0xf]);
  }
  return s;
}

// REQUIRES: `hex` has an even number of hex digits (whitespace is skipped).
inline zerofs::Buffer from_hex(std::string_view hex) {
  auto nibble = [](char c) -> unsigned {
    if (c >= '0' && c <= '9') return static_cast<unsigned>(c - '0');
    return static_cast<unsigned>(c - 'a' + 10);
  };
  zerofs::Buffer b;
  unsigned hi = 0;
  bool have_hi = false;
  for (char c : hex) {
    if (c == ' ' || c == '\n') continue;
    if (!have_hi) {
      hi = nibble(c);
      have_hi = true;
    } else {
      b.push_back(static_cast<std::byte>((hi << 4) | nibble(c)));
      have_hi = false;
    }
  }
  return b;
}

inline zerofs::ByteView bytes_of(std::string_view s) { return zerofs::as_bytes(s); }

}  // namespace zcrypt::testing
