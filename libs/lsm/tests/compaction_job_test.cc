// The compaction job: keep/drop rules, output cutting, parallel subcompactions, input reads.
#include "compaction/compaction_job.h"

#include <fmt/format.h>

#include <algorithm>
#include <boost/asio/thread_pool.hpp>
#include <chrono>
#include <random>
#include <set>

#include "compaction/key_ranges.h"
#include "compaction_test_support.h"
#include "manifest/manifest_state.h"
#include "table/in_memory_table.h"
#include "table_test_util.h"
#include "test_support/catch.h"

using namespace lsm;
using lsm::testing::AgedStore;
using lsm::testing::Entry;
using lsm::testing::ikey;

namespace {

constexpr ValueType kPut = ValueType::value;
constexpr ValueType kDel = ValueType::deletion;

Entry put(std::string_view key, SequenceNumber seq, std::string value = {}) {
  if (value.empty()) value = fmt::format("{}@{}", key, seq);
  return Entry{ikey(key, seq, kPut), std::move(value)};
}
Entry del(std::string_view key, SequenceNumber seq) { return Entry{ikey(key, seq, kDel), {}}; }

std::vector<std::string> describe(const std::vector<Entry>& entries) {
  std::vector<std::string> out;
  for (const Entry& e : entries) {
    out.push_back(fmt::format("{}@{}{}={}", extract_user_key(e.key), extract_sequence(e.key),
                              extract_type(e.key) == kDel ? "del" : "", e.value));
  }
  return out;
}

struct JobFixture {
  zerofs::asio::io_context io;
  std::shared_ptr<zobj::MemoryStore> memory = zobj::MemoryStore::create();
  std::shared_ptr<AgedStore> store = std::make_shared<AgedStore>(memory);
  std::shared_ptr<const BlockTransformer> transformer =
      std::make_shared<lsm::testing::TagTransformer>();
  const std::string prefix = "db/";
  boost::asio::thread_pool pool{2};

  ~JobFixture() { pool.join(); }

  SstInfo table(std::vector<Entry> entries, std::size_t block_size = 1024) {
    std::sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) {
      return compare_internal_keys(a.key, b.key) < 0;
    });
    TableBuilderOptions options;
    options.block_size = block_size;
    auto built = lsm::testing::build_table(entries, *transformer, options);
    lsm::testing::put_table(io, *store, prefix, built);
    return built.info;
  }

  CompactionJobParams params(SequenceNumber smallest_snapshot, std::size_t parallel = 1,
                             std::size_t target = 1 << 20) {
    CompactionJobParams p;
    p.store = store;
    p.prefix = prefix;
    p.transformer = transformer;
    p.options.block_size = 1024;
    p.options.sst_target_size = target;
    p.options.max_concurrent_compactions = parallel;
    p.cpu_executor = pool.get_executor();
    p.smallest_snapshot = smallest_snapshot;
    return p;
  }

  zerofs::Result<CompactionOutput> compact(const CompactionPlan& plan,
                                           const CompactionJobParams& p) {
    return zerofs::run_blocking(io, run_compaction_job(p, plan));
  }

  // Every entry of `tables`, in order, read back from the store.
  std::vector<Entry> read(const std::vector<SstInfo>& tables) {
    std::vector<Entry> out;
    for (const SstInfo& info : tables) {
      auto got = zerofs::run_blocking(io, store->get(prefix + info.id.object_key(), std::nullopt));
      REQUIRE(got);
      auto table = InMemoryTable::open(std::make_shared<const zerofs::Buffer>(std::move(got->data)),
                                       info, *transformer);
      REQUIRE(table);
      auto it = (*table)->new_iterator();
      for (it->seek_to_first(); it->valid(); it->next()) {
        out.push_back(Entry{std::string(it->key()), std::string(it->value())});
      }
      REQUIRE(it->status());
    }
    return out;
  }

  std::size_t stored_tables() {
    auto all = zerofs::run_blocking(io, zobj::list_all(*memory, prefix + "sst/"));
    REQUIRE(all);
    return all->size();
  }
};

CompactionPlan plan_of(std::vector<SstInfo> l0, std::vector<SortedRun> runs, bool bottom) {
  CompactionPlan plan;
  plan.l0 = std::move(l0);
  plan.runs = std::move(runs);
  plan.bottom = bottom;
  plan.output_run_id = 9;
  for (const SstInfo& t : plan.l0) plan.input_bytes += t.file_size;
  for (const SortedRun& r : plan.runs) plan.input_bytes += total_file_bytes(r.ssts);
  return plan;
}

// What the rules keep, computed the obvious way over all input entries.
std::vector<Entry> model(std::vector<Entry> all, SequenceNumber snapshot, bool bottom) {
  std::sort(all.begin(), all.end(),
            [](const Entry& a, const Entry& b) { return compare_internal_keys(a.key, b.key) < 0; });
  std::vector<Entry> out;
  std::string current;
  bool have = false, visible_kept = false;
  for (Entry& e : all) {
    const std::string_view user = extract_user_key(e.key);
    if (!have || user != current) {
      current.assign(user);
      have = true;
      visible_kept = false;
    }
    if (extract_sequence(e.key) > snapshot) {
      out.push_back(std::move(e));
    } else if (!visible_kept) {
      visible_kept = true;
      if (!(bottom && extract_type(e.key) == kDel)) out.push_back(std::move(e));
    }
  }
  return out;
}

}  // namespace

TEST_CASE("job: versions of one key spread over many input tables", "[compaction][job]") {
  JobFixture f;
  const SstInfo l0_new = f.table({put("apple", 40), put("key", 38), del("key", 35)});
  const SstInfo l0_old = f.table({put("key", 30), put("key", 25), put("zeta", 24)});
  // One run whose two tables share the user key "key".
  const SortedRun run{
      1, {f.table({put("apple", 5), put("key", 10)}), f.table({put("key", 8), put("zeta", 3)})}};

  SECTION("everything visible: only the newest version of each key") {
    auto out = f.compact(plan_of({l0_new, l0_old}, {run}, false), f.params(100));
    REQUIRE(out);
    CHECK(describe(f.read(out->ssts)) ==
          std::vector<std::string>{"apple@40=apple@40", "key@38=key@38", "zeta@24=zeta@24"});
    CHECK(out->entries_in == 10);
    CHECK(out->entries_out == 3);
    CHECK(out->ssts.size() == 1);
  }
  SECTION("a snapshot keeps what it can see") {
    auto out = f.compact(plan_of({l0_new, l0_old}, {run}, false), f.params(32));
    REQUIRE(out);
    CHECK(describe(f.read(out->ssts)) ==
          std::vector<std::string>{"apple@40=apple@40", "apple@5=apple@5", "key@38=key@38",
                                   "key@35del=", "key@30=key@30", "zeta@24=zeta@24"});
  }
  SECTION("at the bottom the newest visible tombstone goes, with all it hides") {
    auto out = f.compact(plan_of({l0_new, l0_old}, {run}, true), f.params(36));
    REQUIRE(out);
    CHECK(describe(f.read(out->ssts)) ==
          std::vector<std::string>{"apple@40=apple@40", "apple@5=apple@5", "key@38=key@38",
                                   "zeta@24=zeta@24"});
  }
}

TEST_CASE("job: tombstones are kept above the bottom and dropped at it", "[compaction][job]") {
  JobFixture f;
  const SstInfo l0 = f.table({del("a", 20), del("b", 21), put("c", 22)});
  const SortedRun run{1, {f.table({put("a", 5), put("b", 6)})}};

  auto above = f.compact(plan_of({l0}, {run}, false), f.params(100));
  REQUIRE(above);
  CHECK(describe(f.read(above->ssts)) ==
        std::vector<std::string>{"a@20del=", "b@21del=", "c@22=c@22"});

  auto bottom = f.compact(plan_of({l0}, {run}, true), f.params(100));
  REQUIRE(bottom);
  CHECK(describe(f.read(bottom->ssts)) == std::vector<std::string>{"c@22=c@22"});

  // A tombstone newer than the smallest snapshot stays even at the bottom, and so does the
  // version that snapshot reads.
  auto snap = f.compact(plan_of({l0}, {run}, true), f.params(20));
  REQUIRE(snap);
  CHECK(describe(f.read(snap->ssts)) ==
        std::vector<std::string>{"b@21del=", "b@6=b@6", "c@22=c@22"});
}

TEST_CASE("job: everything deleted gives an empty output", "[compaction][job]") {
  JobFixture f;
  const SstInfo l0 = f.table({del("a", 20), del("b", 21)});
  const SortedRun run{1, {f.table({put("a", 5), put("b", 6)})}};
  const std::size_t inputs = f.stored_tables();
  auto out = f.compact(plan_of({l0}, {run}, true), f.params(100));
  REQUIRE(out);
  CHECK(out->ssts.empty());
  CHECK(out->bytes_out == 0);
  CHECK(out->entries_in == 4);
  CHECK(f.stored_tables() == inputs);
}

TEST_CASE("job: outputs are cut near the target size, never inside a user key",
          "[compaction][job]") {
  JobFixture f;
  std::vector<Entry> entries;
  SequenceNumber seq = 1;
  for (int k = 0; k < 100; ++k) {
    const std::string key = fmt::format("k{:03}", k);
    const int versions = k == 50 ? 100 : 1;  // one key with 20 KB of versions
    for (int v = 0; v < versions; ++v) entries.push_back(put(key, seq++, std::string(200, 'x')));
  }
  const SstInfo l0 = f.table(entries);
  // A second table inside the first one's range: the two are merged, not moved.
  const SstInfo other = f.table({put("k0005", seq++)});
  constexpr std::size_t kTarget = 4096;
  // Every version is newer than the snapshot, so all of them are kept.
  auto out = f.compact(plan_of({other, l0}, {}, true), f.params(0, 1, kTarget));
  REQUIRE(out);
  CHECK(out->moved.empty());
  REQUIRE(out->ssts.size() > 5);
  CHECK(f.read(out->ssts).size() == entries.size() + 1);
  for (std::size_t i = 0; i + 1 < out->ssts.size(); ++i) {
    CHECK(out->ssts[i].file_size >= kTarget);
    CHECK(out->ssts[i].largest_user_key() < out->ssts[i + 1].smallest_user_key());
  }
  const auto big = std::find_if(out->ssts.begin(), out->ssts.end(), [](const SstInfo& t) {
    return t.smallest_user_key() <= "k050" && "k050" <= t.largest_user_key();
  });
  REQUIRE(big != out->ssts.end());
  CHECK(big->num_entries >= 100);
  CHECK(big->file_size > 20'000);

  ManifestState state;
  state.next_run_id = 10;
  state.sorted_runs.push_back(SortedRun{9, out->ssts});
  CHECK(validate_manifest_state(state));
}

TEST_CASE("job: parallel subcompactions give the serial result, one GET per input",
          "[compaction][job]") {
  JobFixture f;
  std::mt19937_64 rng(42);
  std::vector<Entry> all;
  SequenceNumber seq = 1;
  auto random_table = [&](int first_key, int last_key, int count) {
    std::vector<Entry> entries;
    std::uniform_int_distribution<int> key_dist(first_key, last_key);
    std::set<std::string> used;
    for (int i = 0; i < count; ++i) {
      const std::string key = fmt::format("key{:06}", key_dist(rng));
      if (!used.insert(key).second) continue;
      if (rng() % 5 == 0) {
        entries.push_back(del(key, seq++));
      } else {
        entries.push_back(
            put(key, seq++, std::string(40 + rng() % 60, 'a' + static_cast<char>(rng() % 26))));
      }
    }
    all.insert(all.end(), entries.begin(), entries.end());
    return f.table(std::move(entries));
  };
  // Oldest first, so sequences grow towards the newest sources.
  SortedRun old_run{1, {}}, new_run{2, {}};
  for (int part = 0; part < 3; ++part) {
    old_run.ssts.push_back(random_table(part * 1000, part * 1000 + 999, 900));
  }
  for (int part = 0; part < 4; ++part) {
    new_run.ssts.push_back(random_table(part * 750, part * 750 + 749, 400));
  }
  std::vector<SstInfo> l0;
  for (int t = 0; t < 4; ++t) l0.insert(l0.begin(), random_table(0, 2999, 700));
  const CompactionPlan plan = plan_of(l0, {new_run, old_run}, true);
  const SequenceNumber snapshot = seq / 2;
  const auto expected = describe(model(all, snapshot, true));

  const std::uint64_t gets_before = f.store->gets();
  auto serial = f.compact(plan, f.params(snapshot, 1, 16 << 10));
  REQUIRE(serial);
  CHECK(serial->subcompactions == 1);
  CHECK(serial->input_gets == plan.input_tables());
  CHECK(f.store->gets() - gets_before == plan.input_tables());

  CompactionJobParams parallel_params = f.params(snapshot, 4, 16 << 10);
  parallel_params.min_subcompaction_bytes = 8 << 10;
  const std::uint64_t gets_mid = f.store->gets();
  auto parallel = f.compact(plan, parallel_params);
  REQUIRE(parallel);
  CHECK(parallel->subcompactions == 4);
  // Every subcompaction reads every L0 table, yet each input is fetched once.
  CHECK(parallel->input_gets == plan.input_tables());
  CHECK(f.store->gets() - gets_mid == plan.input_tables());

  CHECK(describe(f.read(serial->ssts)) == expected);
  CHECK(describe(f.read(parallel->ssts)) == expected);
  CHECK(parallel->entries_out == expected.size());
  CHECK(parallel->bytes_in == plan.input_bytes);

  ManifestState state;
  state.next_run_id = 10;
  state.sorted_runs.push_back(SortedRun{9, parallel->ssts});
  CHECK(validate_manifest_state(state));
}

TEST_CASE("job: a missing input fails the job and its outputs are deleted", "[compaction][job]") {
  JobFixture f;
  std::vector<Entry> first, second;
  for (int k = 0; k < 200; ++k)
    first.push_back(put(fmt::format("a{:04}", k), 1000 + k, std::string(100, 'v')));
  for (int k = 0; k < 200; ++k) second.push_back(put(fmt::format("b{:04}", k), 2000 + k));
  const SortedRun run{1, {f.table(first), f.table(second)}};
  // An L0 table spanning both run tables: nothing can be moved.
  const SstInfo l0 = f.table({put("a0100x", 5000), put("b0100x", 5001)});
  REQUIRE(zerofs::run_blocking(f.io, f.memory->del(f.prefix + run.ssts[1].id.object_key())));
  const std::size_t inputs = f.stored_tables();

  auto out = f.compact(plan_of({l0}, {run}, true), f.params(0, 1, 2048));
  REQUIRE_FALSE(out);
  CHECK(out.error().code() == zerofs::Errc::not_found);
  CHECK(f.stored_tables() == inputs);  // tables stored before the failure are gone again
}

TEST_CASE("job: a corrupted input block fails with Errc::corrupt", "[compaction][job]") {
  JobFixture f;
  std::vector<Entry> entries;
  for (int k = 0; k < 100; ++k) entries.push_back(put(fmt::format("k{:03}", k), 10 + k));
  const SstInfo t = f.table(entries);
  const SstInfo other = f.table({put("k050x", 500)});  // merged with t, so t is read
  const std::string key = f.prefix + t.id.object_key();
  auto got = zerofs::run_blocking(f.io, f.memory->get(key, std::nullopt));
  REQUIRE(got);
  got->data[20] ^= std::byte{0x01};  // inside the first data block
  REQUIRE(zerofs::run_blocking(f.io, f.memory->put(key, got->data.view(), {})));

  auto out = f.compact(plan_of({other, t}, {}, true), f.params(0));
  REQUIRE_FALSE(out);
  CHECK(out.error().code() == zerofs::Errc::corrupt);
  CHECK(f.stored_tables() == 2);
}

TEST_CASE("key ranges: cuts balance the bytes and cover the key space", "[compaction][job]") {
  std::vector<WeightedKey> points;
  for (int i = 0; i < 100; ++i) points.push_back({fmt::format("k{:03}", i), 10});
  points.push_back({"k050", 500});  // a heavy key: the cut after it moves
  const auto ranges = split_key_ranges(points, 4);
  REQUIRE(ranges.size() == 4);
  CHECK(ranges.front().lower.empty());
  CHECK(ranges.back().upper.empty());
  for (std::size_t i = 0; i + 1 < ranges.size(); ++i) {
    CHECK(ranges[i].upper == ranges[i + 1].lower);
    CHECK(ranges[i].lower < ranges[i].upper);
  }
  // 1500 bytes: the first cut lands once 375 are below it, the second just after "k050".
  CHECK(ranges[1].lower == std::string("k037\0", 5));
  CHECK(ranges[2].lower == std::string("k050\0", 5));

  CHECK(split_key_ranges(points, 1).size() == 1);
  CHECK(split_key_ranges({}, 8).size() == 1);
  // Fewer distinct keys than wanted ranges: one range per key at most.
  CHECK(split_key_ranges({{"a", 5}, {"a", 5}, {"b", 5}}, 8).size() == 2);
}

TEST_CASE("job: merge throughput", "[.][bench][compaction]") {
  JobFixture f;
  std::mt19937_64 rng(7);
  SequenceNumber seq = 1;
  std::vector<SstInfo> l0;
  constexpr int kTables = 8, kKeys = 400'000;
  for (int t = 0; t < kTables; ++t) {
    std::vector<Entry> entries;
    for (int i = 0; i < kKeys / kTables * 2; ++i) {
      const std::string key = fmt::format("user{:012}", rng() % kKeys);
      entries.push_back(put(key, seq++, std::string(100, static_cast<char>('a' + rng() % 26))));
    }
    std::sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) {
      return compare_internal_keys(a.key, b.key) < 0;
    });
    entries.erase(std::unique(entries.begin(), entries.end(),
                              [](const Entry& a, const Entry& b) {
                                return extract_user_key(a.key) == extract_user_key(b.key);
                              }),
                  entries.end());
    l0.insert(l0.begin(), f.table(std::move(entries), 4096));
  }
  const CompactionPlan plan = plan_of(l0, {}, true);
  for (const std::size_t parallel : {std::size_t{1}, std::size_t{4}}) {
    CompactionJobParams p = f.params(seq, parallel, 8 << 20);
    p.options.block_size = 4096;
    p.min_subcompaction_bytes = 4 << 20;
    const auto start = std::chrono::steady_clock::now();
    auto out = f.compact(plan, p);
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    REQUIRE(out);
    WARN(
        fmt::format("merge: {} subcompactions, {:.1f} MB in -> {:.1f} MB out, {} entries in, "
                    "{:.2f} s, {:.1f} MB/s",
                    out->subcompactions, static_cast<double>(out->bytes_in) / 1e6,
                    static_cast<double>(out->bytes_out) / 1e6, out->entries_in, seconds,
                    static_cast<double>(out->bytes_in) / 1e6 / seconds));
  }
}

TEST_CASE("job: tables no other source overlaps are moved, merged tables are cut around them",
          "[compaction][job]") {
  JobFixture f;
  // Two overlapping pairs with a lone table between them, and a lone run table at the end.
  const SstInfo a1 = f.table({put("a", 10), put("c", 11)});
  const SstInfo a2 = f.table({put("b", 12), put("c", 13)});
  const SstInfo lone = f.table({put("m", 14), put("n", 15)});
  const SstInfo x1 = f.table({put("x", 16), put("y", 17)});
  const SstInfo x2 = f.table({put("x5", 18)});
  const SortedRun run{1, {f.table({put("z1", 1), put("z2", 2)})}};
  const std::uint64_t gets_before = f.store->gets();

  // A target of 4x the lone table: it is big enough to move, and no merged table is cut by size.
  const std::size_t target = 4 * std::min(lone.file_size, run.ssts[0].file_size);
  auto out = f.compact(plan_of({x2, x1, lone, a2, a1}, {run}, true), f.params(100, 1, target));
  REQUIRE(out);
  CHECK(out->moved == std::vector<SstId>{lone.id, run.ssts[0].id});
  CHECK(out->bytes_moved == lone.file_size + run.ssts[0].file_size);
  CHECK(out->input_gets == 4);  // the moved tables are not read
  CHECK(f.store->gets() - gets_before == 4);
  CHECK(is_moved(*out, lone.id));
  CHECK_FALSE(is_moved(*out, a1.id));
  // Without the cut at "m" the merged keys a..c and x..y would share one table around it.
  REQUIRE(out->ssts.size() == 4);
  CHECK(out->ssts[1].id == lone.id);
  CHECK(out->ssts[3].id == run.ssts[0].id);
  CHECK(describe(f.read(out->ssts)) ==
        std::vector<std::string>{"a@10=a@10", "b@12=b@12", "c@13=c@13", "m@14=m@14", "n@15=n@15",
                                 "x@16=x@16", "x5@18=x5@18", "y@17=y@17", "z1@1=z1@1",
                                 "z2@2=z2@2"});
  ManifestState state;
  state.next_run_id = 10;
  state.sorted_runs.push_back(SortedRun{9, out->ssts});
  CHECK(validate_manifest_state(state));
}

TEST_CASE("job: a plan of tables that overlap nothing moves them all and reads nothing",
          "[compaction][job]") {
  JobFixture f;
  const SstInfo t1 = f.table({put("a", 1)});
  const SstInfo t2 = f.table({put("b", 2)});
  const std::size_t stored = f.stored_tables();
  auto out = f.compact(plan_of({t2, t1}, {}, false),
                       f.params(0, 1, 4 * std::min(t1.file_size, t2.file_size)));
  REQUIRE(out);
  CHECK(out->moved.size() == 2);
  CHECK(out->input_gets == 0);
  CHECK(out->bytes_out == 0);
  REQUIRE(out->ssts.size() == 2);
  CHECK(out->ssts[0].id == t1.id);  // key order
  CHECK(f.stored_tables() == stored);
}
