// TableCache: one open per table, shared by concurrent callers; byte-bounded; evictable.
#include "table/table_cache.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>

#include "table_test_util.h"
#include "test_support/catch.h"

namespace lsm {

using testing::CountingStore;
using zerofs::run_blocking;
namespace asio = zerofs::asio;

namespace {

// Holds every GET until open() is called, so concurrent callers really overlap.
class GatedStore final : public zobj::ObjectStore {
 public:
  GatedStore(asio::io_context& io, std::shared_ptr<zobj::ObjectStore> inner)
      : timer_(io, asio::steady_timer::time_point::max()), inner_(std::move(inner)) {}

  void open() {
    open_ = true;
    timer_.cancel();
  }
  std::size_t waiting() const { return waiting_; }
  std::size_t gets() const { return gets_; }

  zerofs::Task<zerofs::Result<zobj::GetResult>> get(std::string key,
                                                    std::optional<zobj::ByteRange> range) override {
    ++gets_;
    if (!open_) {
      ++waiting_;
      co_await timer_.async_wait(asio::as_tuple(asio::use_awaitable));
      --waiting_;
    }
    co_return co_await inner_->get(std::move(key), range);
  }
  zerofs::Task<zerofs::Result<zobj::ObjectMeta>> head(std::string key) override {
    return inner_->head(std::move(key));
  }
  zerofs::Task<zerofs::Result<zobj::ObjectMeta>> put(std::string key, zerofs::ByteView data,
                                                     zobj::PutOptions options) override {
    return inner_->put(std::move(key), data, std::move(options));
  }
  zerofs::Task<zerofs::Result<void>> del(std::string key) override {
    return inner_->del(std::move(key));
  }
  zerofs::Task<zerofs::Result<zobj::ListPage>> list(std::string prefix, std::string start_after,
                                                    std::size_t max_keys) override {
    return inner_->list(std::move(prefix), std::move(start_after), max_keys);
  }
  std::string describe() const override { return "gated"; }

 private:
  asio::steady_timer timer_;
  std::shared_ptr<zobj::ObjectStore> inner_;
  bool open_ = false;
  std::size_t waiting_ = 0;
  std::size_t gets_ = 0;
};

std::vector<testing::Entry> small_entries() {
  std::vector<testing::Entry> entries;
  for (int i = 0; i < 300; ++i) {
    entries.push_back({make_internal_key(testing::user_key_for(i), 7, ValueType::value), "v"});
  }
  return entries;
}

}  // namespace

TEST_CASE("concurrent finds of one table share a single open", "[table_cache]") {
  asio::io_context io;
  auto memory = zobj::MemoryStore::create();
  GatedStore store(io, memory);
  IdentityTransformer identity;
  BlockCache data(1 << 20);
  zerofs::metrics::Registry registry;
  TableCache tables(store, "db", identity, &data, 1 << 20, &registry);

  auto built = testing::build_table(small_entries(), identity);
  REQUIRE(run_blocking(io, memory->put("db/" + built.info.id.object_key(), built.data.view(), {})));

  constexpr int kCallers = 8;
  std::vector<std::shared_ptr<TableReader>> readers(kCallers);
  int done = 0;
  for (int i = 0; i < kCallers; ++i) {
    asio::co_spawn(
        io,
        [&, i]() -> zerofs::Task<void> {
          auto r = co_await tables.find(built.info);
          if (r) readers[i] = *r;
          ++done;
        },
        asio::detached);
  }
  io.restart();
  io.poll();
  CHECK(store.gets() == 1);
  CHECK(store.waiting() == 1);
  CHECK(done == 0);

  store.open();
  io.restart();
  io.run();
  REQUIRE(done == kCallers);
  for (const auto& r : readers) {
    REQUIRE(r);
    CHECK(r == readers[0]);
  }
  CHECK(store.gets() == 1);
  CHECK(tables.misses() == kCallers);
  CHECK(tables.lookup(built.info.id) == readers[0]);
  CHECK(tables.usage() == readers[0]->meta_bytes());

  auto again = run_blocking(io, tables.find(built.info));
  REQUIRE(again);
  CHECK(*again == readers[0]);
  CHECK(store.gets() == 1);
  CHECK(tables.hits() == 1);
  CHECK(registry.render().find("lsm_cache_hits_total{cache=\"table\"} 1") != std::string::npos);
}

TEST_CASE("a failed open reaches every waiter and is not cached", "[table_cache]") {
  asio::io_context io;
  auto memory = zobj::MemoryStore::create();
  GatedStore store(io, memory);
  IdentityTransformer identity;
  TableCache tables(store, "db", identity, nullptr, 1 << 20);
  auto built = testing::build_table(small_entries(), identity);  // never stored

  std::vector<zerofs::Errc> codes;
  for (int i = 0; i < 3; ++i) {
    asio::co_spawn(
        io,
        [&]() -> zerofs::Task<void> {
          auto r = co_await tables.find(built.info);
          codes.push_back(r ? zerofs::Errc::busy : r.error().code());
        },
        asio::detached);
  }
  io.restart();
  io.poll();
  store.open();
  io.restart();
  io.run();
  REQUIRE(codes.size() == 3);
  for (auto c : codes) CHECK(c == zerofs::Errc::not_found);
  CHECK(store.gets() == 1);
  CHECK_FALSE(tables.lookup(built.info.id));

  REQUIRE(run_blocking(io, memory->put("db/" + built.info.id.object_key(), built.data.view(), {})));
  auto r = run_blocking(io, tables.find(built.info));
  REQUIRE(r);
  CHECK(store.gets() == 2);
}

TEST_CASE("table cache is bounded by meta bytes and evictable", "[table_cache]") {
  asio::io_context io;
  auto memory = zobj::MemoryStore::create();
  CountingStore store(memory);
  IdentityTransformer identity;
  auto built = testing::build_table(small_entries(), identity);
  REQUIRE(run_blocking(io, memory->put("db/" + built.info.id.object_key(), built.data.view(), {})));

  SECTION("no room: every find opens again") {
    TableCache tables(store, "db", identity, nullptr, 0);
    REQUIRE(run_blocking(io, tables.find(built.info)));
    REQUIRE(run_blocking(io, tables.find(built.info)));
    CHECK(store.gets() == 2);
    CHECK(tables.usage() == 0);
  }
  SECTION("evict forgets a table") {
    TableCache tables(store, "db", identity, nullptr, 1 << 20);
    auto first = run_blocking(io, tables.find(built.info));
    REQUIRE(first);
    tables.evict(built.info.id);
    CHECK_FALSE(tables.lookup(built.info.id));
    auto second = run_blocking(io, tables.find(built.info));
    REQUIRE(second);
    CHECK(*second != *first);
    CHECK(store.gets() == 2);
    // The evicted reader still works for whoever holds it.
    CHECK((*first)->may_contain(testing::user_key_for(5)));
  }
}

}  // namespace lsm
