// FaultStore: each kind of injected fault, halt(), reproducibility and counters.
#include "zobj/fault_store.h"

#include <fmt/format.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>

#include "store_test_util.h"
#include "test_support/catch.h"
#include "zobj/memory_store.h"

using namespace zobj;
namespace asio = zerofs::asio;
using namespace std::chrono_literals;
using zobj::testing::run_concurrently;
using zobj::testing::SyncStore;

namespace {

// Wraps a store; put() waits at a gate until the test opens it, then goes through.
class GateStore final : public ObjectStore {
 public:
  explicit GateStore(std::shared_ptr<ObjectStore> inner) : inner_(std::move(inner)) {}

  Task<Result<GetResult>> get(std::string key, std::optional<ByteRange> range) override {
    co_return co_await inner_->get(key, range);
  }
  Task<Result<ObjectMeta>> head(std::string key) override { co_return co_await inner_->head(key); }
  Task<Result<ObjectMeta>> put(std::string key, ByteView data, PutOptions options) override {
    asio::steady_timer gate(co_await asio::this_coro::executor,
                            asio::steady_timer::time_point::max());
    gate_ = &gate;
    co_await gate.async_wait(asio::as_tuple(asio::use_awaitable));
    gate_ = nullptr;
    co_return co_await inner_->put(key, data, options);
  }
  Task<Result<void>> del(std::string key) override { co_return co_await inner_->del(key); }
  Task<Result<ListPage>> list(std::string prefix, std::string start_after,
                              std::size_t max_keys) override {
    co_return co_await inner_->list(prefix, start_after, max_keys);
  }
  std::string describe() const override { return "gate"; }

  bool waiting() const { return gate_ != nullptr; }
  void open() { gate_->cancel(); }

 private:
  std::shared_ptr<ObjectStore> inner_;
  asio::steady_timer* gate_ = nullptr;  // single-threaded tests only
};

// Success (true) or failure of each of `n` puts.
std::vector<bool> outcomes(FaultStore& store, int n) {
  SyncStore sync(store);
  std::vector<bool> out;
  for (int i = 0; i < n; ++i) out.push_back(sync.put(fmt::format("k{}", i), "v").has_value());
  return out;
}

}  // namespace

TEST_CASE("fault store injects transient errors at the configured rate, reproducibly") {
  OpFaults half;
  half.error_rate = 0.5;
  auto memory = MemoryStore::create();
  FaultStore a(memory, FaultOptions::uniform(half, 11));
  FaultStore b(MemoryStore::create(), FaultOptions::uniform(half, 11));
  FaultStore c(MemoryStore::create(), FaultOptions::uniform(half, 12));
  const auto first = outcomes(a, 400);
  CHECK(first == outcomes(b, 400));
  CHECK(first != outcomes(c, 400));
  const auto failures = std::count(first.begin(), first.end(), false);
  CHECK(failures > 140);
  CHECK(failures < 260);
  CHECK(a.counters().injected_errors == static_cast<std::uint64_t>(failures));
  CHECK(a.counters().calls_of(StoreOp::put) == 400);
  // An injected error never reaches the wrapped store.
  CHECK(memory->object_count() == 400 - static_cast<std::size_t>(failures));
}

TEST_CASE("stored-but-failed performs the operation and reports transient") {
  auto memory = MemoryStore::create();
  FaultOptions options;
  options.op(StoreOp::put).stored_but_failed_rate = 1.0;
  options.op(StoreOp::del).stored_but_failed_rate = 1.0;
  FaultStore store(memory, options);
  SyncStore sync(store);
  CHECK(sync.put("k", "v").error().code() == Errc::transient);
  CHECK(SyncStore(*memory).text("k") == "v");
  CHECK(sync.del("k").error().code() == Errc::transient);
  CHECK(memory->object_count() == 0);
  // Real errors pass through unchanged.
  CHECK(sync.put("", "v").error().code() == Errc::invalid_argument);
  CHECK(store.counters().stored_but_failed == 2);
}

TEST_CASE("fail_next scripts the next failures of one operation") {
  FaultStore store(MemoryStore::create());
  SyncStore sync(store);
  store.fail_next(StoreOp::head, 2);
  CHECK(sync.put("k", "v").has_value());
  CHECK(sync.head("k").error().code() == Errc::transient);
  CHECK(sync.head("k").error().code() == Errc::transient);
  CHECK(sync.head("k").has_value());
  CHECK(store.counters().injected_errors == 2);
}

TEST_CASE("latency is per operation and waits on a timer") {
  FaultOptions options;
  options.op(StoreOp::put).latency = 30ms;
  FaultStore store(MemoryStore::create(), options);
  asio::io_context io;
  int order = 0;
  int put_done = 0;
  int get_done = 0;
  const auto start = std::chrono::steady_clock::now();
  std::chrono::steady_clock::duration put_elapsed{};
  asio::co_spawn(
      io,
      [&]() -> Task<void> {
        auto r = co_await store.put("k", zerofs::as_bytes("v"), PutOptions());
        put_elapsed = std::chrono::steady_clock::now() - start;
        put_done = r ? ++order : -1;
      },
      asio::detached);
  asio::co_spawn(
      io,
      [&]() -> Task<void> {
        auto r = co_await store.get("missing", std::nullopt);
        get_done = r.error().code() == Errc::not_found ? ++order : -1;
      },
      asio::detached);
  io.run();
  CHECK(get_done == 1);
  CHECK(put_done == 2);
  CHECK(put_elapsed >= 30ms);
}

TEST_CASE("short list pages keep a correct cursor, so listings stay complete") {
  auto memory = MemoryStore::create();
  SyncStore raw(*memory);
  std::vector<std::string> keys;
  for (int i = 0; i < 200; ++i) keys.push_back(fmt::format("key/{:03}", i));
  for (const auto& k : keys) raw.put(k, k).value();
  FaultOptions options;
  options.short_list_rate = 1.0;
  FaultStore store(memory, options);
  SyncStore sync(store);
  const ListPage page = sync.list("key/", "", 50).value();
  CHECK(page.objects.size() < 50);
  CHECK_FALSE(page.objects.empty());
  CHECK(page.next_start_after == page.objects.back().key);
  std::vector<std::string> listed;
  const auto all = sync.list_all("key/", 50).value();
  for (const auto& meta : all) listed.push_back(meta.key);
  CHECK(listed == keys);
  CHECK(store.counters().short_lists > 4);
}

TEST_CASE("halt fails every later operation without touching the wrapped store") {
  auto memory = MemoryStore::create();
  FaultStore store(memory);
  SyncStore sync(store);
  sync.put("before", "v").value();
  store.halt();
  CHECK(store.halted());
  CHECK(sync.put("after", "v").error().code() == Errc::permanent);
  CHECK(sync.del("before").error().code() == Errc::permanent);
  CHECK(sync.get("before").error().code() == Errc::permanent);
  CHECK(sync.head("before").error().code() == Errc::permanent);
  CHECK(sync.list("", "", 10).error().code() == Errc::permanent);
  CHECK(memory->object_count() == 1);
  CHECK(SyncStore(*memory).text("before") == "v");
  CHECK(store.counters().halted == 5);
}

TEST_CASE("halt during latency: the operation never reaches the wrapped store") {
  auto memory = MemoryStore::create();
  FaultOptions options;
  options.op(StoreOp::put).latency = 20ms;
  FaultStore store(memory, options);
  asio::io_context io;
  Result<ObjectMeta> put;
  asio::co_spawn(
      io,
      [&]() -> Task<void> { put = co_await store.put("k", zerofs::as_bytes("v"), PutOptions()); },
      asio::detached);
  asio::co_spawn(
      io,
      [&]() -> Task<void> {
        store.halt();
        co_return;
      },
      asio::detached);
  io.run();
  CHECK(put.error().code() == Errc::permanent);
  CHECK(memory->object_count() == 0);
}

TEST_CASE("halt while a write is in flight: it may land but is never acknowledged") {
  auto memory = MemoryStore::create();
  auto gate = std::make_shared<GateStore>(memory);
  FaultStore store(gate);
  asio::io_context io;
  Result<ObjectMeta> put;
  asio::co_spawn(
      io,
      [&]() -> Task<void> { put = co_await store.put("k", zerofs::as_bytes("v"), PutOptions()); },
      asio::detached);
  bool was_waiting = false;
  asio::co_spawn(
      io,
      [&]() -> Task<void> {
        was_waiting = gate->waiting();
        store.halt();
        gate->open();
        co_return;
      },
      asio::detached);
  io.run();
  CHECK(was_waiting);
  CHECK(put.error().code() == Errc::permanent);
  CHECK(SyncStore(*memory).text("k") == "v");
}

TEST_CASE("fault store counters add up under concurrent use") {
  OpFaults faults;
  faults.error_rate = 0.3;
  faults.stored_but_failed_rate = 0.2;
  FaultStore store(MemoryStore::create(), FaultOptions::uniform(faults, 3));
  std::vector<std::function<Task<Result<ObjectMeta>>()>> tasks;
  for (int i = 0; i < 400; ++i) {
    tasks.emplace_back([&store, i]() -> Task<Result<ObjectMeta>> {
      const std::string key = fmt::format("k/{}", i % 50);
      co_return co_await store.put(key, zerofs::as_bytes(key), PutOptions());
    });
  }
  std::uint64_t failed = 0;
  for (const auto& r : run_concurrently(std::move(tasks), 4)) failed += r ? 0 : 1;
  const FaultCounters c = store.counters();
  CHECK(c.calls_of(StoreOp::put) == 400);
  CHECK(c.injected_errors + c.stored_but_failed == failed);
  CHECK(c.injected_errors > 0);
  CHECK(c.stored_but_failed > 0);
}
