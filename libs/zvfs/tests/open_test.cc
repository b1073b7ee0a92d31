// Opening: the key record, wrong passwords, concurrent first starts, change_password,
// read-only opening, the bucket's bytes, open/release of unlinked files, the blocking facade.
#include <atomic>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <thread>

#include "test_support/temp_dir.h"
#include "test_util.h"
#include "zobj/file_store.h"

using namespace zvfs;
using namespace zvfs::testing;

TEST_CASE("open: the filesystem persists across reopen, the key record is an object") {
  auto store = zobj::MemoryStore::create();
  Ino ino = 0;
  {
    FsFixture t(store);
    ino = t.file(kRootIno, "kept", "persistent").ino;
  }
  CHECK(store->object_count() > 1);
  FsFixture again(store);
  CHECK(again.content(ino) == "persistent");
  again.expect_clean();
}

TEST_CASE("open: a wrong password fails fast with a clear message") {
  auto store = zobj::MemoryStore::create();
  { FsFixture t(store); }
  auto opened = BlockingFilesystem::open(test_config(store, "wrong"));
  REQUIRE_FALSE(opened);
  CHECK(opened.error().code() == Errc::wrong_password);
  CHECK(opened.error().message() == "wrong encryption password for memory://zvfs-test");
  auto empty = BlockingFilesystem::open(test_config(store, ""));
  REQUIRE_FALSE(empty);
  CHECK(empty.error().code() == Errc::invalid_argument);
}

TEST_CASE("open: two first starts at once agree on one key") {
  auto store = zobj::MemoryStore::create();
  // Two processes' worth of filesystems race to create the key record; exactly one record
  // results, and both then hold the same key (the loser re-read the winner's).
  std::vector<zerofs::Result<std::unique_ptr<BlockingFilesystem>>> results(2);
  {
    std::thread a([&] { results[0] = BlockingFilesystem::open(test_config(store)); });
    std::thread b([&] {
      FilesystemConfig c = test_config(store);
      c.db_prefix = "other/";  // separate databases, one key record
      results[1] = BlockingFilesystem::open(c);
    });
    a.join();
    b.join();
  }
  REQUIRE(results[0]);
  REQUIRE(results[1]);
  zerofs::asio::io_context io;
  auto listing = zerofs::run_blocking(io, zobj::list_all(*store, "zerofs.key"));
  REQUIRE(listing);
  CHECK(listing->size() == 1);
  REQUIRE((*results[1])->close());
  REQUIRE((*results[0])->close());
  // Both databases open with the one key: had they used different keys, one would fail.
  FilesystemConfig other = test_config(store);
  other.db_prefix = "other/";
  {
    FsFixture t(other);
    t.expect_clean();
  }
  {
    FsFixture t(store);
    t.expect_clean();
  }
}

TEST_CASE("open: change_password rewraps the key, data stays readable") {
  auto store = zobj::MemoryStore::create();
  Ino ino = 0;
  {
    FsFixture t(store);
    ino = t.file(kRootIno, "f", "secret data").ino;
    CHECK(code_of(t->change_password("not it", "new")) == Errc::wrong_password);
    REQUIRE(t->change_password("correct horse", "battery staple"));
  }
  CHECK(code_of(BlockingFilesystem::open(test_config(store))) == Errc::wrong_password);
  FsFixture t(test_config(store, "battery staple"));
  CHECK(t.content(ino) == "secret data");
  // The standalone function (for `zerofs change-password`) works on the store alone.
  zerofs::asio::io_context io;
  auto changed = zerofs::run_blocking(
      io, zvfs::change_password(store, "zerofs.key", "mem", "battery staple", "third"));
  REQUIRE(changed);
}

TEST_CASE("open: read-only opening serves reads and refuses writes") {
  auto store = zobj::MemoryStore::create();
  Ino ino = 0;
  {
    FsFixture t(store);
    ino = t.file(kRootIno, "f", "ro").ino;
  }
  FilesystemConfig ro = test_config(store);
  ro.lsm.read_only = true;
  FsFixture t(ro);
  CHECK(t.content(ino) == "ro");
  CHECK(code_of(t->write(root_cred(), ino, 0, bytes("x"))) == Errc::read_only);
  CHECK(code_of(t->mkdir(root_cred(), kRootIno, "d", 0755)) == Errc::read_only);
  CHECK(code_of(t->open_file(root_cred(), ino, kOpenWriteOnly)) == Errc::read_only);
  CHECK(t->open_file(root_cred(), ino, kOpenReadOnly));
  // Nothing to open read-only in an empty store.
  FilesystemConfig nothing = test_config(zobj::MemoryStore::create());
  nothing.lsm.read_only = true;
  CHECK_FALSE(BlockingFilesystem::open(nothing));
}

TEST_CASE("open: an open file that is unlinked keeps its data until released") {
  FsFixture t;
  const Attr f = t.file(kRootIno, "f", "open data");
  REQUIRE(t->open_file(root_cred(), f.ino, kOpenReadWrite));
  REQUIRE(t->open_file(root_cred(), f.ino, kOpenReadOnly));
  REQUIRE(t->unlink(root_cred(), kRootIno, "f"));
  CHECK(code_of(t->lookup(root_cred(), kRootIno, "f")) == Errc::not_found);
  CHECK(t.attr(f.ino).nlink == 0);
  REQUIRE(t->write(root_cred(), f.ino, 9, bytes(" and more")));
  CHECK(t.content(f.ino) == "open data and more");
  CHECK(code_of(t->link(root_cred(), f.ino, kRootIno, "back")) == Errc::not_found);
  auto report = t->check();
  REQUIRE(report);
  CHECK(report->orphans == 1);
  CHECK(report->clean());
  REQUIRE(t->release(f.ino));
  CHECK(t.content(f.ino) == "open data and more");  // one reference left
  REQUIRE(t->release(f.ino));
  CHECK(code_of(t->getattr(root_cred(), f.ino)) == Errc::stale);
  report = t->check();
  REQUIRE(report);
  CHECK(report->orphans == 0);
  CHECK(report->clean());
}

TEST_CASE("open: orphans left by a dead process are reclaimed at the next start") {
  auto store = zobj::MemoryStore::create();
  Ino ino = 0;
  {
    zerofs::asio::io_context io;
    zerofs::run_blocking(io, [&]() -> zerofs::Task<void> {
      auto fs = (co_await Filesystem::open(test_config(store))).value();
      const auto root = Credentials::root();
      auto f = (co_await fs->create(root, kRootIno, "f", 0644, true)).value();
      ino = f.attr.ino;
      REQUIRE(co_await fs->write(root, ino, 0, bytes("orphan")));
      REQUIRE(co_await fs->open(root, ino, kOpenReadOnly));
      REQUIRE(co_await fs->unlink(root, kRootIno, "f"));
      REQUIRE(co_await fs->sync());
      // The process dies with the file open: no release, no close.
      fs.reset();
    }());
  }
  FsFixture t(store);
  CHECK(code_of(t->getattr(root_cred(), ino)) == Errc::stale);
  auto report = t->check();
  REQUIRE(report);
  CHECK(report->orphans == 0);
  CHECK(report->clean());
}

TEST_CASE("open: the bucket holds neither file names nor file contents in plain text") {
  zerofs::testing::TempDir dir;
  const std::string name_marker = "NAME-MARKER-7f3a9c";
  const std::string data_marker = "CONTENT-MARKER-b81e44";
  const std::string xattr_marker = "XATTR-MARKER-51cd0e";
  {
    auto store = zobj::FileStore::open(dir.path()).value();
    FilesystemConfig c = test_config(store);
    c.url = "file://" + dir.str();
    c.compression = "none";  // the strictest case: nothing hides the bytes but encryption
    FsFixture t(c);
    const Attr d = t.dir(kRootIno, name_marker + "-dir");
    std::string content;
    for (int i = 0; i < 200; ++i) content += data_marker;
    const Attr f = t.file(d.ino, name_marker + "-file", content);
    REQUIRE(t->setxattr(root_cred(), f.ino, "user." + xattr_marker, bytes(xattr_marker)));
    REQUIRE(t->symlink(root_cred(), d.ino, "link", name_marker + "-target"));
    REQUIRE(t->sync());
    t.expect_clean();
  }
  std::size_t files = 0, total = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir.path())) {
    const std::string path = entry.path().string();
    CHECK(path.find(name_marker) == std::string::npos);
    if (!entry.is_regular_file()) continue;
    std::ifstream in(entry.path(), std::ios::binary);
    const std::string bytes_of((std::istreambuf_iterator<char>(in)), {});
    ++files;
    total += bytes_of.size();
    INFO(path);
    CHECK(bytes_of.find(name_marker) == std::string::npos);
    CHECK(bytes_of.find(data_marker) == std::string::npos);
    CHECK(bytes_of.find(xattr_marker) == std::string::npos);
    CHECK(bytes_of.find("NAME-MARKER") == std::string::npos);
  }
  CHECK(files >= 3);    // key record, manifest, WAL at least
  CHECK(total > 4000);  // the content is in there, encrypted
}

TEST_CASE("open: the blocking facade serves several threads at once") {
  FilesystemConfig c = test_config(zobj::MemoryStore::create());
  auto fs = BlockingFilesystem::open(c, 2).value();
  const auto root = Credentials::root();
  std::atomic<int> failures{0};  // Catch's assertions are not thread-safe: count instead
  std::vector<std::thread> threads;
  for (int w = 0; w < 4; ++w) {
    threads.emplace_back([&, w] {
      auto dir = fs->mkdir(root, kRootIno, "w" + std::to_string(w), 0755);
      if (!dir) return void(++failures);
      for (int i = 0; i < 25; ++i) {
        auto f = fs->create(root, dir->ino, "f" + std::to_string(i), 0644, true);
        if (!f) return void(++failures);
        const std::string data(1000 + i, static_cast<char>('a' + w));
        if (!fs->write(root, f->attr.ino, 0, bytes(data))) ++failures;
        auto back = fs->read(root, f->attr.ino, 0, data.size());
        if (!back || str(back->data) != data) ++failures;
      }
    });
  }
  for (auto& t : threads) t.join();
  CHECK(failures.load() == 0);
  auto report = fs->check();
  REQUIRE(report);
  INFO(report->summary());
  CHECK(report->clean());
  CHECK(report->regular_files == 100);
  REQUIRE(fs->close());
  CHECK(code_of(fs->getattr(root, kRootIno)) == Errc::cancelled);
}
