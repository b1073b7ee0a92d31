// Applying a finished compaction to the manifest: the compactor's delta for
// ManifestStore::update().
//
// The delta checks and edits only compactor-owned fields (manifest_state.h): it verifies
// that the state's compactor_epoch is still ours (else Errc::fenced: a newer compactor took
// over) and that every source is still where the plan found it — the plan's L0 tables as
// the back of l0 in the same order, the plan's runs consecutive in sorted_runs (else
// Errc::precondition_failed: the plan is stale; its outputs must not be committed). It then
// removes the sources, inserts the output run at the position of the newest source run (the
// front when the sources are only L0), and sets next_run_id past the output's id. An empty
// output (every entry was deleted) removes the sources and adds no run.
//
// Re-appliable, as update() requires: the plan's output_run_id was the state's next_run_id
// when it was planned and only a commit of this compaction moves next_run_id past it under
// our epoch, so a state with next_run_id > output_run_id already holds our effect and the
// delta returns false.
//
// Thread safety: pure functions.
#pragma once

#include <cstdint>
#include <vector>

#include "base/result.h"
#include "compaction/compaction_planner.h"
#include "manifest/manifest_state.h"
#include "manifest/manifest_store.h"

namespace lsm {

// REQUIRES: `outputs` are in ascending, non-overlapping key order.
Result<bool> apply_compaction(ManifestState& state, const CompactionPlan& plan,
                              std::uint64_t compactor_epoch, const std::vector<SstInfo>& outputs);

// The same as a ManifestStore::Delta (copies plan and outputs into the closure).
ManifestStore::Delta compaction_delta(CompactionPlan plan, std::uint64_t compactor_epoch,
                                      std::vector<SstInfo> outputs);

}  // namespace lsm
