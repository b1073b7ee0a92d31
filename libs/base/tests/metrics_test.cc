#include "base/metrics.h"

#include "test_support/catch.h"

using namespace zerofs::metrics;

TEST_CASE("registry renders Prometheus text") {
  Registry r;
  r.counter("zerofs_requests_total", "Requests", {{"op", "get"}}).add(3);
  r.counter("zerofs_requests_total", "Requests", {{"op", "put"}}).add();
  r.gauge("zerofs_open_files", "Open files").set(7);
  auto& h = r.histogram("zerofs_latency_seconds", "Latency", {}, {0.1, 1});
  h.observe(0.05);
  h.observe(0.5);
  h.observe(5);
  const std::string text = r.render();
  CHECK_THAT(text, Catch::Contains("# TYPE zerofs_requests_total counter"));
  CHECK_THAT(text, Catch::Contains("zerofs_requests_total{op=\"get\"} 3"));
  CHECK_THAT(text, Catch::Contains("zerofs_requests_total{op=\"put\"} 1"));
  CHECK_THAT(text, Catch::Contains("zerofs_open_files 7"));
  CHECK_THAT(text, Catch::Contains("zerofs_latency_seconds_bucket{le=\"0.1\"} 1"));
  CHECK_THAT(text, Catch::Contains("zerofs_latency_seconds_bucket{le=\"1\"} 2"));
  CHECK_THAT(text, Catch::Contains("zerofs_latency_seconds_bucket{le=\"+Inf\"} 3"));
  CHECK_THAT(text, Catch::Contains("zerofs_latency_seconds_count 3"));
}

TEST_CASE("the same name and labels give the same metric") {
  Registry r;
  auto& a = r.counter("c", "help");
  auto& b = r.counter("c", "help");
  CHECK(&a == &b);
  CHECK_THROWS(r.gauge("c", "help"));
}

TEST_CASE("histogram quantiles interpolate inside buckets") {
  Histogram h({1, 2, 4});
  for (int i = 0; i < 100; ++i) h.observe(1.5);
  CHECK(h.quantile(0.5) > 1.0);
  CHECK(h.quantile(0.5) <= 2.0);
  CHECK(h.quantile(0.99) <= 2.0);
  CHECK(h.sum() == Approx(150));
}

TEST_CASE("collectors report current values at render time until unregistered") {
  Registry r;
  r.counter("lsm_writes_total", "Batches written", {{"db", "a"}}).add(2);
  std::uint64_t writes = 5;
  std::int64_t runs = 3;
  auto registration = r.add_collector([&](CollectorSink& sink) {
    sink.counter("lsm_writes_total", "Batches written", {{"db", "b"}}, writes);
    sink.gauge("lsm_sorted_runs", "Sorted runs now", {{"db", "b"}}, runs);
  });
  CHECK(r.render() ==
        "# HELP lsm_sorted_runs Sorted runs now\n"
        "# TYPE lsm_sorted_runs gauge\n"
        "lsm_sorted_runs{db=\"b\"} 3\n"
        "# HELP lsm_writes_total Batches written\n"
        "# TYPE lsm_writes_total counter\n"
        "lsm_writes_total{db=\"b\"} 5\n"
        "lsm_writes_total{db=\"a\"} 2\n");
  writes = 7;
  CHECK(r.render().find("lsm_writes_total{db=\"b\"} 7\n") != std::string::npos);
  registration.reset();
  CHECK(r.render() ==
        "# HELP lsm_writes_total Batches written\n"
        "# TYPE lsm_writes_total counter\n"
        "lsm_writes_total{db=\"a\"} 2\n");
}
