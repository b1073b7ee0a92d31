// objstore_bench: PUT and GET throughput of an object store — 32 KiB and 8 MiB objects, 1
// and 64 requests in flight — printing `name : value unit` lines (requests/s and MB/s).
//
//   objstore_bench [--quick] [--dir=PATH]                  file:// only (reference)
//   objstore_bench --s3-endpoint=http://127.0.0.1:PORT --s3-bucket=NAME [--redis=URL]
//                                                          also s3:// (bench/objstore_bench.sh
//                                                          starts s3rver for it)
// Client and server share the machine: on 2 cores both sides compete for CPU.
#include <fmt/format.h>

#include <atomic>
#include <boost/asio/detached.hpp>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "base/async.h"
#include "zobj/open_store.h"
#include "zobj/s3_store.h"

namespace {

namespace asio = zerofs::asio;
using Clock = std::chrono::steady_clock;

struct Args {
  bool quick = false;
  std::string dir;
  std::string s3_endpoint;
  std::string s3_bucket = "zerofs-bench";
  std::string redis;
};

Args parse(int argc, char** argv) {
  Args args;
  for (int i = 1; i < argc; ++i) {
    const std::string_view a = argv[i];
    const auto value = [&](std::string_view flag) { return std::string(a.substr(flag.size())); };
    if (a == "--quick") {
      args.quick = true;
    } else if (a.starts_with("--dir=")) {
      args.dir = value("--dir=");
    } else if (a.starts_with("--s3-endpoint=")) {
      args.s3_endpoint = value("--s3-endpoint=");
    } else if (a.starts_with("--s3-bucket=")) {
      args.s3_bucket = value("--s3-bucket=");
    } else if (a.starts_with("--redis=")) {
      args.redis = value("--redis=");
    } else {
      fmt::print(stderr, "unknown argument {}\n", a);
      std::exit(2);
    }
  }
  return args;
}

// Runs `count` operations, at most `in_flight` at once, on two threads; returns seconds.
template <typename Op>
double run(std::size_t count, std::size_t in_flight, Op op) {
  asio::io_context io;
  std::atomic<std::size_t> next{0};
  std::atomic<std::size_t> failures{0};
  std::mutex mutex;
  std::string first_error;  // guarded by mutex
  const auto start = Clock::now();
  // Named, so the closure outlives the coroutines it starts (they read its captures).
  auto worker = [&]() -> zerofs::Task<void> {
    for (std::size_t i = next++; i < count; i = next++) {
      std::string error = co_await op(i);
      if (error.empty()) continue;
      failures++;
      std::lock_guard lock(mutex);
      if (first_error.empty()) first_error = std::move(error);
    }
  };
  for (std::size_t w = 0; w < std::min(count, in_flight); ++w) {
    asio::co_spawn(io, worker(), asio::detached);
  }
  std::thread helper([&] { io.run(); });
  io.run();
  helper.join();
  if (failures.load() != 0) {
    fmt::print(stderr, "{} operations failed; the first: {}\n", failures.load(), first_error);
    std::exit(1);
  }
  return std::chrono::duration<double>(Clock::now() - start).count();
}

void report(const std::string& name, std::size_t count, std::size_t size, double seconds) {
  fmt::print("{} : {:.1f} requests/s\n", name, static_cast<double>(count) / seconds);
  fmt::print("{}.throughput : {:.1f} MB/s\n", name,
             static_cast<double>(count * size) / seconds / 1e6);
}

void bench_store(const std::string& label, zobj::ObjectStore& store, bool quick) {
  struct Shape {
    const char* name;
    std::size_t size;
    std::size_t count;
  };
  const Shape shapes[] = {{"32KiB", 32u << 10, quick ? 64u : 2000u},
                          {"8MiB", 8u << 20, quick ? 8u : 96u}};
  for (const Shape& shape : shapes) {
    zerofs::Buffer data(shape.size);
    std::mt19937_64 rng(42);
    for (std::size_t i = 0; i < shape.size; ++i) data[i] = static_cast<std::byte>(rng());
    for (const std::size_t in_flight : {std::size_t{1}, std::size_t{64}}) {
      const std::string name = fmt::format("{}.{{}}.{}.c{}", label, shape.name, in_flight);
      const std::string prefix = fmt::format("bench/{}/c{}/", shape.name, in_flight);
      const double put =
          run(shape.count, in_flight, [&](std::size_t i) -> zerofs::Task<std::string> {
            auto r =
                co_await store.put(prefix + std::to_string(i), data.view(), zobj::PutOptions());
            co_return r ? std::string() : r.error().to_string();
          });
      report(fmt::format(fmt::runtime(name), "put"), shape.count, shape.size, put);
      const double get =
          run(shape.count, in_flight, [&](std::size_t i) -> zerofs::Task<std::string> {
            auto r = co_await store.get(prefix + std::to_string(i), std::nullopt);
            if (!r) co_return r.error().to_string();
            if (r->data.size() != shape.size) {
              co_return fmt::format("GET returned {} bytes, not {}", r->data.size(), shape.size);
            }
            co_return std::string();
          });
      report(fmt::format(fmt::runtime(name), "get"), shape.count, shape.size, get);
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  const Args args = parse(argc, argv);
  fmt::print("# objstore_bench{}: client and any local server share this machine's {} cores\n",
             args.quick ? " --quick" : "", std::thread::hardware_concurrency());

  const std::filesystem::path dir =
      args.dir.empty()
          ? std::filesystem::temp_directory_path() / fmt::format("objstore-bench-{}", ::getpid())
          : std::filesystem::path(args.dir);
  {
    auto file = zobj::open_store("file://" + dir.string()).value();
    bench_store("file", *file, args.quick);
  }
  std::filesystem::remove_all(dir);

  if (!args.s3_endpoint.empty()) {
    zobj::StoreOptions options;
    options.s3.endpoint = args.s3_endpoint;
    options.s3.allow_http = true;
    options.s3.access_key_id = "S3RVER";
    options.s3.secret_access_key = "S3RVER";
    options.s3.conditional_put = args.redis;
    auto s3 = zobj::open_store(fmt::format("s3://{}/run-{}", args.s3_bucket, ::getpid()), options);
    if (!s3) {
      fmt::print(stderr, "{}\n", s3.error().to_string());
      return 1;
    }
    bench_store(args.redis.empty() ? "s3" : "s3+redis", **s3, args.quick);
  }
  return 0;
}
