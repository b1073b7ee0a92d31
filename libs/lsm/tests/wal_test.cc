#include <cstdint>
#include <string>
#include <vector>

#include "base/coding.h"
#include "test_support/catch.h"
#include "wal/wal_buffer.h"
#include "wal/wal_object.h"

using lsm::WalBuffer;
using lsm::WriteBatch;
using zerofs::Buffer;
using zerofs::ByteView;
using zerofs::Errc;
using zerofs::Result;

namespace {

// Scrambles bytes with a keystream drawn from the associated data and appends a checksum of
// plain bytes and associated data, so wrong bytes or a wrong object key fail to decode, like
// the real AEAD pipeline.
class TestTransformer final : public lsm::BlockTransformer {
 public:
  Result<void> encode(ByteView plain, ByteView ad, Buffer& out) const override {
    std::uint64_t state = seed(ad);
    for (std::byte b : plain) out.push_back(b ^ std::byte(static_cast<std::uint8_t>(step(state))));
    zerofs::put_u64_le(out, checksum(plain, ad));
    ++encodes;
    return {};
  }
  Result<Buffer> decode(ByteView stored, ByteView ad) const override {
    if (stored.size() < 8) return zerofs::fail(Errc::integrity, "short block");
    Buffer plain;
    std::uint64_t state = seed(ad);
    for (std::byte b : stored.first(stored.size() - 8)) {
      plain.push_back(b ^ std::byte(static_cast<std::uint8_t>(step(state))));
    }
    if (zerofs::decode_u64_le(stored.data() + stored.size() - 8) != checksum(plain, ad)) {
      return zerofs::fail(Errc::integrity, "checksum mismatch");
    }
    return plain;
  }
  mutable int encodes = 0;

 private:
  static std::uint64_t seed(ByteView ad) {
    std::uint64_t h = 1469598103934665603ULL;
    for (std::byte b : ad) h = (h ^ std::to_integer<std::uint64_t>(b)) * 1099511628211ULL;
    return h | 1;
  }
  static std::uint64_t step(std::uint64_t& s) {
    s ^= s << 13;
    s ^= s >> 7;
    s ^= s << 17;
    return s;
  }
  static std::uint64_t checksum(ByteView plain, ByteView ad) {
    std::uint64_t h = seed(ad);
    for (std::byte b : plain) h = (h ^ std::to_integer<std::uint64_t>(b)) * 1099511628211ULL;
    return h;
  }
};

WriteBatch make_batch(std::uint64_t seq, int entries, const std::string& tag) {
  WriteBatch b;
  for (int i = 0; i < entries; ++i) {
    if (i % 4 == 3) {
      b.del(tag + std::to_string(i));
    } else {
      b.put(tag + std::to_string(i), std::string(static_cast<std::size_t>(i * 7), 'x'));
    }
  }
  b.set_sequence(seq);
  return b;
}

std::string hex(ByteView bytes) {
  static const char* digits = "0123456789abcdef";
  std::string out;
  for (std::byte b : bytes) {
    out += digits[std::to_integer<int>(b) >> 4];
    out += digits[std::to_integer<int>(b) & 15];
  }
  return out;
}

Errc decode_error(const Buffer& object, std::uint64_t id = 1) {
  auto r = lsm::decode_wal_object(object, id, lsm::IdentityTransformer{});
  REQUIRE_FALSE(r);
  return r.error().code();
}

// An identity-transformed object with the given payload bytes.
Buffer raw_object(const Buffer& payload) {
  Buffer object;
  zerofs::put_u8(object, lsm::kWalFormatVersion);
  object.append(payload);
  return object;
}

}  // namespace

TEST_CASE("WAL object keys have 20 digits and parse back") {
  CHECK(lsm::wal_object_key(42) == "wal/00000000000000000042");
  CHECK(lsm::wal_object_key(UINT64_MAX) == "wal/18446744073709551615");
  CHECK(lsm::parse_wal_object_key("wal/00000000000000000042") == 42u);
  CHECK(lsm::parse_wal_object_key(lsm::wal_object_key(UINT64_MAX)) == UINT64_MAX);
  CHECK_FALSE(lsm::parse_wal_object_key("wal/0000000000000000042"));
  CHECK_FALSE(lsm::parse_wal_object_key("wal/000000000000000000042"));
  CHECK_FALSE(lsm::parse_wal_object_key("wal/0000000000000000004x"));
  CHECK_FALSE(lsm::parse_wal_object_key("wal/99999999999999999999"));  // > 2^64 - 1
  CHECK_FALSE(lsm::parse_wal_object_key("sst/00000000000000000042"));
  CHECK_FALSE(lsm::parse_wal_object_key("wal/00000000000000000042.sst"));
}

TEST_CASE("WAL object bytes are byte exact") {
  WalBuffer buffer;
  WriteBatch batch;
  batch.put("k", "v");
  batch.set_sequence(7);
  buffer.append(batch);
  auto object = buffer.seal(1, lsm::IdentityTransformer{});
  REQUIRE(object);
  // [version 1][count 1][length 17][batch: seq 7, count 1, put "k" "v"]
  CHECK(hex(object->view()) ==
        "01"
        "01"
        "11"
        "0700000000000000"
        "01000000"
        "01016b0176");
  CHECK(object->size() == 1 + buffer.byte_size());
}

TEST_CASE("WAL buffer round-trips batches through a transformer") {
  TestTransformer transformer;
  WalBuffer buffer;
  CHECK(buffer.empty());
  std::vector<WriteBatch> sent;
  std::uint64_t seq = 100;
  for (int i = 0; i < 200; ++i) {  // > 127 batches: a two-byte count
    sent.push_back(make_batch(seq, 1 + i % 9, "b" + std::to_string(i) + "/"));
    seq += sent.back().count();
    buffer.append(sent.back());
  }
  CHECK(buffer.batch_count() == 200);
  CHECK(buffer.first_sequence() == 100);
  CHECK(buffer.last_sequence() == seq - 1);

  auto object = buffer.seal(77, transformer);
  REQUIRE(object);
  CHECK(std::to_integer<int>((*object)[0]) == lsm::kWalFormatVersion);
  CHECK(object->size() == 1 + buffer.byte_size() + 8);

  auto decoded = lsm::decode_wal_object(*object, 77, transformer);
  REQUIRE(decoded);
  CHECK_FALSE(decoded->fence);
  REQUIRE(decoded->batches.size() == sent.size());
  for (std::size_t i = 0; i < sent.size(); ++i) {
    CHECK(zerofs::bytes_equal(decoded->batches[i].encoded(), sent[i].encoded()));
    CHECK(decoded->batches[i].count() == sent[i].count());
  }

  // Sealing again gives the same bytes; reset starts a fresh object.
  auto again = buffer.seal(77, transformer);
  REQUIRE(again);
  CHECK(*again == *object);
  buffer.reset();
  CHECK(buffer.empty());
  buffer.append(make_batch(seq, 3, "n"));
  auto next = lsm::decode_wal_object(*buffer.seal(78, transformer), 78, transformer);
  REQUIRE(next);
  REQUIRE(next->batches.size() == 1);
  CHECK(next->batches[0].sequence() == seq);
}

TEST_CASE("a zero-length WAL object is a fence") {
  TestTransformer transformer;
  auto decoded = lsm::decode_wal_object(ByteView{}, 5, transformer);
  REQUIRE(decoded);
  CHECK(decoded->fence);
  CHECK(decoded->batches.empty());

  // An object sealed with no batches is not a fence.
  WalBuffer empty;
  auto object = empty.seal(5, transformer);
  REQUIRE(object);
  auto none = lsm::decode_wal_object(*object, 5, transformer);
  REQUIRE(none);
  CHECK_FALSE(none->fence);
  CHECK(none->batches.empty());
}

TEST_CASE("WAL objects are bound to their object key") {
  TestTransformer transformer;
  WalBuffer buffer;
  buffer.append(make_batch(1, 5, "a"));
  auto object = buffer.seal(3, transformer);
  REQUIRE(object);
  auto moved = lsm::decode_wal_object(*object, 4, transformer);
  REQUIRE_FALSE(moved);
  CHECK(moved.error().code() == Errc::integrity);

  Buffer flipped = object->clone();
  flipped[flipped.size() / 2] ^= std::byte{1};
  auto altered = lsm::decode_wal_object(flipped, 3, transformer);
  REQUIRE_FALSE(altered);
  CHECK(altered.error().code() == Errc::integrity);
}

TEST_CASE("corrupt WAL payloads are rejected") {
  const WriteBatch b1 = make_batch(10, 3, "x");
  const WriteBatch b2 = make_batch(13, 2, "y");
  auto payload_of = [](std::uint64_t count, const std::vector<const WriteBatch*>& batches) {
    Buffer p;
    zerofs::put_varint(p, count);
    for (const WriteBatch* b : batches) {
      zerofs::put_varint(p, b->byte_size());
      p.append(b->encoded());
    }
    return p;
  };
  // The well-formed reference decodes.
  REQUIRE(
      lsm::decode_wal_object(raw_object(payload_of(2, {&b1, &b2})), 1, lsm::IdentityTransformer{}));

  SECTION("unknown version") {
    Buffer object = raw_object(payload_of(2, {&b1, &b2}));
    object[0] = std::byte{2};
    CHECK(decode_error(object) == Errc::corrupt);
  }
  SECTION("missing count") { CHECK(decode_error(raw_object(Buffer{})) == Errc::corrupt); }
  SECTION("count larger than the batches") {
    CHECK(decode_error(raw_object(payload_of(3, {&b1, &b2}))) == Errc::corrupt);
  }
  SECTION("absurd count") {
    CHECK(decode_error(raw_object(payload_of(1ULL << 40, {&b1}))) == Errc::corrupt);
  }
  SECTION("trailing bytes") {
    CHECK(decode_error(raw_object(payload_of(1, {&b1, &b2}))) == Errc::corrupt);
  }
  SECTION("truncated") {
    const Buffer good = raw_object(payload_of(2, {&b1, &b2}));
    for (std::size_t n = 1; n < good.size(); ++n) {
      INFO("length " << n);
      CHECK(decode_error(Buffer::copy_of(good.view().first(n))) == Errc::corrupt);
    }
  }
  SECTION("a corrupt batch inside") {
    Buffer p = payload_of(2, {&b1, &b2});
    p[2 + WriteBatch::kHeaderSize] = std::byte{9};  // first entry type of b1
    CHECK(decode_error(raw_object(p)) == Errc::corrupt);
  }
  SECTION("batches out of sequence order") {
    CHECK(decode_error(raw_object(payload_of(2, {&b2, &b1}))) == Errc::corrupt);
    const WriteBatch overlap = make_batch(12, 1, "z");  // b1 covers 10..12
    CHECK(decode_error(raw_object(payload_of(2, {&b1, &overlap}))) == Errc::corrupt);
  }
}
