// A separate WAL store (FilesystemConfig::wal_url / wal_store, the app's [wal] section): where
// each kind of object lands, recovery of durable writes from it, and the choice being fixed
// when the filesystem is created.
#include <string>
#include <vector>

#include "test_support/pattern.h"
#include "test_support/temp_dir.h"
#include "test_util.h"
#include "zobj/open_store.h"

using namespace zvfs;
using namespace zvfs::testing;

using zerofs::testing::pattern;

namespace {

std::vector<std::string> keys_under(zobj::ObjectStore& store, const std::string& prefix) {
  zerofs::asio::io_context io;
  auto listed = zerofs::run_blocking(io, zobj::list_all(store, prefix));
  REQUIRE(listed);
  std::vector<std::string> keys;
  for (const auto& meta : *listed) keys.push_back(meta.key);
  return keys;
}

// What the store holds at this moment, as a new private store: the image a crash leaves.
std::shared_ptr<zobj::MemoryStore> copy_of(zobj::ObjectStore& store) {
  auto copy = zobj::MemoryStore::create();
  zerofs::asio::io_context io;
  for (const std::string& key : keys_under(store, "")) {
    auto object = zerofs::run_blocking(io, store.get(key, std::nullopt));
    REQUIRE(object);
    REQUIRE(zerofs::run_blocking(io, copy->put(key, object->data.view(), {})));
  }
  return copy;
}

FilesystemConfig with_wal(std::shared_ptr<zobj::ObjectStore> store,
                          std::shared_ptr<zobj::ObjectStore> wal) {
  FilesystemConfig c = test_config(std::move(store));
  c.wal_store = std::move(wal);
  return c;
}

}  // namespace

TEST_CASE(
    "wal store: WAL objects go there only, the key, manifests and tables stay in the main "
    "store") {
  auto store = zobj::MemoryStore::create();
  auto wal = zobj::MemoryStore::create();
  const std::string big = pattern(1 << 20, 'b');  // four 256 KiB memtables: tables get written
  Ino small_ino = 0, big_ino = 0;
  {
    FsFixture t(with_wal(store, wal));
    small_ino = t.file(kRootIno, "small", "fsynced").ino;
    REQUIRE(t->fsync(small_ino));
    big_ino = t.file(kRootIno, "big", big).ino;
  }
  CHECK(keys_under(*store, "wal/").empty());
  CHECK(keys_under(*store, "zerofs.key").size() == 1);
  CHECK_FALSE(keys_under(*store, "manifest/").empty());
  CHECK_FALSE(keys_under(*store, "sst/").empty());
  const auto wal_keys = keys_under(*wal, "");
  CHECK_FALSE(wal_keys.empty());
  CHECK(keys_under(*wal, "wal/").size() == wal_keys.size());

  FsFixture again(with_wal(store, wal));
  CHECK(again.content(small_ino) == "fsynced");
  CHECK(diff(again.content(big_ino), big) == "");
  again.expect_clean();
}

TEST_CASE("wal store: a durable write is recovered from the WAL store after a crash") {
  auto store = zobj::MemoryStore::create();
  auto wal = zobj::MemoryStore::create();
  FsFixture t(with_wal(store, wal));
  const Ino ino = t.file(kRootIno, "f", "made durable by fsync").ino;
  REQUIRE(t->fsync(ino));
  // The writer is still running: only the WAL holds the write, and only the WAL store has it.
  auto crashed_store = copy_of(*store);
  auto crashed_wal = copy_of(*wal);
  CHECK(keys_under(*crashed_store, "sst/").empty());

  FsFixture recovered(with_wal(crashed_store, crashed_wal));
  CHECK(recovered.content(ino) == "made durable by fsync");
  recovered.expect_clean();
}

TEST_CASE("wal store: opening without the WAL store it was created with fails, fencing nobody") {
  auto store = zobj::MemoryStore::create();
  auto wal = zobj::MemoryStore::create();
  FsFixture running(with_wal(store, wal));
  const Ino ino = running.file(kRootIno, "f", "before").ino;
  REQUIRE(running->fsync(ino));

  auto without = BlockingFilesystem::open(test_config(store));
  CHECK(code_of(without) == Errc::invalid_argument);
  CHECK(without.error().message() ==
        "this database was created with a separate WAL store ([wal]) and is opened without "
        "one; the WAL store is fixed at creation: restore the [wal] section");
  FilesystemConfig read_only = test_config(store);
  read_only.lsm.read_only = true;
  CHECK(code_of(BlockingFilesystem::open(read_only)) == Errc::invalid_argument);

  // The writer that opened with the right store still owns the database.
  REQUIRE(running->write(root_cred(), ino, 0, bytes("after!")));
  REQUIRE(running->fsync(ino));
  CHECK(running.content(ino) == "after!");
  FilesystemConfig reader = with_wal(store, wal);
  reader.lsm.read_only = true;
  FsFixture replica(reader);
  CHECK(replica.content(ino) == "after!");
}

TEST_CASE("wal store: opening with a WAL store when it was created without one fails") {
  auto store = zobj::MemoryStore::create();
  Ino ino = 0;
  {
    FsFixture t(store);
    ino = t.file(kRootIno, "f", "main store only").ino;
  }
  auto wal = zobj::MemoryStore::create();
  auto with = BlockingFilesystem::open(with_wal(store, wal));
  CHECK(code_of(with) == Errc::invalid_argument);
  CHECK(with.error().message() ==
        "this database was created without a separate WAL store and is opened with one "
        "([wal]); the WAL store is fixed at creation: remove the [wal] section");
  FilesystemConfig read_only = with_wal(store, wal);
  read_only.lsm.read_only = true;
  CHECK(code_of(BlockingFilesystem::open(read_only)) == Errc::invalid_argument);
  CHECK(wal->object_count() == 0);

  FsFixture again(store);
  CHECK(again.content(ino) == "main store only");
}

TEST_CASE("wal store: wal_url opens a file:// WAL store by URL") {
  zerofs::testing::TempDir dir;
  const std::string main_url = "file://" + (dir.path() / "main").string();
  const std::string wal_url = "file://" + (dir.path() / "wal").string();
  FilesystemConfig c = test_config(nullptr);
  c.url = main_url;
  c.wal_url = wal_url;
  // By URL, not through FsFixture (which supplies a store of its own).
  Ino ino = 0;
  {
    auto fs = BlockingFilesystem::open(c).value();
    auto created = fs->create(root_cred(), kRootIno, "f", 0644, true);
    REQUIRE(created);
    ino = created->attr.ino;
    REQUIRE(fs->write(root_cred(), ino, 0, bytes("through URLs")));
    REQUIRE(fs->fsync(ino));
    REQUIRE(fs->close());
  }
  auto main_store = zobj::open_store(main_url).value();
  auto wal_store = zobj::open_store(wal_url).value();
  CHECK(keys_under(*main_store, "wal/").empty());
  CHECK_FALSE(keys_under(*main_store, "manifest/").empty());
  CHECK_FALSE(keys_under(*wal_store, "wal/").empty());
  CHECK(keys_under(*wal_store, "").size() == keys_under(*wal_store, "wal/").size());
  {
    auto fs = BlockingFilesystem::open(c).value();
    auto read = fs->read(root_cred(), ino, 0, 100);
    REQUIRE(read);
    CHECK(str(read->data) == "through URLs");
    REQUIRE(fs->close());
  }

  FilesystemConfig bad = c;
  bad.wal_url = "bogus://nowhere";
  auto opened = BlockingFilesystem::open(bad);
  CHECK(code_of(opened) == Errc::invalid_argument);
  CHECK(opened.error().message().starts_with("the WAL store bogus://nowhere: "));
}
