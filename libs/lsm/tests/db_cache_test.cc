// The data block cache after writes: a flush leaves its blocks cached, and compaction keeps
// cached data cached while cold data stays out (Options::prepopulate_block_cache).
#include <string>

#include "db_test_util.h"
#include "test_support/catch.h"

using namespace lsm;
using namespace lsm::testing;
using zerofs::Task;

namespace {

std::string value_of(const std::string& key) { return key + std::string(100, 'v'); }

Task<void> put_keys(Db& db, const std::string& prefix, int n) {
  for (int i = 0; i < n; ++i) {
    const std::string key = prefix + std::to_string(1000 + i);
    REQUIRE(co_await db.put(key, value_of(key)));
  }
}

// Reads every key back; returns the block cache misses the reads caused.
Task<std::uint64_t> misses_reading(Db& db, const std::string& prefix, int n) {
  const std::uint64_t before = db.metrics().block_cache_misses;
  for (int i = 0; i < n; ++i) {
    const std::string key = prefix + std::to_string(1000 + i);
    auto got = co_await db.get(key);
    REQUIRE(got);
    REQUIRE(*got);
    CHECK(**got == value_of(key));
  }
  co_return db.metrics().block_cache_misses - before;
}

Options cache_options(bool prepopulate) {
  Options o = small_options();
  o.prepopulate_block_cache = prepopulate;
  o.memtable_size = 1 << 20;  // flushes only when asked
  o.compaction_enabled = false;
  return o;
}

}  // namespace

TEST_CASE("block cache: a flushed table's blocks are cached, so reading it back misses nothing") {
  for (const bool prepopulate : {true, false}) {
    auto store = memory_store();
    run([&]() -> Task<void> {
      auto db = (co_await Db::open(params(store, cache_options(prepopulate)))).value();
      co_await put_keys(*db, "k", 200);
      REQUIRE(co_await db->flush_memtable());
      const std::uint64_t misses = co_await misses_reading(*db, "k", 200);
      INFO("prepopulate_block_cache = " << prepopulate);
      if (prepopulate) {
        CHECK(misses == 0);
      } else {
        CHECK(misses >= 50);  // each ~256-byte block (3 entries) is fetched once
      }
      REQUIRE(co_await db->close());
    }());
  }
}

TEST_CASE("block cache: compaction keeps cached data cached and leaves cold data out") {
  auto store = memory_store();
  run([&]() -> Task<void> {
    {  // "cold": written by a database that does not cache what it writes. Its table spans the
       // hot keys' range (the last key), so compaction has to merge the two, not move them.
      auto db = (co_await Db::open(params(store, cache_options(false)))).value();
      co_await put_keys(*db, "a", 200);
      REQUIRE(co_await db->put("z", "last"));
      REQUIRE(co_await db->flush_memtable());
      REQUIRE(co_await db->close());
    }
    Options o = cache_options(true);
    o.compaction_enabled = true;
    auto db = (co_await Db::open(params(store, o))).value();
    co_await put_keys(*db, "b", 200);
    REQUIRE(co_await db->flush_memtable());
    REQUIRE(co_await db->compact_until_idle());
    const auto m = db->metrics();
    REQUIRE(m.compactions >= 1);
    CHECK(m.l0_tables == 0);  // both tables were merged into new ones
    // The merged tables are new objects: only the blocks built from cached entries are cached.
    CHECK(m.compaction_bytes_moved == 0);
    CHECK(co_await misses_reading(*db, "b", 200) == 0);
    CHECK(co_await misses_reading(*db, "a", 200) >= 50);
    REQUIRE(co_await db->close());
  }());
}
