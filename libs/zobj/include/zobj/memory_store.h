// MemoryStore: the memory:// object store, an ordered map in process memory, for tests,
// benchmarks (wrapped in a FaultStore to add latency) and throwaway filesystems.
//
// Named stores ("memory://name") live in a process-wide registry until forget(): opening the
// same name again returns the same store, so two writers, or a writer and a reader, can share
// a bucket, and a test can "restart" a process and find its data. "memory://" gives a fresh
// private store.
//
// Thread safety: every method may be called concurrently; one mutex guards the map and is
// never held while copying payload bytes out (objects are immutable once stored).
// Operations complete without suspending.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "zobj/object_store.h"

namespace zobj {

class MemoryStore final : public ObjectStore {
 public:
  // A fresh private store.
  static std::shared_ptr<MemoryStore> create();
  // The registry's store called `name`, created on first use.
  static std::shared_ptr<MemoryStore> named(const std::string& name);
  // Drops `name` from the registry; holders of the store keep it.
  static void forget(const std::string& name);

  Task<Result<GetResult>> get(std::string key, std::optional<ByteRange> range) override;
  Task<Result<ObjectMeta>> head(std::string key) override;
  Task<Result<ObjectMeta>> put(std::string key, ByteView data, PutOptions options) override;
  Task<Result<void>> del(std::string key) override;
  Task<Result<ListPage>> list(std::string prefix, std::string start_after,
                              std::size_t max_keys) override;
  std::string describe() const override;

  // Objects and payload bytes held now.
  std::size_t object_count() const;
  std::uint64_t total_bytes() const;

  explicit MemoryStore(std::string name);

 private:
  struct Object {
    std::shared_ptr<const Buffer> data;
    std::string etag;
    std::string put_id;
    std::int64_t modified_unix_ms = 0;

    ObjectMeta meta(const std::string& key) const;
  };

  Result<ObjectMeta> put_locked(const std::string& key, std::shared_ptr<const Buffer> data,
                                PutOptions& options);

  const std::string name_;  // empty for a private store

  mutable std::mutex mutex_;
  std::map<std::string, Object, std::less<>> objects_;  // guarded by mutex_
  std::uint64_t next_etag_ = 1;                         // guarded by mutex_
};

}  // namespace zobj
