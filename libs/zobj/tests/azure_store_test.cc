// AzureStore against Azurite (npm, started on demand): the conformance suite with native
// conditional writes, Put Blob and block uploads, plus authentication, error mapping and
// listing details.
#include <fmt/format.h>

#include "cloud_test_env.h"
#include "conformance.h"
#include "store_test_util.h"
#include "zobj/open_store.h"

using zerofs::Errc;
using zobj::conformance::Bucket;
using zobj::testing::SyncStore;

namespace {

Bucket azure_bucket_with(const zobj::AzureSettings& settings) {
  return zobj::testing::fresh_azure_bucket(settings);
}

Bucket azure_bucket() { return azure_bucket_with(zobj::testing::shared_azurite().settings()); }

// Every object above 1 MiB goes up as 256 KiB blocks.
Bucket azure_block_bucket() {
  zobj::AzureSettings settings = zobj::testing::shared_azurite().settings();
  settings.block_threshold = 1u << 20;
  settings.block_size = 256u << 10;
  return azure_bucket_with(settings);
}

Bucket azure_app_bucket() {
  Bucket bucket = azure_bucket();
  zobj::StoreOptions options;
  options.metrics_name = "azure-conformance";
  bucket.store = zobj::wrap_for_app(bucket.store, options);
  auto open = bucket.open_peer;
  bucket.open_peer = [open, options] { return zobj::wrap_for_app(open(), options); };
  return bucket;
}

std::shared_ptr<zobj::AzureStore> open_azure(zobj::AzureSettings settings,
                                             const std::string& container) {
  return zobj::AzureStore::open(container, zobj::testing::unique_prefix("azure"), settings).value();
}

}  // namespace

// The whole suite but list_pagination (~3,000 List Blobs calls, a minute on Azurite), which
// runs in zobj_azure_slow_tests.
ZOBJ_CONFORMANCE_CASE("azurite", azure_bucket, round_trip)
ZOBJ_CONFORMANCE_CASE("azurite", azure_bucket, empty_object)
ZOBJ_CONFORMANCE_CASE("azurite", azure_bucket, large_object)
ZOBJ_CONFORMANCE_CASE("azurite", azure_bucket, ranged_get)
ZOBJ_CONFORMANCE_CASE("azurite", azure_bucket, missing_keys)
ZOBJ_CONFORMANCE_CASE("azurite", azure_bucket, overwrite_changes_etag)
ZOBJ_CONFORMANCE_CASE("azurite", azure_bucket, create_if_absent)
ZOBJ_CONFORMANCE_CASE("azurite", azure_bucket, concurrent_create_if_absent)
ZOBJ_CONFORMANCE_CASE("azurite", azure_bucket, if_match)
ZOBJ_CONFORMANCE_CASE("azurite", azure_bucket, concurrent_if_match)
ZOBJ_CONFORMANCE_CASE("azurite", azure_bucket, list_prefix_and_start_after)
ZOBJ_CONFORMANCE_CASE("azurite", azure_bucket, put_id_round_trip)
ZOBJ_CONFORMANCE_CASE("azurite", azure_bucket, nested_keys)
ZOBJ_CONFORMANCE_CASE("azurite", azure_bucket, invalid_keys)
ZOBJ_CONFORMANCE_CASE("azurite blocks", azure_block_bucket, large_object)
ZOBJ_CONFORMANCE_CASE("azurite blocks", azure_block_bucket, create_if_absent)
ZOBJ_CONFORMANCE_CASE("azurite blocks", azure_block_bucket, if_match)
ZOBJ_CONFORMANCE_CASE("azurite app stack", azure_app_bucket, concurrent_if_match)
ZOBJ_CONFORMANCE_CASE("azurite app stack", azure_app_bucket, round_trip)

TEST_CASE("azure: a wrong account key is unauthorized") {
  zobj::AzureSettings settings = zobj::testing::shared_azurite().settings();
  settings.account_key = "d3Jvbmcga2V5IGZvciBkZXZzdG9yZWFjY291bnQx";  // "wrong key for ..."
  auto store = open_azure(settings, zobj::testing::Azurite::kContainer);
  SyncStore sync(*store);
  CHECK(sync.put("k", "v").error().code() == Errc::unauthorized);
  CHECK(sync.head("k").error().code() == Errc::unauthorized);
  CHECK(sync.list("", "", 10).error().code() == Errc::unauthorized);
}

TEST_CASE("azure: a missing container is a permanent error naming it") {
  auto store = open_azure(zobj::testing::shared_azurite().settings(), "no-such-container");
  SyncStore sync(*store);
  const auto put = sync.put("k", "v");
  REQUIRE_FALSE(put);
  CHECK(put.error().code() == Errc::permanent);
  CHECK_THAT(put.error().message(), Catch::Contains("ContainerNotFound"));
  CHECK(sync.list("", "", 10).error().code() == Errc::permanent);
  CHECK(sync.del("k").error().code() == Errc::permanent);
}

TEST_CASE("azure: block uploads commit bytes, put-id and conditions") {
  zobj::AzureSettings settings = zobj::testing::shared_azurite().settings();
  settings.block_threshold = 100;
  settings.block_size = 64;
  auto store = open_azure(settings, zobj::testing::Azurite::kContainer);
  SyncStore sync(*store);
  const zobj::Buffer data = zobj::testing::random_bytes(1000, 3);  // 16 blocks
  const zobj::ObjectMeta first = sync.put("blocks", data, zobj::PutOptions::create()).value();
  CHECK(store->stats().block_uploads == 1);
  CHECK(sync.put("blocks", data, zobj::PutOptions::create()).error().code() ==
        Errc::already_exists);
  CHECK(sync.put("blocks", data, zobj::PutOptions::match("\"0x0\"")).error().code() ==
        Errc::precondition_failed);
  CHECK(sync.put("gone", data, zobj::PutOptions::match(first.etag)).error().code() ==
        Errc::not_found);
  const zobj::GetResult got = sync.get("blocks").value();
  CHECK(got.data == data);
  CHECK(got.meta.etag == first.etag);
  CHECK(got.meta.put_id == first.put_id);
  const zobj::ObjectMeta second =
      sync.put("blocks", data, zobj::PutOptions::match(first.etag)).value();
  CHECK(second.etag != first.etag);
  CHECK(store->stats().block_uploads == 5);
}

TEST_CASE("azure: paging resumes from remembered markers and equals a walk") {
  auto store =
      open_azure(zobj::testing::shared_azurite().settings(), zobj::testing::Azurite::kContainer);
  SyncStore sync(*store);
  std::vector<std::string> keys;
  for (int i = 0; i < 25; ++i) {
    keys.push_back(fmt::format("page/{:03}", i));
    sync.put(keys.back(), "x").value();
  }
  std::vector<std::string> listed;
  std::string start;
  do {
    const zobj::ListPage page = sync.list("page/", start, 10).value();
    for (const auto& o : page.objects) listed.push_back(o.key);
    start = page.next_start_after;
  } while (!start.empty());
  CHECK(listed == keys);
  CHECK(store->stats().list_marker_hits == 2);
  // A start key no page ended on walks from the prefix's start.
  const zobj::ListPage walked = sync.list("page/", "page/0125", 3).value();
  REQUIRE(walked.objects.size() == 3);
  CHECK(walked.objects[0].key == "page/013");
  CHECK(walked.next_start_after == "page/015");
  CHECK(store->stats().list_marker_hits == 2);
}
