// Data blocks: exact bytes, round trips, seeks at and between every key, malformed blocks.
#include "format/block_builder.h"

#include <random>
#include <string>
#include <vector>

#include "base/coding.h"
#include "format/block.h"
#include "format/internal_key.h"
#include "test_support/catch.h"

namespace lsm {
namespace {

std::string ikey(std::string_view user, SequenceNumber seq, ValueType t = ValueType::value) {
  return make_internal_key(user, seq, t);
}

struct KV {
  std::string key;
  std::string value;
};

std::shared_ptr<const Block> build(const std::vector<KV>& kvs, int restart_interval = 16) {
  BlockBuilder b(restart_interval);
  for (const auto& kv : kvs) b.add(kv.key, kv.value);
  auto bytes = b.finish();
  auto block = Block::parse(zerofs::Buffer::copy_of(bytes));
  REQUIRE(block);
  return *block;
}

std::vector<KV> make_entries(int n, std::size_t key_pad = 0, std::size_t value_size = 8) {
  std::vector<KV> kvs;
  for (int i = 0; i < n; ++i) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "user%06d", i * 2);  // odd numbers fall between keys
    std::string user = std::string(key_pad, 'p') + buf;
    kvs.push_back({ikey(user, 100 + i), std::string(value_size, static_cast<char>('a' + i % 26))});
  }
  return kvs;
}

}  // namespace

TEST_CASE("block layout matches the frozen format byte for byte", "[block]") {
  BlockBuilder b(2);
  const std::string k1 = ikey("ab", 1), k2 = ikey("ac", 2), k3 = ikey("b", 3);
  b.add(k1, "x");
  b.add(k2, "");
  b.add(k3, "yz");
  const auto bytes = b.finish();

  zerofs::Buffer want;
  auto entry = [&](std::uint8_t shared, std::string_view key_delta, std::string_view value) {
    zerofs::put_varint(want, shared);
    zerofs::put_varint(want, key_delta.size());
    zerofs::put_varint(want, value.size());
    want.append(key_delta);
    want.append(value);
  };
  entry(0, k1, "x");
  entry(1, std::string_view(k2).substr(1), "");  // shares "a"
  const std::uint32_t restart1 = static_cast<std::uint32_t>(want.size());
  entry(0, k3, "yz");  // third entry: a restart point
  zerofs::put_u32_le(want, 0);
  zerofs::put_u32_le(want, restart1);
  zerofs::put_u32_le(want, 2);
  CHECK(zerofs::bytes_equal(bytes, want.view()));
  CHECK(b.size_estimate() == want.size());
}

TEST_CASE("empty block has one restart and no entries", "[block]") {
  BlockBuilder b;
  CHECK(b.empty());
  const auto bytes = b.finish();
  REQUIRE(bytes.size() == 8);
  auto block = Block::parse(zerofs::Buffer::copy_of(bytes));
  REQUIRE(block);
  CHECK((*block)->empty());
  BlockIter it(block->get());
  it.seek_to_first();
  CHECK_FALSE(it.valid());
  it.seek(ikey("a", 1));
  CHECK_FALSE(it.valid());
  CHECK(it.status());
}

TEST_CASE("block round trip across restart boundaries", "[block]") {
  for (int n : {1, 15, 16, 17, 32, 33, 100, 1000}) {
    for (int interval : {1, 2, 16}) {
      INFO("n=" << n << " interval=" << interval);
      const auto kvs = make_entries(n);
      auto block = build(kvs, interval);
      CHECK(block->num_restarts() == static_cast<std::uint32_t>((n + interval - 1) / interval));

      BlockIter it(block.get());
      it.seek_to_first();
      for (const auto& kv : kvs) {
        REQUIRE(it.valid());
        CHECK(it.key() == kv.key);
        CHECK(it.value() == kv.value);
        it.next();
      }
      CHECK_FALSE(it.valid());
      CHECK(it.status());
    }
  }
}

TEST_CASE("block seek finds every key and lands after keys between entries", "[block]") {
  const auto kvs = make_entries(300);
  auto block = build(kvs);
  BlockIter it(block.get());
  for (std::size_t i = 0; i < kvs.size(); ++i) {
    it.seek(kvs[i].key);
    REQUIRE(it.valid());
    CHECK(it.key() == kvs[i].key);

    // Same user key, newer sequence: sorts before the entry, so the seek lands on it.
    const std::string user(extract_user_key(kvs[i].key));
    it.seek(ikey(user, extract_sequence(kvs[i].key) + 1));
    REQUIRE(it.valid());
    CHECK(it.key() == kvs[i].key);

    // Same user key, older sequence: sorts after the entry.
    it.seek(ikey(user, extract_sequence(kvs[i].key) - 1));
    if (i + 1 < kvs.size()) {
      REQUIRE(it.valid());
      CHECK(it.key() == kvs[i + 1].key);
    } else {
      CHECK_FALSE(it.valid());
    }

    // A user key strictly between this entry and the next.
    char between[32];
    std::snprintf(between, sizeof between, "user%06zu", i * 2 + 1);
    it.seek(ikey(between, kMaxSequence));
    if (i + 1 < kvs.size()) {
      REQUIRE(it.valid());
      CHECK(it.key() == kvs[i + 1].key);
    } else {
      CHECK_FALSE(it.valid());
    }
  }
  it.seek(ikey("a", 1));  // before everything
  REQUIRE(it.valid());
  CHECK(it.key() == kvs.front().key);
  it.seek(ikey("z", 1));  // after everything
  CHECK_FALSE(it.valid());
  CHECK(it.status());
}

TEST_CASE("block keeps many versions of one user key in sequence order", "[block]") {
  std::vector<KV> kvs;
  for (SequenceNumber seq = 50; seq >= 1; --seq) {
    kvs.push_back({ikey("same", seq, seq % 3 == 0 ? ValueType::deletion : ValueType::value),
                   std::to_string(seq)});
  }
  auto block = build(kvs);
  BlockIter it(block.get());
  it.seek(ikey("same", 25));
  REQUIRE(it.valid());
  CHECK(extract_sequence(it.key()) == 25);
  it.seek(ikey("same", kMaxSequence));
  REQUIRE(it.valid());
  CHECK(extract_sequence(it.key()) == 50);
  it.seek(ikey("same", 0));
  CHECK_FALSE(it.valid());
}

TEST_CASE("block handles empty values, long keys and multi-byte varints", "[block]") {
  std::vector<KV> kvs;
  std::mt19937 rng(7);
  for (int i = 0; i < 200; ++i) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "%05d", i);
    const std::string user = buf + std::string(300 + rng() % 5000, 'L');
    const std::size_t vlen = (i % 4 == 0) ? 0 : rng() % 70000;
    kvs.push_back({ikey(user, 9), std::string(vlen, static_cast<char>(i))});
  }
  auto block = build(kvs);
  BlockIter it(block.get());
  it.seek_to_first();
  for (const auto& kv : kvs) {
    REQUIRE(it.valid());
    CHECK(it.key() == kv.key);
    CHECK(it.value() == kv.value);
    it.next();
  }
  CHECK_FALSE(it.valid());
  for (std::size_t i = 0; i < kvs.size(); i += 7) {
    it.seek(kvs[i].key);
    REQUIRE(it.valid());
    CHECK(it.value() == kvs[i].value);
  }
}

TEST_CASE("builder reuses itself after reset", "[block]") {
  BlockBuilder b;
  const auto first = make_entries(40);
  for (const auto& kv : first) b.add(kv.key, kv.value);
  const zerofs::Buffer one = zerofs::Buffer::copy_of(b.finish());
  b.reset();
  CHECK(b.empty());
  for (const auto& kv : first) b.add(kv.key, kv.value);
  CHECK(zerofs::bytes_equal(b.finish(), one.view()));
}

TEST_CASE("malformed blocks are rejected without reading outside them", "[block]") {
  SECTION("too short or impossible restart count") {
    CHECK(Block::parse(zerofs::Buffer::copy_of(std::string_view("\x01\x00", 2))).error().code() ==
          zerofs::Errc::corrupt);
    zerofs::Buffer b;
    zerofs::put_u32_le(b, 1000);
    CHECK(Block::parse(std::move(b)).error().code() == zerofs::Errc::corrupt);
    zerofs::Buffer zero;
    zerofs::put_u32_le(zero, 0);
    CHECK_FALSE(Block::parse(std::move(zero)));
  }
  SECTION("an entry whose lengths overrun the block") {
    BlockBuilder builder;
    builder.add(ikey("key", 1), "value");
    zerofs::Buffer bytes = zerofs::Buffer::copy_of(builder.finish());
    bytes[2] = std::byte{100};  // value_len far past the entries
    auto block = Block::parse(std::move(bytes));
    REQUIRE(block);
    BlockIter it(block->get());
    it.seek_to_first();
    CHECK_FALSE(it.valid());
    CHECK(it.corrupt());
    CHECK(it.status().error().code() == zerofs::Errc::corrupt);
    it.seek(ikey("key", 1));
    CHECK_FALSE(it.valid());
  }
  SECTION("a restart entry that claims shared bytes") {
    const auto kvs = make_entries(40);
    BlockBuilder builder;
    for (const auto& kv : kvs) builder.add(kv.key, kv.value);
    zerofs::Buffer bytes = zerofs::Buffer::copy_of(builder.finish());
    auto parsed = Block::parse(bytes.clone());
    REQUIRE(parsed);
    // The second restart entry starts at restart_point(1); give it a non-zero `shared`.
    const std::size_t restarts = bytes.size() - 4 - 4 * (*parsed)->num_restarts();
    const std::uint32_t r1 = zerofs::decode_u32_le(bytes.data() + restarts + 4);
    bytes[r1] = std::byte{3};
    auto block = Block::parse(std::move(bytes));
    REQUIRE(block);
    BlockIter it(block->get());
    it.seek(kvs[30].key);
    CHECK_FALSE(it.valid());
    CHECK(it.corrupt());
  }
}

}  // namespace lsm
