#include "iter/db_iterator.h"

#include <cstdlib>
#include <map>
#include <random>
#include <string>
#include <tuple>
#include <vector>

#include "fake_iterator.h"
#include "iter/merging_iterator.h"
#include "memtable/memtable.h"
#include "test_support/catch.h"

using lsm::DbIterator;
using lsm::InternalIterator;
using lsm::SequenceNumber;
using lsm::Step;
using lsm::UserKeyBounds;
using lsm::ValueType;
using lsm::testing::Entry;
using lsm::testing::FakeIterator;
using zerofs::Result;
using zerofs::Task;

namespace {

std::uint64_t test_seed() {
  static const std::uint64_t seed = [] {
    if (const char* env = std::getenv("LSM_TEST_SEED")) {
      return static_cast<std::uint64_t>(std::strtoull(env, nullptr, 10));
    }
    return static_cast<std::uint64_t>(std::random_device{}());
  }();
  return seed;
}

struct Op {
  SequenceNumber seq;
  ValueType type;
  std::string key;
  std::string value;
  std::size_t child;
};

using KeyValues = std::vector<std::pair<std::string, std::string>>;

// What the user must see: per key, the newest version <= snapshot, if it is a put.
KeyValues model_view(const std::vector<Op>& ops, SequenceNumber snapshot,
                     const UserKeyBounds& bounds) {
  std::map<std::string, const Op*> newest;
  for (const Op& op : ops) {
    if (op.seq > snapshot) continue;
    if (bounds.lower && op.key < *bounds.lower) continue;
    if (bounds.upper && op.key >= *bounds.upper) continue;
    const Op*& slot = newest[op.key];
    if (slot == nullptr || slot->seq < op.seq) slot = &op;
  }
  KeyValues view;
  for (const auto& [key, op] : newest) {
    if (op->type == ValueType::value) view.emplace_back(key, op->value);
  }
  return view;
}

// The merged input over `nchildren` layers: even children are memtables, odd ones fake
// tables that need I/O on random steps.
std::unique_ptr<InternalIterator> make_input(const std::vector<Op>& ops, std::size_t nchildren,
                                             double io_probability, std::mt19937_64& rng) {
  std::vector<std::shared_ptr<lsm::MemTable>> mems(nchildren);
  std::vector<std::vector<Entry>> tables(nchildren);
  for (const Op& op : ops) {
    if (op.child % 2 == 0) {
      if (!mems[op.child]) mems[op.child] = lsm::MemTable::create();
      mems[op.child]->add(op.seq, op.type, op.key, op.value);
    } else {
      tables[op.child].emplace_back(lsm::make_internal_key(op.key, op.seq, op.type),
                                    op.type == ValueType::value ? op.value : "");
    }
  }
  std::vector<std::unique_ptr<InternalIterator>> children;
  for (std::size_t c = 0; c < nchildren; ++c) {
    if (c % 2 == 0) {
      if (!mems[c]) mems[c] = lsm::MemTable::create();
      children.push_back(mems[c]->new_iterator());
    } else {
      std::sort(tables[c].begin(), tables[c].end(), [](const Entry& a, const Entry& b) {
        return lsm::compare_internal_keys(a.first, b.first) < 0;
      });
      children.push_back(
          std::make_unique<FakeIterator>(std::move(tables[c]), io_probability, rng()));
    }
  }
  return lsm::new_merging_iterator(std::move(children));
}

Task<void> settle(DbIterator& it, Step step) {
  if (step != Step::io) co_return;
  Result<void> r = co_await it.resume();
  REQUIRE(r);
}

void expect_at(const DbIterator& it, const KeyValues& view, std::size_t index) {
  REQUIRE(it.status());
  if (index == view.size()) {
    REQUIRE_FALSE(it.valid());
    return;
  }
  REQUIRE(it.valid());
  REQUIRE(it.key() == view[index].first);
  REQUIRE(it.value() == view[index].second);
}

std::string random_key(std::mt19937_64& rng) {
  std::string k = "k" + std::to_string(10 + rng() % 20);
  if (rng() % 4 == 0) k += "a";  // between stored keys
  return k;
}

}  // namespace

TEST_CASE("db iterator hides shadowed, deleted and future versions") {
  auto mem = lsm::MemTable::create();
  mem->add(1, ValueType::value, "a", "a1");
  mem->add(2, ValueType::value, "b", "b2");
  mem->add(3, ValueType::deletion, "a", "");
  mem->add(4, ValueType::value, "c", "c4");
  mem->add(5, ValueType::value, "b", "b5");
  mem->add(6, ValueType::value, "a", "a6");
  auto scan = [&](SequenceNumber snapshot, UserKeyBounds bounds = {}) {
    DbIterator it(mem->new_iterator(), snapshot, std::move(bounds));
    KeyValues out;
    REQUIRE(it.seek_to_first() == Step::ready);
    while (it.valid()) {
      out.emplace_back(it.key(), it.value());
      REQUIRE(it.next() == Step::ready);
    }
    REQUIRE(it.status());
    return out;
  };
  CHECK(scan(0).empty());
  CHECK(scan(1) == KeyValues{{"a", "a1"}});
  CHECK(scan(3) == KeyValues{{"b", "b2"}});
  CHECK(scan(4) == KeyValues{{"b", "b2"}, {"c", "c4"}});
  CHECK(scan(6) == KeyValues{{"a", "a6"}, {"b", "b5"}, {"c", "c4"}});
  CHECK(scan(6, {"b", "c"}) == KeyValues{{"b", "b5"}});
  CHECK(scan(6, {std::nullopt, "b"}) == KeyValues{{"a", "a6"}});
  CHECK(scan(6, {"bb", std::nullopt}) == KeyValues{{"c", "c4"}});

  DbIterator it(mem->new_iterator(), 4, {"a", "c"});
  REQUIRE(it.seek("0") == Step::ready);  // below the lower bound: starts at the bound
  REQUIRE(it.valid());
  CHECK(it.key() == "b");
  REQUIRE(it.seek("c") == Step::ready);  // at the upper bound
  CHECK_FALSE(it.valid());
}

TEST_CASE("db iterator matches a model over random layers, snapshots and bounds") {
  const std::uint64_t seed = test_seed();
  INFO("seed " << seed << " (LSM_TEST_SEED reproduces)");
  std::mt19937_64 rng(seed);
  zerofs::asio::io_context io;
  int cases = 0;

  for (int round = 0; round < 500; ++round) {
    INFO("round " << round);
    const std::size_t nchildren = 1 + rng() % 4;
    std::vector<Op> ops;
    const SequenceNumber nops = rng() % 60;
    for (SequenceNumber seq = 1; seq <= nops; ++seq) {
      const bool put = rng() % 10 < 7;
      ops.push_back({seq, put ? ValueType::value : ValueType::deletion, random_key(rng),
                     put ? "v" + std::to_string(seq) : "", rng() % nchildren});
    }
    for (int view = 0; view < 6; ++view, ++cases) {
      INFO("view " << view);
      const SequenceNumber snapshot = rng() % (nops + 2);
      UserKeyBounds bounds;
      if (rng() % 2) bounds.lower = random_key(rng);
      if (rng() % 2) bounds.upper = random_key(rng);
      const KeyValues expected = model_view(ops, snapshot, bounds);
      const double io_probability = (view % 3) * 0.25;
      DbIterator it(make_input(ops, nchildren, io_probability, rng), snapshot, bounds);

      zerofs::run_blocking(io, [&]() -> Task<void> {
        co_await settle(it, it.seek_to_first());
        for (std::size_t i = 0; i < expected.size(); ++i) {
          expect_at(it, expected, i);
          co_await settle(it, it.next());
        }
        expect_at(it, expected, expected.size());

        for (int s = 0; s < 10; ++s) {
          const std::string target = random_key(rng);
          co_await settle(it, it.seek(target));
          std::size_t i = 0;
          while (i < expected.size() && (expected[i].first < target ||
                                         (bounds.lower && expected[i].first < *bounds.lower))) {
            ++i;
          }
          expect_at(it, expected, i);
          for (int step = 0; step < 3 && i < expected.size(); ++step) {
            co_await settle(it, it.next());
            expect_at(it, expected, ++i);
          }
        }
      }());
    }
  }
  CHECK(cases == 3000);
}

TEST_CASE("db iterator reports an input failure from resume") {
  zerofs::asio::io_context io;
  std::vector<Entry> entries;
  for (int i = 0; i < 20; ++i) {
    // Many hidden versions of one key: skipping them needs several loads.
    entries.emplace_back(lsm::make_internal_key("k", 100 - i, ValueType::value), "v");
  }
  entries.emplace_back(lsm::make_internal_key("z", 1, ValueType::value), "z");
  auto input = std::make_unique<FakeIterator>(entries, 1.0, 3);
  input->fail_on_resume(5);
  DbIterator it(std::move(input), 1000);
  zerofs::run_blocking(io, [&]() -> Task<void> {
    REQUIRE(it.seek_to_first() == Step::io);
    Result<void> r = co_await it.resume();
    REQUIRE(r);
    REQUIRE(it.valid());
    CHECK(it.key() == "k");
    REQUIRE(it.next() == Step::io);
    r = co_await it.resume();  // the skip over k's old versions meets the failure
    REQUIRE_FALSE(r);
    CHECK(r.error().code() == zerofs::Errc::transient);
    CHECK_FALSE(it.valid());
    CHECK_FALSE(it.status());
    CHECK(it.seek_to_first() == Step::ready);
    CHECK_FALSE(it.valid());
  }());
}

TEST_CASE("db iterator rejects malformed internal keys") {
  std::vector<Entry> entries{{"short", "v"}};
  DbIterator it(std::make_unique<FakeIterator>(entries, 0.0, 1), 10);
  REQUIRE(it.seek_to_first() == Step::ready);
  CHECK_FALSE(it.valid());
  REQUIRE_FALSE(it.status());
  CHECK(it.status().error().code() == zerofs::Errc::corrupt);

  std::string bad_type = lsm::make_internal_key("k", 1, ValueType::value);
  bad_type[bad_type.size() - 8] = 7;
  DbIterator it2(std::make_unique<FakeIterator>(std::vector<Entry>{{bad_type, "v"}}, 0.0, 1), 10);
  REQUIRE(it2.seek_to_first() == Step::ready);
  CHECK_FALSE(it2.valid());
  CHECK(it2.status().error().code() == zerofs::Errc::corrupt);
}
