// Db: a key-value store whose only durable home is an object store.
//
// One writer per database (a newer writer fences the older one), any number of read-only
// DbReaders, and optionally a separate Compactor process. Layout under the database prefix:
//   manifest/<20-digit id>   full snapshots, contiguous ids, committed with create-if-absent
//   wal/<20-digit id>        group-committed WAL objects (a zero-length object is a fence)
//   sst/<ulid>.sst           L0 tables and sorted-run tables
// Every block, WAL object and manifest passes through the BlockTransformer.
//
// Durability: write() returns once the batch is in memory (and in the WAL buffer); it becomes
// durable when the WAL object holding it is stored — within Options::flush_interval, or at once
// on flush()/await_durable(). close() makes everything durable.
//
// Errors: Errc::fenced once a newer writer took over (from then on every call fails with it and
// nothing more is written); Errc::read_only for writes to a read-only Db; store errors otherwise.
// Transient store errors are retried (the caller's store should be wrapped in zobj::RetryStore);
// a failed WAL upload is retried in the background and fails only the waiters of that moment.
//
// Thread safety: all methods may be called concurrently from any thread of the executor.
// Lifetime: call close() and await it before destroying a writable Db.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/async.h"
#include "base/result.h"
#include "lsm/iterator.h"
#include "lsm/metrics.h"
#include "lsm/options.h"
#include "lsm/snapshot.h"
#include "lsm/transformer.h"
#include "lsm/write_batch.h"

namespace zobj {
class ObjectStore;
}

namespace lsm {

using zerofs::Task;

struct CheckpointInfo {
  std::string id;    // 32 hex characters
  std::string name;  // empty for unnamed (leases)
  std::uint64_t manifest_id = 0;
  std::int64_t create_time_ms = 0;
  std::optional<std::int64_t> expire_time_ms;
};

struct OpenParams {
  // Constructors (not an aggregate) on purpose: GCC 12 miscompiles aggregate temporaries in
  // coroutines, e.g. `co_await Db::open({store, "", options, transformer})` (base/async.h).
  OpenParams() = default;
  OpenParams(std::shared_ptr<zobj::ObjectStore> store_, std::string prefix_, Options options_,
             std::shared_ptr<const BlockTransformer> transformer_,
             std::shared_ptr<zobj::ObjectStore> wal_store_ = nullptr)
      : store(std::move(store_)),
        prefix(std::move(prefix_)),
        options(std::move(options_)),
        transformer(std::move(transformer_)),
        wal_store(std::move(wal_store_)) {}

  std::shared_ptr<zobj::ObjectStore> store;
  std::string prefix;  // "" or ending in '/'
  Options options;
  std::shared_ptr<const BlockTransformer> transformer;
  // A separate store for WAL objects (fixed when the database is created), or null. Opening
  // with the other choice fails with Errc::invalid_argument before the manifest is changed.
  std::shared_ptr<zobj::ObjectStore> wal_store;
  // Seals WAL objects instead of `transformer` (null: `transformer` does). WAL objects are
  // still opened with `transformer`, which must therefore open what this seals: the same key
  // with another compression, say. (A WAL object is written once and read only by recovery
  // and by followers, so compressing it is CPU on the write path for little gain; RocksDB
  // does not compress its WAL by default either.)
  std::shared_ptr<const BlockTransformer> wal_transformer;
};

class DbImpl;

class Db {
 public:
  // Opens (creating if needed) the database. A writable open fences any previous writer.
  static Task<Result<std::unique_ptr<Db>>> open(OpenParams params);
  ~Db();

  Task<Result<SequenceNumber>> write(WriteBatch batch, WriteOptions options = {});
  Task<Result<SequenceNumber>> put(std::string_view key, std::string_view value,
                                   WriteOptions options = {});
  Task<Result<SequenceNumber>> del(std::string_view key, WriteOptions options = {});

  // nullopt when the key is absent (or deleted) in the chosen view.
  Task<Result<std::optional<std::string>>> get(std::string_view key, ReadOptions options = {});

  // An iterator over [lower, upper) (empty bounds mean unbounded), positioned nowhere.
  std::unique_ptr<Iterator> new_iterator(ReadOptions options = {}, std::string lower = {},
                                         std::string upper = {});

  std::shared_ptr<const Snapshot> snapshot();

  // Resolves once every write with sequence <= seq is durable.
  Task<Result<void>> await_durable(SequenceNumber seq);
  // Makes every write so far durable (one WAL PUT shared by concurrent callers).
  Task<Result<void>> flush();
  // Freezes the memtable and waits until it is an L0 table in the manifest.
  Task<Result<void>> flush_memtable();
  // Waits until compaction has nothing to do (tests and tools).
  Task<Result<void>> compact_until_idle();
  // Runs one garbage-collection pass now; returns the number of objects deleted.
  Task<Result<std::size_t>> collect_garbage();
  // Makes everything durable and stops background work. Idempotent. A writer that was fenced
  // (or hit another fatal error) still stops, and reports that error: what it accepted since
  // may not be durable.
  Task<Result<void>> close();

  Task<Result<CheckpointInfo>> create_checkpoint(std::string name);
  Task<Result<std::vector<CheckpointInfo>>> list_checkpoints();
  Task<Result<void>> delete_checkpoint(std::string name);

  SequenceNumber last_sequence() const;
  SequenceNumber durable_sequence() const;
  DbMetrics metrics() const;

 private:
  explicit Db(std::shared_ptr<DbImpl> impl);
  std::shared_ptr<DbImpl> impl_;
};

}  // namespace lsm
