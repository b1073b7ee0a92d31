// One compaction round: plan from a manifest, run the job, commit the result.
//
// Shared by the separate compactor (lsm::Compactor) and the writer's in-process compaction.
// The commit goes through ManifestStore::update() with compaction_delta(), so it merges with
// concurrent writer commits (new L0 tables at the front, WAL marks, checkpoints).
//
// Snapshots: versions above the smallest snapshot are all kept. The caller passes it (the
// in-process writer knows its live snapshots), or leaves it unset to take it from the manifest
// (compaction_smallest_snapshot(): the writer-published snapshot_min_seq).
//
// Errors: Errc::fenced when the manifest's compactor_epoch is no longer ours (checked before
// any work and again at commit); Errc::precondition_failed when the plan went stale; job and
// store errors otherwise. When the commit is known not to have happened (fenced, stale plan)
// the outputs are deleted again; after an unknown outcome they are left for the garbage
// collector (they may be live).
// Thread safety: one round at a time per compactor epoch (rounds must not share run ids).
#pragma once

#include <cstdint>
#include <optional>

#include "base/async.h"
#include "base/result.h"
#include "compaction/compaction_job.h"
#include "compaction/compaction_planner.h"
#include "manifest/manifest_store.h"

namespace lsm {

struct CompactionRoundParams {
  ManifestStore* manifests = nullptr;
  CompactionJobParams job;  // job.smallest_snapshot is set by the round
  CompactionPlannerOptions planner;
  std::uint64_t compactor_epoch = 0;
  std::optional<SequenceNumber> smallest_snapshot;  // unset: from the manifest
};

struct CompactionRound {
  bool compacted = false;  // false: nothing to do
  CompactionPlan plan;
  CompactionOutput output;
  StoredManifest committed;  // the manifest holding the result (when compacted)
};

zerofs::Task<zerofs::Result<CompactionRound>> run_compaction_round(CompactionRoundParams params,
                                                                   const StoredManifest& base);

}  // namespace lsm
