#include "base/metrics.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace zerofs::metrics {

Histogram::Histogram(std::vector<double> upper_bounds)
    : bounds_(std::move(upper_bounds)),
      buckets_(new std::atomic<std::uint64_t>[bounds_.size() + 1]) {
  for (std::size_t i = 0; i <= bounds_.size(); ++i) buckets_[i].store(0);
}

std::vector<double> Histogram::latency_bounds() {
  std::vector<double> b;
  for (double v = 10e-6; v < 120; v *= 2) b.push_back(v);
  return b;
}

void Histogram::observe(double value) noexcept {
  const auto it = std::lower_bound(bounds_.begin(), bounds_.end(), value);
  buckets_[static_cast<std::size_t>(it - bounds_.begin())].fetch_add(1, std::memory_order_relaxed);
  count_.fetch_add(1, std::memory_order_relaxed);
  if (value > 0) {
    sum_micro_.fetch_add(static_cast<std::uint64_t>(std::llround(value * 1e6)),
                         std::memory_order_relaxed);
  }
}

double Histogram::sum() const noexcept {
  return static_cast<double>(sum_micro_.load(std::memory_order_relaxed)) / 1e6;
}

double Histogram::quantile(double q) const noexcept {
  const std::uint64_t total = count();
  if (total == 0) return 0;
  const double rank = q * static_cast<double>(total);
  std::uint64_t seen = 0;
  for (std::size_t i = 0; i <= bounds_.size(); ++i) {
    const std::uint64_t n = bucket_count(i);
    if (n != 0 && static_cast<double>(seen + n) >= rank) {
      const double lo = i == 0 ? 0 : bounds_[i - 1];
      const double hi = i < bounds_.size() ? bounds_[i] : lo * 2;
      const double frac = (rank - static_cast<double>(seen)) / static_cast<double>(n);
      return lo + (hi - lo) * std::clamp(frac, 0.0, 1.0);
    }
    seen += n;
  }
  return bounds_.empty() ? 0 : bounds_.back();
}

Registry::Family& Registry::family(const std::string& name, const std::string& help,
                                   const char* type) {
  auto [it, inserted] = families_.try_emplace(name);
  if (inserted) {
    it->second.help = help;
    it->second.type = type;
  } else if (it->second.type != type) {
    throw std::logic_error("metric " + name + " registered with two types");
  }
  return it->second;
}

Counter& Registry::counter(const std::string& name, const std::string& help, const Labels& labels) {
  std::lock_guard lock(mutex_);
  auto& slot = family(name, help, "counter").counters[labels];
  if (!slot) slot = std::make_unique<Counter>();
  return *slot;
}

Gauge& Registry::gauge(const std::string& name, const std::string& help, const Labels& labels) {
  std::lock_guard lock(mutex_);
  auto& slot = family(name, help, "gauge").gauges[labels];
  if (!slot) slot = std::make_unique<Gauge>();
  return *slot;
}

Histogram& Registry::histogram(const std::string& name, const std::string& help,
                               const Labels& labels, std::vector<double> bounds) {
  std::lock_guard lock(mutex_);
  auto& slot = family(name, help, "histogram").histograms[labels];
  if (!slot) slot = std::make_unique<Histogram>(std::move(bounds));
  return *slot;
}

namespace {
std::string escape(const std::string& v) {
  std::string out;
  for (char c : v) {
    if (c == '\\' || c == '"') out.push_back('\\');
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out.push_back(c);
  }
  return out;
}

std::string label_text(const Labels& labels, const std::string& extra = {}) {
  if (labels.empty() && extra.empty()) return {};
  std::string s = "{";
  for (const auto& [k, v] : labels) {
    if (s.size() > 1) s += ',';
    s += fmt::format("{}=\"{}\"", k, escape(v));
  }
  if (!extra.empty()) {
    if (s.size() > 1) s += ',';
    s += extra;
  }
  return s + "}";
}
}  // namespace

void CollectorSink::counter(const std::string& name, const std::string& help, const Labels& labels,
                            std::uint64_t value) {
  samples_.emplace(name, Sample{help, "counter", labels, fmt::format("{}", value)});
}

void CollectorSink::gauge(const std::string& name, const std::string& help, const Labels& labels,
                          std::int64_t value) {
  samples_.emplace(name, Sample{help, "gauge", labels, fmt::format("{}", value)});
}

CollectorRegistration& CollectorRegistration::operator=(CollectorRegistration&& o) noexcept {
  if (this != &o) {
    reset();
    registry_ = std::exchange(o.registry_, nullptr);
    id_ = o.id_;
  }
  return *this;
}

void CollectorRegistration::reset() {
  if (registry_ != nullptr) std::exchange(registry_, nullptr)->remove_collector(id_);
}

CollectorRegistration Registry::add_collector(Collector collect) {
  std::lock_guard lock(collectors_mutex_);
  const std::uint64_t id = next_collector_++;
  collectors_.emplace(id, std::move(collect));
  return CollectorRegistration(this, id);
}

void Registry::remove_collector(std::uint64_t id) {
  std::lock_guard lock(collectors_mutex_);
  collectors_.erase(id);
}

std::string Registry::render() const {
  CollectorSink sink;
  {
    std::lock_guard lock(collectors_mutex_);
    for (const auto& [id, collect] : collectors_) collect(sink);
  }
  std::lock_guard lock(mutex_);
  std::string out;
  // Collected families that no registered metric shares a name with come first, in name order.
  for (auto it = sink.samples_.begin(); it != sink.samples_.end();) {
    const std::string& name = it->first;
    const auto range = sink.samples_.equal_range(name);
    if (!families_.contains(name)) {
      out +=
          fmt::format("# HELP {} {}\n# TYPE {} {}\n", name, it->second.help, name, it->second.type);
      for (auto s = range.first; s != range.second; ++s) {
        out += fmt::format("{}{} {}\n", name, label_text(s->second.labels), s->second.value);
      }
    }
    it = range.second;
  }
  for (const auto& [name, f] : families_) {
    out += fmt::format("# HELP {} {}\n# TYPE {} {}\n", name, f.help, name, f.type);
    const auto collected = sink.samples_.equal_range(name);
    for (auto s = collected.first; s != collected.second; ++s) {
      if (f.type == s->second.type) {
        out += fmt::format("{}{} {}\n", name, label_text(s->second.labels), s->second.value);
      }
    }
    for (const auto& [labels, c] : f.counters) {
      out += fmt::format("{}{} {}\n", name, label_text(labels), c->value());
    }
    for (const auto& [labels, g] : f.gauges) {
      out += fmt::format("{}{} {}\n", name, label_text(labels), g->value());
    }
    for (const auto& [labels, h] : f.histograms) {
      std::uint64_t cumulative = 0;
      for (std::size_t i = 0; i <= h->upper_bounds().size(); ++i) {
        cumulative += h->bucket_count(i);
        const std::string le = i < h->upper_bounds().size()
                                   ? fmt::format("le=\"{}\"", h->upper_bounds()[i])
                                   : std::string("le=\"+Inf\"");
        out += fmt::format("{}_bucket{} {}\n", name, label_text(labels, le), cumulative);
      }
      out += fmt::format("{}_sum{} {}\n", name, label_text(labels), h->sum());
      out += fmt::format("{}_count{} {}\n", name, label_text(labels), h->count());
    }
  }
  return out;
}

Registry& Registry::global() {
  static Registry registry;
  return registry;
}

}  // namespace zerofs::metrics
