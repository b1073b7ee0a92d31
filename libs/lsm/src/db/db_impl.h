// DbImpl: the engine behind lsm::Db and lsm::DbReader.
//
// Roles. A writer owns the write path (memtable + WalWriter), flushes memtables to L0, and —
// unless Options::compaction_enabled is false — compacts and collects garbage in-process.
// A read-only Db serves a fixed view: a checkpoint's manifest, or the latest manifest plus the
// WAL tail at open. A follower (DbReader) is read-only and keeps polling the manifest and
// tailing new WAL objects, holding a lease checkpoint so the objects it reads stay.
//
// Concurrency. mutex_ guards the mutable state below; it is never held across co_await. The
// memtable has one writer (under mutex_) and lock-free readers. Background loops run on the
// executor given at open; CPU-heavy work (SST building, merges) goes to cpu_pool_.
//
// Files: db_impl.cc (open, recovery, close), db_write.cc, db_read.cc, db_flush.cc,
// db_follow.cc, db_compact.cc.
#pragma once

#include <atomic>
#include <boost/asio/thread_pool.hpp>
#include <chrono>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <vector>

#include "cache/block_cache.h"
#include "db/background.h"
#include "db/version.h"
#include "db/wal_writer.h"
#include "lsm/db.h"
#include "manifest/manifest_store.h"
#include "memtable/memtable.h"
#include "util/sequence_waiter.h"
#include "util/signal.h"

namespace lsm {

enum class DbRole { writer, read_only, follower };

class DbImpl : public std::enable_shared_from_this<DbImpl> {
 public:
  // Reads that complete without I/O (cached blocks, memtables) never suspend, so a loop of
  // them would starve the flushes and compactions continuing on executor_: gets and iterator
  // steps yield once every ReadYield::kEvery, counted across all of them.
  struct ReadYield {
    static constexpr std::uint64_t kEvery = 256;
    explicit ReadYield(zerofs::asio::any_io_executor e) : executor(std::move(e)) {}
    bool due() noexcept {
      return count.fetch_add(1, std::memory_order_relaxed) % kEvery == kEvery - 1;
    }
    const zerofs::asio::any_io_executor executor;
    std::atomic<std::uint64_t> count{0};
  };

  // `params` arrives boxed: GCC 12 mis-copies aggregates passed by value into coroutines
  // (see base/async.h), and OpenParams is one.
  static Task<Result<std::shared_ptr<DbImpl>>> open(std::unique_ptr<OpenParams> params,
                                                    DbRole role);

  DbImpl(zerofs::asio::any_io_executor executor, OpenParams params, DbRole role);
  ~DbImpl();

  // --- write path (db_write.cc)
  Task<Result<SequenceNumber>> write(WriteBatch batch, WriteOptions options);
  Task<Result<void>> await_durable(SequenceNumber seq);
  Task<Result<void>> flush();
  Task<Result<void>> flush_memtable();

  // --- read path (db_read.cc)
  Task<Result<std::optional<std::string>>> get(std::string_view key, ReadOptions options);
  std::unique_ptr<Iterator> new_iterator(ReadOptions options, std::string lower, std::string upper);
  std::shared_ptr<const Snapshot> snapshot();

  // --- maintenance
  Task<Result<void>> compact_until_idle();
  Task<Result<std::size_t>> collect_garbage();
  Task<Result<void>> close();
  // Asks the background loops to stop without waiting (handle destroyed without close()).
  void request_stop();
  Task<Result<CheckpointInfo>> create_checkpoint(std::string name);
  Task<Result<std::vector<CheckpointInfo>>> list_checkpoints();
  Task<Result<void>> delete_checkpoint(std::string name);
  // Follower: one manifest refresh + WAL tail now (also run by the poll loop).
  Task<Result<void>> catch_up();

  SequenceNumber last_sequence() const;
  SequenceNumber durable_sequence() const;
  DbMetrics metrics() const;

 private:
  friend class SnapshotImpl;
  struct Frozen {
    std::shared_ptr<MemTable> mem;
    std::uint64_t wal_id;     // every batch of `mem` is in a WAL object with id <= this
    SequenceNumber last_seq;  // the highest sequence in `mem`
  };
  // The memtables a read consults, newest first; replaced (never mutated) on freeze/flush.
  using MemSet = std::vector<std::shared_ptr<MemTable>>;
  struct ReadView {
    SequenceNumber seq;
    std::shared_ptr<MemTable> mem;
    std::shared_ptr<const MemSet> imm;
    std::shared_ptr<const Version> version;
  };

  // db_impl.cc
  Task<Result<void>> open_writer();
  Task<Result<void>> open_reader();
  Task<Result<void>> replay_wal(std::uint64_t after_id, SequenceNumber skip_through,
                                std::uint64_t* last_id, bool write_fence);
  void start_background();
  void set_fatal(const zerofs::Error& error);
  std::optional<zerofs::Error> fatal() const;
  zobj::ObjectStore& wal_store() {
    return *(params_.wal_store ? params_.wal_store : params_.store);
  }
  void install_version(const StoredManifest& m);
  Result<void> check_writer_epoch(const ManifestState& state) const;

  // db_write.cc
  Task<void> slow_down_if_needed();
  void freeze_locked();
  std::uint64_t unflushed_bytes_locked() const;

  // db_read.cc
  ReadView read_view(const ReadOptions& options);
  void release_snapshot(SequenceNumber seq);

  // db_flush.cc
  Task<void> flush_loop();
  Task<Result<void>> flush_one(const Frozen& frozen);
  Task<Result<std::vector<SstInfo>>> write_tables(std::shared_ptr<MemTable> mem);
  // Output buffers of earlier flushes, reused by the next (flush_loop only: one at a time).
  std::vector<zerofs::Buffer> flush_buffers_;

  // db_follow.cc
  Task<void> follow_loop();
  Task<Result<void>> tail_wal();

  // db_compact.cc
  Task<void> compaction_loop();
  Task<Result<bool>> compact_once();
  Task<void> gc_loop();
  Task<void> manifest_poll_loop();
  Task<Result<std::size_t>> gc_pass();
  // Compaction rounds and GC passes exclude each other (GC must not delete a running
  // compaction's uploaded outputs).
  Task<void> lock_maintenance();
  void unlock_maintenance() { maintenance_running_.store(false); }
  SequenceNumber smallest_snapshot() const;
  // Registers metrics() with Options::metrics_registry until close() or destruction.
  void export_metrics();
  // Logs the writer's metrics in one info line (at close).
  void log_summary() const;

  // --- constant after open
  const zerofs::asio::any_io_executor executor_;
  const OpenParams params_;
  const Options& options_ = params_.options;
  const DbRole role_;
  std::unique_ptr<boost::asio::thread_pool> cpu_pool_;
  BlockCache data_cache_;
  std::unique_ptr<TableCache> tables_;
  std::unique_ptr<ManifestStore> manifests_;
  std::uint64_t epoch_ = 0;            // writer epoch this Db holds
  std::uint64_t compactor_epoch_ = 0;  // compactor epoch, when compaction runs in-process
  std::unique_ptr<WalWriter> wal_;     // writer with the WAL enabled

  // --- background
  BackgroundTasks background_;
  Signal flush_signal_;
  Signal compaction_signal_;
  Signal stop_signal_;  // closed at close(): wakes the periodic loops
  std::atomic<bool> stopping_{false};
  SequenceWaiter flushed_;  // highest sequence flushed to L0
  // compact_until_idle(): requests are numbered; compaction_idle_ reaches a request's number
  // once a round that started after it found nothing to do.
  std::atomic<std::uint64_t> compaction_requests_{0};
  SequenceWaiter compaction_idle_;
  std::atomic<bool> maintenance_running_{false};

  // --- counters
  zerofs::metrics::CollectorRegistration metrics_registration_;  // see export_metrics()
  std::atomic<std::uint64_t> writes_{0}, write_bytes_{0}, memtable_flushes_{0};
  std::atomic<std::uint64_t> compactions_{0}, compaction_bytes_in_{0}, compaction_bytes_out_{0},
      compaction_bytes_moved_{0};
  std::atomic<std::uint64_t> stalls_{0}, stall_micros_{0}, gc_deleted_{0};
  std::atomic<SequenceNumber> visible_seq_{0};

  // --- guarded by mutex_
  mutable std::mutex mutex_;
  std::shared_ptr<MemTable> mem_;
  std::deque<Frozen> imm_;                 // oldest first
  std::shared_ptr<const MemSet> imm_set_;  // imm_ newest first, for readers
  std::shared_ptr<const Version> version_;
  SequenceNumber last_seq_ = 0;
  // write() yields the executor every kWritesPerYield writes (and when background work is due).
  static constexpr std::uint64_t kWritesPerYield = 256;
  std::uint64_t writes_since_yield_ = 0;
  // See ReadYield.
  const std::shared_ptr<ReadYield> read_yield_;
  std::chrono::steady_clock::time_point pace_;  // backpressure schedule (slow_down_if_needed)
  std::multiset<SequenceNumber> snapshots_;
  std::optional<zerofs::Error> fatal_;
  std::set<SstId> pending_ssts_;  // uploaded L0 tables not yet in the manifest
  bool closed_ = false;
  std::uint64_t next_wal_id_ = 1;            // follower: next WAL object to tail
  SequenceNumber follower_mem_max_seq_ = 0;  // follower: highest sequence in mem_

  // --- follower: set at open, then used by catch_up() only (one at a time, see catching_up_)
  std::optional<CheckpointId> lease_;  // its lease checkpoint
  std::atomic<bool> catching_up_{false};
  std::chrono::steady_clock::time_point last_repin_{};
};

}  // namespace lsm
