// vfs_bench: the filesystem through its embedding API (zvfs::Filesystem), with what each
// workload cost in object-store requests and bytes.
//
//   vfs_bench [--quick] [--dir PATH | --memory | --url URL [--redis URL]] [--size-mb N]
//             [--files N] [--random-ops N] [--compression lz4|zstd-N|none]
//             [--workloads seq,random,meta] [--cache-mb N]
//
// --url opens any store URL (s3://bucket/prefix etc.), configured from the environment as
// `zerofs run` would be (AWS_*, AZURE_STORAGE_*, GOOGLE_APPLICATION_CREDENTIALS); --redis sets
// the S3 conditional-put coordinator. bench/objstore_bench.sh uses this to run the sequential
// write on s3rver and on file:// in the same job.
//
// Workloads (in this order, on one filesystem): sequential write of one file in 1 MiB writes
// then fsync; sequential read of it (the first pass after writing, then a cached pass);
// 4 KiB random writes and reads inside it; create, stat (lookup) and unlink of --files files
// in one directory, with a readdir of that directory between stat and unlink.
// The seal/open ceiling (zcrypt::Transformer on 32 KiB blocks of the same data, one thread)
// is measured in the same run; `*_vs_seal` / `*_vs_open` divide by it (goal >= 0.70).
// Prints `name : value unit` lines. Default store: a fresh file:// folder under /tmp.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <string>
#include <string_view>

#include "base/async.h"
#include "lsm/db.h"
#include "zcrypt/data_key.h"
#include "zcrypt/transformer.h"
#include "zobj/file_store.h"
#include "zobj/memory_store.h"
#include "zobj/metrics_store.h"
#include "zobj/open_store.h"
#include "zvfs/filesystem.h"

namespace {

using Clock = std::chrono::steady_clock;
using zerofs::Task;
using zvfs::Credentials;
using zvfs::Ino;

struct Args {
  bool quick = false;
  bool memory = false;
  std::string dir;
  std::string url;
  std::string redis;
  std::string workloads = "seq,random,meta";
  std::uint64_t size_mb = 1024;
  std::uint64_t files = 100'000;
  std::uint64_t random_ops = 20'000;
  std::uint64_t cache_mb = 2048;
  std::string compression = "lz4";
};

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

void print(std::string_view name, double value, std::string_view unit) {
  std::printf("%-28.*s : %.1f %.*s\n", static_cast<int>(name.size()), name.data(), value,
              static_cast<int>(unit.size()), unit.data());
}

void print_cost(std::string_view name, const zobj::StoreSnapshot& s) {
  std::printf("%-28s : %llu requests (%llu put, %llu get), %.1f MB out, %.1f MB in\n",
              (std::string(name) + "_store").c_str(),
              static_cast<unsigned long long>(s.total_requests()),
              static_cast<unsigned long long>(s.requests_of(zobj::StoreOp::put)),
              static_cast<unsigned long long>(s.requests_of(zobj::StoreOp::get)),
              static_cast<double>(s.bytes_out) / 1e6, static_cast<double>(s.bytes_in) / 1e6);
}

// 1 MiB of text-like data (words and numbers): compresses about 2x with lz4, as file data
// tends to.
std::string make_data() {
  std::mt19937_64 rng(7);
  std::string s;
  s.reserve(1 << 20);
  while (s.size() < (1 << 20)) {
    const int len = 2 + static_cast<int>(rng() % 9);
    for (int i = 0; i < len; ++i) s.push_back(static_cast<char>('a' + rng() % 20));
    s.push_back(rng() % 7 == 0 ? '\n' : ' ');
    if (rng() % 5 == 0) s += std::to_string(rng() % 100000);
  }
  s.resize(1 << 20);
  return s;
}

// MB/s of Transformer::encode and ::decode over 32 KiB blocks of `data`, one thread.
std::pair<double, double> crypto_ceiling(const std::string& data, const std::string& codec,
                                         double budget_s) {
  auto compression = zcrypt::Compression::parse(codec).value();
  const auto t = zcrypt::Transformer::encrypting(zcrypt::DataKey::generate(), compression);
  const auto ad = zerofs::as_bytes(std::string_view("sst/00000000000000000001"));
  constexpr std::size_t kBlock = 32 * 1024;
  std::vector<zerofs::Buffer> sealed;
  std::uint64_t bytes = 0;
  auto start = Clock::now();
  for (std::size_t off = 0; seconds_since(start) < budget_s; off = (off + kBlock) % data.size()) {
    sealed.push_back(
        t.encode(zerofs::as_bytes(std::string_view(data).substr(off, kBlock)), ad).value());
    if (sealed.size() > 64) sealed.erase(sealed.begin());
    bytes += kBlock;
  }
  const double seal = static_cast<double>(bytes) / 1e6 / seconds_since(start);
  bytes = 0;
  start = Clock::now();
  for (std::size_t i = 0; seconds_since(start) < budget_s; i = (i + 1) % sealed.size()) {
    bytes += t.decode(sealed[i], ad).value().size();
  }
  return {seal, static_cast<double>(bytes) / 1e6 / seconds_since(start)};
}

class Bench {
 public:
  Bench(const Args& args, std::shared_ptr<zobj::MetricsStore> store)
      : args_(args), store_(std::move(store)), data_(make_data()) {}

  Task<int> run();

 private:
  template <typename T>
  static T must(zerofs::Result<T> r, const char* what) {
    if (!r) {
      std::fprintf(stderr, "%s: %s\n", what, r.error().to_string().c_str());
      std::exit(1);
    }
    return std::move(*r);
  }
  static void must(zerofs::Result<void> r, const char* what) {
    if (!r) {
      std::fprintf(stderr, "%s: %s\n", what, r.error().to_string().c_str());
      std::exit(1);
    }
  }
  void phase_start() {
    before_ = store_->snapshot();
    start_ = Clock::now();
  }
  double phase_end(std::string_view name) {
    const double s = seconds_since(start_);
    print_cost(name, store_->snapshot().since(before_));
    return s;
  }

  Task<void> sequential(zvfs::Filesystem& fs, Ino ino);
  Task<void> random_io(zvfs::Filesystem& fs, Ino ino);
  Task<void> metadata(zvfs::Filesystem& fs);

  const Args& args_;
  std::shared_ptr<zobj::MetricsStore> store_;
  const std::string data_;
  const Credentials root_ = Credentials::root();
  zobj::StoreSnapshot before_;
  Clock::time_point start_;
  double seal_ = 0;
  double open_ = 0;
};

Task<void> Bench::sequential(zvfs::Filesystem& fs, Ino ino) {
  const std::uint64_t total = args_.size_mb << 20;
  const double mb = static_cast<double>(total) / 1e6;
  phase_start();
  for (std::uint64_t off = 0; off < total; off += data_.size()) {
    const auto chunk = zerofs::as_bytes(std::string_view(data_));
    must(co_await fs.write(root_, ino, off, chunk), "write");
  }
  must(co_await fs.fsync(ino), "fsync");
  const double write_s = phase_end("seq_write");
  print("seq_write", mb / write_s, "MB/s");
  print("seq_write_vs_seal", mb / write_s / seal_, "x");
  // The reads measure reading, not compaction racing them: let the LSM settle first (memtable
  // to L0, compaction until idle), and report what that cost.
  phase_start();
  must(co_await fs.db().flush_memtable(), "flush_memtable");
  must(co_await fs.db().compact_until_idle(), "compact_until_idle");
  print("settle", phase_end("settle"), "s");
  for (const char* name : {"seq_read", "seq_read_cached"}) {
    phase_start();
    std::uint64_t got = 0;
    for (std::uint64_t off = 0; off < total; off += data_.size()) {
      auto r = must(co_await fs.read(root_, ino, off, data_.size()), "read");
      got += r.data.size();
    }
    const double read_s = phase_end(name);
    if (got != total)
      std::fprintf(stderr, "short read: %llu\n", static_cast<unsigned long long>(got));
    print(name, mb / read_s, "MB/s");
    if (std::string_view(name) == "seq_read_cached")
      print("seq_read_cached_vs_open", mb / read_s / open_, "x");
  }
}

Task<void> Bench::random_io(zvfs::Filesystem& fs, Ino ino) {
  const std::uint64_t blocks = (args_.size_mb << 20) / 4096;
  std::mt19937_64 rng(3);
  phase_start();
  for (std::uint64_t i = 0; i < args_.random_ops; ++i) {
    const std::uint64_t at = rng() % blocks;
    const auto chunk = zerofs::as_bytes(std::string_view(data_).substr((at % 256) * 4096, 4096));
    must(co_await fs.write(root_, ino, at * 4096, chunk), "random write");
  }
  must(co_await fs.fsync(ino), "fsync");
  const double write_s = phase_end("rand_write_4k");
  print("rand_write_4k", static_cast<double>(args_.random_ops) / write_s, "ops/s");
  phase_start();
  for (std::uint64_t i = 0; i < args_.random_ops; ++i) {
    must(co_await fs.read(root_, ino, (rng() % blocks) * 4096, 4096), "random read");
  }
  const double read_s = phase_end("rand_read_4k");
  print("rand_read_4k", static_cast<double>(args_.random_ops) / read_s, "ops/s");
}

Task<void> Bench::metadata(zvfs::Filesystem& fs) {
  const auto dir = must(co_await fs.mkdir(root_, zvfs::kRootIno, "many", 0755), "mkdir");
  const double n = static_cast<double>(args_.files);
  phase_start();
  for (std::uint64_t i = 0; i < args_.files; ++i) {
    const std::string name = "file-" + std::to_string(i);
    must(co_await fs.create(root_, dir.ino, name, 0644, true), "create");
  }
  must(co_await fs.sync(), "sync");
  print("create", n / phase_end("create"), "files/s");
  phase_start();
  for (std::uint64_t i = 0; i < args_.files; ++i) {
    const std::string name = "file-" + std::to_string(i);
    must(co_await fs.lookup(root_, dir.ino, name), "stat");
  }
  print("stat", n / phase_end("stat"), "files/s");
  phase_start();
  std::uint64_t cookie = 0, listed = 0;
  for (;;) {
    auto page = must(co_await fs.readdir(root_, dir.ino, cookie, 1024), "readdir");
    listed += page.entries.size();
    if (!page.entries.empty()) cookie = page.entries.back().cookie;
    if (page.eof) break;
  }
  print("readdir", static_cast<double>(listed) / phase_end("readdir"), "entries/s");
  phase_start();
  for (std::uint64_t i = 0; i < args_.files; ++i) {
    const std::string name = "file-" + std::to_string(i);
    must(co_await fs.unlink(root_, dir.ino, name), "unlink");
  }
  must(co_await fs.sync(), "sync");
  print("unlink", n / phase_end("unlink"), "files/s");
}

Task<int> Bench::run() {
  std::tie(seal_, open_) = crypto_ceiling(data_, args_.compression, args_.quick ? 0.2 : 1.0);
  print("ceiling_seal", seal_, "MB/s");
  print("ceiling_open", open_, "MB/s");
  zvfs::FilesystemConfig config;
  config.url = store_->describe();
  config.store = store_;
  config.password = "vfs_bench";
  config.compression = args_.compression;
  config.kdf_opslimit = 1;
  config.kdf_memlimit = 8 << 20;
  // "Cached" reads need a block cache that holds the file (cache.memory_size_gb).
  config.lsm.block_cache_bytes = args_.cache_mb << 20;
  auto fs = must(co_await zvfs::Filesystem::open(std::move(config)), "open");
  const auto file = must(co_await fs->create(root_, zvfs::kRootIno, "big", 0644, true), "create");
  const auto wanted = [&](std::string_view w) {
    return ("," + args_.workloads + ",").find("," + std::string(w) + ",") != std::string::npos;
  };
  if (wanted("seq")) co_await sequential(*fs, file.attr.ino);
  if (wanted("random")) {
    // Random I/O needs the file at its full size; without the sequential pass make it sparse.
    if (!wanted("seq")) {
      zvfs::SetAttr grow;
      grow.size = args_.size_mb << 20;
      must(co_await fs->setattr(root_, file.attr.ino, grow), "truncate");
    }
    co_await random_io(*fs, file.attr.ino);
  }
  if (wanted("meta")) co_await metadata(*fs);
  must(co_await fs->close(), "close");
  co_return 0;
}

}  // namespace

int main(int argc, char** argv) {
  Args args;
  for (int i = 1; i < argc; ++i) {
    const std::string_view a = argv[i];
    auto value = [&]() -> std::string { return i + 1 < argc ? argv[++i] : ""; };
    if (a == "--quick") {
      args.quick = true;
      args.size_mb = 16;
      args.files = 2000;
      args.random_ops = 2000;
    } else if (a == "--memory") {
      args.memory = true;
    } else if (a == "--dir") {
      args.dir = value();
    } else if (a == "--size-mb") {
      args.size_mb = std::strtoull(value().c_str(), nullptr, 10);
    } else if (a == "--files") {
      args.files = std::strtoull(value().c_str(), nullptr, 10);
    } else if (a == "--random-ops") {
      args.random_ops = std::strtoull(value().c_str(), nullptr, 10);
    } else if (a == "--cache-mb") {
      args.cache_mb = std::strtoull(value().c_str(), nullptr, 10);
    } else if (a == "--url") {
      args.url = value();
    } else if (a == "--redis") {
      args.redis = value();
    } else if (a == "--workloads") {
      args.workloads = value();
    } else if (a == "--compression") {
      args.compression = value();
    } else {
      std::fprintf(stderr,
                   "usage: vfs_bench [--quick] [--dir PATH | --memory | --url URL [--redis URL]] "
                   "[--size-mb N] [--files N] [--random-ops N] [--compression C] [--cache-mb N] "
                   "[--workloads seq,random,meta]\n");
      return 2;
    }
  }
  if (args.size_mb == 0) args.size_mb = 1;
  std::shared_ptr<zobj::ObjectStore> inner;
  std::filesystem::path made;
  if (args.memory) {
    inner = zobj::MemoryStore::create();
  } else if (!args.url.empty()) {
    zobj::StoreOptions options;
    options.s3.conditional_put = args.redis;
    auto opened = zobj::open_store(args.url, options);
    if (!opened) {
      std::fprintf(stderr, "store: %s\n", opened.error().to_string().c_str());
      return 1;
    }
    inner = *opened;
  } else {
    if (args.dir.empty()) {
      made = std::filesystem::temp_directory_path() /
             ("vfs_bench-" + std::to_string(std::random_device{}()));
      args.dir = made.string();
    }
    std::filesystem::create_directories(args.dir);
    auto opened = zobj::FileStore::open(args.dir);
    if (!opened) {
      std::fprintf(stderr, "store: %s\n", opened.error().to_string().c_str());
      return 1;
    }
    inner = *opened;
  }
  auto store = std::make_shared<zobj::MetricsStore>(inner, "vfs_bench");
  Bench bench(args, store);
  zerofs::asio::io_context io;
  const int rc = zerofs::run_blocking(io, bench.run());
  if (!made.empty()) std::filesystem::remove_all(made);
  return rc;
}
