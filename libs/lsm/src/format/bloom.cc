#include "format/bloom.h"

#include <algorithm>
#include <cstring>

#include "format/hash.h"

namespace lsm {

namespace {

constexpr std::uint64_t kMaxBits = (1ULL << 32) - 8;
constexpr int kMaxProbes = 30;

inline std::uint32_t fast_range(std::uint32_t hash, std::uint32_t n) noexcept {
  return static_cast<std::uint32_t>((static_cast<std::uint64_t>(hash) * n) >> 32);
}

}  // namespace

int BloomFilterBuilder::probes_for(int bits_per_key) noexcept {
  const int k = static_cast<int>(bits_per_key * 0.69);  // 0.69 ~= ln(2)
  return std::clamp(k, 1, kMaxProbes);
}

BloomFilterBuilder::BloomFilterBuilder(int bits_per_key)
    : bits_per_key_(std::max(bits_per_key, 1)), probes_(probes_for(bits_per_key_)) {}

void BloomFilterBuilder::add_key(std::string_view user_key) {
  const std::uint64_t h = hash64(user_key);
  if (!hashes_.empty() && hashes_.back() == h) return;
  hashes_.push_back(h);
}

void BloomFilterBuilder::finish(zerofs::Buffer& out) {
  std::uint64_t bits = std::max<std::uint64_t>(64, hashes_.size() * bits_per_key_);
  bits = std::min(kMaxBits, (bits + 7) / 8 * 8);
  const std::size_t bytes = bits / 8;
  const auto num_bits = static_cast<std::uint32_t>(bits);

  const std::size_t start = out.size();
  out.resize(start + bytes + 1);
  auto* array = reinterpret_cast<std::uint8_t*>(out.data() + start);
  std::memset(array, 0, bytes);
  for (std::uint64_t h : hashes_) {
    auto h1 = static_cast<std::uint32_t>(h);
    const auto h2 = static_cast<std::uint32_t>(h >> 32);
    for (int j = 0; j < probes_; ++j) {
      const std::uint32_t bit = fast_range(h1, num_bits);
      array[bit / 8] |= static_cast<std::uint8_t>(1u << (bit % 8));
      h1 += h2;
    }
  }
  array[bytes] = static_cast<std::uint8_t>(probes_);
  hashes_.clear();
}

BloomFilter::BloomFilter(zerofs::ByteView encoded) noexcept {
  if (encoded.size() < 2) return;
  const auto k = static_cast<int>(encoded.back());
  const std::uint64_t bits = static_cast<std::uint64_t>(encoded.size() - 1) * 8;
  if (k < 1 || k > kMaxProbes || bits > kMaxBits) return;
  bits_ = reinterpret_cast<const std::uint8_t*>(encoded.data());
  num_bits_ = static_cast<std::uint32_t>(bits);
  probes_ = k;
  match_all_ = false;
}

bool BloomFilter::may_contain(std::string_view user_key) const noexcept {
  if (match_all_) return true;
  return may_contain_hash(hash64(user_key));
}

bool BloomFilter::may_contain_hash(std::uint64_t h) const noexcept {
  if (match_all_) return true;
  auto h1 = static_cast<std::uint32_t>(h);
  const auto h2 = static_cast<std::uint32_t>(h >> 32);
  for (int j = 0; j < probes_; ++j) {
    const std::uint32_t bit = fast_range(h1, num_bits_);
    if ((bits_[bit / 8] & (1u << (bit % 8))) == 0) return false;
    h1 += h2;
  }
  return true;
}

}  // namespace lsm
