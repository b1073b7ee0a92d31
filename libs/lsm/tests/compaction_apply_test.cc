#include "compaction/compaction_apply.h"

#include "manifest/manifest_store.h"
#include "manifest_test_support.h"
#include "test_support/catch.h"
#include "zobj/memory_store.h"

using namespace lsm;
using lsm::manifest_testing::make_sst;
using lsm::manifest_testing::run;
using zerofs::Errc;

namespace {

std::vector<SstId> ids_of(const std::vector<SstInfo>& tables) {
  std::vector<SstId> ids;
  for (const SstInfo& t : tables) ids.push_back(t.id);
  return ids;
}

std::vector<std::uint64_t> run_ids(const ManifestState& s) {
  std::vector<std::uint64_t> ids;
  for (const SortedRun& r : s.sorted_runs) ids.push_back(r.id);
  return ids;
}

// l0 = [30, 31, 32] (newest first), runs 5 = [1, 2], 4 = [3], 2 = [4]; epoch 3.
ManifestState base_state() {
  ManifestState s;
  s.create_time_ms = 1;
  s.compactor_epoch = 3;
  s.next_run_id = 6;
  s.l0 = {make_sst(30), make_sst(31), make_sst(32)};
  s.sorted_runs = {SortedRun{5, {make_sst(1), make_sst(2)}}, SortedRun{4, {make_sst(3)}},
                   SortedRun{2, {make_sst(4)}}};
  return s;
}

CompactionPlan plan_of(const ManifestState& s, std::size_t l0_back, std::size_t first_run,
                       std::size_t run_count) {
  CompactionPlan p;
  p.l0.assign(s.l0.end() - static_cast<std::ptrdiff_t>(l0_back), s.l0.end());
  p.runs.assign(s.sorted_runs.begin() + static_cast<std::ptrdiff_t>(first_run),
                s.sorted_runs.begin() + static_cast<std::ptrdiff_t>(first_run + run_count));
  p.output_run_id = s.next_run_id;
  p.bottom = first_run + run_count == s.sorted_runs.size();
  return p;
}

}  // namespace

TEST_CASE("apply: L0 sources leave the back of L0, the run goes to the front",
          "[compaction][apply]") {
  ManifestState s = base_state();
  const CompactionPlan plan = plan_of(s, 2, 0, 0);  // tables 31 and 32
  s.l0.insert(s.l0.begin(), make_sst(33));          // the writer flushed again meanwhile
  const std::vector<SstInfo> out = {make_sst(40), make_sst(41)};
  REQUIRE(apply_compaction(s, plan, 3, out).value());
  CHECK(ids_of(s.l0) == std::vector<SstId>{make_sst(33).id, make_sst(30).id});
  CHECK(run_ids(s) == std::vector<std::uint64_t>{6, 5, 4, 2});
  CHECK(ids_of(s.sorted_runs.front().ssts) == ids_of(out));
  CHECK(s.next_run_id == 7);
  CHECK(validate_manifest_state(s));

  // Applying it again (an earlier success reported as a failure) changes nothing.
  const ManifestState before = s;
  CHECK_FALSE(apply_compaction(s, plan, 3, out).value());
  CHECK(ids_of(s.l0) == ids_of(before.l0));
  CHECK(run_ids(s) == run_ids(before));
}

TEST_CASE("apply: merged runs are replaced where they were", "[compaction][apply]") {
  ManifestState s = base_state();
  const CompactionPlan plan = plan_of(s, 0, 1, 2);  // runs 4 and 2: the bottom
  REQUIRE(plan.bottom);
  REQUIRE(apply_compaction(s, plan, 3, {make_sst(50)}).value());
  CHECK(run_ids(s) == std::vector<std::uint64_t>{5, 6});
  CHECK(ids_of(s.l0).size() == 3);

  ManifestState m = base_state();
  const CompactionPlan middle = plan_of(m, 0, 0, 2);  // runs 5 and 4, not the bottom
  REQUIRE(apply_compaction(m, middle, 3, {make_sst(51)}).value());
  CHECK(run_ids(m) == std::vector<std::uint64_t>{6, 2});

  ManifestState both = base_state();
  const CompactionPlan with_l0 = plan_of(both, 3, 0, 1);  // all of L0 + the newest run
  REQUIRE(apply_compaction(both, with_l0, 3, {make_sst(52)}).value());
  CHECK(both.l0.empty());
  CHECK(run_ids(both) == std::vector<std::uint64_t>{6, 4, 2});
}

TEST_CASE("apply: an empty output removes the sources and adds no run", "[compaction][apply]") {
  ManifestState s = base_state();
  const CompactionPlan plan = plan_of(s, 1, 0, 1);
  REQUIRE(apply_compaction(s, plan, 3, {}).value());
  CHECK(ids_of(s.l0) == std::vector<SstId>{make_sst(30).id, make_sst(31).id});
  CHECK(run_ids(s) == std::vector<std::uint64_t>{4, 2});
  CHECK(s.next_run_id == 7);
  CHECK_FALSE(apply_compaction(s, plan, 3, {}).value());  // re-applied: nothing to do
}

TEST_CASE("apply: a stale plan is refused", "[compaction][apply]") {
  const ManifestState base = base_state();
  const CompactionPlan l0_plan = plan_of(base, 2, 0, 0);
  const CompactionPlan run_plan = plan_of(base, 0, 1, 2);

  ManifestState lost_l0 = base;
  lost_l0.l0.pop_back();  // the oldest L0 table is gone
  CHECK(apply_compaction(lost_l0, l0_plan, 3, {}).error().code() == Errc::precondition_failed);

  ManifestState lost_run = base;
  lost_run.sorted_runs.erase(lost_run.sorted_runs.begin() + 1);
  CHECK(apply_compaction(lost_run, run_plan, 3, {}).error().code() == Errc::precondition_failed);

  ManifestState older_below = base;  // a run appeared below a bottom compaction
  older_below.sorted_runs.push_back(SortedRun{1, {make_sst(60)}});
  CHECK(apply_compaction(older_below, run_plan, 3, {}).error().code() == Errc::precondition_failed);

  ManifestState unchanged = base;  // nothing was modified by the failed attempts
  CHECK(apply_compaction(unchanged, run_plan, 3, {}).value());
}

TEST_CASE("apply: another compactor epoch fences the commit", "[compaction][apply]") {
  ManifestState s = base_state();
  const CompactionPlan plan = plan_of(s, 1, 0, 0);
  s.compactor_epoch = 4;
  auto r = apply_compaction(s, plan, 3, {make_sst(40)});
  REQUIRE_FALSE(r);
  CHECK(r.error().code() == Errc::fenced);
  CHECK(s.l0.size() == 3);
}

TEST_CASE("apply: the delta merges with a writer commit through update()", "[compaction][apply]") {
  auto store = zobj::MemoryStore::create();
  IdentityTransformer transformer;
  ManifestStore writer(store, "db/", transformer);
  ManifestStore compactor(store, "db/", transformer);
  const StoredManifest initial = run(writer.create_initial(base_state())).value();
  const CompactionPlan plan = plan_of(initial.state, 3, 0, 0);

  // The writer prepends a table after the plan was made from manifest 1.
  run(writer.update([](ManifestState& s) -> Result<bool> {
    s.l0.insert(s.l0.begin(), make_sst(33));
    return true;
  }));
  REQUIRE(run(compactor.load(1)));  // the compactor still believes manifest 1 is the newest
  auto committed = run(compactor.update(compaction_delta(plan, 3, {make_sst(40)})));
  REQUIRE(committed);
  CHECK(committed->id == 3);
  CHECK(ids_of(committed->state.l0) == std::vector<SstId>{make_sst(33).id});
  CHECK(run_ids(committed->state).front() == 6);

  // A compactor that lost its epoch is fenced through update() too.
  run(writer.update([](ManifestState& s) -> Result<bool> {
    s.compactor_epoch = 4;
    return true;
  }));
  ManifestState now = run(compactor.load_latest())->value().state;
  CompactionPlan next = plan_of(now, 0, 0, 2);
  next.output_run_id = now.next_run_id;
  auto fenced = run(compactor.update(compaction_delta(next, 3, {make_sst(41)})));
  REQUIRE_FALSE(fenced);
  CHECK(fenced.error().code() == Errc::fenced);
}
