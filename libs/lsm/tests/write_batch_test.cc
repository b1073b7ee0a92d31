#include "lsm/write_batch.h"

#include <string>
#include <tuple>
#include <vector>

#include "test_support/catch.h"

using lsm::ValueType;
using lsm::WriteBatch;
using zerofs::Errc;

namespace {

using Row = std::tuple<ValueType, std::string, std::string>;

std::vector<Row> rows_of(const WriteBatch& batch) {
  std::vector<Row> rows;
  auto r = batch.for_each([&](ValueType t, std::string_view k, std::string_view v) {
    rows.emplace_back(t, std::string(k), std::string(v));
  });
  REQUIRE(r);
  return rows;
}

std::string hex(zerofs::ByteView bytes) {
  static const char* digits = "0123456789abcdef";
  std::string out;
  for (std::byte b : bytes) {
    out += digits[std::to_integer<int>(b) >> 4];
    out += digits[std::to_integer<int>(b) & 15];
  }
  return out;
}

Errc decode_error(const std::string& bytes) {
  auto r = WriteBatch::from_encoded(zerofs::as_bytes(bytes));
  REQUIRE_FALSE(r);
  return r.error().code();
}

}  // namespace

TEST_CASE("an empty write batch is a zeroed header") {
  WriteBatch batch;
  CHECK(batch.empty());
  CHECK(batch.count() == 0);
  CHECK(batch.sequence() == 0);
  CHECK(batch.byte_size() == WriteBatch::kHeaderSize);
  CHECK(hex(batch.encoded()) == "000000000000000000000000");
}

TEST_CASE("write batch encoding is byte exact") {
  WriteBatch batch;
  batch.put("k", "v1");
  batch.del("ab");
  batch.set_sequence(0x0102030405060708ULL);
  CHECK(batch.count() == 2);
  CHECK(batch.sequence() == 0x0102030405060708ULL);
  // [u64 LE seq][u32 LE count] [1][1]"k"[2]"v1" [0][2]"ab"
  CHECK(hex(batch.encoded()) ==
        "0807060504030201"
        "02000000"
        "01016b027631"
        "00026162");
  CHECK(batch.byte_size() == 12 + 6 + 4);
}

TEST_CASE("write batch lengths use varints") {
  WriteBatch batch;
  const std::string key(200, 'x');
  const std::string value(70000, 'y');
  batch.put(key, value);
  // 200 = c8 01; 70000 = f0 a2 04
  const auto bytes = batch.encoded();
  CHECK(std::to_integer<int>(bytes[12]) == 1);
  CHECK(hex(bytes.subspan(13, 2)) == "c801");
  CHECK(hex(bytes.subspan(15 + 200, 3)) == "f0a204");
  CHECK(batch.byte_size() == 12 + 1 + 2 + 200 + 3 + 70000);
  CHECK(rows_of(batch) == std::vector<Row>{{ValueType::value, key, value}});
}

TEST_CASE("for_each visits entries in order, empty keys and values included") {
  WriteBatch batch;
  batch.put("a", "1");
  batch.del("b");
  batch.put("", "");
  batch.put("a", "2");
  CHECK(rows_of(batch) == std::vector<Row>{{ValueType::value, "a", "1"},
                                           {ValueType::deletion, "b", ""},
                                           {ValueType::value, "", ""},
                                           {ValueType::value, "a", "2"}});
}

TEST_CASE("clear empties a batch and resets its sequence") {
  WriteBatch batch;
  batch.put("a", "1");
  batch.set_sequence(9);
  batch.clear();
  CHECK(batch.empty());
  CHECK(batch.sequence() == 0);
  CHECK(batch.byte_size() == WriteBatch::kHeaderSize);
  batch.del("z");
  CHECK(rows_of(batch) == std::vector<Row>{{ValueType::deletion, "z", ""}});
}

TEST_CASE("from_encoded adopts what encoded produced") {
  WriteBatch batch;
  for (int i = 0; i < 100; ++i) {
    if (i % 3 == 0) {
      batch.del("key" + std::to_string(i));
    } else {
      batch.put("key" + std::to_string(i), std::string(static_cast<std::size_t>(i), 'v'));
    }
  }
  batch.set_sequence(12345);
  auto copy = WriteBatch::from_encoded(batch.encoded());
  REQUIRE(copy);
  CHECK(copy->count() == 100);
  CHECK(copy->sequence() == 12345);
  CHECK(zerofs::bytes_equal(copy->encoded(), batch.encoded()));
  CHECK(rows_of(*copy) == rows_of(batch));
  // An adopted batch keeps growing like any other.
  copy->put("more", "x");
  CHECK(copy->count() == 101);
  CHECK(std::get<1>(rows_of(*copy).back()) == "more");
}

TEST_CASE("from_encoded rejects corrupt batches") {
  WriteBatch batch;
  batch.put("key", "value");
  batch.del("gone");
  const std::string good(zerofs::as_chars(batch.encoded()));

  SECTION("shorter than the header") { CHECK(decode_error(good.substr(0, 11)) == Errc::corrupt); }
  SECTION("truncated inside an entry") {
    for (std::size_t n = 12; n < good.size(); ++n) {
      INFO("length " << n);
      CHECK(decode_error(good.substr(0, n)) == Errc::corrupt);
    }
  }
  SECTION("trailing bytes") { CHECK(decode_error(good + "x") == Errc::corrupt); }
  SECTION("count larger than the entries") {
    std::string bad = good;
    bad[8] = 3;
    CHECK(decode_error(bad) == Errc::corrupt);
  }
  SECTION("absurd count") {
    std::string bad = good;
    bad[11] = '\x7f';
    CHECK(decode_error(bad) == Errc::corrupt);
  }
  SECTION("count smaller than the entries") {
    std::string bad = good;
    bad[8] = 1;
    CHECK(decode_error(bad) == Errc::corrupt);
  }
  SECTION("unknown entry type") {
    std::string bad = good;
    bad[12] = 2;
    CHECK(decode_error(bad) == Errc::corrupt);
  }
  SECTION("key length past the end") {
    std::string bad = good;
    bad[13] = 100;
    CHECK(decode_error(bad) == Errc::corrupt);
  }
  SECTION("unterminated varint") {
    std::string bad = good.substr(0, 12) + "\x01\xff\xff";
    bad[8] = 1;
    CHECK(decode_error(bad) == Errc::corrupt);
  }
}
