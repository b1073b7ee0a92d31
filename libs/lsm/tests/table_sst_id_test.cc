// SstId: ULID text form, parsing, monotonic generation, object keys.
#include <chrono>
#include <set>

#include "table/sst_info.h"
#include "test_support/catch.h"

namespace lsm {

TEST_CASE("sst ids print as 26 Crockford base32 characters", "[sst_id]") {
  SstId zero;
  CHECK(zero.to_string() == "00000000000000000000000000");
  SstId ones;
  ones.bytes.fill(0xff);
  CHECK(ones.to_string() == "7ZZZZZZZZZZZZZZZZZZZZZZZZZ");
  SstId one;
  one.bytes[15] = 1;
  CHECK(one.to_string() == "00000000000000000000000001");
  SstId high;
  high.bytes[0] = 0x80;  // the top bit: 0b100 in the first (3-bit) digit
  CHECK(high.to_string() == "40000000000000000000000000");
}

TEST_CASE("sst id parsing round-trips and rejects malformed text", "[sst_id]") {
  SstId id;
  REQUIRE(SstId::parse("01ARZ3NDEKTSV4RRFFQ69G5FAV", &id));  // the ULID spec's example
  CHECK(id.to_string() == "01ARZ3NDEKTSV4RRFFQ69G5FAV");
  // The first 10 digits are the 48-bit millisecond time.
  std::uint64_t ms = 0;
  for (int i = 0; i < 6; ++i) ms = (ms << 8) | id.bytes[i];
  CHECK(ms == 1469922850259ULL);

  SstId lower;
  REQUIRE(SstId::parse("01arz3ndektsv4rrffq69g5fav", &lower));
  CHECK(lower == id);

  SstId out;
  CHECK_FALSE(SstId::parse("", &out));
  CHECK_FALSE(SstId::parse("01ARZ3NDEKTSV4RRFFQ69G5FA", &out));    // 25 characters
  CHECK_FALSE(SstId::parse("01ARZ3NDEKTSV4RRFFQ69G5FAVV", &out));  // 27
  CHECK_FALSE(SstId::parse("01ARZ3NDEKTSV4RRFFQ69G5FAU", &out));   // U is not in the alphabet
  CHECK_FALSE(SstId::parse("81ARZ3NDEKTSV4RRFFQ69G5FAV", &out));   // overflows 128 bits
}

TEST_CASE("generated ids are unique, increasing and carry the time", "[sst_id]") {
  const auto now_ms =
      static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                     std::chrono::system_clock::now().time_since_epoch())
                                     .count());
  SstId prev = SstId::generate();
  std::uint64_t ms = 0;
  for (int i = 0; i < 6; ++i) ms = (ms << 8) | prev.bytes[i];
  CHECK(ms >= now_ms);
  CHECK(ms < now_ms + 60'000);
  for (int i = 0; i < 20000; ++i) {
    const SstId next = SstId::generate();
    REQUIRE(prev < next);
    REQUIRE(prev.to_string() < next.to_string());  // text order is id order
    prev = next;
  }
  SstId parsed;
  REQUIRE(SstId::parse(prev.to_string(), &parsed));
  CHECK(parsed == prev);
}

TEST_CASE("sst object keys live under sst/", "[sst_id]") {
  SstId id;
  REQUIRE(SstId::parse("01ARZ3NDEKTSV4RRFFQ69G5FAV", &id));
  CHECK(id.object_key() == "sst/01ARZ3NDEKTSV4RRFFQ69G5FAV.sst");
}

}  // namespace lsm
