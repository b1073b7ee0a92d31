// CachingStore: exact bytes on hits and partial hits, restart, revalidation, corruption,
// the capacity bound, shared fetches, invalidation and the app stack.
#include "zobj/caching_store.h"

#include <fmt/format.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <random>

#include "store_test_util.h"
#include "test_support/catch.h"
#include "test_support/temp_dir.h"
#include "zobj/fault_store.h"
#include "zobj/memory_store.h"
#include "zobj/metrics_store.h"
#include "zobj/open_store.h"

using namespace zobj;
using zobj::testing::random_bytes;
using zobj::testing::run_concurrently;
using zobj::testing::SyncStore;
namespace fs = std::filesystem;

namespace {

constexpr std::uint32_t kPart = 4096;

// A memory store behind a MetricsStore, so tests count what reaches the backend.
struct Backend {
  zerofs::metrics::Registry registry;
  std::shared_ptr<MemoryStore> memory = MemoryStore::create();
  std::shared_ptr<MetricsStore> counted = std::make_shared<MetricsStore>(memory, "b", registry);

  std::uint64_t gets() const { return counted->snapshot().requests_of(StoreOp::get); }
  std::uint64_t heads() const { return counted->snapshot().requests_of(StoreOp::head); }
};

CachingStoreOptions options_for(const fs::path& dir, std::uint64_t capacity = 1 << 30) {
  CachingStoreOptions o;
  o.dir = dir;
  o.capacity_bytes = capacity;
  o.part_size = kPart;
  o.namespace_id = "test";
  o.registry = nullptr;
  return o;
}

std::shared_ptr<CachingStore> open_cache(std::shared_ptr<ObjectStore> inner,
                                         const CachingStoreOptions& o) {
  return CachingStore::open(std::move(inner), o).value();
}

std::string slice(const Buffer& b, std::uint64_t offset, std::uint64_t length) {
  if (offset >= b.size()) return {};
  return std::string(b.chars().substr(offset, length));
}

std::vector<fs::path> part_files(const fs::path& root) {
  std::vector<fs::path> out;
  for (const auto& e : fs::recursive_directory_iterator(root)) {
    const std::string parent = e.path().parent_path().filename().string();
    if (e.is_regular_file() && parent.size() == 2) out.push_back(e.path());
  }
  return out;
}

}  // namespace

TEST_CASE("disk cache serves exact bytes on hits and partial hits") {
  zerofs::testing::TempDir dir;
  Backend backend;
  const Buffer object = random_bytes(3 * kPart + 500, 7);
  SyncStore(*backend.memory).put("sst/a", object.view()).value();
  auto cache = open_cache(backend.counted, options_for(dir.path()));
  SyncStore sync(*cache);

  auto first = sync.get("sst/a", ByteRange{100, 5000}).value();
  CHECK(first.data.chars() == slice(object, 100, 5000));
  CHECK(first.meta.size == object.size());
  CHECK(backend.gets() == 1);
  cache->wait_for_writes();
  CHECK(cache->stats().part_files == 2);

  // Parts 0 and 1 are on disk: no backend request.
  CHECK(sync.get("sst/a", ByteRange{4000, 200}).value().data.chars() == slice(object, 4000, 200));
  CHECK(backend.gets() == 1);
  // Part 1 from disk, parts 2 and 3 in one ranged GET.
  CHECK(sync.get("sst/a", ByteRange{5000, 1 << 20}).value().data.chars() ==
        slice(object, 5000, 1 << 20));
  CHECK(backend.gets() == 2);
  cache->wait_for_writes();
  // Everything cached now: whole-object and past-the-end reads need no backend.
  const auto whole = sync.get("sst/a").value();
  CHECK(whole.data == object);
  CHECK(whole.meta.etag == SyncStore(*backend.memory).head("sst/a").value().etag);
  CHECK(sync.get("sst/a", ByteRange{object.size(), 10}).value().data.empty());
  CHECK(sync.get("sst/a", ByteRange{object.size() - 1, 10}).value().data.chars() ==
        slice(object, object.size() - 1, 10));
  CHECK(backend.gets() == 2);
  const CacheStats s = cache->stats();
  CHECK(s.misses == 4);
  CHECK(s.part_files == 4);
  CHECK(s.bytes_from_store == object.size());
  CHECK(s.hits >= 5);
}

TEST_CASE("disk cache matches the store on random ranges") {
  zerofs::testing::TempDir dir;
  Backend backend;
  const Buffer object = random_bytes(17 * kPart + 123, 11);
  SyncStore(*backend.memory).put("k", object.view()).value();
  auto cache = open_cache(backend.counted, options_for(dir.path()));
  SyncStore sync(*cache);
  std::mt19937_64 rng(42);
  for (int i = 0; i < 300; ++i) {
    const std::uint64_t offset = rng() % (object.size() + 100);
    const std::uint64_t length = 1 + rng() % (3 * kPart);
    INFO("range " << offset << "+" << length);
    const auto got = sync.get("k", ByteRange{offset, length}).value();
    REQUIRE(got.data.chars() == slice(object, offset, length));
    REQUIRE(got.meta.size == object.size());
    if (i % 7 == 0) cache->wait_for_writes();
  }
  cache->wait_for_writes();
  // Each part was fetched at most a few times (only while its write was still queued).
  CHECK(cache->stats().part_files == 18);
  CHECK(sync.get("k").value().data == object);
}

TEST_CASE("disk cache survives a restart and serves with the store down") {
  zerofs::testing::TempDir dir;
  Backend backend;
  const Buffer object = random_bytes(2 * kPart + 10, 3);
  SyncStore(*backend.memory).put("sst/x", object.view()).value();
  CachingStoreOptions o = options_for(dir.path());
  o.revalidate = false;
  {
    auto cache = open_cache(backend.counted, o);
    CHECK(SyncStore(*cache).get("sst/x").value().data == object);
  }  // closing waits for the queued writes
  // Every GET and HEAD of the new inner store fails: only the disk can answer.
  FaultOptions down;
  down.op(StoreOp::get).error_rate = 1.0;
  down.op(StoreOp::head).error_rate = 1.0;
  auto failing = std::make_shared<FaultStore>(MemoryStore::create(), down);
  auto cache = open_cache(failing, o);
  SyncStore sync(*cache);
  CHECK(cache->stats().part_files == 3);
  const auto got = sync.get("sst/x", ByteRange{kPart - 5, kPart + 10}).value();
  CHECK(got.data.chars() == slice(object, kPart - 5, kPart + 10));
  CHECK(got.meta.size == object.size());
  CHECK(sync.get("sst/x").value().data == object);
  CHECK(failing->counters().calls_of(StoreOp::get) == 0);
  CHECK(cache->stats().hits == 6);
  // What is not cached still goes to the (failing) store.
  CHECK(sync.get("sst/other", ByteRange{0, 10}).error().code() == Errc::transient);
}

TEST_CASE("disk cache revalidates objects from an earlier run once") {
  zerofs::testing::TempDir dir;
  Backend backend;
  const Buffer v1 = random_bytes(kPart + 1, 1);
  SyncStore(*backend.memory).put("sst/y", v1.view()).value();
  const CachingStoreOptions o = options_for(dir.path());
  {
    auto cache = open_cache(backend.counted, o);
    CHECK(SyncStore(*cache).get("sst/y").value().data == v1);
  }
  SECTION("unchanged: one HEAD, then served from disk") {
    auto cache = open_cache(backend.counted, o);
    SyncStore sync(*cache);
    const std::uint64_t gets = backend.gets();
    CHECK(sync.get("sst/y", ByteRange{0, 10}).value().data.chars() == slice(v1, 0, 10));
    CHECK(sync.get("sst/y").value().data == v1);
    CHECK(backend.heads() == 1);
    CHECK(backend.gets() == gets);
  }
  SECTION("wiped and rewritten: the old parts are dropped, never served") {
    const Buffer v2 = random_bytes(kPart + 1, 2);
    SyncStore(*backend.memory).put("sst/y", v2.view()).value();
    auto cache = open_cache(backend.counted, o);
    SyncStore sync(*cache);
    CHECK(sync.get("sst/y", ByteRange{0, kPart + 1}).value().data == v2);
    CHECK(sync.get("sst/y").value().data == v2);
  }
  SECTION("deleted from the store: not_found") {
    SyncStore(*backend.memory).del("sst/y").value();
    auto cache = open_cache(backend.counted, o);
    CHECK(SyncStore(*cache).get("sst/y", ByteRange{0, 1}).error().code() == Errc::not_found);
    CHECK(cache->stats().part_files == 0);
  }
}

TEST_CASE("disk cache detects corrupt and torn part files") {
  zerofs::testing::TempDir dir;
  Backend backend;
  const Buffer object = random_bytes(4 * kPart, 5);
  SyncStore(*backend.memory).put("sst/z", object.view()).value();
  CachingStoreOptions o = options_for(dir.path());
  o.revalidate = false;
  fs::path root;
  {
    auto cache = open_cache(backend.counted, o);
    CHECK(SyncStore(*cache).get("sst/z").value().data == object);
    root = cache->directory();
  }
  auto files = part_files(root);
  REQUIRE(files.size() == 4);
  SECTION("a flipped payload byte is caught by the checksum on read") {
    {
      std::fstream f(files[0], std::ios::in | std::ios::out | std::ios::binary);
      f.seekg(-1, std::ios::end);
      const char last = static_cast<char>(f.get());
      f.seekp(-1, std::ios::end);
      f.put(static_cast<char>(~last));
    }
    auto cache = open_cache(backend.counted, o);
    CHECK(cache->stats().part_files == 4);  // the header still parses
    const std::uint64_t gets = backend.gets();
    CHECK(SyncStore(*cache).get("sst/z").value().data == object);
    CHECK(cache->stats().corrupt == 1);
    CHECK(backend.gets() == gets + 1);  // only the bad part was fetched again
  }
  SECTION("a truncated file is dropped when the cache opens") {
    fs::resize_file(files[1], fs::file_size(files[1]) - 3);
    fs::resize_file(files[2], 10);
    auto cache = open_cache(backend.counted, o);
    CHECK(cache->stats().corrupt == 2);
    CHECK(cache->stats().part_files == 2);
    CHECK(part_files(root).size() == 2);
    CHECK(SyncStore(*cache).get("sst/z").value().data == object);
  }
  SECTION("a file altered while the cache runs is not served") {
    auto cache = open_cache(backend.counted, o);
    for (const fs::path& p : files) {
      std::fstream f(p, std::ios::in | std::ios::out | std::ios::binary);
      f.seekp(60);  // inside the key
      f.put('#');
    }
    CHECK(SyncStore(*cache).get("sst/z").value().data == object);
    CHECK(cache->stats().corrupt == 4);
    CHECK(cache->stats().hits == 0);
  }
}

TEST_CASE("disk cache stays within its capacity, evicting the least recently used") {
  zerofs::testing::TempDir dir;
  Backend backend;
  const Buffer object = random_bytes(40 * kPart, 9);
  SyncStore(*backend.memory).put("sst/big", object.view()).value();
  // Room for 8 parts (each file is the part plus a ~130-byte header).
  const std::uint64_t capacity = 8 * (kPart + 200);
  auto cache = open_cache(backend.counted, options_for(dir.path(), capacity));
  SyncStore sync(*cache);
  for (std::uint64_t p = 0; p < 40; ++p) {
    const auto got = sync.get("sst/big", ByteRange{p * kPart, 10}).value();
    REQUIRE(got.data.chars() == slice(object, p * kPart, 10));
    // Part 0 is read again after each new part: it stays the most recent.
    cache->wait_for_writes();
    REQUIRE(sync.get("sst/big", ByteRange{0, 10}).value().data.chars() == slice(object, 0, 10));
    REQUIRE(cache->stats().used_bytes <= capacity);
  }
  const CacheStats s = cache->stats();
  CHECK(s.part_files == 8);
  CHECK(s.evictions == 32);
  CHECK(part_files(cache->directory()).size() == 8);
  CHECK(s.misses == 40);  // part 0 was never evicted, so never fetched twice
  // Reopening with a smaller bound evicts down to it.
  const fs::path root = cache->directory();
  cache.reset();
  CachingStoreOptions smaller = options_for(dir.path(), 3 * (kPart + 200));
  auto reopened = open_cache(backend.counted, smaller);
  CHECK(reopened->stats().part_files == 3);
  CHECK(part_files(root).size() == 3);
}

TEST_CASE("concurrent GETs of the same parts fetch them once") {
  zerofs::testing::TempDir dir;
  Backend backend;
  const Buffer object = random_bytes(3 * kPart, 13);
  SyncStore(*backend.memory).put("sst/hot", object.view()).value();
  FaultOptions slow;
  slow.op(StoreOp::get).latency = std::chrono::milliseconds(20);
  auto latent = std::make_shared<FaultStore>(backend.counted, slow);
  auto cache = open_cache(latent, options_for(dir.path()));
  std::vector<std::function<Task<Result<GetResult>>()>> tasks;
  for (int i = 0; i < 16; ++i) {
    tasks.push_back([&cache, i]() -> Task<Result<GetResult>> {
      const ByteRange range{static_cast<std::uint64_t>(i) * 10, 2 * kPart + 100};
      co_return co_await cache->get("sst/hot", range);
    });
  }
  const auto results = run_concurrently(std::move(tasks), 4);
  for (std::size_t i = 0; i < results.size(); ++i) {
    REQUIRE(results[i].value().data.chars() == slice(object, i * 10, 2 * kPart + 100));
  }
  CHECK(backend.gets() == 1);
  const CacheStats s = cache->stats();
  CHECK(s.misses == 3);
  CHECK(s.joined + s.hits == 16 * 3 - 3);
}

TEST_CASE("puts and deletes through the cache invalidate it") {
  zerofs::testing::TempDir dir;
  Backend backend;
  auto cache = open_cache(backend.counted, options_for(dir.path()));
  SyncStore sync(*cache);
  const Buffer v1 = random_bytes(kPart + 7, 1);
  const Buffer v2 = random_bytes(kPart + 9, 2);
  sync.put("k", v1.view()).value();
  CHECK(sync.get("k", ByteRange{0, 100}).value().data.chars() == slice(v1, 0, 100));
  cache->wait_for_writes();
  sync.put("k", v2.view()).value();
  CHECK(sync.get("k", ByteRange{0, 100}).value().data.chars() == slice(v2, 0, 100));
  CHECK(sync.get("k").value().data == v2);
  cache->wait_for_writes();
  sync.del("k").value();
  CHECK(sync.get("k", ByteRange{0, 1}).error().code() == Errc::not_found);
  CHECK(cache->stats().part_files == 0);
}

TEST_CASE("keys outside the cacheable prefixes pass through") {
  zerofs::testing::TempDir dir;
  Backend backend;
  CachingStoreOptions o = options_for(dir.path());
  o.cacheable_prefixes = {"db/sst/"};
  auto cache = open_cache(backend.counted, o);
  SyncStore sync(*cache);
  sync.put("db/manifest/1", "m").value();
  sync.put("db/sst/1", "s").value();
  for (int i = 0; i < 3; ++i) {
    CHECK(sync.text("db/manifest/1") == "m");
    CHECK(sync.text("db/sst/1") == "s");
    cache->wait_for_writes();
  }
  CHECK(backend.gets() == 3 + 1);
  CHECK(cache->cacheable("db/sst/x"));
  CHECK_FALSE(cache->cacheable("db/wal/x"));
}

TEST_CASE("one process at a time owns a cache namespace") {
  zerofs::testing::TempDir dir;
  Backend backend;
  auto first = open_cache(backend.counted, options_for(dir.path()));
  CHECK(CachingStore::open(backend.counted, options_for(dir.path())).error().code() == Errc::busy);
  CachingStoreOptions other = options_for(dir.path());
  other.namespace_id = "another store";
  CHECK(CachingStore::open(backend.counted, other).has_value());
  CachingStoreOptions bad = options_for(dir.path());
  bad.part_size = 2u << 20;
  CHECK(CachingStore::open(backend.counted, bad).error().code() == Errc::invalid_argument);
}

TEST_CASE("the app stack puts the disk cache outermost when configured") {
  zerofs::testing::TempDir dir;
  StoreOptions options;
  options.metrics = false;
  options.disk_cache.dir = dir.path();
  options.disk_cache.capacity_bytes = 1 << 20;
  auto store = open_app_store("memory://", options).value();
  CHECK(store->describe().starts_with("cache(retry("));
  SyncStore sync(*store);
  sync.put("a", "hello").value();
  CHECK(sync.text("a") == "hello");
  StoreOptions off;
  off.disk_cache.dir = dir.path();  // size 0: no cache
  CHECK_FALSE(open_app_store("memory://", off).value()->describe().starts_with("cache("));
}

TEST_CASE("GETs racing with overwrites through the cache never mix versions") {
  zerofs::testing::TempDir dir;
  Backend backend;
  auto cache = open_cache(backend.counted, options_for(dir.path()));
  constexpr int kVersions = 8;
  std::vector<Buffer> versions;
  for (int v = 0; v < kVersions; ++v) versions.push_back(random_bytes(3 * kPart + 17, 100 + v));
  SyncStore(*cache).put("k", versions[0].view()).value();
  std::vector<std::function<Task<Result<GetResult>>()>> tasks;
  tasks.push_back([&]() -> Task<Result<GetResult>> {
    for (int v = 1; v < kVersions; ++v) {
      auto put = co_await cache->put("k", versions[v].view(), PutOptions());
      if (!put) co_return zerofs::fail(put.error());
    }
    co_return GetResult();
  });
  std::atomic<int> mixed{0};
  for (int t = 0; t < 12; ++t) {
    tasks.push_back([&, t]() -> Task<Result<GetResult>> {
      std::mt19937_64 rng(t);
      for (int i = 0; i < 30; ++i) {
        const std::uint64_t offset = rng() % (3 * kPart);
        const ByteRange range{offset, 1 + rng() % (2 * kPart)};
        auto got = co_await cache->get("k", range);
        if (!got) co_return got;
        bool matches = false;
        for (const Buffer& v : versions) {
          matches = matches || got->data.chars() == slice(v, range.offset, range.length);
        }
        if (!matches) ++mixed;
      }
      co_return GetResult();
    });
  }
  for (auto& result : run_concurrently(std::move(tasks), 4)) REQUIRE(result.has_value());
  CHECK(mixed == 0);
  cache->wait_for_writes();
  CHECK(SyncStore(*cache).get("k").value().data == versions.back());
  CHECK(SyncStore(*cache).get("k", ByteRange{kPart, 10}).value().data.chars() ==
        slice(versions.back(), kPart, 10));
}
