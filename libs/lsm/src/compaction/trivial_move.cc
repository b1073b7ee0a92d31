#include "compaction/trivial_move.h"

#include <algorithm>

namespace lsm {

namespace {

bool movable(const SstInfo& t, bool bottom, std::uint64_t min_bytes) {
  return t.num_entries != 0 && t.file_size >= min_bytes && !(bottom && t.num_deletions != 0);
}

}  // namespace

MoveSplit split_trivial_moves(const CompactionPlan& plan, std::uint64_t min_bytes) {
  // Every source, by first user key; a table is alone iff it starts after every earlier one
  // ends and ends before the next one starts.
  std::vector<const SstInfo*> all;
  for (const SstInfo& t : plan.l0) all.push_back(&t);
  for (const SortedRun& run : plan.runs) {
    for (const SstInfo& t : run.ssts) all.push_back(&t);
  }
  std::stable_sort(all.begin(), all.end(), [](const SstInfo* a, const SstInfo* b) {
    return a->smallest_user_key() < b->smallest_user_key();
  });
  std::vector<SstId> moved_ids;
  MoveSplit split;
  std::string_view reach;  // the largest user key of the tables before i
  bool any_before = false;
  for (std::size_t i = 0; i < all.size(); ++i) {
    const SstInfo& t = *all[i];
    const bool alone_before = !any_before || reach < t.smallest_user_key();
    const bool alone_after =
        i + 1 == all.size() || t.largest_user_key() < all[i + 1]->smallest_user_key();
    if (alone_before && alone_after && movable(t, plan.bottom, min_bytes)) {
      split.moved.push_back(t);
      moved_ids.push_back(t.id);
    }
    if (t.num_entries != 0 && (!any_before || reach < t.largest_user_key())) {
      reach = t.largest_user_key();
      any_before = true;
    }
  }

  const auto kept = [&](const SstInfo& t) {
    return std::find(moved_ids.begin(), moved_ids.end(), t.id) == moved_ids.end();
  };
  split.merge.output_run_id = plan.output_run_id;
  split.merge.bottom = plan.bottom;
  for (const SstInfo& t : plan.l0) {
    if (kept(t)) split.merge.l0.push_back(t);
  }
  for (const SortedRun& run : plan.runs) {
    SortedRun rest{run.id, {}};
    for (const SstInfo& t : run.ssts) {
      if (kept(t)) rest.ssts.push_back(t);
    }
    if (!rest.ssts.empty()) split.merge.runs.push_back(std::move(rest));
  }
  split.merge.input_bytes = total_file_bytes(split.merge.l0);
  for (const SortedRun& run : split.merge.runs)
    split.merge.input_bytes += total_file_bytes(run.ssts);
  return split;
}

std::vector<std::string> table_cut_keys(const std::vector<SstInfo>& moved,
                                        const std::vector<std::string>& partition_keys) {
  std::vector<std::string> cuts(partition_keys.begin(), partition_keys.end());
  for (const SstInfo& t : moved) cuts.emplace_back(t.smallest_user_key());
  std::sort(cuts.begin(), cuts.end());
  cuts.erase(std::unique(cuts.begin(), cuts.end()), cuts.end());
  return cuts;
}

}  // namespace lsm
