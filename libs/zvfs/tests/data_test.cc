// The data path: chunked reads and writes, sparse files, truncation, punch_hole and
// write_zeroes, large deletes through tombstones, quota.
#include <random>

#include "test_util.h"

using namespace zvfs;
using namespace zvfs::testing;

namespace {

std::string pattern(std::size_t n, unsigned seed) {
  std::string s(n, '\0');
  std::mt19937 rng(seed);
  for (auto& c : s) c = static_cast<char>('a' + rng() % 26);
  return s;
}

SetAttr resize(std::uint64_t size) {
  SetAttr s;
  s.size = size;
  return s;
}

std::string read_all(FsFixture& t, Ino ino, std::uint64_t offset, std::uint64_t length) {
  auto r = t->read(root_cred(), ino, offset, length);
  REQUIRE(r);
  return str(r->data);
}

}  // namespace

TEST_CASE("data: writes and reads across chunk boundaries") {
  FsFixture t;
  const Attr f = t.file(kRootIno, "f");
  std::string model;
  std::mt19937 rng(7);
  for (int i = 0; i < 60; ++i) {
    const std::uint64_t offset = rng() % (3 * kChunkSize + 100);
    const std::string data = pattern(1 + rng() % (kChunkSize + 50), static_cast<unsigned>(i));
    auto written = t->write(root_cred(), f.ino, offset, bytes(data));
    REQUIRE(written);
    if (model.size() < offset + data.size()) model.resize(offset + data.size(), '\0');
    model.replace(offset, data.size(), data);
    CHECK(written->size == model.size());
  }
  CHECK(diff(t.content(f.ino), model) == "");
  // Reads at arbitrary offsets and lengths, and past the end.
  for (int i = 0; i < 40; ++i) {
    const std::uint64_t offset = rng() % (model.size() + 10);
    const std::uint64_t length = rng() % (2 * kChunkSize);
    auto r = t->read(root_cred(), f.ino, offset, length);
    REQUIRE(r);
    const std::string expect = offset < model.size() ? model.substr(offset, length) : "";
    CHECK(diff(str(r->data), expect) == "");
    CHECK(r->eof == (offset + length >= model.size()));
  }
  t.reopen();
  CHECK(diff(t.content(f.ino), model) == "");
  t.expect_clean();
}

TEST_CASE("data: sparse files read zeros and store no chunks for holes") {
  FsFixture t;
  const Attr f = t.file(kRootIno, "sparse");
  const std::uint64_t far = 1000 * kChunkSize + 5;
  REQUIRE(t->write(root_cred(), f.ino, far, bytes("end")));
  CHECK(t.attr(f.ino).size == far + 3);
  CHECK(read_all(t, f.ino, 0, 10) == std::string(10, '\0'));
  CHECK(read_all(t, f.ino, far - 2, 5) == std::string("\0\0end", 5));
  auto report = t->check();
  REQUIRE(report);
  CHECK(report->chunks == 1);
  // A 64-bit offset works: a huge sparse file.
  const Attr big = t.file(kRootIno, "big");
  const std::uint64_t huge = std::uint64_t{1} << 50;
  REQUIRE(t->write(root_cred(), big.ino, huge, bytes("x")));
  CHECK(t.attr(big.ino).size == huge + 1);
  CHECK(read_all(t, big.ino, huge - 1, 2) == std::string("\0x", 2));
  CHECK(code_of(t->write(root_cred(), big.ino, kMaxFileSize, bytes("x"))) == Errc::file_too_large);
  // Writing zeros over data deletes the chunk.
  REQUIRE(t->write(root_cred(), f.ino, far, bytes(std::string(3, '\0'))));
  report = t->check();
  REQUIRE(report);
  CHECK(report->chunks == 1);  // only big's chunk
  t.expect_clean();
}

TEST_CASE("data: truncate shrinks, zeroes the tail and extends with zeros") {
  FsFixture t;
  const std::string data = pattern(3 * kChunkSize + 1000, 1);
  const Attr f = t.file(kRootIno, "f", data);
  REQUIRE(t->setattr(root_cred(), f.ino, resize(kChunkSize + 10)));
  CHECK(t.content(f.ino) == data.substr(0, kChunkSize + 10));
  t.expect_clean();  // no chunk or stored byte past the end
  // Growing again must not resurrect the old bytes.
  REQUIRE(t->setattr(root_cred(), f.ino, resize(3 * kChunkSize)));
  const std::string grown = t.content(f.ino);
  CHECK(grown.substr(0, kChunkSize + 10) == data.substr(0, kChunkSize + 10));
  CHECK(grown.substr(kChunkSize + 10) == std::string(2 * kChunkSize - 10, '\0'));
  REQUIRE(t->setattr(root_cred(), f.ino, resize(0)));
  CHECK(t.attr(f.ino).size == 0);
  t.expect_clean();
  CHECK(code_of(t->setattr(root_cred(), kRootIno, resize(0))) == Errc::is_a_directory);
}

TEST_CASE("data: a large truncate steps down in batches and stays consistent") {
  FilesystemConfig config = test_config(zobj::MemoryStore::create());
  config.delete_batch_chunks = 8;
  FsFixture t(config);
  const Attr f = t.file(kRootIno, "f");
  // Dense region, a hole, more data: 100 chunks with gaps.
  for (std::uint64_t i = 0; i < 100; ++i) {
    if (i % 10 < 7) {
      REQUIRE(t->write(root_cred(), f.ino, i * kChunkSize, bytes(pattern(kChunkSize, 9))));
    }
  }
  REQUIRE(t->write(root_cred(), f.ino, 5000 * kChunkSize, bytes("tail")));
  const std::uint64_t keep = 3 * kChunkSize + 17;
  REQUIRE(t->setattr(root_cred(), f.ino, resize(keep)));
  CHECK(t.attr(f.ino).size == keep);
  auto report = t->check();
  REQUIRE(report);
  INFO(report->summary());
  CHECK(report->clean());
  CHECK(report->chunks == 4);
  CHECK(report->file_bytes == keep);
  REQUIRE(t->setattr(root_cred(), f.ino, resize(10 * kChunkSize)));
  CHECK(read_all(t, f.ino, keep, 10 * kChunkSize) == std::string(10 * kChunkSize - keep, '\0'));
  t.expect_clean();
}

TEST_CASE("data: punch_hole deallocates without changing the size") {
  FsFixture t;
  const std::string data = pattern(5 * kChunkSize, 3);
  const Attr f = t.file(kRootIno, "f", data);
  REQUIRE(t->punch_hole(root_cred(), f.ino, 100, 3 * kChunkSize));
  std::string expect = data;
  std::fill(expect.begin() + 100, expect.begin() + 100 + 3 * kChunkSize, '\0');
  CHECK(t.attr(f.ino).size == data.size());
  CHECK(diff(t.content(f.ino), expect) == "");
  auto report = t->check();
  REQUIRE(report);
  CHECK(report->chunks == 3);  // chunks 1 and 2 are gone; 0 and 3 are partial; 4 intact
  // Past the end: nothing happens.
  REQUIRE(t->punch_hole(root_cred(), f.ino, 10 * kChunkSize, 100));
  CHECK(t.attr(f.ino).size == data.size());
  t.expect_clean();
}

TEST_CASE("data: write_zeroes zeroes and may extend") {
  FsFixture t;
  const std::string data = pattern(2 * kChunkSize, 4);
  const Attr f = t.file(kRootIno, "f", data);
  REQUIRE(t->write_zeroes(root_cred(), f.ino, kChunkSize - 5, 10));
  std::string expect = data;
  std::fill(expect.begin() + kChunkSize - 5, expect.begin() + kChunkSize + 5, '\0');
  CHECK(diff(t.content(f.ino), expect) == "");
  REQUIRE(t->write_zeroes(root_cred(), f.ino, 2 * kChunkSize - 1, 2 * kChunkSize));
  expect[2 * kChunkSize - 1] = '\0';
  expect.resize(4 * kChunkSize - 1, '\0');
  CHECK(t.attr(f.ino).size == expect.size());
  CHECK(diff(t.content(f.ino), expect) == "");
  t.expect_clean();
}

TEST_CASE("data: deleting a large file leaves a tombstone that drains") {
  FilesystemConfig config = test_config(zobj::MemoryStore::create());
  config.inline_delete_chunks = 4;
  config.delete_batch_chunks = 3;
  FsFixture t(config);
  const Attr f = t.file(kRootIno, "big");
  for (std::uint64_t i = 0; i < 20; ++i) {
    REQUIRE(t->write(root_cred(), f.ino, i * kChunkSize, bytes(pattern(100, 5))));
  }
  REQUIRE(t->write(root_cred(), f.ino, 400 * kChunkSize, bytes("far")));
  const Attr small = t.file(kRootIno, "small", pattern(3 * kChunkSize, 6));
  REQUIRE(t->unlink(root_cred(), kRootIno, "small"));  // inline: no tombstone
  REQUIRE(t->unlink(root_cred(), kRootIno, "big"));
  // Whatever the reaper did by now, the filesystem is consistent.
  t.expect_clean();
  (void)small;
  REQUIRE(t->drain_tombstones());
  auto drained = t->check();
  REQUIRE(drained);
  CHECK(drained->tombstones == 0);
  CHECK(drained->chunks == 0);
  CHECK(drained->clean());
}

TEST_CASE("data: quota refuses growth, allows deletes and shrinking") {
  FilesystemConfig config = test_config(zobj::MemoryStore::create());
  config.max_size_bytes = 100'000;
  FsFixture t(config);
  const Attr f = t.file(kRootIno, "f", pattern(90'000, 1));
  CHECK(code_of(t->write(root_cred(), f.ino, 90'000, bytes(pattern(20'000, 2)))) == Errc::no_space);
  CHECK(t.attr(f.ino).size == 90'000);
  // Overwriting inside the file needs no new space.
  CHECK(t->write(root_cred(), f.ino, 0, bytes(pattern(50'000, 3))));
  CHECK(code_of(t->setattr(root_cred(), f.ino, resize(200'000))) == Errc::no_space);
  const Attr g = t.file(kRootIno, "g");
  CHECK(t->write(root_cred(), g.ino, 0, bytes(pattern(10'000, 4))));
  CHECK(code_of(t->write(root_cred(), g.ino, 10'000, bytes("x"))) == Errc::no_space);
  CHECK(code_of(t->symlink(root_cred(), kRootIno, "l", "target")) == Errc::no_space);
  auto fs = t->statfs(root_cred());
  REQUIRE(fs);
  CHECK(fs->used_bytes == 100'000);
  CHECK(fs->total_bytes == 100'000);
  CHECK(fs->free_bytes == 0);
  REQUIRE(t->setattr(root_cred(), f.ino, resize(1000)));
  CHECK(t->write(root_cred(), g.ino, 10'000, bytes("x")));
  REQUIRE(t->unlink(root_cred(), kRootIno, "f"));
  fs = t->statfs(root_cred());
  REQUIRE(fs);
  CHECK(fs->used_bytes == 10'001);
  t.reopen();  // the counters persist
  fs = t->statfs(root_cred());
  REQUIRE(fs);
  CHECK(fs->used_bytes == 10'001);
  CHECK(fs->used_inodes == 3);  // root, /.nbd, g
  t.expect_clean();
}

TEST_CASE("data: writes to directories and dead inodes fail") {
  FsFixture t;
  CHECK(code_of(t->write(root_cred(), kRootIno, 0, bytes("x"))) == Errc::is_a_directory);
  CHECK(code_of(t->read(root_cred(), kRootIno, 0, 1)) == Errc::is_a_directory);
  CHECK(code_of(t->write(root_cred(), 424242, 0, bytes("x"))) == Errc::stale);
  const Attr f = t.file(kRootIno, "f", "abc");
  auto r = t->read(root_cred(), f.ino, 3, 10);
  REQUIRE(r);
  CHECK(r->data.empty());
  CHECK(r->eof);
  const Attr before = t.attr(f.ino);
  REQUIRE(t->write(root_cred(), f.ino, 100, {}));  // an empty write changes nothing
  CHECK(t.attr(f.ino).size == 3);
  CHECK(t.attr(f.ino).mtime_ns == before.mtime_ns);
}
