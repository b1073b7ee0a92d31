#include "compaction/compaction_round.h"

#include <utility>

#include "base/log.h"
#include "compaction/compaction_apply.h"

namespace lsm {

using zerofs::Errc;
using zerofs::fail;

zerofs::Task<zerofs::Result<CompactionRound>> run_compaction_round(CompactionRoundParams params,
                                                                   const StoredManifest& base) {
  const ManifestState& state = base.state;
  if (state.compactor_epoch != params.compactor_epoch) {
    co_return fail(Errc::fenced, "compactor epoch {} took over from {}", state.compactor_epoch,
                   params.compactor_epoch);
  }
  CompactionRound round;
  auto plan = plan_compaction(state, params.planner);
  if (!plan) co_return round;
  round.plan = std::move(*plan);
  params.job.smallest_snapshot =
      params.smallest_snapshot.value_or(compaction_smallest_snapshot(state));

  zerofs::log::debug("compaction {}: {} L0 tables + {} runs ({} bytes){} into run {}", base.id,
                     round.plan.l0.size(), round.plan.runs.size(), round.plan.input_bytes,
                     round.plan.bottom ? " at the bottom" : "", round.plan.output_run_id);
  ZF_CO_TRY(round.output, co_await run_compaction_job(params.job, round.plan));
  zerofs::log::debug("compaction into run {}: {} bytes merged into {}, {} tables ({} bytes) moved",
                     round.plan.output_run_id, round.output.bytes_in, round.output.bytes_out,
                     round.output.moved.size(), round.output.bytes_moved);

  auto committed = co_await params.manifests->update(
      compaction_delta(round.plan, params.compactor_epoch, round.output.ssts));
  if (!committed) {
    const Errc code = committed.error().code();
    if (code == Errc::fenced || code == Errc::precondition_failed) {
      for (const SstInfo& t : round.output.ssts) {
        if (is_moved(round.output, t.id)) continue;  // still a source the manifest holds
        (void)co_await params.job.store->del(params.job.prefix + t.id.object_key());
      }
    }
    co_return fail(committed.error().with_context(
        fmt::format("committing compaction into run {}", round.plan.output_run_id)));
  }
  round.committed = std::move(*committed);
  round.compacted = true;
  co_return round;
}

}  // namespace lsm
