#include <algorithm>
#include <atomic>
#include <chrono>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include "manifest/manifest_store.h"
#include "manifest_test_support.h"
#include "test_support/catch.h"
#include "zobj/fault_store.h"
#include "zobj/memory_store.h"
#include "zobj/retry_store.h"

using namespace lsm;
using lsm::manifest_testing::AuthTransformer;
using lsm::manifest_testing::make_sst;
using lsm::manifest_testing::run;
using zerofs::Errc;

namespace {

ManifestState initial_state() {
  ManifestState s;
  s.create_time_ms = 1'000;
  s.writer_epoch = 1;
  s.compactor_epoch = 1;
  return s;
}

bool holds_table(const ManifestState& s, const SstId& id) {
  for (const SstInfo& t : s.l0) {
    if (t.id == id) return true;
  }
  for (const SortedRun& r : s.sorted_runs) {
    for (const SstInfo& t : r.ssts) {
      if (t.id == id) return true;
    }
  }
  return false;
}

// The writer's delta for one flushed memtable: prepend the table, advance the WAL mark.
ManifestStore::Delta add_l0(SstInfo table, std::uint64_t wal_id) {
  return [table = std::move(table), wal_id](ManifestState& s) -> Result<bool> {
    if (holds_table(s, table.id)) return false;
    s.l0.insert(s.l0.begin(), table);
    s.replay_after_wal_id = std::max(s.replay_after_wal_id, wal_id);
    s.last_l0_seq = std::max(s.last_l0_seq, table.max_seq);
    return true;
  };
}

// The compactor's delta: the `sources` (the back of L0 when it planned) become one new run.
ManifestStore::Delta compact_back_of_l0(std::vector<SstInfo> sources, bool* changed) {
  return [sources = std::move(sources), changed](ManifestState& s) -> Result<bool> {
    *changed = false;
    const std::size_t k = sources.size();
    const bool present =
        s.l0.size() >= k &&
        std::equal(sources.begin(), sources.end(), s.l0.end() - static_cast<long>(k),
                   [](const SstInfo& a, const SstInfo& b) { return a.id == b.id; });
    if (!present) {
      for (const SortedRun& r : s.sorted_runs) {
        for (const SstInfo& t : r.ssts) {
          if (t.id == sources.front().id) return false;  // an earlier attempt committed it
        }
      }
      return zerofs::fail(Errc::invalid_argument, "compaction sources left the back of L0");
    }
    s.l0.resize(s.l0.size() - k);
    SortedRun run{s.next_run_id++, sources};
    std::sort(run.ssts.begin(), run.ssts.end(), [](const SstInfo& a, const SstInfo& b) {
      return compare_internal_keys(a.smallest, b.smallest) < 0;
    });
    s.sorted_runs.insert(s.sorted_runs.begin(), std::move(run));
    *changed = true;
    return true;
  };
}

// Before forwarding a manifest create, commits the same bytes itself: every commit loses.
class CompetingStore final : public zobj::ObjectStore {
 public:
  explicit CompetingStore(std::shared_ptr<zobj::ObjectStore> inner) : inner_(std::move(inner)) {}
  std::atomic<int> competitor_wins{0};

  zerofs::Task<Result<zobj::GetResult>> get(std::string key,
                                            std::optional<zobj::ByteRange> range) override {
    co_return co_await inner_->get(std::move(key), range);
  }
  zerofs::Task<Result<zobj::ObjectMeta>> head(std::string key) override {
    co_return co_await inner_->head(std::move(key));
  }
  zerofs::Task<Result<zobj::ObjectMeta>> put(std::string key, zerofs::ByteView data,
                                             zobj::PutOptions options) override {
    if (options.mode == zobj::PutMode::create_if_absent) {
      auto competitor = co_await inner_->put(key, data, zobj::PutOptions::create());
      if (competitor) ++competitor_wins;
    }
    co_return co_await inner_->put(std::move(key), data, std::move(options));
  }
  zerofs::Task<Result<void>> del(std::string key) override {
    co_return co_await inner_->del(std::move(key));
  }
  zerofs::Task<Result<zobj::ListPage>> list(std::string prefix, std::string start_after,
                                            std::size_t max_keys) override {
    co_return co_await inner_->list(std::move(prefix), std::move(start_after), max_keys);
  }
  std::string describe() const override { return "competing"; }

 private:
  std::shared_ptr<zobj::ObjectStore> inner_;
};

}  // namespace

TEST_CASE("writer and compactor deltas racing on several threads lose no update") {
  constexpr int kWriters = 2;
  constexpr int kRounds = 60;
  auto memory = zobj::MemoryStore::create();
  const AuthTransformer transformer;
  const ManifestStoreOptions options{.max_update_attempts = 100'000};
  REQUIRE(run(ManifestStore(memory, "", transformer).create_initial(initial_state())));
  // Both writer threads share one ManifestStore (and its cache); the compactor has its own.
  ManifestStore writer(memory, "", transformer, options);
  ManifestStore compactor(memory, "", transformer, options);

  std::mutex errors_mutex;
  std::vector<std::string> errors;  // guarded by errors_mutex
  const auto note = [&](const zerofs::Error& e) {
    std::lock_guard lock(errors_mutex);
    errors.push_back(e.to_string());
  };
  std::atomic<int> writers_done{0};
  int runs_made = 0;  // compactor thread only

  std::vector<std::thread> threads;
  for (int w = 0; w < kWriters; ++w) {
    threads.emplace_back([&, w] {
      for (int i = 0; i < kRounds; ++i) {
        const auto n = static_cast<std::uint32_t>(i * kWriters + w);
        auto r = run(writer.update(add_l0(make_sst(n, w == 0 ? "a" : "b"), n + 1)));
        if (!r) note(r.error());
      }
      ++writers_done;
    });
  }
  threads.emplace_back([&] {
    for (;;) {
      const bool writers_finished = writers_done.load() == kWriters;
      auto latest = run(compactor.load_latest());
      if (!latest || !*latest)
        return note(latest ? zerofs::Error(Errc::not_found, "none") : latest.error());
      const std::vector<SstInfo>& l0 = (*latest)->state.l0;
      if (l0.size() >= 3 || (writers_finished && !l0.empty())) {
        const std::size_t k = std::min<std::size_t>(4, l0.size());
        bool changed = false;
        auto r = run(compactor.update(compact_back_of_l0(
            std::vector<SstInfo>(l0.end() - static_cast<long>(k), l0.end()), &changed)));
        if (!r) return note(r.error());
        if (changed) ++runs_made;
      } else if (writers_finished) {
        return;
      } else {
        std::this_thread::yield();
      }
    }
  });
  for (std::thread& t : threads) t.join();
  REQUIRE(errors.empty());

  auto final_manifest = run(ManifestStore(memory, "", transformer).load_latest());
  REQUIRE(final_manifest);
  REQUIRE(*final_manifest);
  const ManifestState& s = (*final_manifest)->state;
  // Every change of both sides is there, each exactly once (validation rejects duplicates).
  for (std::uint32_t n = 0; n < kWriters * kRounds; ++n) {
    CHECK(holds_table(s, make_sst(n, n % kWriters == 0 ? "a" : "b").id));
  }
  CHECK(s.l0.empty());
  CHECK(s.replay_after_wal_id == kWriters * kRounds);
  CHECK(s.last_l0_seq == make_sst(kWriters * kRounds - 1).max_seq);
  CHECK(s.sorted_runs.size() == static_cast<std::size_t>(runs_made));
  CHECK(s.next_run_id == static_cast<std::uint64_t>(runs_made));
  // One manifest per applied delta: nothing committed twice, nothing lost.
  CHECK((*final_manifest)->id == 1 + kWriters * kRounds + static_cast<std::uint64_t>(runs_made));
}

TEST_CASE("a PUT stored but reported failed is neither a conflict nor fenced") {
  auto memory = zobj::MemoryStore::create();
  auto faults = std::make_shared<zobj::FaultStore>(memory);
  using std::chrono::milliseconds;
  auto retry = std::make_shared<zobj::RetryStore>(
      faults, zobj::RetryOptions{milliseconds(1), milliseconds(2), milliseconds(10'000)});
  const AuthTransformer transformer;
  ManifestStore store(retry, "db/", transformer);

  faults->fail_next(zobj::StoreOp::put, 1, zobj::FaultKind::stored_but_failed);
  auto first = run(store.create_initial(initial_state()));
  REQUIRE(first);
  CHECK(first->id == 1);

  faults->fail_next(zobj::StoreOp::put, 1, zobj::FaultKind::stored_but_failed);
  ManifestState next = first->state;
  next.l0.push_back(make_sst(1));
  auto second = run(store.commit(*first, std::move(next)));
  REQUIRE(second);
  CHECK(second->id == 2);

  faults->fail_next(zobj::StoreOp::put, 1, zobj::FaultKind::stored_but_failed);
  auto third = run(store.update(add_l0(make_sst(2), 2)));
  REQUIRE(third);
  CHECK(third->id == 3);
  CHECK(third->state.l0.size() == 2);

  CHECK(faults->counters().stored_but_failed == 3);
  CHECK(retry->stats().resolved_by_put_id == 3);
  auto ids = run(store.list_ids());
  REQUIRE(ids);
  CHECK(*ids == std::vector<std::uint64_t>{1, 2, 3});
  auto reread = run(store.load(3));
  REQUIRE(reread);
  CHECK(reread->etag == third->etag);
}

TEST_CASE("update() applies nothing when the delta changes nothing or fails") {
  auto memory = zobj::MemoryStore::create();
  const AuthTransformer transformer;
  ManifestStore store(memory, "", transformer);

  auto none = run(store.update([](ManifestState&) -> Result<bool> { return true; }));
  REQUIRE_FALSE(none);
  CHECK(none.error().code() == Errc::not_found);

  REQUIRE(run(store.create_initial(initial_state())));
  auto same = run(store.update([](ManifestState&) -> Result<bool> { return false; }));
  REQUIRE(same);
  CHECK(same->id == 1);

  // A newer writer epoch fences the delta; nothing is written.
  auto fenced = run(store.update([](ManifestState& s) -> Result<bool> {
    if (s.writer_epoch > 0) return zerofs::fail(Errc::fenced, "writer epoch {}", s.writer_epoch);
    return true;
  }));
  REQUIRE_FALSE(fenced);
  CHECK(fenced.error().code() == Errc::fenced);
  CHECK(memory->object_count() == 1);

  // Re-applying an idempotent delta on a state that holds it is a no-op.
  auto added = run(store.update(add_l0(make_sst(7), 3)));
  REQUIRE(added);
  CHECK(added->id == 2);
  auto again = run(store.update(add_l0(make_sst(7), 3)));
  REQUIRE(again);
  CHECK(again->id == 2);
}

TEST_CASE("update() gives up with busy after losing every race") {
  auto memory = zobj::MemoryStore::create();
  auto competing = std::make_shared<CompetingStore>(memory);
  const AuthTransformer transformer;
  REQUIRE(run(ManifestStore(memory, "", transformer).create_initial(initial_state())));
  ManifestStore store(competing, "", transformer, ManifestStoreOptions{.max_update_attempts = 5});
  auto r = run(store.update([](ManifestState& s) -> Result<bool> {
    ++s.writer_epoch;  // not idempotent on purpose: every re-application wants a commit
    return true;
  }));
  REQUIRE_FALSE(r);
  CHECK(r.error().code() == Errc::busy);
  CHECK(competing->competitor_wins.load() == 5);
}
