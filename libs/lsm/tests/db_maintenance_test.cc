// Compaction under concurrent writes, space reclamation by GC, checkpoints, backpressure.
#include <fmt/format.h>

#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>

#include "db_test_util.h"
#include "test_support/catch.h"
#include "zobj/object_store.h"

using namespace lsm;
using namespace lsm::testing;
using zerofs::Errc;
using zerofs::Task;

namespace {

Task<std::uint64_t> stored_bytes(zobj::ObjectStore& store, std::string prefix) {
  auto all = (co_await zobj::list_all(store, std::move(prefix))).value();
  std::uint64_t n = 0;
  for (const auto& o : all) n += o.size;
  co_return n;
}

}  // namespace

TEST_CASE("maintenance: compaction under concurrent writes loses nothing") {
  auto store = memory_store();
  run([&]() -> Task<void> {
    auto db = (co_await Db::open(params(store))).value();
    std::map<std::string, std::string> model;
    auto ex = co_await zerofs::asio::this_coro::executor;
    bool writers_done = false;
    int finished = 0;
    zerofs::asio::steady_timer done(ex, std::chrono::hours(1));
    for (int w = 0; w < 4; ++w) {
      zerofs::asio::co_spawn(
          ex,
          [&, w]() -> Task<void> {
            for (int i = 0; i < 800; ++i) {
              const std::string k = "w" + std::to_string(w) + "-" + std::to_string(i % 300);
              const std::string v = std::to_string(i) + std::string(30, 'v');
              REQUIRE(co_await db->put(k, v));
              model[k] = v;
            }
            if (++finished == 4) {
              writers_done = true;
              done.cancel();
            }
          },
          zerofs::asio::detached);
    }
    // Compaction runs in the background meanwhile; ask for it too.
    while (!writers_done) REQUIRE(co_await db->compact_until_idle());  // all writers finished
    REQUIRE(co_await db->flush_memtable());
    REQUIRE(co_await db->compact_until_idle());
    CHECK(db->metrics().compactions >= 2);
    auto it = db->new_iterator();
    CHECK((co_await scan_all(*it)).value() == model);
    REQUIRE(co_await db->close());
  }());
}

TEST_CASE(
    "maintenance: deleted data is reclaimed by compaction + GC, a checkpoint keeps its view") {
  auto store = memory_store();
  run([&]() -> Task<void> {
    Options o = small_options();
    o.gc_min_age = std::chrono::seconds(0);
    auto db = (co_await Db::open(params(store, o))).value();
    const std::string big(200, 'B');
    for (int i = 0; i < 400; ++i) REQUIRE(co_await db->put("k" + std::to_string(i), big));
    REQUIRE(co_await db->flush_memtable());
    REQUIRE(co_await db->compact_until_idle());
    auto cp = (co_await db->create_checkpoint("before-delete")).value();
    CHECK(cp.name == "before-delete");
    auto dup = co_await db->create_checkpoint("before-delete");
    REQUIRE_FALSE(dup);
    CHECK(dup.error().code() == Errc::already_exists);

    for (int i = 0; i < 400; ++i) REQUIRE(co_await db->del("k" + std::to_string(i)));
    REQUIRE(co_await db->flush_memtable());
    REQUIRE(co_await db->compact_until_idle());
    REQUIRE(co_await db->collect_garbage());
    const auto with_checkpoint = co_await stored_bytes(*store, "sst/");

    // The checkpoint still reads its old view after compaction and GC.
    {
      Options ro = small_options();
      ro.checkpoint = "before-delete";
      auto at_cp = (co_await Db::open(params(store, ro))).value();
      auto it = at_cp->new_iterator();
      CHECK((co_await scan_all(*it)).value().size() == 400);
      REQUIRE(co_await at_cp->close());
    }
    auto list = (co_await db->list_checkpoints()).value();
    REQUIRE(list.size() == 1);
    REQUIRE(co_await db->delete_checkpoint("before-delete"));
    REQUIRE(co_await db->collect_garbage());
    const auto after = co_await stored_bytes(*store, "sst/");
    INFO("sst bytes with checkpoint " << with_checkpoint << ", after deleting it " << after);
    CHECK(with_checkpoint > 400 * 200 / 4);  // the checkpoint pinned the data (compressed or not)
    CHECK(after < with_checkpoint / 10);
    auto it = db->new_iterator();
    CHECK((co_await scan_all(*it)).value().empty());
    REQUIRE(co_await db->close());
  }());
}

TEST_CASE("maintenance: backpressure slows writes down without stopping them", "[backpressure]") {
  auto store = memory_store();
  run([&]() -> Task<void> {
    Options o = small_options();
    o.compaction_enabled = false;  // nothing drains L0: pressure can only grow
    o.l0_max_ssts = 8;
    o.max_unflushed_bytes = 64 << 10;
    auto db = (co_await Db::open(params(store, o))).value();
    const auto start = std::chrono::steady_clock::now();
    int writes = 0;
    while (std::chrono::steady_clock::now() - start < std::chrono::milliseconds(1500)) {
      REQUIRE(co_await db->put("k" + std::to_string(writes % 1000), std::string(64, 'x')));
      ++writes;
    }
    const auto m = db->metrics();
    INFO("writes " << writes << " stalls " << m.write_stalls << " stall ms "
                   << m.write_stall_micros / 1000 << " l0 " << m.l0_tables << " unflushed "
                   << m.unflushed_bytes);
    CHECK(m.write_stalls > 0);
    CHECK(writes > 100);  // slowed, never stopped
    CHECK(m.unflushed_bytes < 4 * o.max_unflushed_bytes);
    REQUIRE(co_await db->close());
  }());
}

TEST_CASE("maintenance: data written in order past a partition key is moved, not rewritten") {
  auto store = memory_store();
  run([&]() -> Task<void> {
    Options o = small_options();
    o.partition_keys = {"d"};  // the "attr" key below, data keys above
    o.memtable_size = 16 << 10;
    auto db = (co_await Db::open(params(store, o))).value();
    std::map<std::string, std::string> model;
    for (int i = 0; i < 2000; ++i) {
      // Every batch updates one metadata key and appends one data key, as a file write does.
      WriteBatch batch;
      const std::string data_key = fmt::format("data{:06}", i);
      const std::string value = std::string(100, static_cast<char>('a' + i % 26));
      batch.put("attr", std::to_string(i));
      batch.put(data_key, value);
      REQUIRE(co_await db->write(std::move(batch)));
      model["attr"] = std::to_string(i);
      model[data_key] = value;
    }
    REQUIRE(co_await db->flush_memtable());
    REQUIRE(co_await db->compact_until_idle());
    const DbMetrics m = db->metrics();
    INFO("compactions " << m.compactions << ", bytes in " << m.compaction_bytes_in << ", out "
                        << m.compaction_bytes_out << ", moved " << m.compaction_bytes_moved);
    REQUIRE(m.memtable_flushes >= 8);
    CHECK(m.compactions >= 2);
    // Only the small metadata tables are merged; the data tables (most bytes) move.
    CHECK(m.compaction_bytes_moved > 4 * m.compaction_bytes_in);
    auto it = db->new_iterator();
    CHECK((co_await scan_all(*it)).value() == model);
    REQUIRE(co_await db->close());
    // And after a reopen.
    auto again = (co_await Db::open(params(store, o))).value();
    auto it2 = again->new_iterator();
    CHECK((co_await scan_all(*it2)).value() == model);
    REQUIRE(co_await again->close());
  }());
}

TEST_CASE("maintenance: a loop of reads that never wait for I/O does not starve compaction") {
  auto store = memory_store();
  run([&]() -> Task<void> {
    Options o = small_options();
    o.memtable_size = 1 << 20;  // flushes only when asked
    auto db = (co_await Db::open(params(store, o))).value();
    for (int round = 0; round < 2; ++round) {
      for (int i = 0; i < 100; ++i) {
        REQUIRE(co_await db->put("k" + std::to_string(i), std::string(100, 'v')));
      }
      REQUIRE(co_await db->flush_memtable());
    }
    // Two L0 tables: compaction is due. Every read below is answered from memory or cached
    // blocks, and the compaction continues on the same executor.
    auto it = db->new_iterator();
    bool compacted = false;
    for (int i = 0; i < 200'000 && !compacted; ++i) {
      REQUIRE(co_await db->get("k7"));
      REQUIRE(co_await it->seek("k1"));
      compacted = db->metrics().compactions > 0;
    }
    CHECK(compacted);
    REQUIRE(co_await db->close());
  }());
}
