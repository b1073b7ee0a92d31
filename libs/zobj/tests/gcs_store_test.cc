// GcsStore against gcs_fake.js, the in-repo fake of the JSON API subset it uses (no GCS
// emulator can be installed here, so gs:// is tested only against this fake): the
// conformance suite through multipart and resumable uploads, and OAuth2 token handling
// (the fake verifies every JWT with the key's public half).
#include <fmt/format.h>

#include "cloud_test_env.h"
#include "conformance.h"
#include "store_test_util.h"
#include "test_support/temp_dir.h"
#include "zobj/open_store.h"

using zerofs::Errc;
using zobj::conformance::Bucket;
using zobj::testing::SyncStore;

namespace {

Bucket gcs_bucket_with(zobj::GcsSettings settings) {
  const std::string prefix = zobj::testing::unique_prefix("conformance");
  auto open = [settings, prefix]() -> std::shared_ptr<zobj::ObjectStore> {
    return zobj::GcsStore::open(zobj::testing::GcsFake::kBucket, prefix, settings).value();
  };
  return Bucket{open(), open, nullptr};
}

Bucket gcs_bucket() { return gcs_bucket_with(zobj::testing::shared_gcs_fake().settings()); }

// Every object above 100 bytes goes up through a resumable session.
Bucket gcs_resumable_bucket() {
  zobj::GcsSettings settings = zobj::testing::shared_gcs_fake().settings();
  settings.resumable_threshold = 100;
  return gcs_bucket_with(settings);
}

Bucket gcs_app_bucket() {
  Bucket bucket = gcs_bucket();
  zobj::StoreOptions options;
  options.metrics_name = "gcs-conformance";
  bucket.store = zobj::wrap_for_app(bucket.store, options);
  auto open = bucket.open_peer;
  bucket.open_peer = [open, options] { return zobj::wrap_for_app(open(), options); };
  return bucket;
}

}  // namespace

ZOBJ_CONFORMANCE_SUITE("gcs-fake", gcs_bucket)
ZOBJ_CONFORMANCE_CASE("gcs-fake resumable", gcs_resumable_bucket, round_trip)
ZOBJ_CONFORMANCE_CASE("gcs-fake resumable", gcs_resumable_bucket, large_object)
ZOBJ_CONFORMANCE_CASE("gcs-fake resumable", gcs_resumable_bucket, create_if_absent)
ZOBJ_CONFORMANCE_CASE("gcs-fake resumable", gcs_resumable_bucket, if_match)
ZOBJ_CONFORMANCE_CASE("gcs-fake resumable", gcs_resumable_bucket, concurrent_create_if_absent)
ZOBJ_CONFORMANCE_CASE("gcs-fake app stack", gcs_app_bucket, concurrent_if_match)
ZOBJ_CONFORMANCE_CASE("gcs-fake app stack", gcs_app_bucket, round_trip)

TEST_CASE("gcs: one token serves many requests until it nears expiry") {
  zobj::testing::GcsFake& fake = zobj::testing::shared_gcs_fake();
  auto store = zobj::GcsStore::open(zobj::testing::GcsFake::kBucket,
                                    zobj::testing::unique_prefix("token"), fake.settings())
                   .value();
  SyncStore sync(*store);
  const std::uint64_t before = fake.stat("tokens");
  for (int i = 0; i < 5; ++i) sync.put(fmt::format("k{}", i), "v").value();
  CHECK(sync.list_all("").value().size() == 5);
  CHECK(store->stats().token_requests == 1);
  CHECK(fake.stat("tokens") == before + 1);
}

TEST_CASE("gcs: tokens inside the refresh margin are refreshed") {
  zobj::testing::GcsFake fake(/*token_lifetime_s=*/60);
  REQUIRE(fake.ok());
  zobj::GcsSettings settings = fake.settings();
  settings.token_refresh_margin = std::chrono::seconds(300);  // every 60 s token is "due"
  auto store = zobj::GcsStore::open(zobj::testing::GcsFake::kBucket, "p", settings).value();
  SyncStore sync(*store);
  sync.put("a", "1").value();
  sync.put("b", "2").value();
  CHECK(sync.get("a").value().data == zobj::Buffer::copy_of(std::string_view("1")));
  CHECK(store->stats().token_requests == 3);
  CHECK(fake.stat("tokens") == 3);
}

TEST_CASE("gcs: a key the token endpoint does not trust is unauthorized") {
  zobj::testing::GcsFake& fake = zobj::testing::shared_gcs_fake();
  zerofs::testing::TempDir dir;
  zobj::GcsSettings settings = fake.settings();
  settings.service_account = (dir.path() / "other.json").string();
  zobj::testing::write_service_account_key(settings.service_account, fake.endpoint() + "/token");
  auto store = zobj::GcsStore::open(zobj::testing::GcsFake::kBucket, "p", settings).value();
  SyncStore sync(*store);
  const auto put = sync.put("k", "v");
  REQUIRE_FALSE(put);
  CHECK(put.error().code() == Errc::unauthorized);
  CHECK_THAT(put.error().message(), Catch::Contains("Invalid JWT Signature"));
}

TEST_CASE("gcs: etags are generations, unknown ones fail the right way") {
  auto store =
      zobj::GcsStore::open(zobj::testing::GcsFake::kBucket, zobj::testing::unique_prefix("gen"),
                           zobj::testing::shared_gcs_fake().settings())
          .value();
  SyncStore sync(*store);
  const zobj::ObjectMeta put = sync.put("k", "v").value();
  CHECK(put.etag.find_first_not_of("0123456789") == std::string::npos);
  CHECK(sync.put("k", "w", zobj::PutOptions::match("\"not-a-generation\"")).error().code() ==
        Errc::precondition_failed);
  CHECK(sync.put("absent", "w", zobj::PutOptions::match("\"x\"")).error().code() ==
        Errc::not_found);
  CHECK(sync.put("absent", "w", zobj::PutOptions::match(put.etag)).error().code() ==
        Errc::not_found);
  CHECK(sync.put("k", "w", zobj::PutOptions::match(put.etag)).value().etag != put.etag);
}

TEST_CASE("gcs: a refused token is replaced and the request sent again") {
  zobj::testing::GcsFake fake;
  REQUIRE(fake.ok());
  auto store = zobj::GcsStore::open(zobj::testing::GcsFake::kBucket, "p", fake.settings()).value();
  SyncStore sync(*store);
  sync.put("k", "1").value();
  fake.revoke_tokens();
  CHECK(sync.text("k") == "1");
  CHECK(store->stats().token_requests == 2);
  CHECK(store->stats().requests == 3);  // put, refused get, get
}
