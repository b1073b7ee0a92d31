// Trivial moves: which sources a compaction keeps as they are, and the cut keys.
#include "compaction/trivial_move.h"
#include "format/internal_key.h"
#include "test_support/catch.h"

using namespace lsm;

namespace {

SstInfo table(std::string_view smallest, std::string_view largest, std::uint64_t deletions = 0) {
  SstInfo t;
  t.id = SstId::generate();
  t.smallest = make_internal_key(smallest, 9, ValueType::value);
  t.largest = make_internal_key(largest, 1, ValueType::value);
  t.num_entries = 10;
  t.num_deletions = deletions;
  t.file_size = 100;
  return t;
}

std::vector<std::string> smallest_keys(const std::vector<SstInfo>& tables) {
  std::vector<std::string> out;
  for (const SstInfo& t : tables) out.emplace_back(t.smallest_user_key());
  return out;
}

}  // namespace

TEST_CASE("trivial move: only tables no other source overlaps are moved") {
  CompactionPlan plan;
  // L0 (newest first): two metadata tables sharing key "m", two disjoint data tables.
  plan.l0 = {table("a", "m"), table("x3", "x4"), table("b", "m"), table("x1", "x2")};
  // A run: one table inside a data table's range, one alone.
  plan.runs = {SortedRun{7, {table("x15", "x16"), table("z1", "z2")}}};
  plan.input_bytes = 600;
  plan.output_run_id = 8;
  const MoveSplit split = split_trivial_moves(plan, 0);
  CHECK(smallest_keys(split.moved) == std::vector<std::string>{"x3", "z1"});
  CHECK(smallest_keys(split.merge.l0) == std::vector<std::string>{"a", "b", "x1"});
  REQUIRE(split.merge.runs.size() == 1);
  CHECK(split.merge.runs[0].id == 7);
  CHECK(smallest_keys(split.merge.runs[0].ssts) == std::vector<std::string>{"x15"});
  CHECK(split.merge.input_bytes == 400);
  CHECK(split.merge.output_run_id == 8);
}

TEST_CASE("trivial move: touching ranges overlap, empty tables and bottom deletions stay") {
  CompactionPlan plan;
  plan.l0 = {table("a", "c"), table("c", "d"), table("e", "f", 2)};
  SstInfo empty;
  empty.id = SstId::generate();
  plan.l0.push_back(empty);
  CHECK(smallest_keys(split_trivial_moves(plan, 0).moved) == std::vector<std::string>{"e"});
  plan.bottom = true;
  const MoveSplit bottom = split_trivial_moves(plan, 0);
  CHECK(bottom.moved.empty());  // the deletions are to be dropped
  CHECK(bottom.merge.l0.size() == 4);
}

TEST_CASE("trivial move: tables under the minimum size are merged, so small tables coalesce") {
  CompactionPlan plan;
  plan.l0 = {table("a", "b"), table("c", "d")};
  plan.l0[1].file_size = 1000;
  const MoveSplit split = split_trivial_moves(plan, 500);
  CHECK(smallest_keys(split.moved) == std::vector<std::string>{"c"});
  CHECK(smallest_keys(split.merge.l0) == std::vector<std::string>{"a"});
}

TEST_CASE("trivial move: cut keys are the partition keys and the moved tables' first keys") {
  const std::vector<SstInfo> moved = {table("k", "l"), table("b", "c")};
  CHECK(table_cut_keys(moved, {"k", "\x10"}) == std::vector<std::string>{"\x10", "b", "k"});
}

TEST_CASE("l0 depth: the most L0 tables one key falls in") {
  CHECK(l0_depth({}) == 0);
  CHECK(l0_depth({table("a", "b"), table("c", "d")}) == 1);
  CHECK(l0_depth({table("a", "m"), table("x1", "x2"), table("b", "m"), table("c", "d")}) == 3);
  CHECK(l0_depth({table("a", "c"), table("c", "d")}) == 2);  // both hold "c"
}
