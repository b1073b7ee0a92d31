// InputTables: the input tables of one compaction, each fetched with ONE whole-object GET and
// shared by every subcompaction that reads it.
//
// Object stores charge per request, and a merge reads every block of its inputs, so a table
// is fetched whole (no index GET, no per-block GETs) and decoded as an InMemoryTable on the
// CPU executor. Concurrent loads of one table share a single GET. A table is registered with
// the number of subcompactions that will read it; each calls release() when done, and the
// last release frees the bytes (iterators still walking it keep them until they move on).
// prefetch() starts a load without waiting, so a run's next table arrives while the current
// one is merged.
//
// Errors: a failed load fails every waiter of that table (store errors with the object key as
// context, Errc::corrupt for a table that does not match its SstInfo).
// Thread safety: all members may be called from any thread; one mutex guards the entries and
// is never held across a co_await.
// Lifetime: the store and transformer must outlive every load; call drain() before destroying
// them, so that no background prefetch is left running.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "base/async.h"
#include "base/result.h"
#include "compaction/done_event.h"
#include "lsm/transformer.h"
#include "table/in_memory_table.h"
#include "table/sst_info.h"
#include "zobj/object_store.h"

namespace lsm {

class InputTables : public std::enable_shared_from_this<InputTables> {
 public:
  // Loads run on `io` (GETs) and `cpu` (decoding the index). `cache` (may be null) is the
  // database's BlockCache, handed to every table (InMemoryTable::open); it must outlive this.
  InputTables(zobj::ObjectStore& store, std::string prefix, const BlockTransformer& transformer,
              zerofs::asio::any_io_executor io, zerofs::asio::any_io_executor cpu,
              BlockCache* cache = nullptr);

  InputTables(const InputTables&) = delete;
  InputTables& operator=(const InputTables&) = delete;

  // Registers a table; it is kept once loaded until set_users() says otherwise.
  void add(const SstInfo& info);
  // How many subcompactions will release() the table. 0 frees it now.
  void set_users(const SstId& id, std::size_t users);

  // The table if it is loaded (no I/O), else null.
  std::shared_ptr<const InMemoryTable> loaded(const SstId& id) const;
  // The table, loading it (or joining the load in flight) if needed.
  zerofs::Task<zerofs::Result<std::shared_ptr<const InMemoryTable>>> load(SstId id);
  // Starts loading the table in the background unless it is loaded or loading.
  void prefetch(const SstId& id);
  // One user is done with the table.
  void release(const SstId& id);

  // Resolves once no load is in flight.
  zerofs::Task<void> drain();

  std::uint64_t gets() const;
  std::uint64_t bytes_fetched() const;

 private:
  enum class State { idle, loading, ready, failed, released };
  struct Entry {
    SstInfo info;
    State state = State::idle;
    std::optional<std::size_t> users;  // unset until set_users()
    std::shared_ptr<const InMemoryTable> table;
    std::optional<zerofs::Error> error;
    std::unique_ptr<DoneEvent> done;  // set when the load ends (or fails)
  };

  // Marks the entry loading; false when it already is (or is done).
  bool start_locked(Entry& entry);
  // Drops the table once its last user is done.
  static void drop_if_unused_locked(Entry& entry);
  zerofs::Task<void> fetch(SstId id);
  zerofs::Task<zerofs::Result<std::shared_ptr<const InMemoryTable>>> fetch_and_open(SstInfo info);

  // Constant after construction.
  zobj::ObjectStore& store_;
  const std::string prefix_;
  const BlockTransformer& transformer_;
  const zerofs::asio::any_io_executor io_;
  const zerofs::asio::any_io_executor cpu_;
  BlockCache* const cache_;

  mutable std::mutex mutex_;
  std::unordered_map<SstId, Entry, SstIdHash> entries_;  // guarded by mutex_
  std::uint64_t gets_ = 0;                               // guarded by mutex_
  std::uint64_t bytes_ = 0;                              // guarded by mutex_
};

}  // namespace lsm
