// MetricsStore: per-operation requests, errors, bytes and latency, in a registry and a snapshot.
#include "zobj/metrics_store.h"

#include "store_test_util.h"
#include "test_support/catch.h"
#include "zobj/fault_store.h"
#include "zobj/memory_store.h"
#include "zobj/retry_store.h"

using namespace zobj;
using zobj::testing::SyncStore;

TEST_CASE("metrics store counts requests, errors and bytes per operation") {
  zerofs::metrics::Registry registry;
  MetricsStore store(MemoryStore::create(), "unit", registry);
  SyncStore sync(store);
  sync.put("a", "12345").value();
  sync.put("b", "678").value();
  sync.put("", "x").error();  // invalid key: counted as a failed put, no bytes stored
  CHECK(sync.get("a").value().data.size() == 5);
  CHECK(sync.get("a", ByteRange{1, 2}).value().data.size() == 2);
  CHECK(sync.get("missing").error().code() == Errc::not_found);
  sync.head("b").value();
  sync.del("b").value();
  sync.list("", "", 10).value();

  const StoreSnapshot s = store.snapshot();
  CHECK(s.requests_of(StoreOp::put) == 3);
  CHECK(s.errors_of(StoreOp::put) == 1);
  CHECK(s.requests_of(StoreOp::get) == 3);
  CHECK(s.errors_of(StoreOp::get) == 1);
  CHECK(s.requests_of(StoreOp::head) == 1);
  CHECK(s.requests_of(StoreOp::del) == 1);
  CHECK(s.requests_of(StoreOp::list) == 1);
  CHECK(s.total_requests() == 9);
  CHECK(s.bytes_out == 5 + 3 + 1);
  CHECK(s.bytes_in == 5 + 2);

  const std::string text = registry.render();
  CHECK_THAT(text,
             Catch::Contains("zerofs_object_store_requests_total{store=\"unit\",op=\"put\"} 3"));
  CHECK_THAT(text,
             Catch::Contains("zerofs_object_store_errors_total{store=\"unit\",op=\"get\"} 1"));
  CHECK_THAT(text,
             Catch::Contains("zerofs_object_store_bytes_total{store=\"unit\",direction=\"in\"} 7"));
  CHECK_THAT(
      text, Catch::Contains("zerofs_object_store_bytes_total{store=\"unit\",direction=\"out\"} 9"));
  CHECK_THAT(text,
             Catch::Contains("zerofs_object_store_seconds_count{store=\"unit\",op=\"get\"} 3"));
}

TEST_CASE("metrics snapshots are per instance and subtract") {
  zerofs::metrics::Registry registry;
  auto memory = MemoryStore::create();
  MetricsStore first(memory, "shared", registry);
  MetricsStore second(memory, "shared", registry);
  SyncStore(first).put("k", "v").value();
  const StoreSnapshot before = second.snapshot();
  SyncStore(second).put("k", "vv").value();
  SyncStore(second).get("k").value();
  const StoreSnapshot delta = second.snapshot().since(before);
  CHECK(delta.requests_of(StoreOp::put) == 1);
  CHECK(delta.requests_of(StoreOp::get) == 1);
  CHECK(delta.bytes_out == 2);
  CHECK(first.snapshot().total_requests() == 1);
  CHECK_THAT(registry.render(),
             Catch::Contains("zerofs_object_store_requests_total{store=\"shared\",op=\"put\"} 2"));
}

TEST_CASE("metrics inside a retry layer count every attempt the backend sees") {
  zerofs::metrics::Registry registry;
  auto fault = std::make_shared<FaultStore>(MemoryStore::create());
  auto metrics = std::make_shared<MetricsStore>(fault, "backend", registry);
  RetryOptions quick;
  quick.initial_delay = std::chrono::nanoseconds(0);
  RetryStore retry(metrics, quick);
  fault->fail_next(StoreOp::put, 2);
  SyncStore(retry).put("k", "value").value();
  const StoreSnapshot s = metrics->snapshot();
  CHECK(s.requests_of(StoreOp::put) == 3);
  CHECK(s.errors_of(StoreOp::put) == 2);
  CHECK(s.bytes_out == 15);
}
