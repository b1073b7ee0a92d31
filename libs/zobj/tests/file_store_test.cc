// FileStore behaviour beyond the conformance suite: reopening, the on-disk layout, temp-file
// clean-up, foreign files, threading, and writers in other instances and processes.
#include "zobj/file_store.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/asio/detached.hpp>
#include <filesystem>
#include <fstream>
#include <thread>

#include "file_layout.h"
#include "store_test_util.h"
#include "test_support/catch.h"
#include "test_support/temp_dir.h"

using namespace zobj;
namespace asio = zerofs::asio;
using zobj::testing::run_concurrently;
using zobj::testing::SyncStore;
namespace fs = std::filesystem;

namespace {

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

std::shared_ptr<FileStore> open_store(const fs::path& root) {
  auto store = FileStore::open(root);
  if (!store) FAIL(store.error().to_string());
  return *store;
}

// Adds one to the decimal counter in `key` with a read / if-match loop; returns conflicts.
Task<Result<int>> increment(ObjectStore& store, const std::string& key) {
  for (int conflicts = 0;; ++conflicts) {
    ZF_CO_TRY(GetResult current, co_await store.get(key, std::nullopt));
    const std::string next = std::to_string(std::stoi(zobj::testing::to_string(current.data)) + 1);
    auto put =
        co_await store.put(key, zerofs::as_bytes(next), PutOptions::match(current.meta.etag));
    if (put) co_return conflicts;
    if (put.error().code() != Errc::precondition_failed) co_return std::unexpected(put.error());
  }
}

}  // namespace

TEST_CASE("file store keeps objects across reopen") {
  zerofs::testing::TempDir dir;
  const fs::path root = dir.path() / "store";
  ObjectMeta written;
  {
    auto store = open_store(root);
    SyncStore sync(*store);
    written = sync.put("db/manifest/0001", "manifest bytes").value();
    sync.put("db/wal/0001.sst", "wal bytes").value();
    sync.put("db", "an object beside its own prefix").value();
  }
  auto store = open_store(root);
  SyncStore sync(*store);
  const GetResult got = sync.get("db/manifest/0001").value();
  CHECK(zobj::testing::to_string(got.data) == "manifest bytes");
  CHECK(got.meta.etag == written.etag);
  CHECK(got.meta.put_id == written.put_id);
  const auto listed = sync.list_all("").value();
  REQUIRE(listed.size() == 3);
  CHECK(listed[0].key == "db");
  CHECK(listed[1].key == "db/manifest/0001");
  CHECK(listed[2].key == "db/wal/0001.sst");
}

TEST_CASE("file store: large objects (written with direct I/O) read back byte-exactly") {
  zerofs::testing::TempDir dir;
  const fs::path root = dir.path() / "store";
  // Around the direct-I/O threshold (256 KiB) and the 1 MiB staging size, aligned and not.
  const std::vector<std::size_t> sizes = {(256 << 10) - 1, 256 << 10,        (256 << 10) + 1,
                                          1 << 20,         (1 << 20) + 4097, (3 << 20) + 7};
  std::string payload((3 << 20) + 7, '\0');
  for (std::size_t i = 0; i < payload.size(); ++i) payload[i] = static_cast<char>((i * 131) >> 3);
  {
    auto store = open_store(root);
    SyncStore sync(*store);
    for (const std::size_t size : sizes) {
      const std::string key = fmt::format("big/{}", size);
      const ObjectMeta meta = sync.put(key, payload.substr(0, size)).value();
      CHECK(meta.size == size);
    }
  }
  auto store = open_store(root);  // a reopen reads what reached the disk
  SyncStore sync(*store);
  for (const std::size_t size : sizes) {
    const std::string key = fmt::format("big/{}", size);
    const GetResult got = sync.get(key).value();
    CHECK(got.meta.size == size);
    CHECK(zobj::testing::to_string(got.data) == payload.substr(0, size));
    const GetResult tail = sync.get(key, ByteRange{size - 5000, 5000}).value();
    CHECK(zobj::testing::to_string(tail.data) == payload.substr(size - 5000, 5000));
  }
}

TEST_CASE("file store on-disk layout: escaped paths and a header before the payload") {
  zerofs::testing::TempDir dir;
  auto store = open_store(dir.path());
  SyncStore sync(*store);
  PutOptions options;
  options.put_id = "pid-1";
  const ObjectMeta meta = sync.put("wal/01.sst", "hello", options).value();
  sync.put("a", "A").value();
  sync.put("a/b", "AB").value();
  sync.put("p%/q", "percent").value();

  const std::string raw = read_file(dir.path() / "wal%" / "01.sst");
  REQUIRE(raw.size() == 8 + 32 + 5 + 5);
  CHECK(raw.substr(0, 4) == "ZOBJ");
  CHECK(raw[4] == 1);
  CHECK(raw[5] == 32);
  CHECK(raw[6] == 5);
  CHECK(raw[7] == 0);
  CHECK(raw.substr(8, 32) == meta.etag);
  CHECK(raw.substr(40, 5) == "pid-1");
  CHECK(raw.substr(45) == "hello");
  CHECK(read_file(dir.path() / "a").ends_with("A"));
  CHECK(read_file(dir.path() / "a%" / "b").ends_with("AB"));
  CHECK(read_file(dir.path() / "p%25%" / "q").ends_with("percent"));
  CHECK(fs::is_directory(dir.path() / ".zobj%tmp"));
  CHECK(fs::exists(dir.path() / ".zobj%lock" /
                   fmt::format("{:02x}", file_layout::lock_stripe("wal/01.sst"))));
}

TEST_CASE("file store removes temp directories of dead instances, not of live ones") {
  zerofs::testing::TempDir dir;
  auto live = open_store(dir.path());
  const fs::path dead = dir.path() / ".zobj%tmp" / "dead-instance";
  fs::create_directories(dead);
  std::ofstream(dead / "7") << "half-written object";
  std::ofstream(dir.path() / ".zobj%tmp" / "stray") << "x";

  auto second = open_store(dir.path());
  CHECK_FALSE(fs::exists(dead));
  CHECK_FALSE(fs::exists(dir.path() / ".zobj%tmp" / "stray"));
  CHECK(fs::is_directory(live->temp_dir()));
  CHECK(fs::is_directory(second->temp_dir()));
  CHECK(SyncStore(*second).list_all("").value().empty());

  const std::string live_temp = live->temp_dir();
  live.reset();
  CHECK_FALSE(fs::exists(live_temp));
}

TEST_CASE("file store skips foreign files in listings and refuses to serve them") {
  zerofs::testing::TempDir dir;
  auto store = open_store(dir.path());
  SyncStore sync(*store);
  sync.put("real", "object").value();
  std::ofstream(dir.path() / "README") << "not an object";
  fs::create_directories(dir.path() / "lost+found");
  std::ofstream(dir.path() / "x%y") << "undecodable name";

  const auto listed = sync.list_all("").value();
  REQUIRE(listed.size() == 1);
  CHECK(listed[0].key == "real");
  const auto got = sync.get("README");
  REQUIRE_FALSE(got);
  CHECK(got.error().code() == Errc::permanent);
  CHECK(sync.head("lost+found").error().code() == Errc::permanent);
}

TEST_CASE("file store rejects key segments longer than a file name") {
  zerofs::testing::TempDir dir;
  auto store = open_store(dir.path());
  SyncStore sync(*store);
  CHECK(sync.put(std::string(300, 's'), "x").error().code() == Errc::invalid_argument);
  CHECK(sync.get(std::string(300, 's') + "/x").error().code() == Errc::invalid_argument);
  CHECK(sync.put(std::string(250, 's'), "x").has_value());
}

TEST_CASE("file store blocks on a pool thread, never on the caller's io_context") {
  zerofs::testing::TempDir dir;
  auto store = open_store(dir.path());
  // Hold the key's lock stripe as another process would: the put must wait for it on the
  // store's pool while the io_context thread keeps running other coroutines.
  const std::string lock_path =
      (dir.path() / ".zobj%lock" / fmt::format("{:02x}", file_layout::lock_stripe("k"))).string();
  int lock_fd = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  REQUIRE(lock_fd >= 0);
  REQUIRE(::flock(lock_fd, LOCK_EX) == 0);

  asio::io_context io;
  const auto io_thread = std::this_thread::get_id();
  bool put_done = false;
  bool resumed_on_io_thread = false;
  asio::co_spawn(
      io,
      [&]() -> Task<void> {
        auto r = co_await store->put("k", zerofs::as_bytes("v"), PutOptions());
        resumed_on_io_thread = std::this_thread::get_id() == io_thread;
        put_done = r.has_value();
      },
      asio::detached);
  bool other_ran_while_blocked = false;
  asio::co_spawn(
      io,
      [&]() -> Task<void> {
        other_ran_while_blocked = !put_done;
        ::close(lock_fd);  // releases the lock; the put proceeds
        co_return;
      },
      asio::detached);
  io.run();
  CHECK(other_ran_while_blocked);
  CHECK(put_done);
  CHECK(resumed_on_io_thread);
}

TEST_CASE("two file store instances on one directory: if-match counter from many threads") {
  zerofs::testing::TempDir dir;
  auto a = open_store(dir.path());
  auto b = open_store(dir.path());
  SyncStore(*a).put("counter", "0").value();
  constexpr int kWorkers = 8;
  constexpr int kEach = 10;
  std::vector<std::function<Task<Result<int>>()>> tasks;
  for (int w = 0; w < kWorkers; ++w) {
    ObjectStore& store = w % 2 == 0 ? static_cast<ObjectStore&>(*a) : *b;
    tasks.emplace_back([&store]() -> Task<Result<int>> {
      int conflicts = 0;
      for (int i = 0; i < kEach; ++i) {
        ZF_CO_TRY(const int c, co_await increment(store, "counter"));
        conflicts += c;
      }
      co_return conflicts;
    });
  }
  int conflicts = 0;
  for (auto& r : run_concurrently(std::move(tasks), 4)) conflicts += r.value();
  CHECK(SyncStore(*b).text("counter") == std::to_string(kWorkers * kEach));
  INFO("conflicts " << conflicts);
}

TEST_CASE("file store if-match is atomic across processes") {
  zerofs::testing::TempDir dir;
  SyncStore(*open_store(dir.path())).put("counter", "0").value();
  constexpr int kProcesses = 3;
  constexpr int kEach = 15;
  std::vector<pid_t> children;
  for (int p = 0; p < kProcesses; ++p) {
    const pid_t pid = ::fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
      // Child: its own store and io_context; reports through the exit status only.
      int status = 0;
      {
        auto store = FileStore::open(dir.path());
        asio::io_context io;
        for (int i = 0; store && i < kEach && status == 0; ++i) {
          if (!zerofs::run_blocking(io, increment(**store, "counter"))) status = 1;
        }
        if (!store) status = 2;
      }
      ::_exit(status);
    }
    children.push_back(pid);
  }
  for (const pid_t pid : children) {
    int status = 0;
    REQUIRE(::waitpid(pid, &status, 0) == pid);
    CHECK(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 0);
  }
  CHECK(SyncStore(*open_store(dir.path())).text("counter") == std::to_string(kProcesses * kEach));
}
