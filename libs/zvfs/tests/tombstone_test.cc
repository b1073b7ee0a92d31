// Tombstones drain resumably: the process dies (FaultStore::halt, no close) again and again
// while the reaper may be deleting a large file's chunks; every start finds a consistent
// filesystem (chunks left are covered by the tombstone) with no more chunks than the
// previous one, and the drain finishes. (How far each run got depends on timing; the crash
// test interrupts the reaper at random points too.)
#include <chrono>

#include "test_util.h"
#include "zobj/fault_store.h"

using namespace zvfs;
using namespace zvfs::testing;
using zerofs::Task;

namespace {

constexpr std::uint64_t kChunks = 40;

FilesystemConfig incarnation(const std::shared_ptr<zobj::ObjectStore>& store,
                             std::shared_ptr<zobj::FaultStore>* fault) {
  zobj::FaultOptions fo;
  // Slow reads of table blocks make the reaper suspend between its batches.
  fo.op(zobj::StoreOp::get).latency = std::chrono::microseconds(300);
  *fault = std::make_shared<zobj::FaultStore>(store, fo);
  FilesystemConfig c = test_config(*fault);
  c.inline_delete_chunks = 2;
  c.delete_batch_chunks = 1;
  c.lsm.memtable_size = 64 << 10;  // chunks reach tables, so the reaper reads the store
  return c;
}

Task<void> make_tombstone(std::shared_ptr<zobj::ObjectStore> store) {
  std::shared_ptr<zobj::FaultStore> fault;
  auto fs = (co_await Filesystem::open(incarnation(store, &fault))).value();
  const Credentials root = Credentials::root();
  auto file = co_await fs->create(root, kRootIno, "big", 0644, true);
  REQUIRE(file);
  const std::string data(kChunkSize, 'x');
  for (std::uint64_t i = 0; i < kChunks; ++i) {
    REQUIRE(co_await fs->write(root, file->attr.ino, i * kChunkSize, bytes(data)));
  }
  REQUIRE(co_await fs->sync());
  REQUIRE(co_await fs->unlink(root, kRootIno, "big"));
  REQUIRE(co_await fs->sync());  // the tombstone is durable
  fault->halt();
}

// One start: the state must be consistent; let the reaper run for a moment, make its
// progress durable, die. Returns the chunks found at the start.
Task<std::uint64_t> restart_and_die(std::shared_ptr<zobj::ObjectStore> store) {
  std::shared_ptr<zobj::FaultStore> fault;
  auto fs = (co_await Filesystem::open(incarnation(store, &fault))).value();
  auto report = co_await check(*fs);
  REQUIRE(report);
  INFO(report->summary());
  REQUIRE(report->clean());
  REQUIRE(report->regular_files == 0);
  REQUIRE(co_await fs->sync());
  fault->halt();
  co_return report->chunks;
}

Task<void> finish(std::shared_ptr<zobj::ObjectStore> store) {
  std::shared_ptr<zobj::FaultStore> fault;
  auto fs = (co_await Filesystem::open(incarnation(store, &fault))).value();
  REQUIRE(co_await fs->drain_tombstones());
  auto report = co_await check(*fs);
  REQUIRE(report);
  INFO(report->summary());
  CHECK(report->clean());
  CHECK(report->chunks == 0);
  CHECK(report->tombstones == 0);
  REQUIRE(co_await fs->close());
}

}  // namespace

TEST_CASE("tombstone: crashes while draining leave a consistent filesystem, the drain ends") {
  auto store = zobj::MemoryStore::create();
  {
    zerofs::asio::io_context io;
    zerofs::run_blocking(io, make_tombstone(store));
  }
  std::uint64_t previous = kChunks;
  for (int i = 0; i < 6; ++i) {
    zerofs::asio::io_context io;
    const std::uint64_t chunks = zerofs::run_blocking(io, restart_and_die(store));
    CHECK(chunks <= previous);  // deletions made durable are never undone
    previous = chunks;
  }
  zerofs::asio::io_context io;
  zerofs::run_blocking(io, finish(store));
}
