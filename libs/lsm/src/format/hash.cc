#include "format/hash.h"

#include <xxhash.h>

namespace lsm {

std::uint64_t hash64(zerofs::ByteView bytes) noexcept {
  return XXH3_64bits(bytes.data(), bytes.size());
}

}  // namespace lsm
