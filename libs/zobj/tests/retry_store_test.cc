// RetryStore: what it retries, how it resolves ambiguous conditional puts, when it gives up.
#include "zobj/retry_store.h"

#include <fmt/format.h>

#include <boost/asio/detached.hpp>
#include <chrono>
#include <map>
#include <random>

#include "store_test_util.h"
#include "test_support/catch.h"
#include "zobj/fault_store.h"
#include "zobj/memory_store.h"

using namespace zobj;
namespace asio = zerofs::asio;
using namespace std::chrono_literals;
using zobj::testing::SyncStore;
using zobj::testing::to_string;

namespace {

// Fast retries for tests: no waiting, a budget large enough never to run out.
RetryOptions quick_retries() {
  RetryOptions options;
  options.initial_delay = 0ns;
  options.max_delay = 0ns;
  options.max_total = 60s;
  return options;
}

struct Stack {
  explicit Stack(const FaultOptions& faults = {},
                 const RetryOptions& retry_options = quick_retries())
      : memory(MemoryStore::create()),
        fault(std::make_shared<FaultStore>(memory, faults)),
        retry(std::make_shared<RetryStore>(fault, retry_options)) {}

  std::shared_ptr<MemoryStore> memory;
  std::shared_ptr<FaultStore> fault;
  std::shared_ptr<RetryStore> retry;
};

}  // namespace

TEST_CASE("retry completes 1000 mixed operations at a 30% fault rate, matching a model") {
  OpFaults faults;
  faults.error_rate = 0.2;
  faults.stored_but_failed_rate = 0.125;  // of the remaining 80%: 10% of all attempts
  Stack stack(FaultOptions::uniform(faults, 42));
  SyncStore store(*stack.retry);
  SyncStore truth(*stack.memory);

  struct Entry {
    std::string value;
    std::string etag;
  };
  std::map<std::string, Entry> model;
  std::mt19937_64 rng(7);
  auto pick_key = [&] { return fmt::format("k/{}", rng() % 24); };
  for (int op = 0; op < 1000; ++op) {
    const std::string key = pick_key();
    const auto it = model.find(key);
    const bool present = it != model.end();
    const std::string value = fmt::format("v{}-{}", op, rng());
    INFO("op " << op << " key " << key);
    switch (rng() % 8) {
      case 0: {  // overwrite
        const ObjectMeta meta = store.put(key, value).value();
        model[key] = {value, meta.etag};
        break;
      }
      case 1: {  // create-if-absent
        const auto meta = store.put(key, value, PutOptions::create());
        if (present) {
          REQUIRE(meta.error().code() == Errc::already_exists);
        } else {
          REQUIRE(meta.has_value());
          model[key] = {value, meta->etag};
        }
        break;
      }
      case 2: {  // if-match with the current etag, or a stale one
        const bool stale = rng() % 3 == 0;
        const std::string etag = present && !stale ? it->second.etag : "stale-etag";
        const auto meta = store.put(key, value, PutOptions::match(etag));
        if (!present) {
          REQUIRE(meta.error().code() == Errc::not_found);
        } else if (stale) {
          REQUIRE(meta.error().code() == Errc::precondition_failed);
        } else {
          REQUIRE(meta.has_value());
          model[key] = {value, meta->etag};
        }
        break;
      }
      case 3:
        store.del(key).value();
        model.erase(key);
        break;
      case 4: {
        const auto meta = store.head(key);
        REQUIRE(meta.has_value() == present);
        if (present) REQUIRE(meta->etag == it->second.etag);
        break;
      }
      case 5: {
        const auto got =
            store.get(key, rng() % 2 ? std::optional<ByteRange>{{1, 3}} : std::nullopt);
        REQUIRE(got.has_value() == present);
        if (present) {
          const bool ranged = got->data.size() != it->second.value.size();
          REQUIRE(to_string(got->data) ==
                  (ranged ? it->second.value.substr(1, 3) : it->second.value));
        }
        break;
      }
      default: {
        std::vector<std::string> want;
        for (const auto& [k, e] : model) want.push_back(k);
        std::vector<std::string> got;
        const auto listed = store.list_all("k/", 5).value();
        for (const auto& meta : listed) got.push_back(meta.key);
        REQUIRE(got == want);
        break;
      }
    }
  }
  for (const auto& [key, entry] : model) CHECK(truth.text(key) == entry.value);
  CHECK(stack.memory->object_count() == model.size());

  const FaultCounters injected = stack.fault->counters();
  const RetryStats stats = stack.retry->stats();
  INFO("injected " << injected.injected_errors << " stored-but-failed "
                   << injected.stored_but_failed << " retries " << stats.retries);
  CHECK(injected.injected_errors > 100);
  CHECK(injected.stored_but_failed > 30);
  CHECK(stats.retries == injected.injected_errors + injected.stored_but_failed);
  CHECK(stats.resolved_by_put_id > 0);
  CHECK(stats.gave_up == 0);
}

TEST_CASE("a stored-but-failed create resolves as success through the put-id") {
  Stack stack;
  stack.fault->fail_next(StoreOp::put, 1, FaultKind::stored_but_failed);
  SyncStore store(*stack.retry);
  const auto meta = store.put("lock", "mine", PutOptions::create());
  REQUIRE(meta.has_value());
  CHECK(SyncStore(*stack.memory).head("lock").value().put_id == meta->put_id);
  CHECK(SyncStore(*stack.memory).text("lock") == "mine");
  CHECK(stack.retry->stats().resolved_by_put_id == 1);
  CHECK(stack.fault->counters().calls_of(StoreOp::put) == 2);
}

TEST_CASE("a retried create that finds another writer's object reports already_exists") {
  Stack stack;
  PutOptions other = PutOptions::create();
  other.put_id = "writer-a";
  SyncStore(*stack.memory).put("lock", "theirs", other).value();
  stack.fault->fail_next(StoreOp::put, 1, FaultKind::error);
  PutOptions mine = PutOptions::create();
  mine.put_id = "writer-b";
  const auto meta = SyncStore(*stack.retry).put("lock", "mine", mine);
  REQUIRE_FALSE(meta);
  CHECK(meta.error().code() == Errc::already_exists);
  CHECK(SyncStore(*stack.memory).text("lock") == "theirs");
  CHECK(stack.fault->counters().calls_of(StoreOp::head) == 1);
  CHECK(stack.retry->stats().resolved_by_put_id == 0);
}

TEST_CASE("a first-attempt conflict is returned as is, without a HEAD") {
  Stack stack;
  SyncStore store(*stack.retry);
  const ObjectMeta first = store.put("k", "v1").value();
  CHECK(store.put("k", "v2", PutOptions::create()).error().code() == Errc::already_exists);
  CHECK(store.put("k", "v2", PutOptions::match("stale")).error().code() ==
        Errc::precondition_failed);
  CHECK(stack.fault->counters().calls_of(StoreOp::head) == 0);
  CHECK(store.put("k", "v3", PutOptions::match(first.etag)).has_value());
}

TEST_CASE("if-match after an ambiguous failure: own write resolves, a rival's does not") {
  Stack stack;
  SyncStore store(*stack.retry);
  const ObjectMeta v1 = store.put("m", "v1").value();
  stack.fault->fail_next(StoreOp::put, 1, FaultKind::stored_but_failed);
  const auto v2 = store.put("m", "v2", PutOptions::match(v1.etag));
  REQUIRE(v2.has_value());
  CHECK(SyncStore(*stack.memory).head("m").value().etag == v2->etag);
  CHECK(stack.retry->stats().resolved_by_put_id == 1);

  // The first attempt fails before reaching the store; while the retry waits, a rival
  // replaces the object, so the retry's precondition failure is real.
  stack.fault->fail_next(StoreOp::put, 1, FaultKind::error);
  asio::io_context io;
  Result<ObjectMeta> ours;
  asio::co_spawn(
      io,
      [&]() -> Task<void> {
        ours =
            co_await stack.retry->put("m", zerofs::as_bytes("ours"), PutOptions::match(v2->etag));
      },
      asio::detached);
  asio::co_spawn(
      io,
      [&]() -> Task<void> {
        (void)co_await stack.memory->put("m", zerofs::as_bytes("rival"), PutOptions());
      },
      asio::detached);
  io.run();
  REQUIRE_FALSE(ours);
  CHECK(ours.error().code() == Errc::precondition_failed);
  CHECK(SyncStore(*stack.memory).text("m") == "rival");
  CHECK(stack.retry->stats().resolved_by_put_id == 1);
}

TEST_CASE("retry gives up after its total time budget with the transient error") {
  OpFaults always;
  always.error_rate = 1.0;
  RetryOptions retry;
  retry.initial_delay = 1ms;
  retry.max_delay = 4ms;
  retry.max_total = 60ms;
  Stack stack(FaultOptions::uniform(always), retry);
  const auto start = std::chrono::steady_clock::now();
  const auto got = SyncStore(*stack.retry).get("k");
  const auto elapsed = std::chrono::steady_clock::now() - start;
  REQUIRE_FALSE(got);
  CHECK(got.error().code() == Errc::transient);
  CHECK_THAT(got.error().message(), Catch::Contains("gave up after"));
  CHECK(elapsed >= retry.max_total);
  CHECK(elapsed < 10s);
  CHECK(stack.fault->counters().calls_of(StoreOp::get) >= 3);
  CHECK(stack.retry->stats().gave_up == 1);
}

TEST_CASE("permanent and semantic errors are not retried") {
  Stack stack;
  SyncStore store(*stack.retry);
  CHECK(store.get("missing").error().code() == Errc::not_found);
  CHECK(store.get("").error().code() == Errc::invalid_argument);
  CHECK(stack.fault->counters().calls_of(StoreOp::get) == 2);
  stack.fault->halt();
  CHECK(store.put("k", "v").error().code() == Errc::permanent);
  CHECK(store.list("", "", 10).error().code() == Errc::permanent);
  CHECK(stack.fault->counters().halted == 2);
  CHECK(stack.retry->stats().retries == 0);
}

TEST_CASE("retry delays wait on timers, leaving the io_context free") {
  RetryOptions slow;
  slow.initial_delay = 20ms;
  slow.max_delay = 20ms;
  slow.max_total = 10s;
  Stack stack({}, slow);
  SyncStore(*stack.memory).put("k", "v").value();
  // Whatever the jitter draws, the first retry waits on a timer; a HEAD started after the
  // failing GET finishes first only if that wait does not block the thread.
  stack.fault->fail_next(StoreOp::get, 1, FaultKind::error);
  asio::io_context io;
  int order = 0;
  int get_done = 0;
  int head_done = 0;
  asio::co_spawn(
      io,
      [&]() -> Task<void> {
        auto r = co_await stack.retry->get("k", std::nullopt);
        get_done = r.has_value() ? ++order : -1;
      },
      asio::detached);
  asio::co_spawn(
      io,
      [&]() -> Task<void> {
        auto r = co_await stack.retry->head("k");
        head_done = r.has_value() ? ++order : -1;
      },
      asio::detached);
  io.run();
  CHECK(head_done == 1);
  CHECK(get_done == 2);
  CHECK(stack.retry->stats().retries == 1);
}
