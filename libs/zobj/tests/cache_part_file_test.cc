// The disk cache's part-file format: round trip, and every kind of damage detected.
#include <cstring>

#include "cache/part_file.h"
#include "store_test_util.h"
#include "test_support/catch.h"

using namespace zobj;
using namespace zobj::cache;

namespace {

PartHeader header_for(std::uint64_t size, std::uint64_t part, std::uint32_t part_size) {
  PartHeader h;
  h.meta.key = "db/sst/01.sst";
  h.meta.etag = "0123456789abcdef";
  h.meta.put_id = "put-1";
  h.meta.size = size;
  h.meta.modified_unix_ms = -5;
  h.part = part;
  h.part_size = part_size;
  h.length = static_cast<std::uint32_t>(part_length(size, part, part_size));
  return h;
}

}  // namespace

TEST_CASE("part lengths follow the object size") {
  CHECK(part_length(10000, 0, 4096) == 4096);
  CHECK(part_length(10000, 2, 4096) == 10000 - 8192);
  CHECK(part_length(10000, 3, 4096) == 0);
  CHECK(part_length(8192, 2, 4096) == 0);
}

TEST_CASE("part headers round-trip and checksums catch damage") {
  const PartHeader h = header_for(10000, 2, 4096);
  const Buffer payload = testing::random_bytes(h.length, 1);
  Buffer head = encode_part_header(h, payload.view());
  auto decoded = decode_part_header(head.view()).value();
  CHECK(decoded.meta.key == h.meta.key);
  CHECK(decoded.meta.etag == h.meta.etag);
  CHECK(decoded.meta.put_id == h.meta.put_id);
  CHECK(decoded.meta.size == 10000);
  CHECK(decoded.meta.modified_unix_ms == -5);
  CHECK(decoded.part == 2);
  CHECK(decoded.part_size == 4096);
  CHECK(decoded.length == h.length);
  CHECK(decoded.header_len == head.size());
  CHECK(verify_part(decoded, head.view(), payload.view()));

  Buffer bad_payload = payload.clone();
  bad_payload[100] ^= std::byte{1};
  CHECK_FALSE(verify_part(decoded, head.view(), bad_payload.view()));
  CHECK_FALSE(verify_part(decoded, head.view(), payload.view().first(payload.size() - 1)));
  for (std::size_t at : {0u, 4u, 17u, 33u, 50u, 60u}) {
    Buffer bad = head.clone();
    bad[at] ^= std::byte{0x10};
    auto d = decode_part_header(bad.view());
    INFO("byte " << at);
    CHECK((!d || !verify_part(*d, bad.view(), payload.view())));
  }
  CHECK(decode_part_header(head.view().first(20)).error().code() == Errc::corrupt);
  CHECK_FALSE(decode_part_header(head.view().first(head.size() - 1)).has_value());
}

TEST_CASE("part file names spread keys and parts") {
  CHECK(part_file_name("a", 0) != part_file_name("a", 1));
  CHECK(part_file_name("a", 0) != part_file_name("b", 0));
  CHECK(part_file_name("a", 0).size() == 2 + 1 + 32);
  CHECK(part_file_name("a", 7) == part_file_name("a", 7));
  CHECK(namespace_dir_name("s3://b/p").size() == 16);
}
