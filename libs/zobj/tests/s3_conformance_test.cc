// The object-store conformance suite against S3Store on s3rver, with Redis-coordinated
// conditional puts (s3rver ignores If-None-Match/If-Match, like many S3-compatible stores).
#include "conformance.h"
#include "s3_test_env.h"
#include "zobj/open_store.h"
#include "zobj/s3_store.h"

using zobj::conformance::Bucket;

namespace {

// Each check gets a fresh prefix in the shared bucket; peers are independent S3Stores
// (their own connection pools and Redis connections) on the same prefix.
Bucket s3_redis_bucket() {
  zobj::S3Settings settings = zobj::testing::shared_s3rver().settings();
  settings.conditional_put = zobj::testing::shared_redis().url();
  settings.lease = std::chrono::seconds(3);
  settings.lease_settle = std::chrono::seconds(1);
  const std::string prefix = zobj::testing::unique_prefix("conformance");
  auto open = [settings, prefix]() -> std::shared_ptr<zobj::ObjectStore> {
    return zobj::S3Store::open(zobj::testing::S3rver::kBucket, prefix, settings).value();
  };
  Bucket bucket{open(), open, nullptr};
  bucket.etag_is_content_digest = true;
  return bucket;
}

// The application's stack (retry + metrics) over it.
Bucket s3_app_bucket() {
  Bucket bucket = s3_redis_bucket();
  zobj::StoreOptions options;
  options.metrics_name = "s3-conformance";
  bucket.store = zobj::wrap_for_app(bucket.store, options);
  auto open = bucket.open_peer;
  bucket.open_peer = [open, options] { return zobj::wrap_for_app(open(), options); };
  return bucket;
}

}  // namespace

ZOBJ_CONFORMANCE_SUITE("s3+redis", s3_redis_bucket)
ZOBJ_CONFORMANCE_CASE("s3+redis app stack", s3_app_bucket, concurrent_if_match)
ZOBJ_CONFORMANCE_CASE("s3+redis app stack", s3_app_bucket, round_trip)
