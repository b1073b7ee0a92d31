#include "manifest/manifest_store.h"

#include "manifest/manifest_codec.h"
#include "manifest_test_support.h"
#include "test_support/catch.h"
#include "zobj/memory_store.h"

using namespace lsm;
using lsm::manifest_testing::AuthTransformer;
using lsm::manifest_testing::CountingStore;
using lsm::manifest_testing::make_sst;
using lsm::manifest_testing::run;
using zerofs::Errc;

namespace {

struct Fixture {
  std::shared_ptr<zobj::MemoryStore> memory = zobj::MemoryStore::create();
  std::shared_ptr<CountingStore> counting = std::make_shared<CountingStore>(memory);
  AuthTransformer transformer;

  ManifestStore open(std::string prefix = "db/") {
    return ManifestStore(counting, std::move(prefix), transformer);
  }
};

ManifestState initial_state() {
  ManifestState s;
  s.create_time_ms = 1'000;
  s.writer_epoch = 1;
  return s;
}

// Commits `count` manifests on top of `base`, each adding one L0 table.
StoredManifest commit_n(ManifestStore& store, StoredManifest base, int count) {
  for (int i = 0; i < count; ++i) {
    ManifestState next = base.state;
    next.l0.insert(next.l0.begin(), make_sst(static_cast<std::uint32_t>(base.id)));
    auto r = run(store.commit(base, std::move(next)));
    REQUIRE(r);
    base = std::move(*r);
  }
  return base;
}

}  // namespace

TEST_CASE("load_latest of an empty database is nullopt, create_initial writes manifest 1 once") {
  Fixture f;
  ManifestStore store = f.open();
  auto empty = run(store.load_latest());
  REQUIRE(empty);
  CHECK_FALSE(*empty);

  auto created = run(store.create_initial(initial_state()));
  REQUIRE(created);
  CHECK(created->id == 1);
  CHECK_FALSE(created->etag.empty());
  CHECK(f.memory->object_count() == 1);
  CHECK(store.object_key(1) == "db/manifest/00000000000000000001");

  auto again = run(store.create_initial(initial_state()));
  REQUIRE_FALSE(again);
  CHECK(again.error().code() == Errc::already_exists);

  auto latest = run(f.open().load_latest());
  REQUIRE(latest);
  REQUIRE(*latest);
  CHECK((*latest)->id == 1);
  CHECK((*latest)->etag == created->etag);
  CHECK((*latest)->state.writer_epoch == 1);
}

TEST_CASE("commits form a contiguous chain and a lost race is a precondition failure") {
  Fixture f;
  ManifestStore store = f.open("");
  auto first = run(store.create_initial(initial_state()));
  REQUIRE(first);
  const StoredManifest third = commit_n(store, *first, 2);
  CHECK(third.id == 3);
  CHECK(third.state.l0.size() == 2);

  auto ids = run(store.list_ids());
  REQUIRE(ids);
  CHECK(*ids == std::vector<std::uint64_t>{1, 2, 3});

  // A second process still on manifest 2 loses against the commit of 3.
  auto second = run(store.load(2));
  REQUIRE(second);
  ManifestState next = second->state;
  next.writer_epoch = 2;
  auto lost = run(store.commit(*second, std::move(next)));
  REQUIRE_FALSE(lost);
  CHECK(lost.error().code() == Errc::precondition_failed);
  auto still = run(store.load(3));
  REQUIRE(still);
  CHECK(still->etag == third.etag);
  CHECK(still->state.writer_epoch == 1);

  auto missing = run(store.load(9));
  REQUIRE_FALSE(missing);
  CHECK(missing.error().code() == Errc::not_found);
}

TEST_CASE("commit refuses to change creation-time fields or lower an epoch") {
  Fixture f;
  ManifestStore store = f.open();
  auto first = run(store.create_initial(initial_state()));
  REQUIRE(first);
  ManifestState moved = first->state;
  moved.separate_wal_store = true;
  auto r1 = run(store.commit(*first, std::move(moved)));
  REQUIRE_FALSE(r1);
  CHECK(r1.error().code() == Errc::invalid_argument);
  ManifestState lowered = first->state;
  lowered.writer_epoch = 0;
  auto r2 = run(store.commit(*first, std::move(lowered)));
  REQUIRE_FALSE(r2);
  CHECK(r2.error().code() == Errc::invalid_argument);
  CHECK(f.memory->object_count() == 1);
}

TEST_CASE("refresh discovers newer manifests by probing, without LIST") {
  Fixture f;
  ManifestStore writer = f.open();
  ManifestStore reader = f.open();
  auto first = run(writer.create_initial(initial_state()));
  REQUIRE(first);
  const int lists_before_open = f.counting->lists.load();
  auto seen = run(reader.load_latest());
  REQUIRE(seen);
  REQUIRE(*seen);
  const int lists_after_open = f.counting->lists.load();
  CHECK(lists_after_open == lists_before_open + 1);

  const StoredManifest fourth = commit_n(writer, *first, 3);
  const int gets_before = f.counting->gets.load();
  auto refreshed = run(reader.refresh(**seen));
  REQUIRE(refreshed);
  CHECK(refreshed->id == 4);
  CHECK(refreshed->etag == fourth.etag);
  CHECK(refreshed->state.l0.size() == 3);
  CHECK(f.counting->gets.load() - gets_before == 4);  // ids 2, 3, 4 and the miss at 5

  // Nothing newer: one GET miss and one HEAD of the known manifest.
  const int heads_before = f.counting->heads.load();
  auto same = run(reader.refresh(*refreshed));
  REQUIRE(same);
  CHECK(same->id == 4);
  CHECK(f.counting->heads.load() - heads_before == 1);
  CHECK(f.counting->lists.load() == lists_after_open);
}

TEST_CASE("refresh falls back to a listing when the known manifest was garbage-collected") {
  Fixture f;
  ManifestStore writer = f.open();
  ManifestStore reader = f.open();
  auto first = run(writer.create_initial(initial_state()));
  REQUIRE(first);
  commit_n(writer, *first, 3);  // 2, 3, 4
  for (std::uint64_t id : {1, 2, 3}) REQUIRE(run(writer.delete_manifest(id)));
  const int lists_before = f.counting->lists.load();
  auto refreshed = run(reader.refresh(*first));
  REQUIRE(refreshed);
  CHECK(refreshed->id == 4);
  CHECK(f.counting->lists.load() == lists_before + 1);
}

TEST_CASE("load_latest probes past a stale listing") {
  Fixture f;
  ManifestStore writer = f.open();
  auto first = run(writer.create_initial(initial_state()));
  REQUIRE(first);
  commit_n(writer, *first, 4);  // up to 5
  // The listing only shows manifest 2 (as an eventually consistent store might).
  f.counting->hide_from_list = [](const std::string& key) {
    return key != "db/manifest/00000000000000000002";
  };
  auto latest = run(f.open().load_latest());
  REQUIRE(latest);
  REQUIRE(*latest);
  CHECK((*latest)->id == 5);
  // Even an empty listing finds manifest 1 and walks up from there.
  f.counting->hide_from_list = [](const std::string&) { return true; };
  auto from_nothing = run(f.open().load_latest());
  REQUIRE(from_nothing);
  REQUIRE(*from_nothing);
  CHECK((*from_nothing)->id == 5);
}

TEST_CASE("a commit from a garbage-collected base is fenced and leaves nothing behind") {
  Fixture f;
  ManifestStore live = f.open();
  ManifestStore stalled = f.open();
  auto first = run(live.create_initial(initial_state()));
  REQUIRE(first);
  auto stale_base = run(stalled.load(1));
  REQUIRE(stale_base);
  commit_n(live, *first, 2);  // 2, 3
  // GC: ascending, never the latest.
  REQUIRE(run(live.delete_manifest(1)));
  REQUIRE(run(live.delete_manifest(2)));

  ManifestState next = stale_base->state;
  next.writer_epoch = 5;
  auto r = run(stalled.commit(*stale_base, std::move(next)));
  REQUIRE_FALSE(r);
  CHECK(r.error().code() == Errc::fenced);
  CHECK(r.error().message().find("stale manifest view") != std::string::npos);
  auto ids = run(live.list_ids());
  REQUIRE(ids);
  CHECK(*ids == std::vector<std::uint64_t>{3});  // the resurrected 2 was removed again

  SECTION("a base recreated with another etag is just as stale") {
    ManifestState bogus = stale_base->state;
    auto bytes = encode_manifest(bogus, 1, f.transformer);
    REQUIRE(bytes);
    REQUIRE(run(f.memory->put(live.object_key(1), bytes->view(), zobj::PutOptions::create())));
    auto again = run(stalled.commit(*stale_base, stale_base->state));
    REQUIRE_FALSE(again);
    CHECK(again.error().code() == Errc::fenced);
  }
  SECTION("update() from the stale view restarts from the newest manifest") {
    auto updated = run(stalled.update([](ManifestState& s) -> Result<bool> {
      s.writer_epoch = 5;
      return true;
    }));
    REQUIRE(updated);
    CHECK(updated->id == 4);
    CHECK(updated->state.l0.size() == 2);  // built on manifest 3, not on the stale 1
  }
}

TEST_CASE("create_initial does not resurrect a collected manifest 1 beside newer ones") {
  Fixture f;
  ManifestStore store = f.open();
  auto first = run(store.create_initial(initial_state()));
  REQUIRE(first);
  commit_n(store, *first, 1);
  REQUIRE(run(store.delete_manifest(1)));
  auto r = run(f.open().create_initial(initial_state()));
  REQUIRE_FALSE(r);
  CHECK(r.error().code() == Errc::already_exists);
  auto ids = run(store.list_ids());
  REQUIRE(ids);
  CHECK(*ids == std::vector<std::uint64_t>{2});
}

TEST_CASE("a manifest written under another transformer or id does not load") {
  Fixture f;
  ManifestStore store = f.open();
  REQUIRE(run(store.create_initial(initial_state())));
  auto bytes = run(f.memory->get(store.object_key(1), std::nullopt));
  REQUIRE(bytes);
  REQUIRE(run(f.memory->put(store.object_key(2), bytes->data.view(), zobj::PutOptions::create())));
  auto r = run(store.load(2));
  REQUIRE_FALSE(r);
  CHECK(r.error().code() == Errc::integrity);
  IdentityTransformer identity;
  auto plain = run(ManifestStore(f.memory, "db/", identity).load(1));
  REQUIRE_FALSE(plain);
  CHECK((plain.error().code() == Errc::corrupt || plain.error().code() == Errc::integrity));
}
