// Record marking (RFC 5531 §11): fragmented input, byte-at-a-time input, oversized and
// truncated records, and the multi-fragment encoder.
#include "nfs3/wire/record.h"

#include <string>

#include "test_hex.h"
#include "test_support/catch.h"

using namespace nfs3::wire;
using nfs3::testing::hex;
using nfs3::testing::unhex;

namespace {
// Feeds `stream` in chunks of `chunk` bytes and collects the records.
std::vector<std::string> split(ByteView stream, std::size_t chunk, std::size_t max,
                               bool* too_large = nullptr) {
  RecordReader reader(max);
  std::vector<std::string> out;
  while (!stream.empty()) {
    ByteView piece = stream.first(std::min(chunk, stream.size()));
    stream = stream.subspan(piece.size());
    while (true) {
      const auto st = reader.next(piece);
      if (st == RecordReader::Status::too_large) {
        if (too_large) *too_large = true;
        return out;
      }
      if (st == RecordReader::Status::need_more) break;
      out.emplace_back(reader.take_record().chars());
    }
  }
  return out;
}
}  // namespace

TEST_CASE("records split from a stream in any chunking") {
  // "hello" in one fragment; "abc"+"defg" in two fragments; an empty record; "z".
  const Buffer stream = unhex(
      "80000005 68656c6c6f "
      "00000003 616263 80000004 64656667 "
      "80000000 "
      "00000000 80000001 7a");
  for (std::size_t chunk : {1, 2, 3, 5, 7, 64}) {
    INFO("chunk " << chunk);
    const auto records = split(stream.view(), chunk, 1024);
    REQUIRE(records.size() == 4);
    CHECK(records[0] == "hello");
    CHECK(records[1] == "abcdefg");
    CHECK(records[2].empty());
    CHECK(records[3] == "z");
  }
}

TEST_CASE("a record over the limit is refused, also when only its fragments add up") {
  bool too_large = false;
  const Buffer one = unhex("80000011");  // 17 bytes claimed, limit 16
  CHECK(split(one.view(), 64, 16, &too_large).empty());
  CHECK(too_large);

  too_large = false;
  const Buffer two = unhex("0000000a 00000000000000000000 8000000a");
  CHECK(split(two.view(), 64, 16, &too_large).empty());
  CHECK(too_large);

  too_large = false;
  const Buffer exact = unhex("00000008 0000000000000000 80000008 0000000000000000");
  CHECK(split(exact.view(), 3, 16, &too_large).size() == 1);
  CHECK_FALSE(too_large);

  RecordReader reader(4);
  ByteView input = one.view();
  CHECK(reader.next(input) == RecordReader::Status::too_large);
  ByteView more = unhex("80000000").view();
  CHECK(reader.next(more) == RecordReader::Status::too_large);  // sticky
}

TEST_CASE("a truncated record stays pending") {
  RecordReader reader(1024);
  const Buffer partial = unhex("80000008 01020304");
  ByteView input = partial.view();
  CHECK(reader.next(input) == RecordReader::Status::need_more);
  CHECK(input.empty());
  CHECK(reader.mid_record());

  RecordReader header_only(1024);
  const Buffer two = unhex("8000");
  ByteView in2 = two.view();
  CHECK(header_only.next(in2) == RecordReader::Status::need_more);
  CHECK(header_only.mid_record());

  RecordReader fresh(1024);
  CHECK_FALSE(fresh.mid_record());
}

TEST_CASE("end_record writes one fragment or several") {
  Buffer out;
  std::size_t mark = begin_record(out);
  out.append(std::string_view("abcdefghij"));
  end_record(out, mark);
  CHECK(hex(out.view()) == "8000000a6162636465666768696a");

  Buffer split_out;
  split_out.append(std::string_view("XY"));  // bytes before the record are untouched
  mark = begin_record(split_out);
  split_out.append(std::string_view("abcdefghij"));
  end_record(split_out, mark, 4);
  CHECK(hex(split_out.view()) ==
        "5859"
        "00000004"
        "61626364"
        "00000004"
        "65666768"
        "80000002"
        "696a");

  Buffer exact;
  mark = begin_record(exact);
  exact.append(std::string_view("abcdefgh"));
  end_record(exact, mark, 4);
  CHECK(hex(exact.view()) == "00000004616263648000000465666768");

  // Round trip through the reader.
  const auto records = split(split_out.view().subspan(2), 3, 64);
  REQUIRE(records.size() == 1);
  CHECK(records[0] == "abcdefghij");
}
