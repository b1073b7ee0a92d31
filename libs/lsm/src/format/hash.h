// The one 64-bit hash of liblsm's formats: XXH3_64bits with seed 0 (FROZEN).
//
// Used for stored-block checksums and bloom filter probes; both are persistent, so the
// function and seed never change for format version 1.
#pragma once

#include <cstdint>
#include <string_view>

#include "base/buffer.h"

namespace lsm {

std::uint64_t hash64(zerofs::ByteView bytes) noexcept;

inline std::uint64_t hash64(std::string_view chars) noexcept {
  return hash64(zerofs::as_bytes(chars));
}

}  // namespace lsm
