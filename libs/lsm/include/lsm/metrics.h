// DbMetrics: a point-in-time copy of a database's counters (also exported to Prometheus).
#pragma once

#include <cstdint>

namespace lsm {

struct DbMetrics {
  std::uint64_t writes = 0;       // batches
  std::uint64_t write_bytes = 0;  // encoded batch bytes
  std::uint64_t wal_objects = 0;  // WAL PUTs that succeeded
  std::uint64_t wal_bytes = 0;
  std::uint64_t memtable_flushes = 0;
  std::uint64_t l0_tables = 0;    // current
  std::uint64_t sorted_runs = 0;  // current
  std::uint64_t compactions = 0;
  std::uint64_t compaction_bytes_in = 0;
  std::uint64_t compaction_bytes_out = 0;
  std::uint64_t compaction_bytes_moved = 0;  // tables kept as they were (trivial moves)
  std::uint64_t write_stalls = 0;            // writes that were slowed down
  std::uint64_t write_stall_micros = 0;
  std::uint64_t block_cache_hits = 0;
  std::uint64_t block_cache_misses = 0;
  std::uint64_t gc_deleted = 0;
  std::uint64_t unflushed_bytes = 0;  // current memtable + frozen memtables
};

}  // namespace lsm
