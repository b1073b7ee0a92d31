// Bloom filter: no false negatives, ~1% false positives at 10 bits/key, frozen encoding.
#include "format/bloom.h"

#include <string>

#include "format/hash.h"
#include "test_support/catch.h"

namespace lsm {
namespace {

std::string key_of(int i) { return "user-key-" + std::to_string(i); }

zerofs::Buffer build(int n, int bits_per_key = 10) {
  BloomFilterBuilder builder(bits_per_key);
  for (int i = 0; i < n; ++i) builder.add_key(key_of(i));
  zerofs::Buffer out;
  builder.finish(out);
  return out;
}

}  // namespace

TEST_CASE("probe count follows bits per key", "[bloom]") {
  CHECK(BloomFilterBuilder::probes_for(10) == 6);
  CHECK(BloomFilterBuilder::probes_for(1) == 1);
  CHECK(BloomFilterBuilder::probes_for(20) == 13);
  CHECK(BloomFilterBuilder::probes_for(100) == 30);
}

TEST_CASE("filter size and trailing k byte are frozen", "[bloom]") {
  const zerofs::Buffer f = build(1000);
  CHECK(f.size() == 1000 * 10 / 8 + 1);
  CHECK(static_cast<int>(f[f.size() - 1]) == 6);

  const zerofs::Buffer tiny = build(1);
  CHECK(tiny.size() == 64 / 8 + 1);  // at least 64 bits

  // Exact bits for one key: h1 = low 32 bits of XXH3, stepped by the high 32 bits.
  BloomFilterBuilder one(10);
  one.add_key("k");
  zerofs::Buffer out;
  one.finish(out);
  zerofs::Buffer want(9);
  for (std::size_t i = 0; i < 8; ++i) want[i] = std::byte{0};
  want[8] = std::byte{6};
  const std::uint64_t h = hash64(std::string_view("k"));
  auto h1 = static_cast<std::uint32_t>(h);
  for (int j = 0; j < 6; ++j) {
    const auto bit = static_cast<std::uint32_t>((static_cast<std::uint64_t>(h1) * 64) >> 32);
    want[bit / 8] |= std::byte(static_cast<std::uint8_t>(1u << (bit % 8)));
    h1 += static_cast<std::uint32_t>(h >> 32);
  }
  CHECK(out == want);
}

TEST_CASE("bloom filter has no false negatives and ~1% false positives", "[bloom]") {
  constexpr int kKeys = 100000;
  const zerofs::Buffer bytes = build(kKeys);
  const BloomFilter filter(bytes.view());
  for (int i = 0; i < kKeys; ++i) REQUIRE(filter.may_contain(key_of(i)));

  int false_positives = 0;
  for (int i = kKeys; i < 2 * kKeys; ++i) false_positives += filter.may_contain(key_of(i));
  const double rate = static_cast<double>(false_positives) / kKeys;
  INFO("false positive rate " << rate);
  CHECK(rate > 0.003);
  CHECK(rate < 0.0125);
}

TEST_CASE("small filters and other bit budgets stay sound", "[bloom]") {
  for (int bits : {1, 4, 20}) {
    for (int n : {0, 1, 10, 500}) {
      const zerofs::Buffer bytes = build(n, bits);
      const BloomFilter filter(bytes.view());
      for (int i = 0; i < n; ++i) REQUIRE(filter.may_contain(key_of(i)));
    }
  }
  // An empty filter answers "absent" for everything.
  const zerofs::Buffer empty = build(0);
  const BloomFilter filter(empty.view());
  int hits = 0;
  for (int i = 0; i < 1000; ++i) hits += filter.may_contain(key_of(i));
  CHECK(hits == 0);
}

TEST_CASE("repeated keys are added once", "[bloom]") {
  BloomFilterBuilder builder(10);
  for (int i = 0; i < 5; ++i) builder.add_key("same");
  builder.add_key("other");
  CHECK(builder.num_keys() == 2);
}

TEST_CASE("absent or reserved encodings match everything", "[bloom]") {
  CHECK(BloomFilter().may_contain("x"));
  zerofs::Buffer bytes = build(100);
  bytes[bytes.size() - 1] = std::byte{31};  // reserved k
  CHECK(BloomFilter(bytes.view()).may_contain("not-there"));
  bytes[bytes.size() - 1] = std::byte{0};
  CHECK(BloomFilter(bytes.view()).may_contain("not-there"));
}

}  // namespace lsm
