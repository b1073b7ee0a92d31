// The conformance suite through a CachingStore that caches every key. Without peers: a
// rewrite by another handle under a cacheable prefix is outside the cache's contract, while
// every write through the cache itself must stay exactly as visible as without it.
#include <fmt/format.h>

#include "conformance.h"
#include "store_test_util.h"
#include "test_support/temp_dir.h"
#include "zobj/caching_store.h"
#include "zobj/memory_store.h"

using zobj::conformance::Bucket;

namespace {

Bucket cached_bucket(std::uint32_t part_size) {
  auto dir = std::make_shared<zerofs::testing::TempDir>();
  zobj::CachingStoreOptions options;
  options.dir = dir->path();
  options.capacity_bytes = 64 << 20;
  options.part_size = part_size;
  options.namespace_id = "conformance";
  auto store = zobj::CachingStore::open(zobj::MemoryStore::create(), options).value();
  // Before the directory goes, the cache's queued writes finish.
  std::shared_ptr<void> keep(nullptr,
                             [dir, weak = std::weak_ptr<zobj::CachingStore>(store)](void*) {
                               if (auto live = weak.lock()) live->wait_for_writes();
                             });
  return Bucket{store, {}, keep};
}

Bucket small_parts() { return cached_bucket(4096); }
Bucket large_parts() { return cached_bucket(1u << 20); }

}  // namespace

ZOBJ_CONFORMANCE_SUITE("disk cache", small_parts)
ZOBJ_CONFORMANCE_CASE("disk cache 1 MiB parts", large_parts, large_object)
ZOBJ_CONFORMANCE_CASE("disk cache 1 MiB parts", large_parts, ranged_get)
