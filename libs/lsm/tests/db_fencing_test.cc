// Two writers, ambiguous PUTs and readers: the single-writer protocol of liblsm.
#include <boost/asio/steady_timer.hpp>

#include "db_test_util.h"
#include "test_support/catch.h"
#include "zobj/fault_store.h"
#include "zobj/retry_store.h"

using namespace lsm;
using namespace lsm::testing;
using zerofs::Errc;
using zerofs::Task;

TEST_CASE("fencing: a second writer fences the first, which never writes again") {
  auto store = memory_store();
  run([&]() -> Task<void> {
    auto a = (co_await Db::open(params(store))).value();
    for (int i = 0; i < 100; ++i) REQUIRE(co_await a->put("a" + std::to_string(i), "A"));
    REQUIRE(co_await a->flush());                  // durable: B must see these
    REQUIRE(co_await a->put("not-durable", "A"));  // may or may not reach B

    auto b = (co_await Db::open(params(store))).value();
    for (int i = 0; i < 100; ++i) {
      CHECK((co_await b->get("a" + std::to_string(i))).value() == std::optional<std::string>("A"));
    }
    // A's next durable write fails with Fenced (A may also have learned it already from a
    // background manifest commit, then the write itself fails), and so does everything after.
    auto late = co_await a->put("after-fence", "A");
    if (late) {
      auto flushed = co_await a->flush();
      REQUIRE_FALSE(flushed);
      CHECK(flushed.error().code() == Errc::fenced);
    } else {
      CHECK(late.error().code() == Errc::fenced);
    }
    auto again = co_await a->put("more", "A");
    REQUIRE_FALSE(again);
    CHECK(again.error().code() == Errc::fenced);
    auto flushed_memtable = co_await a->flush_memtable();
    REQUIRE_FALSE(flushed_memtable);

    // Nothing A wrote after the fence appears, now or after B reopens.
    CHECK((co_await b->get("after-fence")).value() == std::nullopt);
    REQUIRE(co_await b->put("b", "B"));
    REQUIRE(co_await b->close());
    // The fenced writer stops, and says it could not make its writes durable.
    auto closed = co_await a->close();
    REQUIRE_FALSE(closed);
    CHECK(closed.error().code() == Errc::fenced);
    auto c = (co_await Db::open(params(store))).value();
    CHECK((co_await c->get("after-fence")).value() == std::nullopt);
    CHECK((co_await c->get("more")).value() == std::nullopt);
    CHECK((co_await c->get("b")).value() == std::optional<std::string>("B"));
    CHECK((co_await c->get("a99")).value() == std::optional<std::string>("A"));
    REQUIRE(co_await c->close());
  }());
}

TEST_CASE("fencing: a fenced writer's memtable flush cannot publish") {
  auto store = memory_store();
  run([&]() -> Task<void> {
    Options o = small_options();
    o.wal_enabled = false;  // the manifest epoch check is the only guard left
    auto a = (co_await Db::open(params(store, o))).value();
    REQUIRE(co_await a->put("k", "A1", WriteOptions{true}));
    auto b = (co_await Db::open(params(store, o))).value();
    REQUIRE(co_await a->put("k", "A2"));
    auto r = co_await a->flush_memtable();
    REQUIRE_FALSE(r);
    CHECK(r.error().code() == Errc::fenced);
    CHECK((co_await b->get("k")).value() == std::optional<std::string>("A1"));
    REQUIRE(co_await b->close());
    (void)co_await a->close();
  }());
}

TEST_CASE("ambiguous PUTs (stored but reported failed) cause no false fence and lose nothing") {
  auto inner = memory_store();
  zobj::FaultOptions fo = zobj::FaultOptions::uniform({0.0, 0.3}, 7);  // 30% stored-but-failed
  auto fault = std::make_shared<zobj::FaultStore>(inner, fo);
  zobj::RetryOptions ro;
  ro.initial_delay = std::chrono::milliseconds(1);
  ro.max_delay = std::chrono::milliseconds(2);
  auto retry = std::make_shared<zobj::RetryStore>(fault, ro);
  run([&]() -> Task<void> {
    std::map<std::string, std::string> model;
    {
      auto db = (co_await Db::open(params(retry))).value();
      for (int i = 0; i < 600; ++i) {
        const std::string k = "k" + std::to_string(i % 97), v = "v" + std::to_string(i);
        REQUIRE(co_await db->put(k, v));
        model[k] = v;
        if (i % 25 == 0) REQUIRE(co_await db->flush());
      }
      REQUIRE(co_await db->flush_memtable());
      REQUIRE(co_await db->compact_until_idle());
      REQUIRE(co_await db->close());
    }
    CHECK(fault->counters().stored_but_failed > 20);
    auto db = (co_await Db::open(params(inner))).value();
    auto it = db->new_iterator();
    CHECK((co_await scan_all(*it)).value() == model);
    REQUIRE(co_await db->close());
  }());
}

TEST_CASE("reader: a DbReader sees the writer's durable writes within its poll interval") {
  auto store = memory_store();
  run([&]() -> Task<void> {
    auto writer = (co_await Db::open(params(store))).value();
    REQUIRE(co_await writer->put("before", "1", WriteOptions{true}));
    Options ro = small_options();
    ro.manifest_poll_interval = std::chrono::milliseconds(10);
    auto reader = (co_await DbReader::open(params(store, ro))).value();
    CHECK((co_await reader->get("before")).value() == std::optional<std::string>("1"));

    // Durable writes, then memtable flushes and compaction: the reader follows through both
    // the WAL tail and new manifests.
    std::map<std::string, std::string> model{{"before", "1"}};
    for (int i = 0; i < 400; ++i) {
      const std::string k = "k" + std::to_string(i % 150), v = std::to_string(i);
      REQUIRE(co_await writer->put(k, v));
      model[k] = v;
    }
    REQUIRE(co_await writer->flush());
    const auto target = writer->last_sequence();
    auto ex = co_await zerofs::asio::this_coro::executor;
    const auto start = std::chrono::steady_clock::now();
    while (reader->last_sequence() < target) {
      REQUIRE(std::chrono::steady_clock::now() - start < std::chrono::seconds(5));
      zerofs::asio::steady_timer t(ex, std::chrono::milliseconds(2));
      co_await t.async_wait(zerofs::asio::use_awaitable);
    }
    const auto waited = std::chrono::steady_clock::now() - start;
    CHECK(waited < std::chrono::milliseconds(500));
    auto it = reader->new_iterator();
    CHECK((co_await scan_all(*it)).value() == model);

    REQUIRE(co_await writer->flush_memtable());
    REQUIRE(co_await writer->compact_until_idle());
    REQUIRE(co_await reader->refresh());
    auto it2 = reader->new_iterator();
    CHECK((co_await scan_all(*it2)).value() == model);
    auto w = co_await reader->close();
    REQUIRE(w);
    REQUIRE(co_await writer->close());
  }());
}
