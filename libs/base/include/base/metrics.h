// Counters, gauges and histograms, rendered in the Prometheus text format.
//
// A Registry owns its metrics; the references it hands out stay valid for its lifetime, and
// updating a metric is lock-free (atomics). Registering is guarded by a mutex and meant for
// start-up, not hot paths: look a metric up once and keep the reference.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace zerofs::metrics {

using Labels = std::vector<std::pair<std::string, std::string>>;

class Counter {
 public:
  void add(std::uint64_t n = 1) noexcept { value_.fetch_add(n, std::memory_order_relaxed); }
  std::uint64_t value() const noexcept { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<std::uint64_t> value_{0};
};

class Gauge {
 public:
  void set(std::int64_t v) noexcept { value_.store(v, std::memory_order_relaxed); }
  void add(std::int64_t d) noexcept { value_.fetch_add(d, std::memory_order_relaxed); }
  std::int64_t value() const noexcept { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<std::int64_t> value_{0};
};

// Fixed upper bounds (ascending); an implicit +Inf bucket follows the last.
class Histogram {
 public:
  explicit Histogram(std::vector<double> upper_bounds);
  // Exponential seconds buckets from 10 µs to ~100 s, for latencies.
  static std::vector<double> latency_bounds();

  void observe(double value) noexcept;

  std::uint64_t count() const noexcept { return count_.load(std::memory_order_relaxed); }
  double sum() const noexcept;
  // Linear interpolation inside the bucket that holds quantile q (0..1). 0 when empty.
  double quantile(double q) const noexcept;
  const std::vector<double>& upper_bounds() const noexcept { return bounds_; }
  std::uint64_t bucket_count(std::size_t i) const noexcept {
    return buckets_[i].load(std::memory_order_relaxed);
  }

 private:
  std::vector<double> bounds_;
  std::unique_ptr<std::atomic<std::uint64_t>[]> buckets_;  // bounds_.size() + 1
  std::atomic<std::uint64_t> count_{0};
  std::atomic<std::uint64_t> sum_micro_{0};  // sum in millionths, to stay lock-free
};

class Registry;

// Values a collector reports at render time (see Registry::add_collector).
class CollectorSink {
 public:
  void counter(const std::string& name, const std::string& help, const Labels& labels,
               std::uint64_t value);
  void gauge(const std::string& name, const std::string& help, const Labels& labels,
             std::int64_t value);

 private:
  friend class Registry;
  struct Sample {
    std::string help;
    const char* type;
    Labels labels;
    std::string value;
  };
  std::multimap<std::string, Sample> samples_;
};

// Unregisters its collector when destroyed; after that the collector is never called again
// (destruction waits for a render that is calling it).
class CollectorRegistration {
 public:
  CollectorRegistration() = default;
  CollectorRegistration(Registry* registry, std::uint64_t id) : registry_(registry), id_(id) {}
  CollectorRegistration(CollectorRegistration&& o) noexcept
      : registry_(std::exchange(o.registry_, nullptr)), id_(o.id_) {}
  CollectorRegistration& operator=(CollectorRegistration&& o) noexcept;
  ~CollectorRegistration() { reset(); }
  void reset();

 private:
  Registry* registry_ = nullptr;
  std::uint64_t id_ = 0;
};

class Registry {
 public:
  // For values that live elsewhere (a database's counters): `collect` runs on every render
  // and reports current values. It must not call back into this registry. Keep the returned
  // registration no longer than the objects `collect` reads.
  using Collector = std::function<void(CollectorSink&)>;
  [[nodiscard]] CollectorRegistration add_collector(Collector collect);

  Counter& counter(const std::string& name, const std::string& help, const Labels& labels = {});
  Gauge& gauge(const std::string& name, const std::string& help, const Labels& labels = {});
  Histogram& histogram(const std::string& name, const std::string& help, const Labels& labels = {},
                       std::vector<double> bounds = Histogram::latency_bounds());

  // Prometheus text exposition format 0.0.4.
  std::string render() const;

  // The process-wide registry served at /metrics.
  static Registry& global();

 private:
  struct Family {
    std::string help;
    std::string type;
    std::map<Labels, std::unique_ptr<Counter>> counters;
    std::map<Labels, std::unique_ptr<Gauge>> gauges;
    std::map<Labels, std::unique_ptr<Histogram>> histograms;
  };
  Family& family(const std::string& name, const std::string& help, const char* type);

  friend class CollectorRegistration;
  void remove_collector(std::uint64_t id);

  mutable std::mutex mutex_;
  std::map<std::string, Family> families_;  // guarded by mutex_
  // Separate from mutex_ so a collector may read other objects' locks without ordering
  // against metric registration.
  mutable std::mutex collectors_mutex_;
  std::map<std::uint64_t, Collector> collectors_;  // guarded by collectors_mutex_
  std::uint64_t next_collector_ = 1;               // guarded by collectors_mutex_
};

}  // namespace zerofs::metrics
