// Bloom filter over user keys, one per table (docs/formats/sst.md).
//
// Encoding (FROZEN):  [bit array, m/8 bytes][u8 k]
//   m = max(64, n * bits_per_key) rounded up to a whole byte, capped below 2^32 bits;
//   k = clamp(floor(bits_per_key * 0.69), 1, 30)   (~ln 2 * bits_per_key: the optimum)
// Probing: h = XXH3_64bits(user key); h1 = low 32 bits, h2 = high 32 bits; for j in [0, k):
//   bit = (u64(h1) * m) >> 32   ("fastrange": maps h1 onto [0, m) without a division)
//   h1 = h1 + h2 (mod 2^32)
// Bit i lives in byte i / 8 at mask 1 << (i % 8). A trailing k outside 1..30 is reserved for
// other encodings: readers then answer "may contain" (never a false negative).
//
// Thread safety: the builder is single-threaded; BloomFilter is an immutable view.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "base/buffer.h"

namespace lsm {

class BloomFilterBuilder {
 public:
  explicit BloomFilterBuilder(int bits_per_key = 10);

  // Keys may repeat (several versions of one user key); consecutive repeats cost nothing.
  void add_key(std::string_view user_key);
  std::size_t num_keys() const noexcept { return hashes_.size(); }

  // Appends the encoded filter for the keys added so far to `out`, then forgets them.
  void finish(zerofs::Buffer& out);

  static int probes_for(int bits_per_key) noexcept;

 private:
  const int bits_per_key_;
  const int probes_;
  std::vector<std::uint64_t> hashes_;
};

// A read-only view of an encoded filter; the bytes must outlive it.
class BloomFilter {
 public:
  BloomFilter() = default;
  explicit BloomFilter(zerofs::ByteView encoded) noexcept;

  // False only if the key was certainly not added.
  bool may_contain(std::string_view user_key) const noexcept;
  bool may_contain_hash(std::uint64_t hash) const noexcept;

 private:
  const std::uint8_t* bits_ = nullptr;
  std::uint32_t num_bits_ = 0;
  int probes_ = 0;
  bool match_all_ = true;  // absent or reserved encoding
};

}  // namespace lsm
