#include "compaction/compaction_apply.h"

#include <algorithm>
#include <utility>

namespace lsm {

using zerofs::Errc;
using zerofs::fail;

namespace {

// The index in sorted_runs of the plan's first run, if the plan's runs are all present and
// consecutive there.
std::optional<std::size_t> find_source_runs(const ManifestState& state,
                                            const CompactionPlan& plan) {
  if (plan.runs.empty()) return std::size_t{0};
  const auto& runs = state.sorted_runs;
  auto first = std::find_if(runs.begin(), runs.end(),
                            [&](const SortedRun& r) { return r.id == plan.runs.front().id; });
  if (first == runs.end()) return std::nullopt;
  const auto start = static_cast<std::size_t>(first - runs.begin());
  if (start + plan.runs.size() > runs.size()) return std::nullopt;
  for (std::size_t i = 0; i < plan.runs.size(); ++i) {
    if (runs[start + i].id != plan.runs[i].id) return std::nullopt;
  }
  return start;
}

bool l0_sources_at_back(const ManifestState& state, const CompactionPlan& plan) {
  if (plan.l0.size() > state.l0.size()) return false;
  const std::size_t offset = state.l0.size() - plan.l0.size();
  for (std::size_t i = 0; i < plan.l0.size(); ++i) {
    if (state.l0[offset + i].id != plan.l0[i].id) return false;
  }
  return true;
}

}  // namespace

Result<bool> apply_compaction(ManifestState& state, const CompactionPlan& plan,
                              std::uint64_t compactor_epoch, const std::vector<SstInfo>& outputs) {
  if (state.compactor_epoch != compactor_epoch) {
    return fail(Errc::fenced, "compactor epoch {} took over from {}", state.compactor_epoch,
                compactor_epoch);
  }
  if (state.next_run_id > plan.output_run_id) return false;  // our commit is already in
  if (state.next_run_id != plan.output_run_id) {
    return fail(Errc::precondition_failed, "next_run_id {} is below the plan's run id {}",
                state.next_run_id, plan.output_run_id);
  }
  if (!l0_sources_at_back(state, plan)) {
    return fail(Errc::precondition_failed, "compaction {}: its L0 tables left the back of L0",
                plan.output_run_id);
  }
  const auto first_run = find_source_runs(state, plan);
  if (!first_run) {
    return fail(Errc::precondition_failed, "compaction {}: its source runs changed",
                plan.output_run_id);
  }
  // A bottom output may have dropped tombstones, which is only right if nothing is older.
  if (plan.bottom && *first_run + plan.runs.size() != state.sorted_runs.size()) {
    return fail(Errc::precondition_failed, "compaction {}: planned as the bottom run, but is not",
                plan.output_run_id);
  }

  state.l0.resize(state.l0.size() - plan.l0.size());
  auto& runs = state.sorted_runs;
  const auto at = runs.begin() + static_cast<std::ptrdiff_t>(*first_run);
  const auto position = runs.erase(at, at + static_cast<std::ptrdiff_t>(plan.runs.size()));
  if (!outputs.empty()) runs.insert(position, SortedRun{plan.output_run_id, outputs});
  state.next_run_id = plan.output_run_id + 1;
  return true;
}

ManifestStore::Delta compaction_delta(CompactionPlan plan, std::uint64_t compactor_epoch,
                                      std::vector<SstInfo> outputs) {
  return [plan = std::move(plan), compactor_epoch,
          outputs = std::move(outputs)](ManifestState& state) -> Result<bool> {
    return apply_compaction(state, plan, compactor_epoch, outputs);
  };
}

}  // namespace lsm
