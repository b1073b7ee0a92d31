// S3Store under network faults, through a local proxy in front of s3rver: connections cut
// mid-body, 503 SlowDown bursts (and Retry-After), 500 and 429 replies, connection resets,
// an outage of a few seconds, a multipart upload whose parts fail. Operations resume afterwards,
// nothing is lost, and no permanent error reaches the caller.
#include "s3_fault_scenarios.h"

using namespace zobj;
using zobj::testing::FaultProxy;
using zobj::testing::ProxiedStores;
using zobj::testing::SyncStore;

TEST_CASE("s3 faults: connections cut mid-body fail transiently, then retries succeed", "[s3]") {
  FaultProxy proxy(zobj::testing::shared_s3rver().port());
  ProxiedStores stores(proxy, false, "cut");
  const Buffer big = zobj::testing::random_bytes(2 << 20, 5);
  SyncStore proxied(*stores.proxied);
  proxied.put("obj", big).value();

  proxy.set_mode(FaultProxy::Mode::cut, 256 << 10);
  const auto cut_get = proxied.get("obj");
  REQUIRE_FALSE(cut_get);
  CHECK(cut_get.error().code() == Errc::transient);
  const auto cut_put = proxied.put("obj2", big);
  REQUIRE_FALSE(cut_put);
  CHECK(cut_put.error().code() == Errc::transient);

  // Through RetryStore: the faults persist for a while, then the network heals.
  std::thread heal([&] {
    proxy.wait_for([](const FaultProxy::Counters& c) { return c.cuts >= 6; });
    proxy.set_mode(FaultProxy::Mode::pass);
  });
  SyncStore retried(*stores.retry);
  const Buffer other = zobj::testing::random_bytes(2 << 20, 6);
  const auto put = retried.put("obj2", other);
  const auto got = retried.get("obj");
  heal.join();
  REQUIRE(put);
  REQUIRE(got);
  CHECK(got->data == big);
  CHECK(SyncStore(*stores.direct).get("obj2").value().data == other);
  CHECK(stores.retry->stats().retries > 0);
}

TEST_CASE("s3 faults: 503 SlowDown bursts are transient, carry Retry-After, and pass", "[s3]") {
  FaultProxy proxy(zobj::testing::shared_s3rver().port());
  ProxiedStores stores(proxy, true, "slowdown");
  proxy.set_mode(FaultProxy::Mode::slow_down, 0, 1);
  const auto refused = SyncStore(*stores.proxied).put("k", "v");
  REQUIRE_FALSE(refused);
  CHECK(refused.error().code() == Errc::transient);
  CHECK_THAT(refused.error().message(), Catch::Contains("SlowDown"));
  CHECK(refused.error().retry_after_ms() == 1000);

  proxy.set_mode(FaultProxy::Mode::slow_down);
  std::thread heal([&] {
    proxy.wait_for([](const FaultProxy::Counters& c) { return c.slowdowns >= 10; });
    proxy.set_mode(FaultProxy::Mode::pass);
  });
  SyncStore retried(*stores.retry);
  std::vector<Result<ObjectMeta>> puts;
  for (int i = 0; i < 5; ++i) {
    puts.push_back(retried.put(fmt::format("k{}", i), fmt::format("v{}", i), PutOptions::create()));
  }
  heal.join();
  for (auto& p : puts) CHECK(p);
  SyncStore direct(*stores.direct);
  for (int i = 0; i < 5; ++i) CHECK(direct.text(fmt::format("k{}", i)) == fmt::format("v{}", i));
  CHECK(proxy.counters().slowdowns >= 10);
}

TEST_CASE("s3 faults: the retry layer waits at least as long as Retry-After says", "[s3]") {
  FaultProxy proxy(zobj::testing::shared_s3rver().port());
  ProxiedStores stores(proxy, false, "retry-after");
  proxy.set_mode(FaultProxy::Mode::slow_down, 0, 1);
  std::thread heal([&] {
    proxy.wait_for([](const FaultProxy::Counters& c) { return c.slowdowns >= 1; });
    proxy.set_mode(FaultProxy::Mode::pass);
  });
  const auto start = std::chrono::steady_clock::now();
  const auto put = SyncStore(*stores.retry).put("k", "v");
  const auto elapsed = std::chrono::steady_clock::now() - start;
  heal.join();
  REQUIRE(put);
  // The backoff alone (20 ms, then at most 40 ms) would have retried well within a second.
  CHECK(elapsed >= std::chrono::seconds(1));
  CHECK(proxy.counters().slowdowns == 1);
  CHECK(SyncStore(*stores.direct).text("k") == "v");
}

TEST_CASE("s3 faults: 500 InternalError, 429 and connection resets are retried until they pass",
          "[s3]") {
  FaultProxy proxy(zobj::testing::shared_s3rver().port());
  ProxiedStores stores(proxy, false, "errors");
  SyncStore direct(*stores.direct);
  int round = 0;
  for (const auto mode : {FaultProxy::Mode::internal_error, FaultProxy::Mode::too_many_requests,
                          FaultProxy::Mode::reset}) {
    INFO("round " << round);
    const std::string key = fmt::format("obj{}", round);
    const Buffer data = zobj::testing::random_bytes(300'000, static_cast<std::uint64_t>(round));
    direct.put(key, "old").value();

    proxy.set_mode(mode);
    const auto failed = SyncStore(*stores.proxied).get(key);
    REQUIRE_FALSE(failed);
    CHECK(failed.error().code() == Errc::transient);

    const auto before = proxy.counters();
    std::thread heal([&] {
      proxy.wait_for([&](const FaultProxy::Counters& c) {
        return c.slowdowns + c.resets >= before.slowdowns + before.resets + 6;
      });
      proxy.set_mode(FaultProxy::Mode::pass);
    });
    SyncStore retried(*stores.retry);
    const auto put = retried.put(key, data);
    const auto got = retried.get(key);
    const auto listed = retried.list_all("");
    heal.join();
    REQUIRE(put);
    REQUIRE(got);
    CHECK(got->data == data);
    REQUIRE(listed);
    CHECK(listed->size() == static_cast<std::size_t>(round) + 1);
    CHECK(direct.get(key).value().data == data);
    ++round;
  }
  CHECK(proxy.counters().resets >= 6);
  CHECK(stores.retry->stats().gave_up == 0);
}

TEST_CASE("s3 faults: a multipart upload whose parts fail is aborted, then retried whole", "[s3]") {
  FaultProxy proxy(zobj::testing::shared_s3rver().port());
  ProxiedStores stores(proxy, false, "multipart-abort", [](S3Settings& settings) {
    settings.multipart_threshold = 6u << 20;
    settings.multipart_part_size = 5u << 20;
  });
  const Buffer data = zobj::testing::random_bytes((11u << 20) + 7, 11);
  // Requests without a body pass, every part upload is cut after 1 MiB.
  proxy.set_mode(FaultProxy::Mode::cut, 1u << 20);
  const auto failed = SyncStore(*stores.proxied).put("big", data);
  REQUIRE_FALSE(failed);
  CHECK(failed.error().code() == Errc::transient);
  CHECK(stores.proxied->stats().multipart_uploads == 1);
  proxy.set_mode(FaultProxy::Mode::pass);
  // The failed upload was aborted: S3 lists no upload in progress, and no object.
  CHECK(zobj::testing::shared_s3rver().uploads_in_progress() == 0);
  SyncStore direct(*stores.direct);
  CHECK(direct.head("big").error().code() == Errc::not_found);

  proxy.set_mode(FaultProxy::Mode::cut, 1u << 20);
  std::thread heal([&] {
    proxy.wait_for([](const FaultProxy::Counters& c) { return c.cuts >= 8; });
    proxy.set_mode(FaultProxy::Mode::pass);
  });
  const auto put = SyncStore(*stores.retry).put("big", data);
  heal.join();
  REQUIRE(put);
  CHECK(direct.get("big").value().data == data);
  // (No count of uploads here: the heal severs connections at a random moment, and an
  // upload whose CreateMultipartUpload reply was cut cannot be aborted by anyone.)
}

TEST_CASE("s3 faults: a 3-second outage stalls and then resumes every operation", "[s3]") {
  zobj::testing::outage_scenario(std::chrono::seconds(3), true);
}
