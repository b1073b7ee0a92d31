#include "compaction/compaction_planner.h"

#include <algorithm>
#include <limits>

namespace lsm {

namespace {

std::uint64_t run_bytes(const SortedRun& run) { return total_file_bytes(run.ssts); }

// Sources [first, first + count) of sorted_runs, with the flags that follow from where they sit.
CompactionPlan plan_runs(const ManifestState& state, std::size_t first, std::size_t count) {
  CompactionPlan plan;
  plan.runs.assign(state.sorted_runs.begin() + static_cast<std::ptrdiff_t>(first),
                   state.sorted_runs.begin() + static_cast<std::ptrdiff_t>(first + count));
  plan.output_run_id = state.next_run_id;
  plan.bottom = first + count == state.sorted_runs.size();
  for (const SortedRun& run : plan.runs) plan.input_bytes += run_bytes(run);
  return plan;
}

std::optional<CompactionPlan> plan_l0(const ManifestState& state,
                                      const CompactionPlannerOptions& options) {
  if (options.l0_compaction_trigger == 0 || state.l0.size() < options.l0_compaction_trigger) {
    return std::nullopt;
  }
  std::uint64_t gathered = total_file_bytes(state.l0);
  std::size_t absorbed = 0;
  for (const SortedRun& run : state.sorted_runs) {
    const std::uint64_t bytes = run_bytes(run);
    if (static_cast<double>(bytes) > options.l0_absorb_ratio * static_cast<double>(gathered)) {
      break;
    }
    gathered += bytes;
    ++absorbed;
  }
  CompactionPlan plan = plan_runs(state, 0, absorbed);
  plan.l0 = state.l0;
  plan.input_bytes += total_file_bytes(plan.l0);
  return plan;
}

// (b) first part: the newest window of similar-sized runs that is wide enough.
std::optional<CompactionPlan> plan_similar_runs(const ManifestState& state,
                                                const CompactionPlannerOptions& options) {
  const std::size_t n = state.sorted_runs.size();
  const std::size_t min_width = std::max<std::size_t>(options.min_merge_width, 2);
  const std::size_t max_width = std::max(options.max_merge_width, min_width);
  for (std::size_t first = 0; first + min_width <= n; ++first) {
    std::uint64_t smallest = run_bytes(state.sorted_runs[first]);
    std::uint64_t largest = smallest;
    std::size_t end = first + 1;
    while (end < n && end - first < max_width) {
      const std::uint64_t bytes = run_bytes(state.sorted_runs[end]);
      const std::uint64_t lo = std::min(smallest, bytes), hi = std::max(largest, bytes);
      if (static_cast<double>(hi) >
          options.size_ratio * static_cast<double>(std::max<std::uint64_t>(lo, 1))) {
        break;
      }
      smallest = lo;
      largest = hi;
      ++end;
    }
    if (end - first >= min_width) return plan_runs(state, first, end - first);
  }
  return std::nullopt;
}

// (b) second part: too many runs; merge the cheapest consecutive window that brings the count
// back to the bound (at least min_merge_width runs, so the work is not redone every round).
std::optional<CompactionPlan> plan_excess_runs(const ManifestState& state,
                                               const CompactionPlannerOptions& options) {
  const std::size_t n = state.sorted_runs.size();
  if (n <= std::max<std::size_t>(options.max_sorted_runs, 1)) return std::nullopt;
  const std::size_t width = std::min(
      n, std::max({options.min_merge_width, n - options.max_sorted_runs + 1, std::size_t{2}}));
  std::size_t best_first = 0;
  std::uint64_t best_bytes = std::numeric_limits<std::uint64_t>::max();
  for (std::size_t first = 0; first + width <= n; ++first) {
    std::uint64_t bytes = 0;
    for (std::size_t i = first; i < first + width; ++i) bytes += run_bytes(state.sorted_runs[i]);
    if (bytes < best_bytes) {  // strict: ties go to the newer window
      best_bytes = bytes;
      best_first = first;
    }
  }
  return plan_runs(state, best_first, width);
}

// (c) reclaiming space: deletions pile up above the bottom run, where alone they are dropped.
// Size-tiered merges may not reach the bottom for a long time, so once the tombstones above it
// amount to a good share of its entries, merge everything into a new bottom run.
std::optional<CompactionPlan> plan_tombstones(const ManifestState& state,
                                              const CompactionPlannerOptions& options) {
  if (state.sorted_runs.empty() || options.tombstone_ratio <= 0) return std::nullopt;
  std::uint64_t deletions = 0;
  for (const SstInfo& t : state.l0) deletions += t.num_deletions;
  for (std::size_t i = 0; i + 1 < state.sorted_runs.size(); ++i) {
    for (const SstInfo& t : state.sorted_runs[i].ssts) deletions += t.num_deletions;
  }
  std::uint64_t bottom_entries = 0;
  for (const SstInfo& t : state.sorted_runs.back().ssts) bottom_entries += t.num_entries;
  if (deletions < options.min_tombstones ||
      static_cast<double>(deletions) <
          options.tombstone_ratio * static_cast<double>(bottom_entries)) {
    return std::nullopt;
  }
  CompactionPlan plan = plan_runs(state, 0, state.sorted_runs.size());
  plan.l0 = state.l0;
  plan.input_bytes += total_file_bytes(plan.l0);
  return plan;
}

}  // namespace

std::uint64_t total_file_bytes(const std::vector<SstInfo>& tables) {
  std::uint64_t bytes = 0;
  for (const SstInfo& t : tables) bytes += t.file_size;
  return bytes;
}

std::vector<SstId> CompactionPlan::l0_ids() const {
  std::vector<SstId> ids;
  ids.reserve(l0.size());
  for (const SstInfo& t : l0) ids.push_back(t.id);
  return ids;
}

std::vector<std::uint64_t> CompactionPlan::run_ids() const {
  std::vector<std::uint64_t> ids;
  ids.reserve(runs.size());
  for (const SortedRun& r : runs) ids.push_back(r.id);
  return ids;
}

std::size_t CompactionPlan::input_tables() const {
  std::size_t n = l0.size();
  for (const SortedRun& r : runs) n += r.ssts.size();
  return n;
}

std::size_t l0_depth(const std::vector<SstInfo>& l0) {
  // Sweep the tables' [smallest, largest] user-key ranges: a start at a key counts before an
  // end at the same key (both tables hold it).
  std::vector<std::pair<std::string_view, int>> edges;
  edges.reserve(l0.size() * 2);
  for (const SstInfo& t : l0) {
    if (t.num_entries == 0) continue;
    edges.emplace_back(t.smallest_user_key(), -1);  // -1 sorts before +1: starts first
    edges.emplace_back(t.largest_user_key(), +1);
  }
  std::sort(edges.begin(), edges.end());
  std::size_t depth = 0, deepest = 0;
  for (const auto& [key, kind] : edges) {
    if (kind < 0) {
      deepest = std::max(deepest, ++depth);
    } else {
      --depth;
    }
  }
  return deepest;
}

std::optional<CompactionPlan> plan_compaction(const ManifestState& state,
                                              const CompactionPlannerOptions& options) {
  if (auto plan = plan_l0(state, options)) return plan;
  if (auto plan = plan_similar_runs(state, options)) return plan;
  if (auto plan = plan_excess_runs(state, options)) return plan;
  return plan_tombstones(state, options);
}

SequenceNumber compaction_smallest_snapshot(const ManifestState& state) {
  if (state.snapshot_min_seq == 0) return state.last_l0_seq;
  return std::min(state.snapshot_min_seq, state.last_l0_seq);
}

}  // namespace lsm
