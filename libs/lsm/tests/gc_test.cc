// The garbage collector: what it deletes, what it keeps, and in which order.
#include "compaction_test_support.h"
#include "gc/garbage_collector.h"
#include "manifest/manifest_codec.h"
#include "manifest_test_support.h"
#include "test_support/catch.h"
#include "wal/wal_object.h"
#include "zobj/memory_store.h"

using namespace lsm;
using lsm::manifest_testing::make_sst;
using lsm::manifest_testing::run;
using lsm::testing::AgedStore;

namespace {

constexpr std::int64_t kHour = 3'600'000;

struct GcFixture {
  std::shared_ptr<zobj::MemoryStore> memory = zobj::MemoryStore::create();
  std::shared_ptr<AgedStore> store = std::make_shared<AgedStore>(memory);
  std::shared_ptr<zobj::MemoryStore> wal_memory = zobj::MemoryStore::create();
  IdentityTransformer transformer;
  ManifestStore manifests{store, "db/", transformer};
  const std::int64_t now = unix_now_ms();
  const std::int64_t old = now - kHour;

  explicit GcFixture(ManifestState initial = {}) {
    initial.create_time_ms = 1;
    REQUIRE(run(manifests.create_initial(std::move(initial))));
    set_age(manifest_key(1), old);
  }

  static std::string manifest_key(std::uint64_t id) { return "db/" + manifest_relative_key(id); }
  static std::string sst_key(const SstInfo& t) { return "db/" + t.id.object_key(); }
  static std::string wal_key(std::uint64_t id) { return "db/" + wal_object_key(id); }

  void set_age(const std::string& key, std::int64_t modified) {
    store->set_modified(key, modified);
  }

  void put(zobj::ObjectStore& target, const std::string& key, std::size_t size) {
    const std::string bytes(size, 'x');
    REQUIRE(run(target.put(key, zerofs::as_bytes(bytes), {})));
  }
  void put_sst(const SstInfo& t, std::int64_t modified) {
    put(*store, sst_key(t), 100);
    set_age(sst_key(t), modified);
  }
  bool exists(zobj::ObjectStore& target, const std::string& key) {
    return run(target.head(key)).has_value();
  }
  bool exists(const std::string& key) { return exists(*memory, key); }

  // Commits `fn` as the next manifest, stored `modified`.
  std::uint64_t commit(std::function<void(ManifestState&)> fn, std::int64_t modified) {
    auto m = run(manifests.update([&](ManifestState& s) -> Result<bool> {
      fn(s);
      return true;
    }));
    REQUIRE(m);
    set_age(manifest_key(m->id), modified);
    return m->id;
  }

  GcCounts collect(GcParams params = {}) {
    if (!params.store) params = GcParams{store, nullptr, "db/", &manifests};
    GarbageCollector gc(std::move(params));
    GcOptions options;
    options.min_age = std::chrono::minutes(5);
    options.now_ms = now;
    auto counts = run(gc.collect(options));
    REQUIRE(counts);
    return *counts;
  }
};

Checkpoint pin(std::uint64_t manifest_id, std::optional<std::int64_t> expire = std::nullopt) {
  Checkpoint c;
  c.id = new_checkpoint_id();
  c.name = expire ? std::nullopt : std::optional<std::string>("keep");
  c.manifest_id = manifest_id;
  c.create_time_ms = 1;
  c.expire_time_ms = expire;
  return c;
}

}  // namespace

TEST_CASE("gc: old unreferenced tables go, young and referenced ones stay", "[gc]") {
  ManifestState initial;
  initial.l0 = {make_sst(1)};
  GcFixture f(initial);
  f.put_sst(make_sst(1), f.old);            // referenced
  f.put_sst(make_sst(2), f.old);            // garbage
  f.put_sst(make_sst(3), f.now - 1'000);    // unreferenced but young: maybe not committed yet
  f.put(*f.store, "db/sst/notes.txt", 10);  // not ours
  f.set_age("db/sst/notes.txt", f.old);

  const GcCounts counts = f.collect();
  CHECK(counts.ssts == 1);
  CHECK(counts.manifests == 0);  // the only manifest is the latest
  CHECK(f.exists(GcFixture::sst_key(make_sst(1))));
  CHECK_FALSE(f.exists(GcFixture::sst_key(make_sst(2))));
  CHECK(f.exists(GcFixture::sst_key(make_sst(3))));
  CHECK(f.exists("db/sst/notes.txt"));
  CHECK(f.exists(GcFixture::manifest_key(1)));
}

TEST_CASE("gc: a checkpoint keeps its manifest and tables until it expires", "[gc]") {
  ManifestState initial;
  initial.l0 = {make_sst(1)};
  GcFixture f(initial);
  f.put_sst(make_sst(1), f.old);
  f.put_sst(make_sst(2), f.old);
  // Manifest 2: table 1 was compacted into table 2, long ago.
  f.commit([](ManifestState& s) { s.l0 = {make_sst(2)}; }, f.old);

  SECTION("pinned") {
    f.commit([](ManifestState& s) { s.checkpoints.push_back(pin(1)); }, f.old);
    const GcCounts counts = f.collect();
    CHECK(counts.ssts == 0);
    CHECK(counts.manifests == 0);  // 1 is pinned, and nothing above it may go first
    CHECK(f.exists(GcFixture::sst_key(make_sst(1))));
    CHECK(f.exists(GcFixture::manifest_key(1)));
  }
  SECTION("expired") {
    f.commit([&](ManifestState& s) { s.checkpoints.push_back(pin(1, f.now - 1)); }, f.old);
    const GcCounts counts = f.collect();
    CHECK(counts.checkpoints == 1);
    CHECK(counts.ssts == 1);
    CHECK_FALSE(f.exists(GcFixture::sst_key(make_sst(1))));
    CHECK(run(f.manifests.load_latest())->value().state.checkpoints.empty());
  }
  SECTION("not pinned, superseded long ago") {
    const GcCounts counts = f.collect();
    CHECK(counts.ssts == 1);
    CHECK(counts.manifests == 1);
    CHECK_FALSE(f.exists(GcFixture::sst_key(make_sst(1))));
    CHECK_FALSE(f.exists(GcFixture::manifest_key(1)));
    CHECK(f.exists(GcFixture::manifest_key(2)));
  }
  SECTION("not pinned, superseded moments ago: a reader may still use it") {
    f.set_age(GcFixture::manifest_key(2), f.now - 1'000);
    const GcCounts counts = f.collect();
    CHECK(counts.ssts == 0);
    CHECK(counts.manifests == 0);
    CHECK(f.exists(GcFixture::sst_key(make_sst(1))));
  }
}

TEST_CASE("gc: WAL objects up to the replay mark go, fences never", "[gc]") {
  ManifestState initial;
  initial.replay_after_wal_id = 5;
  GcFixture f(initial);

  SECTION("in the main store") {
    for (std::uint64_t id = 1; id <= 7; ++id) {
      f.put(*f.store, GcFixture::wal_key(id), id == 3 || id == 7 ? 0 : 50);
    }
    const GcCounts counts = f.collect();
    CHECK(counts.wal_objects == 4);
    for (std::uint64_t id : {1, 2, 4, 5}) CHECK_FALSE(f.exists(GcFixture::wal_key(id)));
    for (std::uint64_t id : {3, 6, 7}) CHECK(f.exists(GcFixture::wal_key(id)));
  }
  SECTION("in a WAL store of its own, bounded by a pinned manifest") {
    // Manifest 2 replays after 5, but a checkpoint pins manifest 1, which replays after 2.
    f.commit([](ManifestState& s) { s.replay_after_wal_id = 2; }, f.old);  // becomes the pin
    f.commit([](ManifestState& s) { s.replay_after_wal_id = 5; }, f.old);
    f.commit([](ManifestState& s) { s.checkpoints.push_back(pin(2)); }, f.old);
    for (std::uint64_t id = 1; id <= 6; ++id) {
      f.put(*f.wal_memory, GcFixture::wal_key(id), id == 1 ? 0 : 50);
    }
    const GcCounts counts = f.collect(GcParams{f.store, f.wal_memory, "db/", &f.manifests});
    CHECK(counts.wal_objects == 1);  // id 2; id 1 is a fence
    CHECK(f.exists(*f.wal_memory, GcFixture::wal_key(1)));
    CHECK_FALSE(f.exists(*f.wal_memory, GcFixture::wal_key(2)));
    CHECK(f.exists(*f.wal_memory, GcFixture::wal_key(3)));
    CHECK(counts.manifests == 1);  // manifest 1; 2 is pinned
  }
}

TEST_CASE("gc: manifests go in ascending order, never the latest", "[gc]") {
  GcFixture f;
  for (int i = 0; i < 4; ++i) {
    f.commit([](ManifestState& s) { s.last_l0_seq += 1; }, f.old);
  }
  SECTION("all old") {
    const GcCounts counts = f.collect();
    CHECK(counts.manifests == 4);
    std::vector<std::string> manifests_deleted;
    for (const std::string& key : f.store->deleted()) {
      if (key.starts_with("db/manifest/")) manifests_deleted.push_back(key);
    }
    CHECK(manifests_deleted ==
          std::vector<std::string>{GcFixture::manifest_key(1), GcFixture::manifest_key(2),
                                   GcFixture::manifest_key(3), GcFixture::manifest_key(4)});
    CHECK(f.exists(GcFixture::manifest_key(5)));
    CHECK(f.collect().manifests == 0);  // the next pass finds nothing more
    // The store still commits on top of what is left.
    CHECK(f.commit([](ManifestState& s) { s.last_l0_seq += 1; }, f.old) == 6);
  }
  SECTION("a pin stops the sweep") {
    f.commit([](ManifestState& s) { s.checkpoints.push_back(pin(3)); }, f.old);
    const GcCounts counts = f.collect();
    CHECK(counts.manifests == 2);
    CHECK_FALSE(f.exists(GcFixture::manifest_key(2)));
    CHECK(f.exists(GcFixture::manifest_key(3)));
    CHECK(f.exists(GcFixture::manifest_key(4)));
  }
}
