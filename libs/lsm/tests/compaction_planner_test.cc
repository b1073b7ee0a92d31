#include "compaction/compaction_planner.h"

#include "manifest_test_support.h"
#include "test_support/catch.h"

using namespace lsm;
using lsm::manifest_testing::make_sst;

namespace {

SstInfo sized(std::uint32_t n, std::uint64_t bytes) {
  SstInfo t = make_sst(n);
  t.file_size = bytes;
  t.index = BlockHandle{0, 1};
  t.filter = BlockHandle{};
  return t;
}

// Runs of one table each, ids descending so that the newest (front) has the highest id.
ManifestState with_runs(const std::vector<std::uint64_t>& sizes) {
  ManifestState s;
  s.next_run_id = 100;
  std::uint32_t n = 1;
  for (std::size_t i = 0; i < sizes.size(); ++i) {
    s.sorted_runs.push_back(SortedRun{99 - i, {sized(n++, sizes[i])}});
  }
  return s;
}

// L0 tables spanning the same keys, as flushes of keys written at random do.
void add_l0(ManifestState& s, std::size_t count, std::uint64_t bytes_each) {
  for (std::size_t i = 0; i < count; ++i) {
    SstInfo t = sized(static_cast<std::uint32_t>(500 + i), bytes_each);
    t.smallest = make_internal_key("a", 100 + i, ValueType::value);
    t.largest = make_internal_key("z", 100 + i, ValueType::value);
    s.l0.push_back(t);
  }
}

CompactionPlannerOptions opts() {
  CompactionPlannerOptions o;
  o.l0_compaction_trigger = 4;
  o.min_merge_width = 4;
  o.max_sorted_runs = 8;
  o.size_ratio = 2.0;
  o.l0_absorb_ratio = 0.5;
  return o;
}

}  // namespace

TEST_CASE("planner: nothing to do", "[compaction][planner]") {
  CHECK_FALSE(plan_compaction(ManifestState{}, opts()));

  ManifestState few_l0 = with_runs({1000, 1000, 1000});  // three similar runs: below width
  add_l0(few_l0, 3, 100);
  CHECK_FALSE(plan_compaction(few_l0, opts()));

  ManifestState growing = with_runs({100, 300, 900, 2700, 8100});  // nothing similar, few runs
  CHECK_FALSE(plan_compaction(growing, opts()));

  CompactionPlannerOptions off = opts();
  off.l0_compaction_trigger = 0;  // L0 compaction disabled
  ManifestState many_l0;
  add_l0(many_l0, 10, 100);
  CHECK_FALSE(plan_compaction(many_l0, off));
}

TEST_CASE("planner: L0 depth counts the tables one key is in", "[compaction][planner]") {
  // Eight flushes of keys written in order: tables that share no key are one level deep.
  ManifestState s;
  for (std::uint32_t i = 0; i < 8; ++i) s.l0.push_back(sized(500 + i, 1'000));
  CHECK(l0_depth(s.l0) == 1);
  add_l0(s, 3, 1'000);
  CHECK(l0_depth(s.l0) == 4);
  // The trigger counts tables (a scan reads each L0 table): all eleven are compacted.
  auto plan = plan_compaction(s, opts());
  REQUIRE(plan);
  CHECK(plan->l0.size() == 11);
}

TEST_CASE("planner: the L0 trigger compacts all of L0 into a run at the front",
          "[compaction][planner]") {
  ManifestState s = with_runs({10'000, 10'000});
  add_l0(s, 4, 1'000);
  auto plan = plan_compaction(s, opts());
  REQUIRE(plan);
  CHECK(plan->l0_ids() == std::vector<SstId>{s.l0[0].id, s.l0[1].id, s.l0[2].id, s.l0[3].id});
  CHECK(plan->runs.empty());  // 10'000 is not small next to 4'000 of L0
  CHECK(plan->output_run_id == 100);
  CHECK_FALSE(plan->bottom);
  CHECK(plan->input_bytes == 4'000);
  CHECK(plan->input_tables() == 4);
}

TEST_CASE("planner: L0 into an empty tree is the bottom run", "[compaction][planner]") {
  ManifestState s;
  s.next_run_id = 7;
  add_l0(s, 5, 10);
  auto plan = plan_compaction(s, opts());
  REQUIRE(plan);
  CHECK(plan->l0.size() == 5);
  CHECK(plan->bottom);
  CHECK(plan->output_run_id == 7);
}

TEST_CASE("planner: L0 absorbs the newest runs while they are small", "[compaction][planner]") {
  ManifestState s = with_runs({1'000, 2'000, 50'000, 60'000});
  add_l0(s, 4, 1'000);  // 4'000 gathered: 1'000 <= 2'000 yes; 2'000 <= 2'500 yes; 50'000 no
  auto plan = plan_compaction(s, opts());
  REQUIRE(plan);
  CHECK(plan->l0.size() == 4);
  CHECK(plan->run_ids() == std::vector<std::uint64_t>{99, 98});
  CHECK_FALSE(plan->bottom);
  CHECK(plan->input_bytes == 7'000);

  ManifestState all_small = with_runs({1'000, 500});
  add_l0(all_small, 4, 1'000);
  auto bottom = plan_compaction(all_small, opts());
  REQUIRE(bottom);
  CHECK(bottom->run_ids() == std::vector<std::uint64_t>{99, 98});
  CHECK(bottom->bottom);  // every run joined: nothing older remains
}

TEST_CASE("planner: consecutive runs of similar size are merged in place",
          "[compaction][planner]") {
  // Newest first: one small run, then four similar ones, then a much larger one.
  ManifestState s = with_runs({100, 1'000, 1'500, 1'100, 1'900, 50'000});
  auto plan = plan_compaction(s, opts());
  REQUIRE(plan);
  CHECK(plan->l0.empty());
  CHECK(plan->run_ids() == std::vector<std::uint64_t>{98, 97, 96, 95});
  CHECK_FALSE(plan->bottom);
  CHECK(plan->input_bytes == 5'500);

  // The same window at the end of the list includes the oldest run: the bottom.
  ManifestState tail = with_runs({100, 1'000, 1'500, 1'100, 1'900});
  auto bottom = plan_compaction(tail, opts());
  REQUIRE(bottom);
  CHECK(bottom->run_ids() == std::vector<std::uint64_t>{98, 97, 96, 95});
  CHECK(bottom->bottom);

  // A run outside the ratio breaks the window even if the ones after it are similar.
  ManifestState broken = with_runs({1'000, 1'000, 1'000, 5'000, 1'000, 1'000});
  CHECK_FALSE(plan_compaction(broken, opts()));
}

TEST_CASE("planner: too many runs merges the cheapest consecutive window",
          "[compaction][planner]") {
  // Nine runs, each three times the one before: no similar window, one run too many.
  std::vector<std::uint64_t> sizes;
  for (std::uint64_t b = 10; sizes.size() < 9; b *= 3) sizes.push_back(b);
  ManifestState s = with_runs(sizes);
  auto plan = plan_compaction(s, opts());
  REQUIRE(plan);
  CHECK(plan->run_ids() == std::vector<std::uint64_t>{99, 98, 97, 96});  // the four newest
  CHECK_FALSE(plan->bottom);

  // The cheapest window may sit in the middle: sources stay consecutive.
  ManifestState middle = with_runs({900, 800, 10, 10, 10, 10, 700, 600, 500});
  auto mid = plan_compaction(middle, opts());
  REQUIRE(mid);
  CHECK(mid->run_ids() == std::vector<std::uint64_t>{97, 96, 95, 94});
}

TEST_CASE("planner: L0 compaction comes before run merges", "[compaction][planner]") {
  ManifestState s = with_runs({1'000, 1'000, 1'000, 1'000});
  add_l0(s, 4, 10);
  auto plan = plan_compaction(s, opts());
  REQUIRE(plan);
  CHECK(plan->l0.size() == 4);
  CHECK(plan->runs.empty());
}

TEST_CASE("planner: the smallest snapshot comes from the manifest", "[compaction][planner]") {
  ManifestState s;
  s.last_l0_seq = 500;
  CHECK(compaction_smallest_snapshot(s) == 500);  // no live snapshot
  s.snapshot_min_seq = 120;
  CHECK(compaction_smallest_snapshot(s) == 120);
  s.snapshot_min_seq = 900;  // a snapshot above everything stored needs only the newest
  CHECK(compaction_smallest_snapshot(s) == 500);
}

TEST_CASE("planner: tombstones above the bottom run trigger a full merge",
          "[compaction][planner]") {
  lsm::ManifestState state;
  state.next_run_id = 2;
  lsm::SortedRun bottom;
  bottom.id = 0;
  lsm::SstInfo t;
  t.num_entries = 1000;
  t.file_size = 100000;
  bottom.ssts.push_back(t);
  lsm::SortedRun newer;
  newer.id = 1;
  lsm::SstInfo d;
  d.num_entries = 300;
  d.num_deletions = 300;
  d.file_size = 3000;
  newer.ssts.push_back(d);
  state.sorted_runs = {newer, bottom};
  lsm::CompactionPlannerOptions o;
  auto plan = lsm::plan_compaction(state, o);
  REQUIRE(plan);
  CHECK(plan->bottom);
  CHECK(plan->runs.size() == 2);
  state.sorted_runs[0].ssts[0].num_deletions = 100;  // below 25% of the bottom's entries
  CHECK_FALSE(lsm::plan_compaction(state, o));
}
