// Conformance checks of single-object operations: bytes, ranges, metadata, keys.
#include "conformance.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <set>

#include "conformance_util.h"

namespace zobj::conformance {

using namespace detail;

namespace {

std::int64_t now_unix_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

void round_trip(const BucketFactory& factory) {
  Fixture f(factory);
  Buffer data = random_bytes(1000, 1);
  data[0] = std::byte{0};
  data[999] = std::byte{0};
  const std::int64_t before = now_unix_ms();
  const ObjectMeta put = ok(f.sync.put("conf/round/trip.bin", data));
  CHECK(put.key == "conf/round/trip.bin");
  CHECK(put.size == 1000);
  CHECK_FALSE(put.etag.empty());
  CHECK_FALSE(put.put_id.empty());

  const GetResult got = ok(f.sync.get("conf/round/trip.bin"));
  CHECK(got.data == data);
  CHECK(got.meta.size == 1000);
  CHECK(got.meta.etag == put.etag);
  CHECK(got.meta.put_id == put.put_id);

  const ObjectMeta head = ok(f.sync.head("conf/round/trip.bin"));
  CHECK(head.key == "conf/round/trip.bin");
  CHECK(head.size == 1000);
  CHECK(head.etag == put.etag);
  CHECK(head.put_id == put.put_id);
  // Generous: remote stores have their own clocks and second granularity.
  CHECK(head.modified_unix_ms > before - 600'000);
  CHECK(head.modified_unix_ms < now_unix_ms() + 600'000);

  ok(f.sync.del("conf/round/trip.bin"));
  expect_error(f.sync.get("conf/round/trip.bin"), Errc::not_found);
  expect_error(f.sync.head("conf/round/trip.bin"), Errc::not_found);
}

void empty_object(const BucketFactory& factory) {
  Fixture f(factory);
  const ObjectMeta put = ok(f.sync.put("empty", ByteView{}));
  CHECK(put.size == 0);
  const GetResult got = ok(f.sync.get("empty"));
  CHECK(got.data.empty());
  CHECK(got.meta.size == 0);
  CHECK(ok(f.sync.head("empty")).size == 0);
  CHECK(ok(f.sync.get("empty", ByteRange{0, 10})).data.empty());
  const auto listed = ok(f.sync.list_all(""));
  REQUIRE(listed.size() == 1);
  CHECK(listed[0].key == "empty");
  CHECK(listed[0].size == 0);
}

void large_object(const BucketFactory& factory) {
  Fixture f(factory);
  const std::size_t size = 8 << 20;
  const Buffer data = random_bytes(size, 8);
  CHECK(ok(f.sync.put("big/object", data)).size == size);
  const GetResult got = ok(f.sync.get("big/object"));
  CHECK(got.data.size() == size);
  CHECK(got.data == data);
  const std::uint64_t offset = (3 << 20) + 5;
  const GetResult part = ok(f.sync.get("big/object", ByteRange{offset, 1 << 20}));
  CHECK(part.meta.size == size);
  CHECK(zerofs::bytes_equal(part.data.view(), data.view().subspan(offset, 1 << 20)));
  CHECK(ok(f.sync.head("big/object")).size == size);
}

void ranged_get(const BucketFactory& factory) {
  Fixture f(factory);
  Buffer data(100);
  for (std::size_t i = 0; i < 100; ++i) data[i] = static_cast<std::byte>(i);
  ok(f.sync.put("range", data));
  struct Case {
    ByteRange range;
    std::size_t first;
    std::size_t length;
  };
  const Case cases[] = {
      {{10, 20}, 10, 20}, {{0, 100}, 0, 100}, {{0, 1000}, 0, 100}, {{90, 50}, 90, 10},
      {{99, 1}, 99, 1},   {{100, 5}, 0, 0},   {{1000, 5}, 0, 0},   {{50, 0}, 0, 0},
  };
  for (const Case& c : cases) {
    INFO("range " << c.range.offset << "+" << c.range.length);
    const GetResult got = ok(f.sync.get("range", c.range));
    CHECK(got.meta.size == 100);
    CHECK(zerofs::bytes_equal(got.data.view(), data.view().subspan(c.first, c.length)));
  }
}

void missing_keys(const BucketFactory& factory) {
  Fixture f(factory);
  expect_error(f.sync.get("missing/key"), Errc::not_found);
  expect_error(f.sync.get("missing/key", ByteRange{0, 10}), Errc::not_found);
  expect_error(f.sync.head("missing/key"), Errc::not_found);
  ok(f.sync.del("missing/key"));
  ok(f.sync.put("present", "x"));
  ok(f.sync.del("present"));
  ok(f.sync.del("present"));
  expect_error(f.sync.head("present"), Errc::not_found);
  const ListPage page = ok(f.sync.list("", "", 10));
  CHECK(page.objects.empty());
  CHECK(page.next_start_after.empty());
}

void overwrite_changes_etag(const BucketFactory& factory) {
  Fixture f(factory);
  const ObjectMeta first = ok(f.sync.put("k", "same"));
  const ObjectMeta second = ok(f.sync.put("k", "same"));
  if (!f.bucket.etag_is_content_digest) CHECK(second.etag != first.etag);
  CHECK(second.put_id != first.put_id);
  const ObjectMeta third = ok(f.sync.put("k", "other bytes"));
  CHECK(third.etag != second.etag);
  const GetResult got = ok(f.sync.get("k"));
  CHECK(to_string(got.data) == "other bytes");
  CHECK(got.meta.etag == third.etag);
  CHECK(ok(f.sync.head("k")).etag == third.etag);
}

void put_id_round_trip(const BucketFactory& factory) {
  Fixture f(factory);
  PutOptions options;
  options.put_id = "writer-1.epoch-7:wal/42";
  CHECK(ok(f.sync.put("id/key", "x", options)).put_id == options.put_id);
  CHECK(ok(f.sync.head("id/key")).put_id == options.put_id);
  CHECK(ok(f.sync.get("id/key")).meta.put_id == options.put_id);

  const ObjectMeta generated = ok(f.sync.put("id/key", "y"));
  CHECK(generated.put_id.size() == 32);
  CHECK(generated.put_id != options.put_id);
  CHECK(ok(f.sync.head("id/key")).put_id == generated.put_id);

  PutOptions bad;
  bad.put_id = "has space";
  expect_error(f.sync.put("id/key", "z", bad), Errc::invalid_argument);
  bad.put_id = std::string(kMaxPutIdBytes + 1, 'p');
  expect_error(f.sync.put("id/key", "z", bad), Errc::invalid_argument);
  CHECK(f.sync.text("id/key") == "y");
}

void nested_keys(const BucketFactory& factory) {
  Fixture f(factory);
  const std::vector<std::string> keys = {
      "x/y", "x/y/z", "x/y/z/w", "p%25/q%", "\xc3\xbc/\xc3\x9f", "sp ace/t", "a:b", "dot.dot/..x"};
  for (const auto& key : keys) ok(f.sync.put(key, "v:" + key));
  for (const auto& key : keys) CHECK(f.sync.text(key) == "v:" + key);

  ok(f.sync.del("x/y/z/w"));
  CHECK(keys_of(ok(f.sync.list_all("x/"))) == std::vector<std::string>{"x/y", "x/y/z"});
  ok(f.sync.del("x/y/z"));
  ok(f.sync.del("x/y"));
  CHECK(ok(f.sync.list_all("x")).empty());
  // Directories left behind by deletes must not disturb listing or later puts.
  ok(f.sync.put("x/y/z/w", "again"));
  CHECK(keys_of(ok(f.sync.list_all("x"))) == std::vector<std::string>{"x/y/z/w"});
  ok(f.sync.del("x/y/z/w"));
  std::vector<std::string> rest(keys.begin() + 3, keys.end());
  std::sort(rest.begin(), rest.end());
  CHECK(keys_of(ok(f.sync.list_all(""))) == rest);

  // A key of the maximum length, in segments a file system accepts.
  std::string longest;
  while (longest.size() + 201 <= kMaxKeyBytes) longest += std::string(200, 'L') + "/";
  longest += std::string(kMaxKeyBytes - longest.size(), 'e');
  REQUIRE(longest.size() == kMaxKeyBytes);
  ok(f.sync.put(longest, "long"));
  CHECK(f.sync.text(longest) == "long");
}

void invalid_keys(const BucketFactory& factory) {
  Fixture f(factory);
  const std::vector<std::string> bad = {"",
                                        "/a",
                                        "a/",
                                        "a//b",
                                        ".",
                                        "..",
                                        "./a",
                                        "a/.",
                                        "a/../b",
                                        std::string("a\0b", 3),
                                        std::string(kMaxKeyBytes + 1, 'k'),
                                        "\xff\xfe",
                                        "\xc0\xaf"};
  for (const auto& key : bad) {
    INFO("key '" << key << "'");
    expect_error(f.sync.put(key, "x"), Errc::invalid_argument);
    expect_error(f.sync.put(key, "x", PutOptions::create()), Errc::invalid_argument);
    expect_error(f.sync.get(key), Errc::invalid_argument);
    expect_error(f.sync.head(key), Errc::invalid_argument);
    expect_error(f.sync.del(key), Errc::invalid_argument);
  }
  CHECK(ok(f.sync.list_all("")).empty());
}

}  // namespace zobj::conformance
