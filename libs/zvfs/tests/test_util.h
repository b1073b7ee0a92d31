// Helpers for zvfs tests: fast configurations (cheap Argon2id, tiny LSM sizes), a fixture
// around BlockingFilesystem for synchronous tests, and a coroutine driver.
#pragma once

#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>

#include "base/async.h"
#include "test_support/catch.h"
#include "zobj/memory_store.h"
#include "zvfs/blocking_filesystem.h"
#include "zvfs/check.h"
#include "zvfs/filesystem.h"

// Failed Results print their error in assertion messages.
namespace Catch {
template <typename T>
struct StringMaker<std::expected<T, zerofs::Error>> {
  static std::string convert(const std::expected<T, zerofs::Error>& r) {
    return r ? std::string("ok") : "error " + r.error().to_string();
  }
};
}  // namespace Catch

namespace zvfs::testing {

using zerofs::Errc;

inline lsm::Options small_lsm_options() {
  lsm::Options o;
  o.memtable_size = 256 << 10;
  o.block_size = 1024;
  o.sst_target_size = 256 << 10;
  o.l0_compaction_trigger = 4;
  o.l0_max_ssts = 64;
  o.flush_interval = std::chrono::milliseconds(2);
  o.wal_flush_bytes = 64 << 10;
  o.block_cache_bytes = 4 << 20;
  o.meta_cache_bytes = 1 << 20;
  o.gc_interval = std::chrono::hours(1);
  o.cpu_threads = 1;
  return o;
}

inline FilesystemConfig test_config(std::shared_ptr<zobj::ObjectStore> store,
                                    std::string password = "correct horse") {
  FilesystemConfig c;
  c.url = "memory://zvfs-test";
  c.store = std::move(store);
  c.password = std::move(password);
  c.kdf_opslimit = 1;
  c.kdf_memlimit = 8192;
  c.lsm = small_lsm_options();
  return c;
}

inline zerofs::ByteView bytes(std::string_view s) { return zerofs::as_bytes(s); }
inline std::string str(const zerofs::Buffer& b) { return std::string(b.chars()); }

// "" when equal, else where and how two byte strings differ (for readable failures).
inline std::string diff(const std::string& got, const std::string& want) {
  if (got == want) return "";
  std::size_t i = 0;
  while (i < got.size() && i < want.size() && got[i] == want[i]) ++i;
  return "sizes " + std::to_string(got.size()) + "/" + std::to_string(want.size()) +
         ", first difference at byte " + std::to_string(i);
}

// Users of the permission tests: alice (1000:1000), bob (1001:1001, also in group 1000),
// carol (1002:1002), root.
inline Credentials root_cred() { return Credentials::root(); }
inline Credentials alice() { return Credentials(1000, 1000); }
inline Credentials bob() { return Credentials(1001, 1001, {1000}); }
inline Credentials carol() { return Credentials(1002, 1002); }

// A filesystem on a private memory store, driven synchronously.
class FsFixture {
 public:
  explicit FsFixture(std::shared_ptr<zobj::ObjectStore> store = zobj::MemoryStore::create())
      : store_(std::move(store)) {
    open();
  }
  explicit FsFixture(FilesystemConfig config) : store_(config.store), config_(std::move(config)) {
    open();
  }
  ~FsFixture() {
    if (fs_) (void)fs_->close();
  }

  BlockingFilesystem& fs() { return *fs_; }
  BlockingFilesystem* operator->() { return fs_.get(); }
  FilesystemConfig& config() { return config_; }
  const std::shared_ptr<zobj::ObjectStore>& store() const { return store_; }

  void open() {
    if (!config_.store) config_ = test_config(store_);
    auto opened = BlockingFilesystem::open(config_);
    if (!opened) FAIL("open: " << opened.error().to_string());
    fs_ = std::move(*opened);
  }
  void reopen() {
    REQUIRE(fs_->close());
    fs_.reset();
    open();
  }
  void expect_clean() {
    auto report = fs_->check();
    REQUIRE(report);
    INFO(report->summary());
    CHECK(report->clean());
  }

  // Shortcuts that must succeed.
  Attr file(Ino parent, std::string_view name, std::string_view data = {},
            const Credentials& cred = Credentials::root(), std::uint32_t mode = 0644) {
    auto created = fs_->create(cred, parent, name, mode, true);
    REQUIRE(created);
    if (!data.empty()) REQUIRE(fs_->write(cred, created->attr.ino, 0, bytes(data)));
    return created->attr;
  }
  Attr dir(Ino parent, std::string_view name, const Credentials& cred = Credentials::root(),
           std::uint32_t mode = 0755) {
    auto made = fs_->mkdir(cred, parent, name, mode);
    REQUIRE(made);
    return *made;
  }
  std::string content(Ino ino, const Credentials& cred = Credentials::root()) {
    auto attr = fs_->getattr(cred, ino);
    REQUIRE(attr);
    auto r = fs_->read(cred, ino, 0, attr->size);
    REQUIRE(r);
    return str(r->data);
  }
  Attr attr(Ino ino) {
    auto a = fs_->getattr(Credentials::root(), ino);
    REQUIRE(a);
    return *a;
  }

 private:
  std::shared_ptr<zobj::ObjectStore> store_;
  FilesystemConfig config_;
  std::unique_ptr<BlockingFilesystem> fs_;
};

// The error code of a failed Result (fails the test when it succeeded).
template <typename T>
Errc code_of(const zerofs::Result<T>& r) {
  REQUIRE_FALSE(r.has_value());
  return r.error().code();
}

}  // namespace zvfs::testing
