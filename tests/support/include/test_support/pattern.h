// Test data with distinct bytes per offset, so a misplaced block cannot pass for the right one.
#pragma once

#include <cstddef>
#include <string>

namespace zerofs::testing {

inline std::string pattern(std::size_t size, char seed) {
  std::string out(size, '\0');
  for (std::size_t i = 0; i < size; ++i) {
    out[i] = static_cast<char>(seed + static_cast<char>((i * 131) % 251));
  }
  return out;
}

}  // namespace zerofs::testing
