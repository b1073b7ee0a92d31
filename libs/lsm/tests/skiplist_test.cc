#include "memtable/skiplist.h"

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <random>
#include <set>
#include <thread>
#include <vector>

#include "memtable/arena.h"
#include "test_support/catch.h"

using lsm::Arena;
using lsm::SkipList;

namespace {

struct U64Compare {
  int operator()(std::uint64_t a, std::uint64_t b) const noexcept {
    return a < b ? -1 : (a > b ? 1 : 0);
  }
};
using IntList = SkipList<std::uint64_t, U64Compare>;

std::uint64_t test_seed() {
  static const std::uint64_t seed = std::random_device{}();
  return seed;
}

}  // namespace

TEST_CASE("arena hands out aligned memory and counts it") {
  Arena arena;
  CHECK(arena.memory_usage() == 0);
  std::mt19937_64 rng(test_seed());
  INFO("seed " << test_seed());
  std::vector<std::pair<char*, std::size_t>> blocks;
  std::size_t total = 0;
  for (int i = 0; i < 20000; ++i) {
    std::size_t n = i % 5000 == 0 ? 100000 : rng() % 300 + 1;
    char* p = (i % 3 == 0) ? arena.allocate_aligned(n) : arena.allocate(n);
    if (i % 3 == 0) REQUIRE(reinterpret_cast<std::uintptr_t>(p) % Arena::kAlignment == 0);
    for (std::size_t b = 0; b < n; ++b) p[b] = static_cast<char>(i);
    blocks.emplace_back(p, n);
    total += n;
  }
  // Earlier allocations are untouched by later ones.
  for (std::size_t i = 0; i < blocks.size(); ++i) {
    const auto [p, n] = blocks[i];
    REQUIRE(p[0] == static_cast<char>(i));
    REQUIRE(p[n - 1] == static_cast<char>(i));
  }
  CHECK(arena.memory_usage() >= total);
  CHECK(arena.memory_usage() <= total + total / 3 + Arena::kBlockSize);
}

TEST_CASE("skiplist of random keys matches std::set") {
  Arena arena;
  IntList list(U64Compare{}, &arena);
  std::set<std::uint64_t> model;
  std::mt19937_64 rng(test_seed());
  INFO("seed " << test_seed());

  IntList::Iterator empty(&list);
  empty.seek_to_first();
  CHECK_FALSE(empty.valid());

  for (int i = 0; i < 5000; ++i) {
    const std::uint64_t k = rng() % 20000;
    if (model.insert(k).second) list.insert(k);
  }
  for (std::uint64_t k = 0; k < 20000; k += 7) CHECK(list.contains(k) == model.contains(k));

  IntList::Iterator it(&list);
  it.seek_to_first();
  for (std::uint64_t k : model) {
    REQUIRE(it.valid());
    REQUIRE(it.key() == k);
    it.next();
  }
  CHECK_FALSE(it.valid());

  for (int i = 0; i < 2000; ++i) {
    const std::uint64_t target = rng() % 21000;
    it.seek(target);
    auto expected = model.lower_bound(target);
    if (expected == model.end()) {
      REQUIRE_FALSE(it.valid());
      continue;
    }
    REQUIRE(it.valid());
    REQUIRE(it.key() == *expected);
    // A few steps after a seek follow the model too.
    for (int s = 0; s < 3 && expected != model.end(); ++s, ++expected) {
      REQUIRE(it.valid());
      REQUIRE(it.key() == *expected);
      it.next();
    }
  }
}

namespace {

// A record the writer fills completely before inserting a pointer to it, so a reader that
// sees a half-built record (a missing barrier) fails the checksum.
struct Record {
  std::uint64_t key;
  std::uint64_t check;
  static std::uint64_t checksum(std::uint64_t k) { return (k * 0x9E3779B97F4A7C15ULL) ^ 0xabcdef; }
};

struct RecordCompare {
  int operator()(const Record* a, const Record* b) const noexcept { return (*this)(a, b->key); }
  int operator()(const Record* a, std::uint64_t k) const noexcept {
    return a->key < k ? -1 : (a->key > k ? 1 : 0);
  }
};
using RecordList = SkipList<const Record*, RecordCompare>;

}  // namespace

TEST_CASE("skiplist readers run lock-free beside one writer", "[concurrency]") {
  constexpr std::size_t kKeys = 20000;
  Arena arena;
  RecordList list(RecordCompare{}, &arena);
  std::mt19937_64 rng(test_seed());
  INFO("seed " << test_seed());
  std::vector<std::uint64_t> keys(kKeys);
  for (std::size_t i = 0; i < kKeys; ++i) keys[i] = i * 3 + 1;
  std::shuffle(keys.begin(), keys.end(), rng);

  std::atomic<std::size_t> inserted{0};  // keys[0..inserted) are in the list
  std::atomic<bool> failed{false};
  std::atomic<int> readers_started{0};

  auto reader = [&](std::uint64_t reader_seed) {
    std::mt19937_64 r(reader_seed);
    readers_started.fetch_add(1);
    bool last_pass = false;
    while (!last_pass) {
      last_pass = inserted.load(std::memory_order_acquire) == kKeys;
      const std::size_t known = inserted.load(std::memory_order_acquire);
      // Every key inserted before this pass started is found.
      for (int probe = 0; probe < 20 && known > 0; ++probe) {
        if (!list.contains(keys[r() % known])) failed = true;
      }
      RecordList::Iterator it(&list);
      it.seek_to_first();
      std::uint64_t prev = 0;
      std::size_t seen = 0;
      for (; it.valid(); it.next(), ++seen) {
        const Record* rec = it.key();
        if (rec->check != Record::checksum(rec->key) || (seen > 0 && rec->key <= prev)) {
          failed = true;
        }
        prev = rec->key;
      }
      if (seen < known) failed = true;
      it.seek(r() % (kKeys * 3));
      if (it.valid() && it.key()->check != Record::checksum(it.key()->key)) failed = true;
    }
  };
  std::thread reader1(reader, rng());
  std::thread reader2(reader, rng());
  // Start writing only once both readers run, so reads and inserts really overlap.
  while (readers_started.load() < 2) std::this_thread::yield();

  for (std::uint64_t k : keys) {
    auto* rec = reinterpret_cast<Record*>(arena.allocate_aligned(sizeof(Record)));
    rec->key = k;
    rec->check = Record::checksum(k);
    list.insert(rec);
    inserted.fetch_add(1, std::memory_order_release);
  }
  reader1.join();
  reader2.join();
  CHECK_FALSE(failed.load());

  RecordList::Iterator it(&list);
  std::size_t n = 0;
  for (it.seek_to_first(); it.valid(); it.next()) ++n;
  CHECK(n == kKeys);
}
