// Helpers for chunk values: a stored chunk is its bytes up to the last non-zero one (the
// rest reads as zeros), and an all-zero chunk is not stored at all.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace zvfs {

// Length of `bytes` without its trailing zero bytes (0 when all are zero).
inline std::size_t trimmed_length(const char* data, std::size_t size) noexcept {
  while (size >= 8) {
    std::uint64_t word;
    std::memcpy(&word, data + size - 8, 8);
    if (word != 0) break;
    size -= 8;
  }
  while (size > 0 && data[size - 1] == 0) --size;
  return size;
}

inline std::string_view trimmed(std::string_view bytes) noexcept {
  return bytes.substr(0, trimmed_length(bytes.data(), bytes.size()));
}

}  // namespace zvfs
