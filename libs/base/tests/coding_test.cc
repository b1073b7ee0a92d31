#include "base/coding.h"

#include <limits>

#include "test_support/catch.h"

using namespace zerofs;

TEST_CASE("big-endian integers sort like numbers") {
  Buffer a, b;
  put_u64_be(a, 255);
  put_u64_be(b, 256);
  CHECK(a.chars() < b.chars());
  CHECK(decode_u64_be(a.data()) == 255);
  CHECK(decode_u64_be(b.data()) == 256);
  CHECK(std::to_integer<int>(b[6]) == 1);
}

TEST_CASE("little-endian fixed integers round-trip") {
  Buffer b;
  put_u16_le(b, 0xbeef);
  put_u32_le(b, 0xdeadbeef);
  put_u64_le(b, 0x0123456789abcdefULL);
  REQUIRE(b.size() == 14);
  CHECK(std::to_integer<int>(b[0]) == 0xef);
  CHECK(decode_u16_le(b.data()) == 0xbeef);
  CHECK(decode_u32_le(b.data() + 2) == 0xdeadbeef);
  CHECK(decode_u64_le(b.data() + 6) == 0x0123456789abcdefULL);
}

TEST_CASE("varints round-trip and reject truncation") {
  const std::uint64_t values[] = {
      0, 1, 127, 128, 300, 1ULL << 35, std::numeric_limits<std::uint64_t>::max()};
  Buffer b;
  for (auto v : values) put_varint(b, v);
  const std::byte* p = b.data();
  const std::byte* end = b.data() + b.size();
  for (auto v : values) {
    auto got = get_varint(&p, end);
    REQUIRE(got);
    CHECK(*got == v);
  }
  CHECK(p == end);

  Buffer t;
  put_varint(t, 1ULL << 40);
  const std::byte* q = t.data();
  CHECK_FALSE(get_varint(&q, t.data() + t.size() - 1));
}
