#include "cache/cache_engine.h"

#include <xxhash.h>

#include "offload.h"

namespace zobj::cache {

namespace {
constexpr std::uint32_t kMinPartSize = 4096;
constexpr std::uint32_t kMaxPartSize = 1u << 20;
}  // namespace

Result<std::unique_ptr<CacheEngine>> CacheEngine::open(std::shared_ptr<ObjectStore> inner,
                                                       const CachingStoreOptions& options) {
  if (options.dir.empty()) return zerofs::fail(Errc::invalid_argument, "cache.dir is empty");
  if (options.capacity_bytes == 0) {
    return zerofs::fail(Errc::invalid_argument, "the disk cache needs a non-zero size");
  }
  if (options.part_size < kMinPartSize || options.part_size > kMaxPartSize) {
    return zerofs::fail(Errc::invalid_argument, "disk cache part size {} is not in [{}, {}]",
                        options.part_size, kMinPartSize, kMaxPartSize);
  }
  const std::string namespace_id =
      options.namespace_id.empty() ? inner->describe() : options.namespace_id;
  std::unique_ptr<CacheEngine> engine(new CacheEngine(std::move(inner), options));
  ZF_TRY(engine->disk_, DiskCache::open(options.dir, namespace_id, options.capacity_bytes,
                                        options.part_size, engine->disk_counters_));
  return engine;
}

CacheEngine::CacheEngine(std::shared_ptr<ObjectStore> inner, const CachingStoreOptions& options)
    : inner_(std::move(inner)),
      part_size_(options.part_size),
      revalidate_(options.revalidate),
      max_pending_(std::max<std::size_t>(options.max_pending_writes, 1)),
      pool_(std::make_unique<zerofs::asio::thread_pool>(
          std::max<std::size_t>(options.io_threads, 1))) {
  zerofs::metrics::Registry& registry =
      options.registry != nullptr ? *options.registry : zerofs::metrics::Registry::global();
  const std::string& name = options.metrics_name;
  const char* parts_help = "Disk cache parts served, by where they came from";
  hits_.shared = &registry.counter("zerofs_disk_cache_parts_total", parts_help,
                                   {{"store", name}, {"result", "hit"}});
  misses_.shared = &registry.counter("zerofs_disk_cache_parts_total", parts_help,
                                     {{"store", name}, {"result", "miss"}});
  joined_.shared = &registry.counter("zerofs_disk_cache_parts_total", parts_help,
                                     {{"store", name}, {"result", "joined"}});
  const char* bytes_help = "Disk cache part bytes read from disk or fetched from the store";
  bytes_disk_.shared = &registry.counter("zerofs_disk_cache_bytes_total", bytes_help,
                                         {{"store", name}, {"source", "disk"}});
  bytes_store_.shared = &registry.counter("zerofs_disk_cache_bytes_total", bytes_help,
                                          {{"store", name}, {"source", "store"}});
  disk_counters_.evictions = &registry.counter("zerofs_disk_cache_evictions_total",
                                               "Disk cache parts evicted", {{"store", name}});
  disk_counters_.corrupt =
      &registry.counter("zerofs_disk_cache_corrupt_total",
                        "Disk cache part files dropped as torn or corrupt", {{"store", name}});
  disk_counters_.used_bytes = &registry.gauge(
      "zerofs_disk_cache_used_bytes", "Bytes of the disk cache's part files", {{"store", name}});
  disk_counters_.part_files = &registry.gauge("zerofs_disk_cache_part_files",
                                              "Part files in the disk cache", {{"store", name}});
}

CacheEngine::~CacheEngine() {
  // join() lets queued writes finish; the pool's destructor alone would drop them.
  pool_->join();
}

std::atomic<std::uint64_t>& CacheEngine::gen_of(const std::string& key) {
  return gens_[XXH3_64bits(key.data(), key.size()) % gens_.size()];
}

Task<void> CacheEngine::invalidate(std::string key) {
  gen_of(key).fetch_add(1);
  // Nothing on disk (the common case for a fresh upload): no trip to the I/O pool.
  if (!disk_->object(key)) co_return;
  auto drop = [this, &key] {
    disk_->drop(key);
    return 0;
  };
  (void)co_await offload(*pool_, std::move(drop));
}

void CacheEngine::queue_write(const std::string& key, std::uint64_t part,
                              std::shared_ptr<Flight> flight) {
  {
    std::lock_guard lock(pending_mutex_);
    if (pending_ >= max_pending_ || flight->data.empty()) {
      retire(key, part, flight);  // the disk is behind: serve, but do not cache
      return;
    }
    ++pending_;
  }
  auto job = [this, key, part, flight = std::move(flight)] {
    const std::uint64_t gen = flight->gen;
    std::atomic<std::uint64_t>& current = gen_of(key);
    disk_->store(flight->meta, part, flight->data.view(), [&] { return current.load() == gen; });
    retire(key, part, flight);
    {
      std::lock_guard lock(pending_mutex_);
      --pending_;
    }
    pending_cv_.notify_all();
  };
  zerofs::asio::post(*pool_, std::move(job));
}

void CacheEngine::retire(const std::string& key, std::uint64_t part,
                         const std::shared_ptr<Flight>& flight) {
  std::lock_guard lock(flights_mutex_);
  auto it = flights_.find(FlightKey(key, part));
  if (it != flights_.end() && it->second == flight) flights_.erase(it);
}

void CacheEngine::wait_for_writes() {
  std::unique_lock lock(pending_mutex_);
  pending_cv_.wait(lock, [this] { return pending_ == 0; });
}

CacheStats CacheEngine::stats() const {
  CacheStats s;
  s.hits = hits_.local.load(std::memory_order_relaxed);
  s.misses = misses_.local.load(std::memory_order_relaxed);
  s.joined = joined_.local.load(std::memory_order_relaxed);
  s.bytes_from_disk = bytes_disk_.local.load(std::memory_order_relaxed);
  s.bytes_from_store = bytes_store_.local.load(std::memory_order_relaxed);
  s.evictions = disk_counters_.local_evictions.load(std::memory_order_relaxed);
  s.corrupt = disk_counters_.local_corrupt.load(std::memory_order_relaxed);
  s.part_files = disk_->part_files();
  s.used_bytes = disk_->used_bytes();
  return s;
}

}  // namespace zobj::cache
