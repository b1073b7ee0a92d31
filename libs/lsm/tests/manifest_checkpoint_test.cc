#include "manifest/checkpoints.h"
#include "manifest_test_support.h"
#include "test_support/catch.h"
#include "zobj/memory_store.h"

using namespace lsm;
using lsm::manifest_testing::AuthTransformer;
using lsm::manifest_testing::run;
using std::chrono::milliseconds;
using zerofs::Errc;

namespace {

constexpr std::int64_t kNow = 1'700'000'000'000;

struct Fixture {
  std::shared_ptr<zobj::MemoryStore> memory = zobj::MemoryStore::create();
  AuthTransformer transformer;
  ManifestStore store{memory, "db/", transformer};

  Fixture() {
    ManifestState s;
    s.create_time_ms = kNow;
    REQUIRE(run(store.create_initial(std::move(s))));
  }
  ManifestState latest() {
    auto m = run(store.load_latest());
    REQUIRE(m);
    REQUIRE(*m);
    return (*m)->state;
  }
  std::uint64_t latest_id() {
    auto m = run(store.load_latest());
    REQUIRE(m);
    REQUIRE(*m);
    return (*m)->id;
  }
};

Checkpoint lease(std::string_view hex, std::int64_t created, std::optional<std::int64_t> expires) {
  Checkpoint c;
  c.id = *parse_checkpoint_id(hex);
  c.manifest_id = 1;
  c.create_time_ms = created;
  c.expire_time_ms = expires;
  return c;
}

}  // namespace

TEST_CASE("checkpoint ids print as 32 hex characters and parse back") {
  const CheckpointId id = new_checkpoint_id();
  const std::string hex = checkpoint_id_to_hex(id);
  CHECK(hex.size() == 32);
  CHECK(parse_checkpoint_id(hex) == id);
  CHECK(parse_checkpoint_id("00112233445566778899AABBCCDDEEFF") ==
        parse_checkpoint_id("00112233445566778899aabbccddeeff"));
  CHECK_FALSE(parse_checkpoint_id("00112233445566778899aabbccddeef"));
  CHECK_FALSE(parse_checkpoint_id("00112233445566778899aabbccddeefg"));
  CHECK(new_checkpoint_id() != new_checkpoint_id());
}

TEST_CASE("a checkpoint pins the current manifest and is listed, found and deleted") {
  Fixture f;
  auto named = run(create_checkpoint(f.store, {.name = "nightly", .lifetime = {}}, kNow));
  REQUIRE(named);
  CHECK(named->name == "nightly");
  CHECK(named->manifest_id == 1);  // the manifest current when it was made
  CHECK(named->create_time_ms == kNow);
  CHECK_FALSE(named->expire_time_ms);
  CHECK(f.latest_id() == 2);

  auto unnamed = run(create_checkpoint(f.store, {}, kNow + 1));
  REQUIRE(unnamed);
  CHECK(unnamed->manifest_id == 2);
  CHECK_FALSE(unnamed->name);

  const ManifestState s = f.latest();
  const std::vector<Checkpoint> listed = list_checkpoints(s, kNow + 2);
  REQUIRE(listed.size() == 2);
  CHECK(listed[0].id == named->id);  // oldest first
  CHECK(listed[1].id == unnamed->id);
  REQUIRE(find_checkpoint(s, "nightly") != nullptr);
  CHECK(find_checkpoint(s, "nightly")->id == named->id);
  REQUIRE(find_checkpoint(s, unnamed->id_hex()) != nullptr);
  CHECK(find_checkpoint(s, unnamed->id_hex())->id == unnamed->id);
  CHECK(find_checkpoint(s, "weekly") == nullptr);

  auto duplicate = run(create_checkpoint(f.store, {.name = "nightly", .lifetime = {}}, kNow));
  REQUIRE_FALSE(duplicate);
  CHECK(duplicate.error().code() == Errc::already_exists);
  CHECK(f.latest_id() == 3);

  REQUIRE(run(delete_checkpoint(f.store, "nightly")));
  REQUIRE(run(delete_checkpoint(f.store, unnamed->id_hex())));
  CHECK(f.latest().checkpoints.empty());
  auto missing = run(delete_checkpoint(f.store, "nightly"));
  REQUIRE_FALSE(missing);
  CHECK(missing.error().code() == Errc::not_found);
  CHECK(f.latest_id() == 5);
}

TEST_CASE("checkpoint names are validated") {
  Fixture f;
  for (std::string bad :
       {std::string(), std::string(256, 'x'), std::string("00112233445566778899aabbccddeeff")}) {
    auto r = run(create_checkpoint(f.store, {.name = bad, .lifetime = {}}, kNow));
    REQUIRE_FALSE(r);
    CHECK(r.error().code() == Errc::invalid_argument);
  }
  auto r = run(create_checkpoint(f.store, {.name = {}, .lifetime = milliseconds(0)}, kNow));
  REQUIRE_FALSE(r);
  CHECK(r.error().code() == Errc::invalid_argument);
  CHECK(f.latest_id() == 1);
}

TEST_CASE("leases expire, refresh only while alive, and expired ones are removed") {
  Fixture f;
  auto lease_a =
      run(create_checkpoint(f.store, {.name = {}, .lifetime = milliseconds(1'000)}, kNow));
  REQUIRE(lease_a);
  CHECK(lease_a->expire_time_ms == kNow + 1'000);
  auto lease_b =
      run(create_checkpoint(f.store, {.name = "reader-b", .lifetime = milliseconds(500)}, kNow));
  REQUIRE(lease_b);

  CHECK(list_checkpoints(f.latest(), kNow + 499).size() == 2);
  CHECK(list_checkpoints(f.latest(), kNow + 500).size() == 1);  // expiry is inclusive

  auto extended =
      run(refresh_checkpoint(f.store, lease_a->id_hex(), milliseconds(2'000), kNow + 900));
  REQUIRE(extended);
  CHECK(extended->expire_time_ms == kNow + 2'900);
  CHECK(f.latest().checkpoints.size() == 2);

  auto too_late = run(refresh_checkpoint(f.store, "reader-b", milliseconds(2'000), kNow + 600));
  REQUIRE_FALSE(too_late);
  CHECK(too_late.error().code() == Errc::not_found);

  // The name of an expired lease may be reused: creating drops the expired one.
  auto reused = run(create_checkpoint(f.store, {.name = "reader-b", .lifetime = {}}, kNow + 600));
  REQUIRE(reused);
  CHECK(reused->id != lease_b->id);
  CHECK(f.latest().checkpoints.size() == 2);

  auto none = run(expire_checkpoints(f.store, kNow + 2'899));
  REQUIRE(none);
  CHECK(*none == 0);
  const std::uint64_t before = f.latest_id();
  auto removed = run(expire_checkpoints(f.store, kNow + 2'900));
  REQUIRE(removed);
  CHECK(*removed == 1);
  CHECK(f.latest_id() == before + 1);
  const ManifestState s = f.latest();
  REQUIRE(s.checkpoints.size() == 1);
  CHECK(s.checkpoints[0].name == "reader-b");
}

TEST_CASE("removing expired checkpoints is a pure state transform") {
  ManifestState s;
  s.checkpoints = {lease("000000000000000000000000000000aa", 10, 100),
                   lease("000000000000000000000000000000bb", 5, std::nullopt),
                   lease("000000000000000000000000000000cc", 20, 50)};
  const std::vector<Checkpoint> live = list_checkpoints(s, 60);
  REQUIRE(live.size() == 2);
  CHECK(live[0].id_hex() == "000000000000000000000000000000bb");
  CHECK(live[1].id_hex() == "000000000000000000000000000000aa");
  CHECK(remove_expired_checkpoints(s, 49) == 0);
  CHECK(remove_expired_checkpoints(s, 50) == 1);
  CHECK(s.checkpoints.size() == 2);
  CHECK(remove_expired_checkpoints(s, 1'000'000) == 1);
  REQUIRE(s.checkpoints.size() == 1);
  CHECK(s.checkpoints[0].id_hex() == "000000000000000000000000000000bb");
}
