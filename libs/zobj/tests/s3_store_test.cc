// S3Store against s3rver (and redis-server for conditional puts): the operations, the
// start-up probe of conditional writes, multipart uploads, batch deletes, the URL factory.
#include "zobj/s3_store.h"

#include <fmt/format.h>

#include "s3_test_env.h"
#include "store_test_util.h"
#include "test_support/catch.h"
#include "zobj/open_store.h"

using namespace zobj;
using zobj::testing::SyncStore;
using zobj::testing::to_string;

namespace {

S3Settings native_settings() { return zobj::testing::shared_s3rver().settings(); }

S3Settings redis_settings() {
  S3Settings settings = native_settings();
  settings.conditional_put = zobj::testing::shared_redis().url();
  settings.lease = std::chrono::seconds(3);
  settings.lease_settle = std::chrono::seconds(1);
  return settings;
}

std::shared_ptr<S3Store> open_s3(const S3Settings& settings, const std::string& tag) {
  return S3Store::open(zobj::testing::S3rver::kBucket, zobj::testing::unique_prefix(tag), settings)
      .value();
}

}  // namespace

TEST_CASE("s3: put, get (ranges), head, list and delete against s3rver", "[s3]") {
  auto store = open_s3(native_settings(), "basic");
  SyncStore sync(*store);
  const Buffer data = zobj::testing::random_bytes(100'000, 3);
  const ObjectMeta put = sync.put("dir/obj", data).value();
  CHECK(put.size == 100'000);
  CHECK(put.etag.size() == 34);  // s3rver: the quoted MD5
  CHECK(put.etag.front() == '"');
  const GetResult got = sync.get("dir/obj").value();
  CHECK(got.data == data);
  CHECK(got.meta.etag == put.etag);
  CHECK(got.meta.put_id == put.put_id);
  const GetResult part = sync.get("dir/obj", ByteRange{99'990, 100}).value();
  CHECK(zerofs::bytes_equal(part.data.view(), data.view().subspan(99'990)));
  CHECK(part.meta.size == 100'000);
  CHECK(sync.get("dir/obj", ByteRange{100'000, 5}).value().data.empty());
  const ObjectMeta head = sync.head("dir/obj").value();
  CHECK(head.size == 100'000);
  CHECK(head.put_id == put.put_id);
  const auto listed = sync.list_all("dir/").value();
  REQUIRE(listed.size() == 1);
  CHECK(listed[0].etag == put.etag);
  sync.del("dir/obj").value();
  CHECK(sync.head("dir/obj").error().code() == Errc::not_found);
  CHECK(sync.get("dir/obj").error().code() == Errc::not_found);
  CHECK(store->describe().starts_with("s3://zerofs-test/basic-"));
}

TEST_CASE("s3: the start-up probe rejects a store that ignores conditional writes", "[s3]") {
  auto store = open_s3(native_settings(), "probe");
  CHECK(store->conditional_mode() == "native");
  SyncStore sync(*store);
  const Result<void> verdict = sync.run(store->check_conditional_writes());
  REQUIRE_FALSE(verdict);
  CHECK(verdict.error().code() == Errc::unsupported);
  CHECK_THAT(verdict.error().message(),
             Catch::Contains("does not enforce conditional writes") &&
                 Catch::Contains("set aws.conditional_put = \"redis://host:port\""));
  // A writer that skipped the check still cannot make an unsafe conditional put.
  const auto create = sync.put("k", "v", PutOptions::create());
  REQUIRE_FALSE(create);
  CHECK(create.error().code() == Errc::unsupported);
  CHECK(sync.head("k").error().code() == Errc::not_found);
  // Plain overwrites need no coordination.
  CHECK(sync.put("k", "v"));
  // The probe left nothing behind.
  const auto keys = sync.list_all("").value();
  REQUIRE(keys.size() == 1);
  CHECK(keys[0].key == "k");
}

TEST_CASE("s3: with conditional_put the probe passes and conditions hold through Redis", "[s3]") {
  auto store = open_s3(redis_settings(), "redis");
  CHECK(store->conditional_mode() == "redis");
  SyncStore sync(*store);
  CHECK(sync.run(store->check_conditional_writes()));
  const ObjectMeta first = sync.put("c", "one", PutOptions::create()).value();
  CHECK(sync.put("c", "two", PutOptions::create()).error().code() == Errc::already_exists);
  CHECK(sync.put("c", "two", PutOptions::match("\"stale\"")).error().code() ==
        Errc::precondition_failed);
  CHECK(sync.put("missing", "x", PutOptions::match(first.etag)).error().code() == Errc::not_found);
  const ObjectMeta second = sync.put("c", "two", PutOptions::match(first.etag)).value();
  CHECK(sync.text("c") == "two");
  CHECK(sync.head("c").value().etag == second.etag);

  S3Settings unreachable = redis_settings();
  unreachable.conditional_put = fmt::format("redis://127.0.0.1:{}", zobj::testing::free_port());
  auto broken = open_s3(unreachable, "redis-down");
  const Result<void> check = SyncStore(*broken).run(broken->check_conditional_writes());
  REQUIRE_FALSE(check);
  CHECK(check.error().code() == Errc::transient);
  CHECK_THAT(check.error().message(), Catch::Contains("aws.conditional_put"));
}

TEST_CASE("s3: objects above the threshold go up in parts, conditions included", "[s3]") {
  for (const bool redis : {false, true}) {
    INFO("redis " << redis);
    S3Settings settings = redis ? redis_settings() : native_settings();
    settings.multipart_threshold = 6u << 20;
    settings.multipart_part_size = 5u << 20;
    auto store = open_s3(settings, "multipart");
    SyncStore sync(*store);
    const Buffer data = zobj::testing::random_bytes((12u << 20) + 123, 9);
    const ObjectMeta put = sync.put("big", data).value();
    CHECK(store->stats().multipart_uploads == 1);
    const GetResult got = sync.get("big").value();
    CHECK(got.data == data);
    CHECK(got.meta.put_id == put.put_id);
    CHECK(sync.head("big").value().etag == put.etag);
    if (redis) {
      CHECK(sync.put("big", data, PutOptions::create()).error().code() == Errc::already_exists);
      CHECK(sync.put("big", data, PutOptions::match(put.etag)));
    }
  }
}

TEST_CASE("s3: del_many removes keys in batches, missing keys are fine", "[s3]") {
  for (const bool redis : {false, true}) {
    auto store = open_s3(redis ? redis_settings() : native_settings(), "batch");
    SyncStore sync(*store);
    std::vector<std::string> keys;
    for (int i = 0; i < 1005; ++i) keys.push_back(fmt::format("gc/{:04}&<{}>", i, i % 3));
    for (int i = 0; i < 1005; i += 2) sync.put(keys[static_cast<std::size_t>(i)], "x").value();
    keys.push_back("gc/never-written");
    CHECK(sync.run(store->del_many(keys)));
    CHECK(sync.list_all("gc/").value().empty());
  }
}

TEST_CASE("s3: s3:// URLs open an S3Store from StoreOptions and the environment", "[s3]") {
  StoreOptions options;
  options.s3 = native_settings();
  const std::string prefix = zobj::testing::unique_prefix("url");
  auto store =
      open_store(fmt::format("s3://{}/{}/", zobj::testing::S3rver::kBucket, prefix), options)
          .value();
  CHECK(store->describe() == fmt::format("s3://{}/{}", zobj::testing::S3rver::kBucket, prefix));
  SyncStore(*store).put("k", "v").value();
  auto app =
      open_app_store(fmt::format("s3://{}/{}", zobj::testing::S3rver::kBucket, prefix), options)
          .value();
  CHECK(SyncStore(*app).text("k") == "v");
  // Plain http must be allowed explicitly.
  options.s3.allow_http = false;
  const auto refused = open_store("s3://zerofs-test/x", options);
  REQUIRE_FALSE(refused);
  CHECK(refused.error().code() == Errc::invalid_argument);
}

TEST_CASE("s3: errors map onto the taxonomy: missing bucket, bad keys", "[s3]") {
  auto store = S3Store::open("no-such-bucket", "", native_settings()).value();
  SyncStore sync(*store);
  const auto put = sync.put("k", "v");
  REQUIRE_FALSE(put);
  CHECK(put.error().code() == Errc::permanent);
  CHECK_THAT(put.error().message(), Catch::Contains("NoSuchBucket"));
  CHECK(sync.put("a//b", "v").error().code() == Errc::invalid_argument);
  CHECK(sync.list("", "", 0).error().code() == Errc::invalid_argument);
}
