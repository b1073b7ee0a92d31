// Fault scenarios for S3Store behind a FaultProxy, shared by the quick suite
// (s3_fault_test.cc) and the slow one (s3_outage_slow_test.cc).
#pragma once

#include <fmt/format.h>

#include <atomic>
#include <functional>
#include <thread>

#include "fault_proxy.h"
#include "s3_test_env.h"
#include "store_test_util.h"
#include "test_support/catch.h"
#include "zobj/retry_store.h"
#include "zobj/s3_store.h"

namespace zobj::testing {

// A store that reaches s3rver through `proxy`, and a direct one to check what was stored.
struct ProxiedStores {
  ProxiedStores(FaultProxy& proxy, bool redis, const std::string& tag,
                const std::function<void(S3Settings&)>& adjust = nullptr) {
    S3Settings settings = shared_s3rver().settings();
    if (adjust) adjust(settings);
    if (redis) {
      settings.conditional_put = shared_redis().url();
      settings.lease = std::chrono::seconds(3);
      settings.lease_settle = std::chrono::seconds(1);
    }
    settings.connect_timeout = std::chrono::milliseconds(500);
    settings.io_timeout = std::chrono::milliseconds(2'000);
    const std::string prefix = unique_prefix(tag);
    direct = S3Store::open(S3rver::kBucket, prefix, settings).value();
    settings.endpoint = proxy.endpoint();
    proxied = S3Store::open(S3rver::kBucket, prefix, settings).value();
    RetryOptions options;
    options.initial_delay = std::chrono::milliseconds(20);
    options.max_delay = std::chrono::milliseconds(500);
    options.max_total = std::chrono::minutes(3);
    retry = std::make_shared<RetryStore>(proxied, options);
  }

  std::shared_ptr<S3Store> direct;
  std::shared_ptr<S3Store> proxied;
  std::shared_ptr<RetryStore> retry;
};

// A writer appends WAL-like objects (create-if-absent) and reads each back while the store
// goes away for `outage`; every operation must complete, with nothing lost.
inline void outage_scenario(std::chrono::milliseconds outage, bool redis) {
  FaultProxy proxy(shared_s3rver().port());
  ProxiedStores stores(proxy, redis, "outage");
  constexpr int kObjects = 24;
  std::atomic<int> done{0};
  std::vector<std::string> failures;
  std::thread writer([&] {
    SyncStore sync(*stores.retry);
    for (int i = 0; i < kObjects; ++i) {
      const Buffer data =
          random_bytes(40'000 + static_cast<std::size_t>(i) * 1000, static_cast<std::uint64_t>(i));
      const std::string key = fmt::format("wal/{:020}.sst", i);
      auto put = sync.put(key, data, PutOptions::create());
      if (!put) failures.push_back(put.error().to_string());
      auto got = sync.get(key);
      if (!got) {
        failures.push_back(got.error().to_string());
      } else if (!(got->data == data)) {
        failures.push_back(key + " read back different bytes");
      }
      done.fetch_add(1);
    }
  });
  // Let a few operations through, then take the store away mid-stream.
  while (done.load() < 4) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  proxy.set_mode(FaultProxy::Mode::outage);
  std::this_thread::sleep_for(outage);  // the outage itself: a duration, not an event
  proxy.set_mode(FaultProxy::Mode::pass);
  writer.join();
  for (const auto& f : failures) FAIL_CHECK(f);
  CHECK(done.load() == kObjects);
  CHECK(stores.retry->stats().retries > 0);
  CHECK(stores.retry->stats().gave_up == 0);
  SyncStore direct(*stores.direct);
  const auto listed = direct.list_all("wal/").value();
  REQUIRE(listed.size() == kObjects);
  for (int i = 0; i < kObjects; ++i) {
    const Buffer want =
        random_bytes(40'000 + static_cast<std::size_t>(i) * 1000, static_cast<std::uint64_t>(i));
    CHECK(direct.get(fmt::format("wal/{:020}.sst", i)).value().data == want);
  }
}

}  // namespace zobj::testing
