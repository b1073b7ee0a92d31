// The conformance suite against every store this library provides.
#include "conformance.h"

#include <fmt/format.h>

#include <atomic>

#include "store_test_util.h"
#include "test_support/temp_dir.h"
#include "zobj/fault_store.h"
#include "zobj/file_store.h"
#include "zobj/memory_store.h"
#include "zobj/open_store.h"

using zobj::conformance::Bucket;

namespace {

// Two FileStore instances on one directory are as independent as two processes, apart from
// sharing the kernel: racers spread over them exercise the cross-instance locking.
template <typename Dir>
Bucket file_bucket() {
  auto dir = std::make_shared<Dir>();
  auto open = [dir]() -> std::shared_ptr<zobj::ObjectStore> {
    return zobj::FileStore::open(dir->path() / "bucket").value();
  };
  return Bucket{open(), open, dir};
}

// The full suite runs on tmpfs (thousands of files); the cases that stress the file
// system's atomic operations run on the real disk too.
Bucket tmpfs_file_bucket() { return file_bucket<zobj::testing::ScratchDir>(); }
Bucket disk_file_bucket() { return file_bucket<zerofs::testing::TempDir>(); }

// A uniquely named memory:// store, opened through the URL factory; peers get the same
// store from the registry. The name is forgotten when the bucket is dropped.
Bucket memory_bucket() {
  static std::atomic<int> counter{0};
  const std::string url = fmt::format("memory://conformance-{}", counter++);
  auto open = [url]() { return zobj::open_store(url).value(); };
  std::shared_ptr<void> forget(nullptr,
                               [name = url.substr(9)](void*) { zobj::MemoryStore::forget(name); });
  return Bucket{open(), open, std::move(forget)};
}

// The application's stack (RetryStore over MetricsStore) over memory://.
Bucket app_memory_bucket() {
  Bucket bucket = memory_bucket();
  zobj::StoreOptions options;
  options.metrics_name = "conformance";
  bucket.store = zobj::wrap_for_app(bucket.store, options);
  auto open = bucket.open_peer;
  bucket.open_peer = [open, options] { return zobj::wrap_for_app(open(), options); };
  return bucket;
}

// A FaultStore that injects nothing must be invisible.
Bucket fault_free_bucket() {
  Bucket bucket = memory_bucket();
  bucket.store = std::make_shared<zobj::FaultStore>(bucket.store);
  auto open = bucket.open_peer;
  bucket.open_peer = [open] { return std::make_shared<zobj::FaultStore>(open()); };
  return bucket;
}

}  // namespace

ZOBJ_CONFORMANCE_SUITE("file", tmpfs_file_bucket)
ZOBJ_CONFORMANCE_CASE("file on disk", disk_file_bucket, round_trip)
ZOBJ_CONFORMANCE_CASE("file on disk", disk_file_bucket, large_object)
ZOBJ_CONFORMANCE_CASE("file on disk", disk_file_bucket, concurrent_create_if_absent)
ZOBJ_CONFORMANCE_CASE("file on disk", disk_file_bucket, concurrent_if_match)
ZOBJ_CONFORMANCE_CASE("file on disk", disk_file_bucket, list_prefix_and_start_after)
ZOBJ_CONFORMANCE_CASE("file on disk", disk_file_bucket, nested_keys)
ZOBJ_CONFORMANCE_SUITE("memory", memory_bucket)
ZOBJ_CONFORMANCE_SUITE("memory+retry+metrics", app_memory_bucket)
ZOBJ_CONFORMANCE_SUITE("memory+fault-free", fault_free_bucket)
