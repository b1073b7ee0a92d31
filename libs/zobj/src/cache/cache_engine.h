// CacheEngine: the machinery behind CachingStore — the disk cache, the I/O pool, the fetches
// in flight shared by concurrent GETs, per-key generations that keep a superseded fetch
// from being cached, and the metrics.
//
// Generations: put() and del() bump the generation of the key's stripe before and after the
// inner call. A fetch remembers the generation it started under; its parts are stored, and
// later GETs join it, only while that generation is current. Stripes (a hash of the key) keep
// this bounded; a collision only skips caching a part.
// Thread safety: every member may be called from any thread or coroutine.
#pragma once

#include <boost/asio/thread_pool.hpp>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>

#include "cache/disk_cache.h"
#include "cache/done_event.h"
#include "zobj/caching_store.h"

namespace zobj::cache {

// One part being fetched. The fields below `done` are written before done.set() and read
// only after done.wait().
struct Flight {
  Flight(zerofs::asio::any_io_executor executor, std::uint64_t generation)
      : done(std::move(executor)), gen(generation) {}

  DoneEvent done;
  const std::uint64_t gen;
  Result<void> status;
  Buffer data;  // the part's payload; empty past the end of the object
  ObjectMeta meta;
};

// One HEAD checking an object known from an earlier run; concurrent GETs share it.
struct Validation {
  explicit Validation(zerofs::asio::any_io_executor executor) : done(std::move(executor)) {}

  DoneEvent done;
  Result<void> status;  // the HEAD's error, other than not_found
};

class CacheEngine {
 public:
  static Result<std::unique_ptr<CacheEngine>> open(std::shared_ptr<ObjectStore> inner,
                                                   const CachingStoreOptions& options);
  ~CacheEngine();  // waits for the queued disk writes
  CacheEngine(const CacheEngine&) = delete;
  CacheEngine& operator=(const CacheEngine&) = delete;

  // REQUIRES: `key` is valid and cacheable.
  Task<Result<GetResult>> get(std::string key, std::optional<ByteRange> range);
  // Makes every cached part and every fetch in flight of `key` stale.
  Task<void> invalidate(std::string key);

  CacheStats stats() const;
  void wait_for_writes();
  const std::filesystem::path& directory() const noexcept { return disk_->root(); }

 private:
  struct Count {
    zerofs::metrics::Counter* shared = nullptr;
    std::atomic<std::uint64_t> local{0};
    void add(std::uint64_t n) {
      shared->add(n);
      local.fetch_add(n, std::memory_order_relaxed);
    }
  };
  using FlightKey = std::pair<std::string, std::uint64_t>;

  CacheEngine(std::shared_ptr<ObjectStore> inner, const CachingStoreOptions& options);

  std::atomic<std::uint64_t>& gen_of(const std::string& key);
  // Flights outlive the GET that made them (their part is written afterwards), so their
  // events are bound to the engine's pool, not to a caller's io_context that may be gone.
  // Waiters still resume on their own executors.
  zerofs::asio::any_io_executor events_executor() { return pool_->get_executor(); }
  // The object version cached for `key`, checked against the store once per process when it
  // comes from an earlier run; nullopt when nothing (trustworthy) is cached.
  Task<Result<std::optional<ObjectMeta>>> known_version(const std::string& key);
  // Fetches parts [first, first + flights.size()) with one ranged GET and completes their
  // flights.
  Task<void> fetch_run(const std::string& key, std::uint64_t first,
                       std::vector<std::shared_ptr<Flight>> flights);
  // GET without the part machinery (unknown object, whole or huge range); a whole object is
  // then stored part by part.
  Task<Result<GetResult>> fetch_direct(const std::string& key, std::optional<ByteRange> range);
  // Stores a completed flight's part in the background, then retires the flight.
  void queue_write(const std::string& key, std::uint64_t part, std::shared_ptr<Flight> flight);
  void retire(const std::string& key, std::uint64_t part, const std::shared_ptr<Flight>& flight);

  // Constant after construction.
  const std::shared_ptr<ObjectStore> inner_;
  const std::uint64_t part_size_;
  const bool revalidate_;
  const std::size_t max_pending_;

  CacheCounters disk_counters_;
  Count hits_, misses_, joined_, bytes_disk_, bytes_store_;
  std::unique_ptr<DiskCache> disk_;
  std::array<std::atomic<std::uint64_t>, 256> gens_{};

  std::mutex flights_mutex_;
  std::map<FlightKey, std::shared_ptr<Flight>> flights_;  // guarded by flights_mutex_

  std::mutex validations_mutex_;
  std::map<std::string, std::shared_ptr<Validation>> validations_;  // guarded by it

  std::mutex pending_mutex_;
  std::condition_variable pending_cv_;
  std::size_t pending_ = 0;  // guarded by pending_mutex_

  // Last, so it is destroyed (after being joined) before what its work uses.
  std::unique_ptr<zerofs::asio::thread_pool> pool_;
};

}  // namespace zobj::cache
