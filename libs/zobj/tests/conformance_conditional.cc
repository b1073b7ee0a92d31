// Conformance checks of conditional puts: create-if-absent and if-match, alone and racing.
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <set>

#include "conformance_util.h"

namespace zobj::conformance {

using namespace detail;

void create_if_absent(const BucketFactory& factory) {
  Fixture f(factory);
  const ObjectMeta first = ok(f.sync.put("c/key", "first", PutOptions::create()));
  expect_error(f.sync.put("c/key", "second", PutOptions::create()), Errc::already_exists);
  const GetResult got = ok(f.sync.get("c/key"));
  CHECK(to_string(got.data) == "first");
  CHECK(got.meta.etag == first.etag);
  CHECK(got.meta.put_id == first.put_id);
  ok(f.sync.del("c/key"));
  ok(f.sync.put("c/key", "third", PutOptions::create()));
  CHECK(f.sync.text("c/key") == "third");
}

void concurrent_create_if_absent(const BucketFactory& factory) {
  Fixture f(factory);
  const auto stores = f.handles(3);
  for (int round = 0; round < 3; ++round) {
    const std::string key = fmt::format("race/create-{}", round);
    constexpr int kRacers = 16;
    std::vector<std::function<Task<Result<ObjectMeta>>()>> tasks;
    for (int i = 0; i < kRacers; ++i) {
      ObjectStore& store = *stores[static_cast<std::size_t>(i) % stores.size()];
      tasks.emplace_back([&store, key, i]() -> Task<Result<ObjectMeta>> {
        const std::string body = fmt::format("racer-{}", i);
        PutOptions options = PutOptions::create();
        options.put_id = fmt::format("racer-{}-{}", i, new_put_id());
        co_return co_await store.put(key, zerofs::as_bytes(body), options);
      });
    }
    const auto results = run_concurrently(std::move(tasks), 4);
    int winners = 0;
    int winner = -1;
    for (int i = 0; i < kRacers; ++i) {
      const auto& r = results[static_cast<std::size_t>(i)];
      if (r) {
        ++winners;
        winner = i;
      } else {
        INFO(r.error().to_string());
        CHECK(r.error().code() == Errc::already_exists);
      }
    }
    REQUIRE(winners == 1);
    CHECK(f.sync.text(key) == fmt::format("racer-{}", winner));
    const ObjectMeta head = ok(f.sync.head(key));
    CHECK(head.put_id == results[static_cast<std::size_t>(winner)]->put_id);
    CHECK(head.etag == results[static_cast<std::size_t>(winner)]->etag);
  }
}

void if_match(const BucketFactory& factory) {
  Fixture f(factory);
  const ObjectMeta v1 = ok(f.sync.put("m/key", "v1"));
  const ObjectMeta v2 = ok(f.sync.put("m/key", "v2", PutOptions::match(v1.etag)));
  CHECK(v2.etag != v1.etag);
  CHECK(f.sync.text("m/key") == "v2");
  expect_error(f.sync.put("m/key", "v3", PutOptions::match(v1.etag)), Errc::precondition_failed);
  expect_error(f.sync.put("m/key", "v3", PutOptions::match("no-such-etag")),
               Errc::precondition_failed);
  const GetResult got = ok(f.sync.get("m/key"));
  CHECK(to_string(got.data) == "v2");
  CHECK(got.meta.etag == v2.etag);
  expect_error(f.sync.put("m/missing", "x", PutOptions::match(v2.etag)), Errc::not_found);
  expect_error(f.sync.head("m/missing"), Errc::not_found);
  const ObjectMeta v4 = ok(f.sync.put("m/key", "v4", PutOptions::match(v2.etag)));
  CHECK(ok(f.sync.head("m/key")).etag == v4.etag);
}

void concurrent_if_match(const BucketFactory& factory) {
  Fixture f(factory);
  const auto stores = f.handles(3);
  // Racers from one etag: exactly one wins, each round.
  std::string etag = ok(f.sync.put("cas/key", "start")).etag;
  for (int round = 0; round < 3; ++round) {
    constexpr int kRacers = 16;
    std::vector<std::function<Task<Result<ObjectMeta>>()>> tasks;
    for (int i = 0; i < kRacers; ++i) {
      ObjectStore& store = *stores[static_cast<std::size_t>(i) % stores.size()];
      tasks.emplace_back([&store, etag, round, i]() -> Task<Result<ObjectMeta>> {
        const std::string body = fmt::format("round-{}-racer-{}", round, i);
        co_return co_await store.put("cas/key", zerofs::as_bytes(body), PutOptions::match(etag));
      });
    }
    const auto results = run_concurrently(std::move(tasks), 4);
    int winners = 0;
    for (int i = 0; i < kRacers; ++i) {
      const auto& r = results[static_cast<std::size_t>(i)];
      if (r) {
        ++winners;
        CHECK(f.sync.text("cas/key") == fmt::format("round-{}-racer-{}", round, i));
        etag = r->etag;
      } else {
        INFO(r.error().to_string());
        CHECK(r.error().code() == Errc::precondition_failed);
      }
    }
    REQUIRE(winners == 1);
  }

  // A counter incremented by read-modify-CAS loops loses no increment.
  ok(f.sync.put("cas/counter", "0"));
  constexpr int kWorkers = 8;
  constexpr int kIncrements = 5;
  std::vector<std::function<Task<Result<int>>()>> workers;
  for (int w = 0; w < kWorkers; ++w) {
    ObjectStore& store = *stores[static_cast<std::size_t>(w) % stores.size()];
    workers.emplace_back([&store]() -> Task<Result<int>> {
      int conflicts = 0;
      for (int done = 0; done < kIncrements;) {
        ZF_CO_TRY(GetResult current, co_await store.get("cas/counter", std::nullopt));
        const std::string next = std::to_string(std::stoi(to_string(current.data)) + 1);
        auto put = co_await store.put("cas/counter", zerofs::as_bytes(next),
                                      PutOptions::match(current.meta.etag));
        if (put) {
          ++done;
        } else if (put.error().code() == Errc::precondition_failed) {
          ++conflicts;
        } else {
          co_return std::unexpected(put.error());
        }
      }
      co_return conflicts;
    });
  }
  for (auto& r : run_concurrently(std::move(workers), 4)) ok(std::move(r));
  CHECK(f.sync.text("cas/counter") == std::to_string(kWorkers * kIncrements));
}

}  // namespace zobj::conformance
