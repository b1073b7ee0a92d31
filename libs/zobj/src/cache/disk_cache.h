// DiskCache: the part files of one cache namespace and their in-memory index (which parts
// of which object version are on disk, least recently used first to go). Blocking; called
// on the caching store's I/O pool (the lookups that touch no file may run anywhere).
//
// Every change to a final part path (rename in, unlink) and to the index happens under one
// mutex, so the index and the directory agree; reads open files without it and trust only
// what the header and checksum confirm.
// Thread safety: every member may be called from any thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <list>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "base/metrics.h"
#include "posix.h"
#include "zobj/object_store.h"

namespace zobj::cache {

struct CacheCounters {
  zerofs::metrics::Counter* evictions = nullptr;
  zerofs::metrics::Counter* corrupt = nullptr;
  zerofs::metrics::Gauge* used_bytes = nullptr;
  zerofs::metrics::Gauge* part_files = nullptr;
  std::atomic<std::uint64_t> local_evictions{0};
  std::atomic<std::uint64_t> local_corrupt{0};
};

struct CachedObject {
  ObjectMeta meta;
  bool validated = false;  // confirmed against the store (or fetched) by this process
};

class DiskCache {
 public:
  // Opens <dir>/<namespace dir>, taking its lock and indexing the part files there
  // (dropping malformed ones and evicting down to `capacity`).
  static Result<std::unique_ptr<DiskCache>> open(const std::filesystem::path& dir,
                                                 const std::string& namespace_id,
                                                 std::uint64_t capacity, std::uint32_t part_size,
                                                 CacheCounters& counters);

  // The cached version of `key`, if any part of it is on disk.
  std::optional<CachedObject> object(const std::string& key) const;
  // For each part in [first, last], whether it is indexed for version `etag`.
  std::vector<bool> present(const std::string& key, const std::string& etag, std::uint64_t first,
                            std::uint64_t last) const;
  void mark_validated(const std::string& key, const std::string& etag);

  // The payload of a part of version `etag`; nullopt if absent, torn or corrupt (such files
  // are removed). Refreshes the part's recency.
  std::optional<Buffer> read(const std::string& key, const std::string& etag, std::uint64_t part);

  // Writes a part and indexes it if `still_current()` holds (checked under the index lock,
  // just before the file is installed). A different cached version of the object is dropped.
  // Returns false when the part was not stored (I/O error or no longer current).
  bool store(const ObjectMeta& meta, std::uint64_t part, ByteView payload,
             const std::function<bool()>& still_current);

  // Removes every part of `key`.
  void drop(const std::string& key);

  const std::filesystem::path& root() const noexcept { return root_; }
  std::uint32_t part_size() const noexcept { return part_size_; }
  std::uint64_t used_bytes() const;
  std::uint64_t part_files() const;

 private:
  struct PartId {
    std::string key;
    std::uint64_t part = 0;
  };
  using Lru = std::list<PartId>;  // front: most recently used
  struct Part {
    std::uint64_t file_bytes = 0;
    Lru::iterator lru;
  };
  struct Object {
    CachedObject cached;
    std::unordered_map<std::uint64_t, Part> parts;
  };
  struct Found;  // a part file seen by the start-up scan

  DiskCache(std::filesystem::path root, std::uint64_t capacity, std::uint32_t part_size,
            posix::UniqueFd lock, CacheCounters& counters);

  Result<void> scan();
  std::string path_of(const std::string& key, std::uint64_t part) const;
  // The next three REQUIRE mutex_ held.
  void insert_locked(const ObjectMeta& meta, std::uint64_t part, std::uint64_t file_bytes,
                     bool validated, bool most_recent);
  void erase_locked(const std::string& key, std::uint64_t part);
  void evict_locked();
  void publish_locked();

  const std::filesystem::path root_;
  const std::string tmp_dir_;
  const std::uint64_t capacity_;
  const std::uint32_t part_size_;
  const posix::UniqueFd lock_;  // flock held for the cache's lifetime
  CacheCounters& counters_;
  std::atomic<std::uint64_t> temp_counter_{0};

  mutable std::mutex mutex_;
  std::unordered_map<std::string, Object> objects_;  // guarded by mutex_
  Lru lru_;                                          // guarded by mutex_
  std::uint64_t used_ = 0;                           // guarded by mutex_
  std::uint64_t files_ = 0;                          // guarded by mutex_
};

}  // namespace zobj::cache
