#include "memtable/memtable.h"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "iter/db_iterator.h"
#include "iter/merging_iterator.h"
#include "test_support/catch.h"

using lsm::DbIterator;
using lsm::MemTable;
using lsm::Step;
using lsm::ValueType;

namespace {

using Lookup = MemTable::Lookup;

std::string key_of(std::uint64_t i) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "key%010llu", static_cast<unsigned long long>(i));
  return buf;
}

}  // namespace

TEST_CASE("memtable get sees the newest version at a snapshot") {
  auto mem = MemTable::create();
  CHECK(mem->empty());
  mem->add(10, ValueType::value, "apple", "red");
  mem->add(20, ValueType::value, "apple", "green");
  mem->add(30, ValueType::deletion, "apple", "ignored");
  mem->add(40, ValueType::value, "apple", "yellow");
  mem->add(15, ValueType::value, "banana", "");
  CHECK(mem->entry_count() == 5);

  CHECK(mem->get("apple", 5).kind == Lookup::absent);
  auto r = mem->get("apple", 10);
  CHECK(r.kind == Lookup::value);
  CHECK(r.value == "red");
  CHECK(r.sequence == 10);
  CHECK(mem->get("apple", 19).value == "red");
  CHECK(mem->get("apple", 20).value == "green");
  CHECK(mem->get("apple", 29).value == "green");
  r = mem->get("apple", 30);
  CHECK(r.kind == Lookup::deleted);
  CHECK(r.sequence == 30);
  CHECK(mem->get("apple", 39).kind == Lookup::deleted);
  CHECK(mem->get("apple", 40).value == "yellow");
  CHECK(mem->get("apple", lsm::kMaxSequence).value == "yellow");
  CHECK(mem->get("apple", UINT64_MAX).value == "yellow");

  r = mem->get("banana", 100);
  CHECK(r.kind == Lookup::value);
  CHECK(r.value.empty());
  CHECK(mem->get("banana", 14).kind == Lookup::absent);
  CHECK(mem->get("appl", 100).kind == Lookup::absent);
  CHECK(mem->get("apples", 100).kind == Lookup::absent);
  CHECK(mem->get("", 100).kind == Lookup::absent);
  CHECK(mem->get("zzz", 100).kind == Lookup::absent);
}

TEST_CASE("memtable add_batch gives entries consecutive sequences") {
  auto mem = MemTable::create();
  lsm::WriteBatch batch;
  batch.put("a", "1");
  batch.put("b", "2");
  batch.del("a");
  batch.set_sequence(100);
  REQUIRE(mem->add_batch(batch));
  CHECK(mem->get("a", 100).value == "1");
  CHECK(mem->get("b", 101).value == "2");
  CHECK(mem->get("b", 100).kind == Lookup::absent);
  CHECK(mem->get("a", 102).kind == Lookup::deleted);
  CHECK(mem->entry_count() == 3);
}

TEST_CASE("memtable iterator walks internal keys in order") {
  auto mem = MemTable::create();
  mem->add(5, ValueType::value, "b", "b5");
  mem->add(7, ValueType::deletion, "b", "");
  mem->add(6, ValueType::value, "a", "a6");
  mem->add(9, ValueType::value, "c", "c9");
  auto it = mem->new_iterator();
  REQUIRE(it->seek_to_first() == Step::ready);
  std::vector<std::tuple<std::string, std::uint64_t, ValueType, std::string>> seen;
  for (; it->valid(); it->next()) {
    seen.emplace_back(std::string(lsm::extract_user_key(it->key())),
                      lsm::extract_sequence(it->key()), lsm::extract_type(it->key()),
                      std::string(it->value()));
  }
  CHECK(seen == decltype(seen){{"a", 6, ValueType::value, "a6"},
                               {"b", 7, ValueType::deletion, ""},
                               {"b", 5, ValueType::value, "b5"},
                               {"c", 9, ValueType::value, "c9"}});
  REQUIRE(it->status());

  // Seeking to (b, 6) skips the newer version 7.
  REQUIRE(it->seek(lsm::make_internal_key("b", 6, lsm::kValueTypeForSeek)) == Step::ready);
  REQUIRE(it->valid());
  CHECK(it->key() == lsm::make_internal_key("b", 5, ValueType::value));
  CHECK(it->value() == "b5");
  it->seek(lsm::make_internal_key("c", 8, lsm::kValueTypeForSeek));
  CHECK_FALSE(it->valid());
}

TEST_CASE("memtable views outlive later inserts and the last outside reference") {
  auto mem = MemTable::create();
  mem->add(1, ValueType::value, "k", std::string(1000, 'x'));
  const std::string_view v = mem->get("k", 1).value;
  for (std::uint64_t i = 0; i < 5000; ++i) mem->add(i + 2, ValueType::value, key_of(i), "value");
  CHECK(v == std::string(1000, 'x'));
  CHECK(mem->approximate_memory_usage() > 5000 * 20);

  auto it = mem->new_iterator();
  std::weak_ptr<MemTable> weak = mem;
  mem.reset();
  CHECK_FALSE(weak.expired());  // the iterator keeps it alive
  it->seek_to_first();
  CHECK(it->value() == std::string(1000, 'x'));
  it.reset();
  CHECK(weak.expired());
}

TEST_CASE("memtable readers run beside its writer", "[concurrency]") {
  constexpr std::uint64_t kKeys = 20000;
  auto mem = MemTable::create();
  std::atomic<std::uint64_t> published{0};  // sequences 1..published are in the memtable
  std::atomic<bool> failed{false};
  std::atomic<bool> reader_started{false};

  std::thread reader([&] {
    std::mt19937_64 rng(42);
    reader_started = true;
    bool last = false;
    while (!last) {
      last = published.load(std::memory_order_acquire) == kKeys;
      const std::uint64_t seq = published.load(std::memory_order_acquire);
      if (seq == 0) continue;
      // Key i is written once, at sequence i + 1, with value "v<i>".
      const std::uint64_t i = rng() % seq;
      auto r = mem->get(key_of(i), seq);
      if (r.kind != Lookup::value || r.value != "v" + std::to_string(i)) failed = true;
      auto it = mem->new_iterator();
      std::string prev;
      std::size_t n = 0;
      for (it->seek_to_first(); it->valid() && n < 2000; it->next(), ++n) {
        if (n > 0 && lsm::compare_internal_keys(prev, it->key()) >= 0) failed = true;
        prev.assign(it->key());
      }
    }
  });

  while (!reader_started) std::this_thread::yield();
  for (std::uint64_t i = 0; i < kKeys; ++i) {
    mem->add(i + 1, ValueType::value, key_of(i), "v" + std::to_string(i));
    published.store(i + 1, std::memory_order_release);
  }
  reader.join();
  CHECK_FALSE(failed.load());
  CHECK(mem->entry_count() == kKeys);
}

// Figures for the report; run by hand on an optimised build:
//   lsm_tests "[.bench]" -s
TEST_CASE("memtable micro-benchmark", "[.bench]") {
  using Clock = std::chrono::steady_clock;
  auto ns_per = [](Clock::time_point t0, std::uint64_t n) {
    return std::chrono::duration<double, std::nano>(Clock::now() - t0).count() /
           static_cast<double>(n);
  };
  constexpr std::uint64_t kN = 1'000'000;
  const std::string value(100, 'v');

  for (const bool sequential : {true, false}) {
    std::vector<std::string> keys;
    keys.reserve(kN);
    std::mt19937_64 rng(1);
    for (std::uint64_t i = 0; i < kN; ++i) keys.push_back(key_of(sequential ? i : rng() % kN));

    auto mem = MemTable::create();
    auto t0 = Clock::now();
    for (std::uint64_t i = 0; i < kN; ++i) mem->add(i + 1, ValueType::value, keys[i], value);
    const double insert_ns = ns_per(t0, kN);

    t0 = Clock::now();
    std::uint64_t found = 0;
    for (std::uint64_t i = 0; i < kN; ++i) found += mem->get(keys[i], kN).kind == Lookup::value;
    const double get_ns = ns_per(t0, kN);
    REQUIRE(found == kN);

    auto it = mem->new_iterator();
    t0 = Clock::now();
    std::uint64_t n = 0;
    for (it->seek_to_first(); it->valid(); it->next()) n += it->value().size() > 0;
    const double iter_ns = ns_per(t0, n);

    DbIterator db_it(mem->new_iterator(), kN);
    t0 = Clock::now();
    std::uint64_t visible = 0;
    for (db_it.seek_to_first(); db_it.valid(); db_it.next()) visible += db_it.key().size() > 0;
    const double readseq_ns = ns_per(t0, visible);

    // The same keys split over two memtables behind a MergingIterator.
    auto odd = MemTable::create();
    auto even = MemTable::create();
    for (std::uint64_t i = 0; i < kN; ++i) {
      (i % 2 ? odd : even)->add(i + 1, ValueType::value, keys[i], value);
    }
    std::vector<std::unique_ptr<lsm::InternalIterator>> children;
    children.push_back(odd->new_iterator());
    children.push_back(even->new_iterator());
    DbIterator merged(lsm::new_merging_iterator(std::move(children)), kN);
    t0 = Clock::now();
    std::uint64_t merged_visible = 0;
    for (merged.seek_to_first(); merged.valid(); merged.next()) ++merged_visible;
    const double merged_ns = ns_per(t0, merged_visible);
    REQUIRE(merged_visible == visible);

    std::printf(
        "memtable, 1M %s 13 B keys, 100 B values: insert %.0f ns/op (%.2f M/s), get %.0f ns/op, "
        "iterate %.1f ns/entry, DbIterator %.1f ns/key, DbIterator over 2 merged memtables "
        "%.1f ns/key, arena %.0f MiB\n",
        sequential ? "sequential" : "random", insert_ns, 1e3 / insert_ns, get_ns, iter_ns,
        readseq_ns, merged_ns, static_cast<double>(mem->approximate_memory_usage()) / (1 << 20));
  }
}
