#include <fmt/format.h>

#include "base/metrics.h"
#include "db_test_util.h"
#include "test_support/catch.h"

using namespace lsm;
using namespace lsm::testing;
using zerofs::Errc;
using zerofs::Result;
using zerofs::Task;

TEST_CASE("db: put, get, delete, overwrite, then reopen sees the same") {
  auto store = memory_store();
  run([&]() -> Task<void> {
    auto db = (co_await Db::open(params(store))).value();
    REQUIRE((co_await db->put("a", "1")).value() == 1);
    REQUIRE(co_await db->put("b", "2"));
    REQUIRE(co_await db->put("a", "3"));
    REQUIRE(co_await db->del("b"));
    CHECK((co_await db->get("a")).value() == std::optional<std::string>("3"));
    CHECK((co_await db->get("b")).value() == std::nullopt);
    CHECK((co_await db->get("zz")).value() == std::nullopt);
    REQUIRE(co_await db->close());

    auto again = (co_await Db::open(params(store))).value();
    CHECK((co_await again->get("a")).value() == std::optional<std::string>("3"));
    CHECK((co_await again->get("b")).value() == std::nullopt);
    CHECK(again->last_sequence() == 4);
    REQUIRE(co_await again->close());
  }());
}

TEST_CASE("db: a batch is atomic and gets consecutive sequences") {
  auto store = memory_store();
  run([&]() -> Task<void> {
    auto db = (co_await Db::open(params(store))).value();
    WriteBatch b;
    b.put("x", "1");
    b.put("y", "2");
    b.del("x");
    const auto last = (co_await db->write(std::move(b))).value();
    CHECK(last == 3);
    CHECK((co_await db->get("x")).value() == std::nullopt);
    CHECK((co_await db->get("y")).value() == std::optional<std::string>("2"));
    REQUIRE(co_await db->close());
  }());
}

TEST_CASE("db: data survives memtable flushes, compaction and reopen") {
  auto store = memory_store();
  run([&]() -> Task<void> {
    std::map<std::string, std::string> model;
    {
      auto db = (co_await Db::open(params(store))).value();
      for (int i = 0; i < 2000; ++i) {
        const std::string k = "key" + std::to_string(i % 500);
        const std::string v = "value-" + std::to_string(i) + std::string(20, 'x');
        REQUIRE(co_await db->put(k, v));
        model[k] = v;
      }
      REQUIRE(co_await db->flush_memtable());
      REQUIRE(co_await db->compact_until_idle());
      CHECK(db->metrics().memtable_flushes > 2);
      CHECK(db->metrics().compactions > 0);
      auto it = db->new_iterator();
      CHECK((co_await scan_all(*it)).value() == model);
      REQUIRE(co_await db->close());
    }
    auto db = (co_await Db::open(params(store))).value();
    for (const auto& [k, v] : model) CHECK((co_await db->get(k)).value() == std::optional(v));
    auto it = db->new_iterator();
    CHECK((co_await scan_all(*it)).value() == model);
    REQUIRE(co_await db->close());
  }());
}

TEST_CASE("db: snapshots keep their view across writes, flushes and compaction") {
  auto store = memory_store();
  run([&]() -> Task<void> {
    auto db = (co_await Db::open(params(store))).value();
    for (int i = 0; i < 300; ++i) REQUIRE(co_await db->put("k" + std::to_string(i), "old"));
    auto snap = db->snapshot();
    for (int i = 0; i < 300; ++i) REQUIRE(co_await db->put("k" + std::to_string(i), "new"));
    REQUIRE(co_await db->del("k7"));
    REQUIRE(co_await db->flush_memtable());
    REQUIRE(co_await db->compact_until_idle());
    ReadOptions at_snap;
    at_snap.snapshot = snap.get();
    CHECK((co_await db->get("k7", at_snap)).value() == std::optional<std::string>("old"));
    CHECK((co_await db->get("k7")).value() == std::nullopt);
    auto it = db->new_iterator(at_snap);
    auto all = (co_await scan_all(*it)).value();
    CHECK(all.size() == 300);
    for (const auto& [k, v] : all) CHECK(v == "old");
    REQUIRE(co_await db->close());
  }());
}

TEST_CASE("db: bounded iteration and seek") {
  auto store = memory_store();
  run([&]() -> Task<void> {
    auto db = (co_await Db::open(params(store))).value();
    for (char c = 'a'; c <= 'z'; ++c) REQUIRE(co_await db->put(std::string(1, c), "v"));
    REQUIRE(co_await db->flush_memtable());
    auto it = db->new_iterator({}, "c", "f");
    auto got = (co_await scan_all(*it)).value();
    CHECK(got.size() == 3);
    CHECK(got.begin()->first == "c");
    auto it2 = db->new_iterator();
    REQUIRE(co_await it2->seek("m1"));
    REQUIRE(it2->valid());
    CHECK(it2->key() == "n");
    REQUIRE(co_await db->close());
  }());
}

TEST_CASE("db: only-durable reads see writes once they are durable") {
  auto store = memory_store();
  run([&]() -> Task<void> {
    Options o = small_options();
    o.flush_interval = std::chrono::hours(1);  // nothing durable until asked
    o.wal_flush_bytes = 1 << 30;
    auto db = (co_await Db::open(params(store, o))).value();
    REQUIRE(co_await db->put("k", "v"));
    ReadOptions durable;
    durable.durability = Durability::durable;
    CHECK((co_await db->get("k", durable)).value() == std::nullopt);
    CHECK((co_await db->get("k")).value() == std::optional<std::string>("v"));
    REQUIRE(co_await db->flush());
    CHECK((co_await db->get("k", durable)).value() == std::optional<std::string>("v"));
    CHECK(db->durable_sequence() == db->last_sequence());
    REQUIRE(co_await db->close());
  }());
}

TEST_CASE("db: concurrent await_durable callers share one WAL object") {
  auto store = memory_store();
  run([&]() -> Task<void> {
    Options o = small_options();
    o.flush_interval = std::chrono::hours(1);
    o.wal_flush_bytes = 1 << 30;
    o.memtable_size = 1 << 30;  // a frozen memtable cuts the WAL into its own object
    auto db = (co_await Db::open(params(store, o))).value();
    std::vector<SequenceNumber> seqs;
    for (int i = 0; i < 50; ++i)
      seqs.push_back((co_await db->put("k" + std::to_string(i), "v")).value());
    const auto before = db->metrics().wal_objects;
    REQUIRE(co_await db->await_durable(seqs.back()));
    for (auto s : seqs) REQUIRE(co_await db->await_durable(s));
    CHECK(db->metrics().wal_objects == before + 1);
    REQUIRE(co_await db->close());
  }());
}

TEST_CASE("db: without a WAL, durability comes from memtable flushes") {
  auto store = memory_store();
  run([&]() -> Task<void> {
    Options o = small_options();
    o.wal_enabled = false;
    {
      auto db = (co_await Db::open(params(store, o))).value();
      REQUIRE(co_await db->put("k", "v", WriteOptions{true}));
      CHECK(db->metrics().wal_objects == 0);
      REQUIRE(co_await db->close());
    }
    auto db = (co_await Db::open(params(store, o))).value();
    CHECK((co_await db->get("k")).value() == std::optional<std::string>("v"));
    REQUIRE(co_await db->close());
  }());
}

TEST_CASE("db: read-only open rejects writes") {
  auto store = memory_store();
  run([&]() -> Task<void> {
    {
      auto db = (co_await Db::open(params(store))).value();
      REQUIRE(co_await db->put("k", "v"));
      REQUIRE(co_await db->close());
    }
    Options o = small_options();
    o.read_only = true;
    auto ro = (co_await Db::open(params(store, o))).value();
    CHECK((co_await ro->get("k")).value() == std::optional<std::string>("v"));
    auto w = co_await ro->put("k", "x");
    REQUIRE_FALSE(w);
    CHECK(w.error().code() == Errc::read_only);
    REQUIRE(co_await ro->close());
  }());
}

TEST_CASE("db: counters are exported to a Prometheus registry while open") {
  auto store = memory_store();
  zerofs::metrics::Registry registry;
  run([&]() -> Task<void> {
    auto p = params(store);
    p.options.metrics_registry = &registry;
    p.options.metrics_name = "t";
    auto db = (co_await Db::open(std::move(p))).value();
    REQUIRE(co_await db->put("a", "1"));
    REQUIRE(co_await db->put("b", "2"));
    REQUIRE(co_await db->flush());
    REQUIRE(co_await db->flush_memtable());
    const std::string text = registry.render();
    CHECK_THAT(text,
               Catch::Contains("# TYPE lsm_writes_total counter\nlsm_writes_total{db=\"t\"} 2\n"));
    const DbMetrics m = db->metrics();
    CHECK(m.memtable_flushes >= 1);
    CHECK_THAT(text, Catch::Contains(fmt::format("lsm_memtable_flushes_total{{db=\"t\"}} {}\n",
                                                 m.memtable_flushes)));
    CHECK_THAT(text, Catch::Contains(fmt::format("lsm_l0_tables{{db=\"t\"}} {}\n", m.l0_tables)));
    CHECK_THAT(text, Catch::Contains("# TYPE lsm_l0_tables gauge\n"));
    CHECK_THAT(text, Catch::Contains("lsm_wal_objects_total{db=\"t\"} "));
    REQUIRE(co_await db->close());
    CHECK(registry.render().find("lsm_writes_total") == std::string::npos);
  }());
}
