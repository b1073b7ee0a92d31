// Compaction planning: which tables the next compaction merges (size-tiered, ARCHITECTURE §6).
//
// The tree is L0 (memtable flushes, newest first) above sorted runs (newest first). A
// compaction merges sources that are CONSECUTIVE in that newest-first order into one new run
// placed where the sources were, so "a newer version overrides an older one" keeps holding
// between the output and every table that stays:
//   (a) L0: once l0.size() >= l0_compaction_trigger, all of L0 (plus the newest runs while
//       each is small next to the bytes gathered so far) becomes a run at the front;
//   (b) runs: a window of at least min_merge_width consecutive runs of similar size (the
//       largest at most size_ratio times the smallest) is merged; when there are more than
//       max_sorted_runs runs, the consecutive window with the fewest bytes is merged anyway;
//   (c) space: when the tombstones above the bottom run reach tombstone_ratio of its entries,
//       everything (L0 and all runs) is merged into a new bottom run, which drops them.
// The output is the bottom run (it may drop tombstones) iff no run older than the sources
// remains. The plan copies the sources' SstInfos, so executing it needs nothing else.
//
// Thread safety: pure functions of their arguments.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "lsm/options.h"
#include "manifest/manifest_state.h"

namespace lsm {

struct CompactionPlannerOptions {
  std::size_t l0_compaction_trigger = 4;
  // (a): a run joins an L0 compaction while its bytes are at most this share of the bytes
  // gathered so far (L0 plus the runs already taken).
  double l0_absorb_ratio = 0.5;
  // (b): runs of "similar size": within this ratio of each other.
  double size_ratio = 2.0;
  std::size_t min_merge_width = 4;
  std::size_t max_merge_width = 16;
  std::size_t max_sorted_runs = 8;
  // (c): merge everything into a new bottom run once the deletions above the bottom run are
  // at least this share of its entries (and at least min_tombstones of them). The ratio keeps
  // the cost in proportion to the database; the floor only spares a tiny database a full
  // merge per handful of deletes (a higher floor left small databases holding deleted data
  // for good once the deletes stopped).
  double tombstone_ratio = 0.25;
  std::uint64_t min_tombstones = 16;

  static CompactionPlannerOptions from(const Options& options) {
    CompactionPlannerOptions o;
    o.l0_compaction_trigger = options.l0_compaction_trigger;
    return o;
  }
};

struct CompactionPlan {
  std::vector<SstInfo> l0;          // source L0 tables, newest first: the back of l0
  std::vector<SortedRun> runs;      // source runs, newest first, consecutive in sorted_runs
  std::uint64_t output_run_id = 0;  // the manifest's next_run_id when planned
  bool bottom = false;              // no older run remains: tombstones may be dropped
  std::uint64_t input_bytes = 0;    // sum of the sources' file sizes

  std::vector<SstId> l0_ids() const;
  std::vector<std::uint64_t> run_ids() const;
  std::size_t input_tables() const;
};

// The most L0 tables any one user key falls in: what a point read may have to search, and the
// measure of L0 that slows writers down (the tables one flush cuts at Options::partition_keys
// share no key, so they count once). Compaction (a) still counts tables: every L0 table is one
// more input for each scan, and tables that overlap nothing are moved, not rewritten.
std::size_t l0_depth(const std::vector<SstInfo>& l0);

// The next compaction for `state`, or nullopt when there is nothing to do.
std::optional<CompactionPlan> plan_compaction(const ManifestState& state,
                                              const CompactionPlannerOptions& options);

// The smallest sequence a snapshot may still read, as a separate compactor sees it: the
// writer-published snapshot_min_seq, where 0 means "no live snapshot when this manifest was
// committed". Every version held by the manifest has seq <= last_l0_seq, and a snapshot taken
// later reads at or above last_l0_seq, so 0 (or anything above last_l0_seq) is last_l0_seq:
// only the newest version of each key is needed.
SequenceNumber compaction_smallest_snapshot(const ManifestState& state);

std::uint64_t total_file_bytes(const std::vector<SstInfo>& tables);

}  // namespace lsm
