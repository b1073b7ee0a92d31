// Trivial moves: the source tables a compaction can keep as they are.
//
// A source table whose user-key range no other source touches has nothing to merge with: its
// entries would come out of the merge unchanged (the keep/drop rules only ever drop a version
// shadowed by a newer one of the same key, or a deletion at the bottom). Such a table is
// moved into the output run as it is, costing neither a GET nor a PUT; only the rest is
// merged, and the merged tables are cut at the moved tables' first keys so the output run
// stays non-overlapping. Tables of file data written in order (Options::partition_keys keeps
// them apart from the metadata written alongside) compact this way at almost no cost.
//
// Not moved: an empty table (it has no range); a table under `min_bytes` (small tables are
// merged so they coalesce — moved, they would pile up by the hundred in a run and every
// manifest would list them); and at the bottom a table holding deletions, which the merge
// exists to drop (the planner's space rule would otherwise plan the same compaction again and
// again).
//
// Thread safety: pure functions.
#pragma once

#include <string>
#include <vector>

#include "compaction/compaction_planner.h"

namespace lsm {

struct MoveSplit {
  std::vector<SstInfo> moved;  // in ascending key order
  CompactionPlan merge;        // the plan without them (runs left empty are dropped)
};

MoveSplit split_trivial_moves(const CompactionPlan& plan, std::uint64_t min_bytes);

// Where merged output tables must end: the moved tables' first user keys and the partition
// keys, sorted and without duplicates.
std::vector<std::string> table_cut_keys(const std::vector<SstInfo>& moved,
                                        const std::vector<std::string>& partition_keys);

}  // namespace lsm
