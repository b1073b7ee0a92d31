// cache_bench: 1 MiB ranged GETs through the disk cache (CachingStore) in front of memory://
// with injected GET latency, cold (every part fetched) vs warm (every part on disk) vs after
// a restart (parts on disk, one revalidating HEAD per object).
//
//   zobj_cache_bench [--dir=/path] [--mib=64] [--concurrency=8] [--latency-ms=20] [--quick]
//
// Prints one line per phase: "<phase> : <µs>/GET, <MB/s>, <backend GETs>, <HEADs>".
#include <fmt/format.h>

#include <boost/asio/detached.hpp>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "base/async.h"
#include "zobj/caching_store.h"
#include "zobj/fault_store.h"
#include "zobj/memory_store.h"
#include "zobj/metrics_store.h"

namespace {

namespace asio = zerofs::asio;
constexpr std::uint64_t kMiB = 1 << 20;

struct Args {
  std::string dir;
  std::uint64_t mib = 64;
  std::size_t concurrency = 8;
  int latency_ms = 20;
};

Args parse(int argc, char** argv) {
  Args a;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    auto value = [&](std::string_view name) -> const char* {
      return arg.starts_with(name) ? argv[i] + name.size() : nullptr;
    };
    if (const char* v = value("--dir=")) a.dir = v;
    if (const char* v = value("--mib=")) a.mib = std::strtoull(v, nullptr, 10);
    if (const char* v = value("--concurrency=")) a.concurrency = std::strtoull(v, nullptr, 10);
    if (const char* v = value("--latency-ms=")) a.latency_ms = std::atoi(v);
    if (arg == "--quick") a.mib = 8;
  }
  return a;
}

// Reads every MiB of "obj" once, `concurrency` GETs in flight; returns seconds.
double read_all(zobj::ObjectStore& store, const Args& a) {
  asio::io_context io;
  std::atomic<std::uint64_t> next{0};
  std::atomic<bool> failed{false};
  auto worker = [&]() -> zerofs::Task<void> {
    for (std::uint64_t i = next++; i < a.mib; i = next++) {
      const zobj::ByteRange range{i * kMiB, kMiB};
      auto got = co_await store.get("sst/obj", range);
      if (!got || got->data.size() != kMiB) failed = true;
    }
  };
  const auto start = std::chrono::steady_clock::now();
  for (std::size_t w = 0; w < a.concurrency; ++w) asio::co_spawn(io, worker(), asio::detached);
  std::thread helper([&io] { io.run(); });
  io.run();
  helper.join();
  if (failed) {
    fmt::print(stderr, "a GET failed\n");
    std::exit(1);
  }
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

void report(std::string_view phase, double seconds, const Args& a, const zobj::StoreSnapshot& d) {
  fmt::print("{:<8} : {:>9.0f} us/GET  {:>8.1f} MB/s  backend GETs {:>3}  HEADs {}\n", phase,
             seconds * 1e6 / static_cast<double>(a.mib),
             static_cast<double>(a.mib * kMiB) / seconds / 1e6, d.requests_of(zobj::StoreOp::get),
             d.requests_of(zobj::StoreOp::head));
}

}  // namespace

int main(int argc, char** argv) {
  const Args a = parse(argc, argv);
  const std::filesystem::path dir =
      a.dir.empty()
          ? std::filesystem::temp_directory_path() / fmt::format("zobj-cache-bench-{}", ::getpid())
          : std::filesystem::path(a.dir);
  std::filesystem::remove_all(dir);

  auto memory = zobj::MemoryStore::create();
  {
    zerofs::Buffer data(a.mib * kMiB);
    for (std::size_t i = 0; i < data.size(); ++i) data[i] = static_cast<std::byte>(i * 31 + 7);
    asio::io_context io;
    auto put = memory->put("sst/obj", data.view(), zobj::PutOptions());
    zerofs::run_blocking(io, std::move(put)).value();
  }
  zerofs::metrics::Registry registry;
  auto counted = std::make_shared<zobj::MetricsStore>(memory, "bench", registry);
  zobj::FaultOptions faults;
  faults.op(zobj::StoreOp::get).latency = std::chrono::milliseconds(a.latency_ms);
  faults.op(zobj::StoreOp::head).latency = std::chrono::milliseconds(a.latency_ms);
  auto latent = std::make_shared<zobj::FaultStore>(counted, faults);

  zobj::CachingStoreOptions options;
  options.dir = dir;
  options.capacity_bytes = 2 * a.mib * kMiB;
  options.registry = &registry;
  fmt::print("1 MiB GETs of a {} MiB object, {} in flight, memory:// + {} ms GET/HEAD latency\n",
             a.mib, a.concurrency, a.latency_ms);
  {
    const auto before = counted->snapshot();
    const double seconds = read_all(*latent, a);
    report("no cache", seconds, a, counted->snapshot().since(before));
  }
  {
    auto cache = zobj::CachingStore::open(latent, options).value();
    auto before = counted->snapshot();
    double seconds = read_all(*cache, a);
    report("cold", seconds, a, counted->snapshot().since(before));
    cache->wait_for_writes();
    before = counted->snapshot();
    seconds = read_all(*cache, a);
    report("warm", seconds, a, counted->snapshot().since(before));
  }
  {
    auto cache = zobj::CachingStore::open(latent, options).value();
    const auto before = counted->snapshot();
    const double seconds = read_all(*cache, a);
    report("restart", seconds, a, counted->snapshot().since(before));
  }
  std::filesystem::remove_all(dir);
  return 0;
}
