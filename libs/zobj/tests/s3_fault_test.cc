// S3Store under network faults, through a local proxy in front of s3rver: connections cut
// mid-body, 503 SlowDown bursts, an outage of a few seconds. Operations resume afterwards,
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

TEST_CASE("s3 faults: a 3-second outage stalls and then resumes every operation", "[s3]") {
  zobj::testing::outage_scenario(std::chrono::seconds(3), true);
}
