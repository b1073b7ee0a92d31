// lsm::Compactor: compaction through the manifest, fencing, and its run loop.
#include <fmt/format.h>

#include "compaction_test_support.h"
#include "lsm/compactor.h"
#include "manifest/manifest_codec.h"
#include "manifest/manifest_store.h"
#include "table_test_util.h"
#include "test_support/catch.h"

using namespace lsm;
using lsm::testing::AgedStore;
using lsm::testing::Entry;
using lsm::testing::ikey;
using zerofs::Errc;

namespace {

struct CompactorFixture {
  zerofs::asio::io_context io;
  std::shared_ptr<zobj::MemoryStore> memory = zobj::MemoryStore::create();
  std::shared_ptr<AgedStore> store = std::make_shared<AgedStore>(memory);
  std::shared_ptr<const BlockTransformer> transformer = std::make_shared<IdentityTransformer>();
  ManifestStore manifests{store, "db/", *transformer};
  SequenceNumber seq = 1;

  CompactorFixture() {
    ManifestState initial;
    initial.create_time_ms = 1;
    initial.writer_epoch = 1;
    REQUIRE(zerofs::run_blocking(io, manifests.create_initial(std::move(initial))));
  }

  template <typename T>
  T run(zerofs::Task<T> task) {
    return zerofs::run_blocking(io, std::move(task));
  }

  OpenParams params() {
    OpenParams p;
    p.store = store;
    p.prefix = "db/";
    p.transformer = transformer;
    p.options.l0_compaction_trigger = 2;
    p.options.cpu_threads = 2;
    p.options.manifest_poll_interval = std::chrono::milliseconds(1);
    return p;
  }

  // The writer's part: store a table of `keys` and put it at the front of L0.
  void flush_l0(int keys) {
    std::vector<Entry> entries;
    for (int k = 0; k < keys; ++k) {
      entries.push_back(Entry{ikey(fmt::format("key{:04}", k), seq++), fmt::format("v{}", seq)});
    }
    auto built = lsm::testing::build_table(entries, *transformer);
    lsm::testing::put_table(io, *store, "db/", built);
    auto m = run(manifests.update([&](ManifestState& s) -> Result<bool> {
      s.l0.insert(s.l0.begin(), built.info);
      s.last_l0_seq = seq - 1;
      return true;
    }));
    REQUIRE(m);
  }

  ManifestState latest() { return run(manifests.load_latest())->value().state; }

  std::unique_ptr<Compactor> open() {
    auto c = run(Compactor::open(params()));
    REQUIRE(c);
    return std::move(*c);
  }
};

}  // namespace

TEST_CASE("compactor: compacts L0 into a run through the manifest", "[compaction][compactor]") {
  CompactorFixture f;
  auto compactor = f.open();
  CHECK(compactor->stats().epoch == 1);
  CHECK(f.latest().compactor_epoch == 1);
  CHECK_FALSE(f.run(compactor->run_once()).value());  // L0 is empty

  f.flush_l0(50);
  f.flush_l0(50);
  REQUIRE(f.run(compactor->run_once()).value());
  const ManifestState s = f.latest();
  CHECK(s.l0.empty());
  REQUIRE(s.sorted_runs.size() == 1);
  CHECK(s.sorted_runs.front().id == 0);
  CHECK(s.next_run_id == 1);
  CHECK(s.sorted_runs.front().ssts.front().num_entries == 50);  // the newer versions only
  CHECK(compactor->stats().compactions == 1);
  CHECK_FALSE(f.run(compactor->run_once()).value());
}

TEST_CASE("compactor: a second compactor fences the first", "[compaction][compactor]") {
  CompactorFixture f;
  auto first = f.open();
  auto second = f.open();
  CHECK(second->stats().epoch == first->stats().epoch + 1);
  f.flush_l0(10);
  f.flush_l0(10);
  auto fenced = f.run(first->run_once());
  REQUIRE_FALSE(fenced);
  CHECK(fenced.error().code() == Errc::fenced);
  CHECK(f.latest().l0.size() == 2);  // the fenced compactor did nothing
  CHECK(f.run(second->run_once()).value());
  CHECK(f.latest().l0.empty());
}

TEST_CASE("compactor: fenced between merging and committing, its outputs are deleted",
          "[compaction][compactor]") {
  CompactorFixture f;
  auto first = f.open();
  f.flush_l0(30);
  f.flush_l0(30);
  const auto tables_before = f.run(zobj::list_all(*f.memory, "db/sst/")).value().size();

  std::unique_ptr<Compactor> second;
  f.store->on_put("sst/", [&](const std::string&) -> zerofs::Task<void> {
    if (!second) second = (co_await Compactor::open(f.params())).value();  // takes over
  });
  auto fenced = f.run(first->run_once());
  REQUIRE_FALSE(fenced);
  CHECK(fenced.error().code() == Errc::fenced);
  REQUIRE(second);
  CHECK(f.latest().l0.size() == 2);
  CHECK(f.latest().sorted_runs.empty());
  CHECK(f.run(zobj::list_all(*f.memory, "db/sst/")).value().size() == tables_before);
}

TEST_CASE("compactor: run() compacts and collects garbage until stopped",
          "[compaction][compactor]") {
  CompactorFixture f;
  auto compactor = f.open();
  f.flush_l0(20);
  f.flush_l0(20);
  // Stop as soon as the compaction commits its manifest; run() finishes that step first.
  f.store->on_put("manifest/", [&](const std::string&) -> zerofs::Task<void> {
    compactor->stop();
    co_return;
  });
  REQUIRE(f.run(compactor->run()));
  const CompactorStats stats = compactor->stats();
  CHECK(stats.compactions == 1);
  CHECK(stats.gc_passes == 1);
  CHECK(stats.gc_objects_deleted == 0);  // the compacted L0 tables are younger than gc_min_age
  CHECK(f.latest().l0.empty());
}

TEST_CASE("compactor: opening needs an existing database", "[compaction][compactor]") {
  zerofs::asio::io_context io;
  OpenParams p;
  p.store = zobj::MemoryStore::create();
  p.prefix = "nothing/";
  p.transformer = std::make_shared<IdentityTransformer>();
  auto c = zerofs::run_blocking(io, Compactor::open(std::move(p)));
  REQUIRE_FALSE(c);
  CHECK(c.error().code() == Errc::not_found);
}
