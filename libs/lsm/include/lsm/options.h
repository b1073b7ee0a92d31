// Options for opening a database and for individual reads and writes.
// Defaults follow ARCHITECTURE §6; every number is configurable from zerofs.toml ([lsm]).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace zerofs::metrics {
class Registry;
}

namespace lsm {

class Snapshot;

struct Options {
  // --- write path
  bool wal_enabled = true;
  // The longest a write waits in the WAL buffer before it is made durable.
  std::chrono::milliseconds flush_interval{100};
  // A WAL object is written as soon as the buffer holds this many bytes.
  std::size_t wal_flush_bytes = 4 << 20;
  // WAL PUTs allowed in flight at once (ids stay contiguous; durability is acknowledged in order).
  std::size_t wal_max_inflight = 4;
  // A memtable is frozen and flushed to L0 at this size.
  std::size_t memtable_size = 64 << 20;

  // --- SST format
  std::size_t block_size = 4096;
  int bloom_bits_per_key = 10;
  // Sorted runs are cut into SSTs of about this size.
  std::size_t sst_target_size = 64 << 20;
  // User keys no SST straddles: flushes and compactions end a table before each. Keys written
  // in order then land in tables that do not overlap those of other key ranges written at the
  // same time, and compaction moves such tables instead of rewriting them. (A filesystem cuts
  // between its metadata and its file data.) Any order; may be empty.
  std::vector<std::string> partition_keys;

  // --- compaction and backpressure
  bool compaction_enabled = true;         // false when a separate lsm::Compactor runs
  std::size_t l0_compaction_trigger = 4;  // L0 tables
  // Writes slow down gradually as L0's depth (the most L0 tables one key falls in: the tables
  // one flush cut at partition_keys count once) approaches this.
  std::size_t l0_max_ssts = 16;
  std::uint64_t max_unflushed_bytes = 1'000'000'000;
  std::size_t max_concurrent_compactions = 8;

  // --- caches
  std::uint64_t block_cache_bytes = 256ull << 20;  // data blocks
  std::uint64_t meta_cache_bytes = 64ull << 20;    // index and filter blocks
  // Blocks a memtable flush writes enter the data block cache, as a page cache keeps what was
  // just written; a compaction's output blocks enter it when their entries were read from
  // cached blocks, so data that was hot stays cached and cold data does not displace it.
  bool prepopulate_block_cache = true;
  // A sequential scan fetches consecutive blocks in one GET of up to this many bytes (the
  // window starts at 1/8 of it and doubles), since object stores charge per request.
  std::size_t readahead_bytes = 256 << 10;

  // --- background work
  std::chrono::seconds gc_min_age{300};
  std::chrono::milliseconds gc_interval{60'000};
  std::chrono::milliseconds manifest_poll_interval{1'000};  // readers and compactor
  std::size_t cpu_threads = 2;  // pool for SST building, merges, transforms

  // --- observability
  // Exports the counters of DbMetrics as lsm_* Prometheus families labelled
  // db="<metrics_name>" while the Db is open; null exports nothing. Must outlive the Db.
  zerofs::metrics::Registry* metrics_registry = nullptr;
  std::string metrics_name = "main";

  // --- read-only opening
  bool read_only = false;
  std::optional<std::string> checkpoint;  // open read-only at this named checkpoint
};

enum class Durability {
  memory,   // see every acknowledged write, durable or not
  durable,  // see only writes already durable in the object store
};

struct ReadOptions {
  const Snapshot* snapshot = nullptr;  // null: the latest state
  Durability durability = Durability::memory;
  bool fill_cache = true;
};

struct WriteOptions {
  bool await_durable = false;  // resolve only once the batch is durable
};

}  // namespace lsm
