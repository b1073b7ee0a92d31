// nfs_bench: an NFSv3 server measured through libnfs (an independent userspace client), the
// way an application on a mount uses it: 1 MiB sequential writes then fsync (UNSTABLE WRITEs
// + COMMIT), sequential reads, 4 KiB random writes (+ fsync) and reads, and create / stat /
// remove of many files in one directory.
//
//   nfs_bench --url nfs://HOST/EXPORT?version=3&nfsport=P&mountport=M [--name NAME]
//             [--size-mb N] [--random-ops N] [--files N] [--quick]
//
// Prints `NAME.workload : value unit` lines. bench/nfs_bench.sh runs it against zerofs and
// nfs-ganesha (VFS FSAL on local disk) in one network namespace and prints the ratios.
#include <fcntl.h>
#include <nfsc/libnfs.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <string_view>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

struct Args {
  std::string url;
  std::string name = "server";
  std::uint64_t size_mb = 1024;
  std::uint64_t random_ops = 5000;
  std::uint64_t files = 20'000;
};

[[noreturn]] void die(nfs_context* nfs, const std::string& what) {
  std::fprintf(stderr, "nfs_bench: %s: %s\n", what.c_str(),
               nfs != nullptr ? nfs_get_error(nfs) : "");
  std::exit(1);
}

void check(nfs_context* nfs, int rc, const std::string& what) {
  if (rc < 0) die(nfs, what);
}

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

class Bench {
 public:
  Bench(const Args& args, nfs_context* nfs) : args_(args), nfs_(nfs) {}

  void run() {
    sequential();
    random_io();
    metadata();
  }

 private:
  void print(std::string_view workload, double value, std::string_view unit) const {
    std::printf("%s.%.*s : %.1f %.*s\n", args_.name.c_str(), static_cast<int>(workload.size()),
                workload.data(), value, static_cast<int>(unit.size()), unit.data());
  }

  // Text-like data (compressible about 2x), as file contents tend to be.
  static std::vector<char> make_data(std::size_t size) {
    std::mt19937_64 rng(7);
    std::vector<char> out;
    out.reserve(size);
    while (out.size() < size) {
      const int len = 2 + static_cast<int>(rng() % 9);
      for (int i = 0; i < len && out.size() < size; ++i)
        out.push_back(static_cast<char>('a' + rng() % 20));
      if (out.size() < size) out.push_back(rng() % 7 == 0 ? '\n' : ' ');
    }
    return out;
  }

  void sequential() {
    constexpr std::size_t kWrite = 1 << 20;
    const std::vector<char> data = make_data(kWrite);
    const std::uint64_t total = args_.size_mb << 20;
    const double mb = static_cast<double>(total) / 1e6;
    nfsfh* fh = nullptr;
    auto start = Clock::now();
    check(nfs_, nfs_creat(nfs_, "/nfs_bench.big", 0644, &fh), "create /nfs_bench.big");
    for (std::uint64_t off = 0; off < total; off += kWrite) {
      const int n = nfs_pwrite(nfs_, fh, off, kWrite, data.data());
      if (n != static_cast<int>(kWrite)) die(nfs_, "write");
    }
    check(nfs_, nfs_fsync(nfs_, fh), "fsync");
    check(nfs_, nfs_close(nfs_, fh), "close");
    print("seq_write", mb / seconds_since(start), "MB/s");

    std::vector<char> buffer(kWrite);
    check(nfs_, nfs_open(nfs_, "/nfs_bench.big", O_RDONLY, &fh), "open");
    start = Clock::now();
    std::uint64_t got = 0;
    for (std::uint64_t off = 0; off < total; off += kWrite) {
      const int n = nfs_pread(nfs_, fh, off, kWrite, buffer.data());
      if (n <= 0) die(nfs_, "read");
      got += static_cast<std::uint64_t>(n);
    }
    if (got != total) die(nullptr, "short sequential read");
    print("seq_read", mb / seconds_since(start), "MB/s");
    check(nfs_, nfs_close(nfs_, fh), "close");
  }

  void random_io() {
    constexpr std::size_t kBlock = 4096;
    const std::vector<char> data = make_data(kBlock);
    const std::uint64_t blocks = (args_.size_mb << 20) / kBlock;
    std::mt19937_64 rng(3);
    nfsfh* fh = nullptr;
    check(nfs_, nfs_open(nfs_, "/nfs_bench.big", O_RDWR, &fh), "open");
    auto start = Clock::now();
    for (std::uint64_t i = 0; i < args_.random_ops; ++i) {
      const int n = nfs_pwrite(nfs_, fh, (rng() % blocks) * kBlock, kBlock, data.data());
      if (n != static_cast<int>(kBlock)) die(nfs_, "random write");
    }
    check(nfs_, nfs_fsync(nfs_, fh), "fsync");
    print("rand_write_4k", static_cast<double>(args_.random_ops) / seconds_since(start), "ops/s");
    std::vector<char> buffer(kBlock);
    start = Clock::now();
    for (std::uint64_t i = 0; i < args_.random_ops; ++i) {
      const int n = nfs_pread(nfs_, fh, (rng() % blocks) * kBlock, kBlock, buffer.data());
      if (n != static_cast<int>(kBlock)) die(nfs_, "random read");
    }
    print("rand_read_4k", static_cast<double>(args_.random_ops) / seconds_since(start), "ops/s");
    check(nfs_, nfs_close(nfs_, fh), "close");
    check(nfs_, nfs_unlink(nfs_, "/nfs_bench.big"), "unlink");
  }

  void metadata() {
    check(nfs_, nfs_mkdir(nfs_, "/nfs_bench.dir"), "mkdir");
    const double n = static_cast<double>(args_.files);
    const auto path = [](std::uint64_t i) { return "/nfs_bench.dir/f" + std::to_string(i); };
    auto start = Clock::now();
    for (std::uint64_t i = 0; i < args_.files; ++i) {
      nfsfh* fh = nullptr;
      check(nfs_, nfs_creat(nfs_, path(i).c_str(), 0644, &fh), "create");
      check(nfs_, nfs_close(nfs_, fh), "close");
    }
    print("create", n / seconds_since(start), "files/s");
    start = Clock::now();
    for (std::uint64_t i = 0; i < args_.files; ++i) {
      nfs_stat_64 st{};
      check(nfs_, nfs_stat64(nfs_, path(i).c_str(), &st), "stat");
    }
    print("stat", n / seconds_since(start), "files/s");
    start = Clock::now();
    for (std::uint64_t i = 0; i < args_.files; ++i) {
      check(nfs_, nfs_unlink(nfs_, path(i).c_str()), "remove");
    }
    print("remove", n / seconds_since(start), "files/s");
    check(nfs_, nfs_rmdir(nfs_, "/nfs_bench.dir"), "rmdir");
  }

  const Args& args_;
  nfs_context* nfs_;
};

}  // namespace

int main(int argc, char** argv) {
  Args args;
  for (int i = 1; i < argc; ++i) {
    const std::string_view a = argv[i];
    const auto value = [&]() -> std::string { return i + 1 < argc ? argv[++i] : ""; };
    if (a == "--url") {
      args.url = value();
    } else if (a == "--name") {
      args.name = value();
    } else if (a == "--size-mb") {
      args.size_mb = std::strtoull(value().c_str(), nullptr, 10);
    } else if (a == "--random-ops") {
      args.random_ops = std::strtoull(value().c_str(), nullptr, 10);
    } else if (a == "--files") {
      args.files = std::strtoull(value().c_str(), nullptr, 10);
    } else if (a == "--quick") {
      args.size_mb = 16;
      args.random_ops = 500;
      args.files = 500;
    } else {
      std::fprintf(stderr,
                   "usage: nfs_bench --url nfs://HOST/EXPORT?version=3&nfsport=P&mountport=M "
                   "[--name NAME] [--size-mb N] [--random-ops N] [--files N] [--quick]\n");
      return 2;
    }
  }
  if (args.url.empty() || args.size_mb == 0) {
    std::fprintf(stderr, "nfs_bench: --url is required and --size-mb must be > 0\n");
    return 2;
  }
  nfs_context* nfs = nfs_init_context();
  if (nfs == nullptr) die(nullptr, "nfs_init_context");
  nfs_url* url = nfs_parse_url_dir(nfs, args.url.c_str());
  if (url == nullptr) die(nfs, "parse " + args.url);
  nfs_set_uid(nfs, 0);
  nfs_set_gid(nfs, 0);
  if (nfs_mount(nfs, url->server, url->path) != 0) die(nfs, "mount " + args.url);
  nfs_destroy_url(url);
  Bench(args, nfs).run();
  nfs_umount(nfs);
  nfs_destroy_context(nfs);
  return 0;
}
