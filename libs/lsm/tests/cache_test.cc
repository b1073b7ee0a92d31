// ShardedLru and BlockCache: byte-bounded LRU eviction, counters, metrics, concurrency.
#include <memory>
#include <thread>
#include <vector>

#include "cache/block_cache.h"
#include "cache/sharded_lru.h"
#include "format/block_builder.h"
#include "format/internal_key.h"
#include "test_support/catch.h"

namespace lsm {
namespace {

struct IntHash {
  std::size_t operator()(int k) const noexcept { return static_cast<std::size_t>(k); }
};
using IntLru = ShardedLru<int, std::shared_ptr<int>, IntHash>;

// `count` distinct keys that share one shard.
std::vector<int> same_shard_keys(std::size_t count) {
  std::vector<int> keys;
  for (int k = 0; keys.size() < count; ++k) {
    if (IntLru::shard_of(k) == IntLru::shard_of(0)) keys.push_back(k);
  }
  return keys;
}

std::shared_ptr<const Block> make_block(int entries) {
  BlockBuilder b;
  for (int i = 0; i < entries; ++i) {
    b.add(make_internal_key("k" + std::to_string(1000 + i), 1, ValueType::value), "value");
  }
  return Block::parse(zerofs::Buffer::copy_of(b.finish())).value();
}

}  // namespace

TEST_CASE("lru evicts the least recently used entry of a shard", "[cache]") {
  IntLru lru(16 * 30);  // 30 bytes per shard: three entries of charge 10
  const auto keys = same_shard_keys(4);
  for (int i = 0; i < 3; ++i) lru.insert(keys[i], std::make_shared<int>(i), 10);
  CHECK(lru.usage() == 30);
  REQUIRE(lru.lookup(keys[0]));  // keys[0] becomes most recent; keys[1] is now the oldest
  lru.insert(keys[3], std::make_shared<int>(3), 10);
  CHECK(lru.lookup(keys[0]));
  CHECK_FALSE(lru.lookup(keys[1]));
  CHECK(lru.lookup(keys[2]));
  CHECK(lru.lookup(keys[3]));
  CHECK(lru.usage() == 30);
}

TEST_CASE("lru replaces, erases and skips oversized entries", "[cache]") {
  IntLru lru(16 * 100);
  lru.insert(1, std::make_shared<int>(1), 40);
  lru.insert(1, std::make_shared<int>(2), 60);
  CHECK(*lru.lookup(1) == 2);
  CHECK(lru.usage() == 60);
  lru.erase(1);
  CHECK_FALSE(lru.lookup(1));
  CHECK(lru.usage() == 0);
  lru.insert(2, std::make_shared<int>(2), 101);  // more than a shard holds
  CHECK_FALSE(lru.lookup(2));
  CHECK(lru.usage() == 0);

  IntLru none(0);
  none.insert(3, std::make_shared<int>(3), 1);
  CHECK_FALSE(none.lookup(3));
}

TEST_CASE("an evicted value lives on while someone holds it", "[cache]") {
  IntLru lru(16 * 10);
  const auto keys = same_shard_keys(2);
  lru.insert(keys[0], std::make_shared<int>(42), 10);
  std::shared_ptr<int> held = lru.lookup(keys[0]);
  lru.insert(keys[1], std::make_shared<int>(7), 10);
  CHECK_FALSE(lru.lookup(keys[0]));
  CHECK(*held == 42);
  CHECK(held.use_count() == 1);
}

TEST_CASE("usage stays within capacity under many inserts", "[cache]") {
  IntLru lru(16 * 1000);
  for (int i = 0; i < 10000; ++i) lru.insert(i, std::make_shared<int>(i), 7);
  CHECK(lru.usage() <= lru.capacity());
  CHECK(lru.usage() > lru.capacity() / 2);
}

TEST_CASE("block cache counts hits and misses and charges block bytes", "[cache]") {
  BlockCache cache(1 << 20);
  const SstId id = SstId::generate();
  CHECK_FALSE(cache.lookup(id, 0));
  auto block = make_block(10);
  cache.insert(id, 0, block);
  CHECK(cache.lookup(id, 0) == block);
  CHECK_FALSE(cache.lookup(id, 4096));
  CHECK_FALSE(cache.lookup(SstId::generate(), 0));
  CHECK(cache.hits() == 1);
  CHECK(cache.misses() == 3);
  CHECK(cache.usage() == block->charge());
}

TEST_CASE("block cache counters are registered metrics", "[cache]") {
  zerofs::metrics::Registry registry;
  BlockCache cache(1 << 20, "data", &registry);
  const SstId id = SstId::generate();
  cache.insert(id, 8, make_block(3));
  CHECK(cache.lookup(id, 8));
  CHECK_FALSE(cache.lookup(id, 9));
  CHECK_FALSE(cache.lookup(id, 10));
  const std::string text = registry.render();
  CHECK(text.find("lsm_cache_hits_total{cache=\"data\"} 1") != std::string::npos);
  CHECK(text.find("lsm_cache_misses_total{cache=\"data\"} 2") != std::string::npos);
}

TEST_CASE("block cache is safe under concurrent use", "[cache]") {
  BlockCache cache(64 << 10);
  const SstId id = SstId::generate();
  auto block = make_block(20);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 5000; ++i) {
        const std::uint64_t offset = static_cast<std::uint64_t>((i * 7 + t) % 300) * 4096;
        if (!cache.lookup(id, offset)) cache.insert(id, offset, block);
      }
    });
  }
  for (auto& t : threads) t.join();
  CHECK(cache.hits() + cache.misses() == 20000);
  CHECK(cache.usage() <= cache.capacity());
}

}  // namespace lsm
