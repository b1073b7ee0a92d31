#include "iter/merging_iterator.h"

#include <cstdlib>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "fake_iterator.h"
#include "memtable/memtable.h"
#include "test_support/catch.h"

using lsm::InternalIterator;
using lsm::InternalKeyLess;
using lsm::MergingIterator;
using lsm::Step;
using lsm::ValueType;
using lsm::testing::Entry;
using lsm::testing::FakeIterator;
using lsm::testing::FakeIteratorStats;
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

using Model = std::map<std::string, std::string, InternalKeyLess>;

// Completes a positioning call, awaiting I/O when the iterator asks for it.
Task<void> settle(InternalIterator& it, Step step) {
  if (step != Step::io) co_return;
  Result<void> r = co_await it.resume();
  REQUIRE(r);
}

Task<void> expect_at(InternalIterator& it, const Model& model, Model::const_iterator pos) {
  if (pos == model.end()) {
    REQUIRE_FALSE(it.valid());
    REQUIRE(it.status());
    co_return;
  }
  REQUIRE(it.valid());
  REQUIRE(it.key() == pos->first);
  REQUIRE(it.value() == pos->second);
}

std::string random_user_key(std::mt19937_64& rng) { return "k" + std::to_string(rng() % 200); }

}  // namespace

TEST_CASE("merging iterator over zero, one and two children") {
  zerofs::asio::io_context io;
  auto none = lsm::new_merging_iterator({});
  CHECK(none->seek_to_first() == Step::ready);
  CHECK_FALSE(none->valid());

  auto mem = lsm::MemTable::create();
  mem->add(1, ValueType::value, "a", "1");
  std::vector<std::unique_ptr<InternalIterator>> one;
  one.push_back(mem->new_iterator());
  InternalIterator* raw = one.front().get();
  auto single = lsm::new_merging_iterator(std::move(one));
  CHECK(single.get() == raw);  // no merge layer for a single child

  auto mem2 = lsm::MemTable::create();
  mem2->add(2, ValueType::value, "a", "2");
  mem2->add(3, ValueType::value, "b", "3");
  std::vector<std::unique_ptr<InternalIterator>> two;
  two.push_back(mem->new_iterator());
  two.push_back(mem2->new_iterator());
  auto merged = lsm::new_merging_iterator(std::move(two));
  REQUIRE(merged->seek_to_first() == Step::ready);
  std::vector<std::string> values;
  for (; merged->valid(); merged->next()) values.emplace_back(merged->value());
  CHECK(values == std::vector<std::string>{"2", "1", "3"});
}

TEST_CASE("merging iterator matches a sorted model, with I/O on random steps") {
  const std::uint64_t seed = test_seed();
  INFO("seed " << seed << " (LSM_TEST_SEED reproduces)");
  std::mt19937_64 rng(seed);
  zerofs::asio::io_context io;
  FakeIteratorStats stats;

  for (int round = 0; round < 300; ++round) {
    INFO("round " << round);
    Model model;
    const std::size_t nchildren = 1 + rng() % 6;
    std::vector<std::vector<Entry>> parts(nchildren);
    const int entries = static_cast<int>(rng() % 80);
    for (int i = 0; i < entries; ++i) {
      std::string ikey = lsm::make_internal_key(random_user_key(rng), rng() % 1000,
                                                rng() % 2 ? ValueType::value : ValueType::deletion);
      std::string value = "v" + std::to_string(rng());
      if (model.emplace(ikey, value).second) parts[rng() % nchildren].emplace_back(ikey, value);
    }
    const double io_probability = (round % 3) * 0.3;
    std::vector<std::unique_ptr<InternalIterator>> children;
    for (auto& part : parts) {
      std::sort(part.begin(), part.end(), [](const Entry& a, const Entry& b) {
        return lsm::compare_internal_keys(a.first, b.first) < 0;
      });
      children.push_back(std::make_unique<FakeIterator>(part, io_probability, rng(), &stats));
    }
    MergingIterator merged(std::move(children));

    zerofs::run_blocking(io, [&]() -> Task<void> {
      co_await settle(merged, merged.seek_to_first());
      auto pos = model.begin();
      for (; pos != model.end(); ++pos) {
        co_await expect_at(merged, model, pos);
        co_await settle(merged, merged.next());
      }
      co_await expect_at(merged, model, pos);

      for (int s = 0; s < 20; ++s) {
        const std::string target =
            lsm::make_internal_key(random_user_key(rng), rng() % 1100, lsm::kValueTypeForSeek);
        co_await settle(merged, merged.seek(target));
        auto expected = model.lower_bound(target);
        co_await expect_at(merged, model, expected);
        for (int step = 0; step < 5 && expected != model.end(); ++step) {
          co_await settle(merged, merged.next());
          co_await expect_at(merged, model, ++expected);
        }
      }
    }());
  }
  CHECK(stats.resumes > 1000);
  CHECK(stats.max_in_flight > 1);  // pending children were awaited concurrently
}

TEST_CASE("merging iterator surfaces a child's I/O error") {
  zerofs::asio::io_context io;
  std::vector<Entry> a, b;
  for (int i = 0; i < 10; ++i) {
    a.emplace_back(lsm::make_internal_key("a" + std::to_string(i), 1, ValueType::value), "x");
    b.emplace_back(lsm::make_internal_key("b" + std::to_string(i), 1, ValueType::value), "y");
  }
  auto failing = std::make_unique<FakeIterator>(b, 1.0, 7);
  failing->fail_on_resume(2);  // the seek succeeds, the first next() fails
  std::vector<std::unique_ptr<InternalIterator>> children;
  children.push_back(std::make_unique<FakeIterator>(a, 1.0, 8));
  children.push_back(std::move(failing));
  MergingIterator merged(std::move(children));

  zerofs::run_blocking(io, [&]() -> Task<void> {
    REQUIRE(merged.seek(lsm::make_internal_key("b0", 5, ValueType::value)) == Step::io);
    Result<void> first = co_await merged.resume();
    REQUIRE(first);
    REQUIRE(merged.valid());
    CHECK(merged.key() == lsm::make_internal_key("b0", 1, ValueType::value));
    REQUIRE(merged.next() == Step::io);
    auto r = co_await merged.resume();
    REQUIRE_FALSE(r);
    CHECK(r.error().code() == zerofs::Errc::transient);
    CHECK_FALSE(merged.valid());
    CHECK(merged.status().error().code() == zerofs::Errc::transient);
    // The error is sticky: a new seek does not hide the lost entries.
    CHECK(merged.seek_to_first() == Step::ready);
    CHECK_FALSE(merged.valid());
    CHECK_FALSE(merged.status());
  }());
}

TEST_CASE("merging iterator surfaces a child that fails without I/O") {
  std::vector<Entry> a, b;
  for (int i = 0; i < 10; ++i) {
    a.emplace_back(lsm::make_internal_key("k" + std::to_string(i), 2, ValueType::value), "a");
    b.emplace_back(lsm::make_internal_key("k" + std::to_string(i), 1, ValueType::value), "b");
  }
  auto bad = std::make_unique<FakeIterator>(b, 0.0, 1);
  bad->fail_at_entry(4);
  std::vector<std::unique_ptr<InternalIterator>> children;
  children.push_back(std::make_unique<FakeIterator>(a, 0.0, 2));
  children.push_back(std::move(bad));
  MergingIterator merged(std::move(children));
  REQUIRE(merged.seek_to_first() == Step::ready);
  int n = 0;
  while (merged.valid()) {
    ++n;
    REQUIRE(merged.next() == Step::ready);
  }
  CHECK(n == 8);  // k0..k3 from both; then b's bad block at k4 stops the merge
  REQUIRE_FALSE(merged.status());
  CHECK(merged.status().error().code() == zerofs::Errc::corrupt);
}
