// lsm_bench: RocksDB db_bench's workloads against liblsm, printing db_bench's line format
//   fillseq      :       6.612 micros/op 151234 ops/sec;
// so bench/lsm_vs_rocksdb.sh can run both with the same flags and compare.
//
// Flags (db_bench names): --benchmarks=fillseq,fillrandom,overwrite,readrandom,readseq,
// seekrandom --num --reads --key_size --value_size --compression_type=none|lz4|zstd
// --cache_size --db=DIR (file:// store) or --db=memory:// ; ours: --encrypt=0|1,
// --get_latency_ms/--put_latency_ms (inject latency, memory:// only), --durable_writers=N
// (the "durable" benchmark: N coroutines doing put + await_durable), --flush_interval_ms,
// --write_buffer_size (memtable bytes), --duration (seconds of the "pressure" benchmark: random
// puts as fast as possible, one trace line per second with throughput, L0, unflushed bytes and
// RSS, to show backpressure), --quick (tiny sizes, for the test suite).
#include <fmt/core.h>
#include <sys/resource.h>

#include <algorithm>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "lsm/db.h"
#include "zcrypt/data_key.h"
#include "zcrypt/transformer.h"
#include "zcrypt_block_transformer.h"
#include "zobj/fault_store.h"
#include "zobj/metrics_store.h"
#include "zobj/open_store.h"

namespace {

using namespace zerofs;
using Clock = std::chrono::steady_clock;

struct Flags {
  std::vector<std::string> benchmarks{"fillseq",    "fillrandom", "overwrite",
                                      "readrandom", "readseq",    "seekrandom"};
  std::int64_t num = 1'000'000;
  std::int64_t reads = -1;
  int key_size = 16;
  int value_size = 100;
  std::string compression = "lz4";
  std::uint64_t cache_size = 256ull << 20;
  std::string db = "/tmp/lsm_bench";
  bool encrypt = false;
  int get_latency_ms = 0;
  int put_latency_ms = 0;
  int durable_writers = 64;
  int flush_interval_ms = 100;
  std::uint64_t write_buffer_size = 0;  // 0: the library's default
  int duration_s = 30;
  std::uint64_t seed = 301;
};

std::vector<std::string> split(const std::string& s) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= s.size()) {
    auto comma = s.find(',', start);
    if (comma == std::string::npos) comma = s.size();
    if (comma > start) out.push_back(s.substr(start, comma - start));
    start = comma + 1;
  }
  return out;
}

bool parse_flags(int argc, char** argv, Flags* f) {
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--quick") {
      f->num = 20'000;
      f->durable_writers = 8;
      f->benchmarks.push_back("durable");
      continue;
    }
    auto eq = arg.find('=');
    if (arg.rfind("--", 0) != 0 || eq == std::string::npos) {
      fmt::print(stderr, "lsm_bench: bad argument '{}'\n", arg);
      return false;
    }
    const std::string name = arg.substr(2, eq - 2), value = arg.substr(eq + 1);
    try {
      if (name == "benchmarks")
        f->benchmarks = split(value);
      else if (name == "num")
        f->num = std::stoll(value);
      else if (name == "reads")
        f->reads = std::stoll(value);
      else if (name == "key_size")
        f->key_size = std::stoi(value);
      else if (name == "value_size")
        f->value_size = std::stoi(value);
      else if (name == "compression_type")
        f->compression = value;
      else if (name == "cache_size")
        f->cache_size = std::stoull(value);
      else if (name == "db")
        f->db = value;
      else if (name == "encrypt")
        f->encrypt = value == "1" || value == "true";
      else if (name == "get_latency_ms")
        f->get_latency_ms = std::stoi(value);
      else if (name == "put_latency_ms")
        f->put_latency_ms = std::stoi(value);
      else if (name == "durable_writers")
        f->durable_writers = std::stoi(value);
      else if (name == "flush_interval_ms")
        f->flush_interval_ms = std::stoi(value);
      else if (name == "write_buffer_size")
        f->write_buffer_size = std::stoull(value);
      else if (name == "duration")
        f->duration_s = std::stoi(value);
      else if (name == "seed")
        f->seed = std::stoull(value);
      else if (name == "threads" || name == "histogram" || name == "statistics") {
        // accepted for db_bench compatibility; lsm_bench runs one client thread
      } else {
        fmt::print(stderr, "lsm_bench: unknown flag --{}\n", name);
        return false;
      }
    } catch (const std::exception&) {
      fmt::print(stderr, "lsm_bench: bad value for --{}: '{}'\n", name, value);
      return false;
    }
  }
  if (f->key_size < 8) {
    fmt::print(stderr, "lsm_bench: --key_size must be >= 8\n");
    return false;
  }
  return true;
}

// db_bench's key: the number big-endian in the first 8 bytes, '0' padding after.
void make_key(std::int64_t n, int key_size, std::string* out) {
  out->assign(static_cast<std::size_t>(key_size), '0');
  for (int i = 0; i < 8; ++i)
    (*out)[static_cast<std::size_t>(i)] = static_cast<char>((n >> (56 - 8 * i)) & 0xff);
}

// db_bench's RandomGenerator: values that compress to about half their size.
class ValueGenerator {
 public:
  explicit ValueGenerator(std::uint64_t seed) {
    std::mt19937_64 rng(seed);
    while (data_.size() < (1 << 20)) {
      std::string piece(50, ' ');
      for (auto& c : piece) c = static_cast<char>(' ' + rng() % 95);
      data_ += piece + piece;
    }
  }
  std::string_view next(int len) {
    if (pos_ + static_cast<std::size_t>(len) > data_.size()) pos_ = 0;
    std::string_view v(data_.data() + pos_, static_cast<std::size_t>(len));
    pos_ += static_cast<std::size_t>(len);
    return v;
  }

 private:
  std::string data_;
  std::size_t pos_ = 0;
};

struct Env {
  std::shared_ptr<zobj::ObjectStore> store;     // what the Db uses
  std::shared_ptr<zobj::MetricsStore> metrics;  // request counts
  std::shared_ptr<const lsm::BlockTransformer> transformer;
};

Result<Env> make_env(const Flags& f, bool fresh) {
  std::shared_ptr<zobj::ObjectStore> base;
  if (f.db.rfind("memory://", 0) == 0) {
    static std::shared_ptr<zobj::ObjectStore> memory;
    if (fresh || !memory) {
      ZF_TRY(memory, zobj::open_store("memory://"));
    }
    base = memory;
    if (f.get_latency_ms || f.put_latency_ms) {
      zobj::FaultOptions fo;
      fo.op(zobj::StoreOp::get).latency = std::chrono::milliseconds(f.get_latency_ms);
      fo.op(zobj::StoreOp::head).latency = std::chrono::milliseconds(f.get_latency_ms);
      fo.op(zobj::StoreOp::list).latency = std::chrono::milliseconds(f.get_latency_ms);
      fo.op(zobj::StoreOp::put).latency = std::chrono::milliseconds(f.put_latency_ms);
      fo.op(zobj::StoreOp::del).latency = std::chrono::milliseconds(f.put_latency_ms);
      base = std::make_shared<zobj::FaultStore>(base, fo);
    }
  } else {
    if (fresh) {
      std::error_code ec;
      std::filesystem::remove_all(f.db, ec);
    }
    std::filesystem::create_directories(f.db);
    ZF_TRY(base, zobj::open_store("file://" + std::filesystem::absolute(f.db).string()));
  }
  Env env;
  env.metrics = std::make_shared<zobj::MetricsStore>(base, "bench");
  env.store = env.metrics;
  ZF_TRY(auto compression, zcrypt::Compression::parse(f.compression));
  if (f.encrypt) {
    env.transformer = std::make_shared<bench::ZcryptBlockTransformer>(
        zcrypt::Transformer::encrypting(zcrypt::DataKey::generate(), compression));
  } else {
    env.transformer = std::make_shared<bench::ZcryptBlockTransformer>(
        zcrypt::Transformer::compress_only(compression));
  }
  return env;
}

lsm::Options db_options(const Flags& f) {
  lsm::Options o;
  o.block_cache_bytes = f.cache_size;
  o.flush_interval = std::chrono::milliseconds(f.flush_interval_ms);
  o.gc_interval = std::chrono::hours(1);
  if (f.write_buffer_size != 0) o.memtable_size = f.write_buffer_size;
  return o;
}

double rss_mb() {
  long pages = 0, resident = 0;
  if (std::FILE* statm = std::fopen("/proc/self/statm", "r")) {
    if (std::fscanf(statm, "%ld %ld", &pages, &resident) != 2) resident = 0;
    std::fclose(statm);
  }
  return static_cast<double>(resident) * 4096.0 / 1e6;
}

// Random puts as fast as one client can for --duration seconds, with a trace line per second:
// throughput must bend, never drop to zero, and memory must stay bounded.
Task<Result<std::int64_t>> pressure(const Flags& f, lsm::Db& db, ValueGenerator& values,
                                    std::mt19937_64& rng) {
  auto ex = co_await asio::this_coro::executor;
  std::int64_t writes = 0;
  bool stop = false;
  asio::co_spawn(
      ex,
      [&]() -> Task<void> {
        asio::steady_timer tick(ex);
        std::int64_t last = 0;
        for (int t = 1; t <= f.duration_s; ++t) {
          tick.expires_after(std::chrono::seconds(1));
          co_await tick.async_wait(asio::as_tuple(asio::use_awaitable));
          const auto m = db.metrics();
          fmt::print(
              "pressure.t   : {:>3} s {:>8} writes/s l0 {:>2} runs {:>2} unflushed {:>6.1f} MB "
              "rss {:>7.1f} MB stalls {} ({} ms)\n",
              t, writes - last, m.l0_tables, m.sorted_runs,
              static_cast<double>(m.unflushed_bytes) / 1e6, rss_mb(), m.write_stalls,
              m.write_stall_micros / 1000);
          std::fflush(stdout);
          last = writes;
        }
        stop = true;
      },
      asio::detached);
  std::string key;
  Result<lsm::SequenceNumber> put = 0;
  while (!stop && put) {
    make_key(static_cast<std::int64_t>(rng() % static_cast<std::uint64_t>(f.num)), f.key_size,
             &key);
    put = co_await db.put(key, values.next(f.value_size));
    ++writes;
  }
  // The reporter reads these locals: let it finish first.
  asio::steady_timer wait(ex);
  while (!stop) {
    wait.expires_after(std::chrono::milliseconds(100));
    co_await wait.async_wait(asio::as_tuple(asio::use_awaitable));
  }
  if (!put) co_return std::unexpected(put.error());
  co_return writes;
}

void report(const std::string& name, std::int64_t ops, Clock::duration elapsed,
            const std::string& extra = {}) {
  const double secs = std::chrono::duration<double>(elapsed).count();
  const double micros = secs * 1e6 / static_cast<double>(std::max<std::int64_t>(ops, 1));
  fmt::print("{:<12} : {:>11.3f} micros/op {:.0f} ops/sec;{}\n", name, micros,
             static_cast<double>(ops) / secs, extra.empty() ? "" : " " + extra);
  std::fflush(stdout);
}

Task<Result<void>> run(Flags f) {
  std::unique_ptr<lsm::Db> db;
  Env env;
  auto open = [&](bool fresh) -> Task<Result<void>> {
    if (db) {
      ZF_CO_CHECK(co_await db->close());
      db.reset();
    }
    ZF_CO_TRY(env, make_env(f, fresh));
    ZF_CO_TRY(db, co_await lsm::Db::open({env.store, "", db_options(f), env.transformer, nullptr}));
    co_return Result<void>{};
  };
  ZF_CO_CHECK(co_await open(true));
  ValueGenerator values(f.seed);
  std::mt19937_64 rng(f.seed);
  std::string key;
  const std::int64_t reads = f.reads < 0 ? f.num : f.reads;

  for (const std::string& name : f.benchmarks) {
    const bool fill = name == "fillseq" || name == "fillrandom";
    if (fill) ZF_CO_CHECK(co_await open(true));
    const auto before = env.metrics->snapshot();
    const auto start = Clock::now();
    std::int64_t ops = 0;
    std::string extra;
    if (fill || name == "overwrite") {
      for (std::int64_t i = 0; i < f.num; ++i) {
        const std::int64_t k =
            name == "fillseq"
                ? i
                : static_cast<std::int64_t>(rng() % static_cast<std::uint64_t>(f.num));
        make_key(k, f.key_size, &key);
        ZF_CO_CHECK(co_await db->put(key, values.next(f.value_size)));
      }
      ops = f.num;
    } else if (name == "readrandom") {
      std::int64_t found = 0;
      for (std::int64_t i = 0; i < reads; ++i) {
        make_key(static_cast<std::int64_t>(rng() % static_cast<std::uint64_t>(f.num)), f.key_size,
                 &key);
        ZF_CO_TRY(auto v, co_await db->get(key));
        if (v) ++found;
      }
      ops = reads;
      extra = fmt::format("({} of {} found)", found, reads);
    } else if (name == "readseq") {
      auto it = db->new_iterator();
      std::uint64_t bytes = 0;
      ZF_CO_CHECK(co_await it->seek_to_first());
      while (it->valid() && ops < reads) {
        bytes += it->key().size() + it->value().size();
        ++ops;
        ZF_CO_CHECK(co_await it->next());
      }
      const double secs = std::chrono::duration<double>(Clock::now() - start).count();
      extra = fmt::format("{:.1f} MB/s", static_cast<double>(bytes) / 1e6 / secs);
    } else if (name == "seekrandom") {
      std::int64_t found = 0;
      const std::int64_t seeks = std::min<std::int64_t>(reads, 100'000);
      for (std::int64_t i = 0; i < seeks; ++i) {
        make_key(static_cast<std::int64_t>(rng() % static_cast<std::uint64_t>(f.num)), f.key_size,
                 &key);
        auto it = db->new_iterator();
        ZF_CO_CHECK(co_await it->seek(key));
        if (it->valid() && it->key() == key) ++found;
      }
      ops = seeks;
      extra = fmt::format("({} of {} found)", found, seeks);
    } else if (name == "durable") {
      // N writers, each: put then await durability; per-write latency percentiles.
      std::vector<double> latencies;
      const std::int64_t per_writer =
          std::max<std::int64_t>(1, std::min<std::int64_t>(f.num / f.durable_writers, 200));
      std::int64_t finished = 0;
      auto ex = co_await asio::this_coro::executor;
      asio::steady_timer done(ex, std::chrono::hours(24));
      for (int w = 0; w < f.durable_writers; ++w) {
        asio::co_spawn(
            ex,
            [&, w]() -> Task<void> {
              std::string k;
              for (std::int64_t i = 0; i < per_writer; ++i) {
                make_key(w * per_writer + i, f.key_size, &k);
                const auto t0 = Clock::now();
                auto r = co_await db->put(k, values.next(f.value_size), lsm::WriteOptions{true});
                if (!r) break;
                latencies.push_back(
                    std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
              }
              if (++finished == f.durable_writers) done.cancel();
            },
            asio::detached);
      }
      co_await done.async_wait(asio::as_tuple(asio::use_awaitable));
      std::sort(latencies.begin(), latencies.end());
      auto pct = [&](double q) {
        return latencies.empty() ? 0.0
                                 : latencies[static_cast<std::size_t>(
                                       q * static_cast<double>(latencies.size() - 1))];
      };
      ops = static_cast<std::int64_t>(latencies.size());
      extra = fmt::format("(writers {} p50 {:.1f} ms p99 {:.1f} ms)", f.durable_writers, pct(0.5),
                          pct(0.99));
    } else if (name == "pressure") {
      ZF_CO_TRY(ops, co_await pressure(f, *db, values, rng));
    } else {
      co_return fail(Errc::invalid_argument, "unknown benchmark '{}'", name);
    }
    const auto elapsed = Clock::now() - start;
    const auto used = env.metrics->snapshot().since(before);
    report(name, ops, elapsed, extra);
    fmt::print("{:<12} : {} object-store requests (get {} put {} head {} list {} del {})\n",
               name + ".store", used.total_requests(), used.requests_of(zobj::StoreOp::get),
               used.requests_of(zobj::StoreOp::put), used.requests_of(zobj::StoreOp::head),
               used.requests_of(zobj::StoreOp::list), used.requests_of(zobj::StoreOp::del));
  }
  const auto m = db->metrics();
  ZF_CO_CHECK(co_await db->close());
  struct rusage ru {};
  getrusage(RUSAGE_SELF, &ru);
  fmt::print("peak_rss     : {:.1f} MB\n", static_cast<double>(ru.ru_maxrss) / 1024.0);
  fmt::print("lsm          : l0 {} runs {} flushes {} compactions {} stalls {} ({} ms)\n",
             m.l0_tables, m.sorted_runs, m.memtable_flushes, m.compactions, m.write_stalls,
             m.write_stall_micros / 1000);
  co_return Result<void>{};
}

}  // namespace

int main(int argc, char** argv) {
  Flags flags;
  if (!parse_flags(argc, argv, &flags)) return 2;
  fmt::print(
      "Keys:       {} bytes each\nValues:     {} bytes each (50% compressible)\nEntries:    {}\n"
      "Compression: {}{}\nStore:      {}\n------------------------------------------------\n",
      flags.key_size, flags.value_size, flags.num, flags.compression,
      flags.encrypt ? " + XChaCha20-Poly1305" : "", flags.db);
  asio::io_context io;
  auto r = run_blocking(io, run(flags));
  if (!r) {
    fmt::print(stderr, "lsm_bench: {}\n", r.error().to_string());
    return 1;
  }
  return 0;
}
