// CompactionJob: executes a CompactionPlan — merges its sources into the tables of the output
// run and stores them. It does not touch the manifest (compaction_apply.h does).
//
// Reading: every input table is fetched with one whole-object GET (InputTables), shared by
// the subcompactions that read it; a run's next table is prefetched while the current one is
// merged, and a table's bytes are freed once every subcompaction has moved past it. Peak
// memory is about the L0 inputs (every subcompaction reads every L0 table) plus two tables per
// source run per subcompaction, plus the output tables waiting for their PUT.
//
// Parallelism: the key space is cut into up to Options::max_concurrent_compactions user-key
// ranges of about equal input bytes (from the run tables' sizes and, for L0 tables, their
// index blocks), each at least min_subcompaction_bytes (default Options::sst_target_size, so
// small inputs are merged in one piece). The subcompactions run concurrently on the caller's
// executor, their CPU work on the CPU executor; their outputs concatenate in key order.
// Keep/drop rules and table cutting: subcompaction.h. Sources of at least a quarter of
// Options::sst_target_size that no other source overlaps are not read at all but moved into
// the output as they are (trivial_move.h).
//
// Errors: the first error of any subcompaction (the others stop early); the tables already
// stored are deleted again (best effort; the garbage collector takes what is left).
// Thread safety: run() once, from one coroutine. Lifetime: the store and transformer must
// outlive run(); nothing of the job runs after run() returns.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "base/async.h"
#include "base/result.h"
#include "cache/block_cache.h"
#include "compaction/compaction_planner.h"
#include "format/internal_key.h"
#include "lsm/options.h"
#include "lsm/transformer.h"
#include "zobj/object_store.h"

namespace lsm {

struct CompactionJobParams {
  std::shared_ptr<zobj::ObjectStore> store;
  std::string prefix;  // "" or ending in '/'
  std::shared_ptr<const BlockTransformer> transformer;
  Options options;  // block_size, bloom_bits_per_key, sst_target_size, max_concurrent_compactions
  // The pool for merges, block building and transforms; null: the caller's executor.
  zerofs::asio::any_io_executor cpu_executor;
  // Versions above this are all kept (some snapshot may read them).
  SequenceNumber smallest_snapshot = 0;
  // The database's data block cache (null: none, as in a separate compactor): input blocks
  // it holds are not decoded again, and with options.prepopulate_block_cache their entries'
  // output blocks are cached too. Must outlive the job.
  BlockCache* block_cache = nullptr;
  // A subcompaction gets at least this many input bytes; 0: options.sst_target_size.
  std::uint64_t min_subcompaction_bytes = 0;
};

struct CompactionOutput {
  std::vector<SstInfo> ssts;    // the output run, in key order; empty if nothing survived
  std::vector<SstId> moved;     // the tables of `ssts` that are sources, kept as they are
  std::uint64_t bytes_in = 0;   // bytes of the sources merged (moved ones are not read)
  std::uint64_t bytes_out = 0;  // bytes of the tables written
  std::uint64_t bytes_moved = 0;
  std::uint64_t entries_in = 0;
  std::uint64_t entries_out = 0;
  std::size_t subcompactions = 0;
  std::uint64_t input_gets = 0;  // GETs issued for input tables
};

// Whether `id` is one of the output's moved tables (not a new object: never delete it).
bool is_moved(const CompactionOutput& output, const SstId& id);

zerofs::Task<zerofs::Result<CompactionOutput>> run_compaction_job(const CompactionJobParams& params,
                                                                  const CompactionPlan& plan);

}  // namespace lsm
