// Helpers for object-store tests: blocking calls, truly concurrent coroutines, test bytes.
#pragma once

#include <stdlib.h>

#include <cstring>
#include <exception>
#include <filesystem>
#include <functional>
#include <optional>
#include <random>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "base/async.h"
#include "zobj/object_store.h"

namespace zobj::testing {

namespace asio = zerofs::asio;

// Deterministic pseudo-random bytes.
inline Buffer random_bytes(std::size_t size, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  Buffer out(size);
  std::size_t i = 0;
  for (; i + 8 <= size; i += 8) {
    const std::uint64_t v = rng();
    std::memcpy(out.data() + i, &v, 8);
  }
  for (; i < size; ++i) out[i] = static_cast<std::byte>(rng());
  return out;
}

inline std::string to_string(const Buffer& b) { return std::string(b.chars()); }

// A temporary directory on tmpfs (/dev/shm) when the machine has one, else in the system temp
// directory; removed with its contents on destruction. For suites that create thousands of
// fsynced files: on disks mounted with `discard` each unlink of such a file costs
// milliseconds. Tests of on-disk behaviour use zerofs::testing::TempDir (the real disk).
class ScratchDir {
 public:
  ScratchDir() {
    std::error_code ec;
    const std::filesystem::path base = std::filesystem::is_directory("/dev/shm", ec)
                                           ? std::filesystem::path("/dev/shm")
                                           : std::filesystem::temp_directory_path();
    std::string pattern = (base / "zobj-test-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
  }
  ~ScratchDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;

  const std::filesystem::path& path() const noexcept { return path_; }

 private:
  std::filesystem::path path_;
};

// Runs each call of a store on a private io_context and waits for it.
class SyncStore {
 public:
  explicit SyncStore(ObjectStore& store) : store_(store) {}

  Result<GetResult> get(const std::string& key, std::optional<ByteRange> range = {}) {
    return run(store_.get(key, range));
  }
  Result<ObjectMeta> head(const std::string& key) { return run(store_.head(key)); }
  Result<ObjectMeta> put(const std::string& key, ByteView data, PutOptions options = {}) {
    return run(store_.put(key, data, std::move(options)));
  }
  Result<ObjectMeta> put(const std::string& key, std::string_view text, PutOptions options = {}) {
    return put(key, zerofs::as_bytes(text), std::move(options));
  }
  Result<void> del(const std::string& key) { return run(store_.del(key)); }
  Result<ListPage> list(const std::string& prefix, const std::string& start_after,
                        std::size_t max_keys) {
    return run(store_.list(prefix, start_after, max_keys));
  }
  Result<std::vector<ObjectMeta>> list_all(const std::string& prefix, std::size_t page = 1000) {
    return run(zobj::list_all(store_, prefix, page));
  }
  // The payload of `key` as text, or the error's code name.
  std::string text(const std::string& key) {
    auto got = get(key);
    return got ? to_string(got->data)
               : "<" + std::string(zerofs::errc_name(got.error().code())) + ">";
  }

  template <typename T>
  T run(Task<T> task) {
    return zerofs::run_blocking(io_, std::move(task));
  }

 private:
  ObjectStore& store_;
  asio::io_context io_;
};

// Starts every task on one io_context run by `threads` threads, so tasks really overlap,
// and returns their results in order.
template <typename T>
std::vector<T> run_concurrently(std::vector<std::function<Task<T>()>> tasks, int threads = 4) {
  asio::io_context io;
  std::vector<std::optional<T>> results(tasks.size());
  std::vector<std::exception_ptr> errors(tasks.size());
  for (std::size_t i = 0; i < tasks.size(); ++i) {
    asio::co_spawn(io, tasks[i](), [&results, &errors, i](std::exception_ptr e, T value) {
      errors[i] = e;
      if (!e) results[i].emplace(std::move(value));
    });
  }
  std::vector<std::thread> pool;
  for (int t = 1; t < threads; ++t) pool.emplace_back([&io] { io.run(); });
  io.run();
  for (auto& thread : pool) thread.join();
  std::vector<T> out;
  out.reserve(tasks.size());
  for (std::size_t i = 0; i < tasks.size(); ++i) {
    if (errors[i]) std::rethrow_exception(errors[i]);
    out.push_back(std::move(*results[i]));
  }
  return out;
}

}  // namespace zobj::testing
