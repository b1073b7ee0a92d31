// WalWriter: group commit of write batches into WAL objects.
//
// The Db appends every batch under its write mutex; a cut buffer becomes the next WAL object.
// It is sealed (compressed + encrypted) on the CPU pool as soon as it is cut, so the next
// object's seal overlaps this one's upload and the Db's thread never seals. Uploads use
// create-if-absent and one object is in flight at a time, so ids stay contiguous and a new
// writer's fence at the next id always stops an older writer (a gap could let a zombie's late
// PUT land after the fence). Each object keeps one put-id across its retries, so an upload
// that was stored but reported failed is recognised as ours, not as a fence. A flush happens
// when
//   - the buffer reaches Options::wal_flush_bytes,
//   - someone asks (request_flush(): flush(), await_durable(), memtable freeze), or
//   - Options::flush_interval has passed since the buffer received its first batch.
// Callers waiting for durability share the PUT that covers them (durable()).
//
// Failures: create-if-absent finding the object present means another writer fenced us:
// durable() turns fatal with Errc::fenced and the writer never writes again. Other errors
// (transient errors already exhausted by the retry wrapper) fail the waiters of that moment
// and the same object is retried with backoff, so a store outage never poisons the Db.
//
// Thread safety: append()/cut()/buffered_bytes() are called with the Db's write mutex held;
// everything else from any thread. Internally guarded by mutex_ (lock order: Db mutex first).
#pragma once

#include <atomic>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "base/async.h"
#include "compaction/done_event.h"
#include "lsm/options.h"
#include "lsm/transformer.h"
#include "lsm/write_batch.h"
#include "util/sequence_waiter.h"
#include "util/signal.h"
#include "wal/wal_buffer.h"
#include "zobj/object_store.h"

namespace lsm {

struct WalWriterStats {
  std::atomic<std::uint64_t> objects{0};
  std::atomic<std::uint64_t> bytes{0};
  std::atomic<std::uint64_t> failures{0};
};

class WalWriter {
 public:
  // `next_id` is the first id this writer may use (the fence's id + 1); `durable_seq` the
  // highest sequence already durable (everything replayed at open).
  // `cpu` runs the seals; `transformer` must outlive every job queued there (the Db joins its
  // pool before releasing the transformer).
  WalWriter(zerofs::asio::any_io_executor executor, zerofs::asio::any_io_executor cpu,
            std::shared_ptr<zobj::ObjectStore> store, std::string prefix,
            const BlockTransformer& transformer, const Options& options, std::uint64_t next_id,
            SequenceNumber durable_seq);

  // --- with the Db write mutex held
  // True when the buffer reached wal_flush_bytes and was cut into an object: the loop is due
  // to store it.
  bool append(const WriteBatch& batch);
  std::size_t buffered_bytes() const;
  // Seals the current buffer (if not empty) as the next object and returns the id of the
  // newest object holding any batch so far (0 if none): every batch appended before the call
  // lives in an object with id <= the result.
  std::uint64_t cut();

  // --- from anywhere
  // Asks the loop to store what is buffered now.
  void request_flush() { signal_.notify(); }
  // The highest sequence whose WAL object is stored; waits on it.
  SequenceWaiter& durable() noexcept { return durable_; }
  // Stores everything appended so far; resolves when it is durable.
  zerofs::Task<zerofs::Result<void>> flush();
  // The id of the newest object stored so far (0 if none).
  std::uint64_t last_stored_id() const noexcept { return last_stored_id_.load(); }
  const WalWriterStats& stats() const noexcept { return stats_; }

  // The background loop; returns after stop() once everything sealed is stored (or fenced).
  zerofs::Task<void> run();
  void stop();

 private:
  // A cut buffer and its seal. Shared with the job on the CPU pool, so a job still running
  // when the writer goes away touches only memory it co-owns.
  struct SealJob {
    explicit SealJob(zerofs::asio::any_io_executor io) : done(std::move(io)) {}
    WalBuffer buffer;              // reset (capacity kept) once sealed, for reuse
    zerofs::Result<Buffer> bytes;  // the object; valid once done is set
    DoneEvent done;
  };
  struct Sealed {
    std::uint64_t id;
    SequenceNumber last_seq;
    std::string put_id;  // the same on every attempt
    std::shared_ptr<SealJob> job;
  };
  void seal_locked();
  zerofs::Task<void> store_sealed();
  zerofs::Task<zerofs::Result<void>> put_object(Sealed& sealed);

  // Constant after construction.
  const std::shared_ptr<zobj::ObjectStore> store_;
  const std::string prefix_;
  const BlockTransformer& transformer_;
  const Options options_;

  const zerofs::asio::any_io_executor io_;
  const zerofs::asio::any_io_executor cpu_;
  Signal signal_;
  SequenceWaiter durable_;
  WalWriterStats stats_;
  std::atomic<std::uint64_t> last_stored_id_{0};
  std::atomic<bool> stopping_{false};

  mutable std::mutex mutex_;
  WalBuffer current_;                                   // guarded by mutex_
  std::chrono::steady_clock::time_point first_append_;  // guarded by mutex_
  std::deque<Sealed> sealed_;                           // guarded by mutex_
  std::vector<WalBuffer> spare_;                        // guarded by mutex_; stored, reset
  std::uint64_t next_id_;                               // guarded by mutex_
  std::uint64_t last_assigned_id_ = 0;                  // guarded by mutex_
  SequenceNumber last_appended_seq_ = 0;                // guarded by mutex_
};

}  // namespace lsm
