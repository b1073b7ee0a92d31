// Crash test: a random workload (create, mkdir, write, truncate, rename over, unlink, rmdir,
// unlink-while-open, fsync) runs on a FaultStore with jittered latency, and the process
// "dies" at a random point: FaultStore::halt() fires from a timer, possibly in the middle of
// an operation or of a background upload, and the Filesystem is dropped without close().
// After reopening on what reached the store:
//  - the tree equals the workload's state after some operation at or after the last
//    acknowledged fsync (operations are atomic batches and the WAL is a prefix), so every
//    byte written before an acknowledged fsync reads back;
//  - zvfs::check() is clean, and clean again with no tombstone left once they drained.
//
// ZEROFS_ZVFS_CRASHES=N sets the number of crash points (default 300; 60 under sanitizers);
// ZEROFS_ZVFS_CRASH_SEED=S replays one. A failure names its seed.
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cstdlib>
#include <functional>
#include <map>
#include <random>

#include "test_util.h"
#include "zobj/fault_store.h"

using namespace zvfs;
using namespace zvfs::testing;
using zerofs::Task;

namespace {

int crash_points() {
  if (const char* env = std::getenv("ZEROFS_ZVFS_CRASHES")) return std::atoi(env);
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
  return 60;
#else
  return 300;
#endif
}

// What a path holds, as compared across the crash.
struct Sig {
  FileType type = FileType::regular;
  std::uint64_t size = 0;
  std::size_t hash = 0;
  bool operator==(const Sig&) const = default;
};
using Tree = std::map<std::string, Sig>;

struct Node {
  Node() {}  // not an aggregate: GCC 12 mis-copies those in coroutines (base/async.h)
  Node(Ino i, FileType t) : ino(i), type(t) {}
  Ino ino = 0;
  FileType type = FileType::regular;
  std::string data;
};

// The workload's own view of the tree: paths to nodes.
class Workload {
 public:
  explicit Workload(std::uint64_t seed) : rng(seed) {}

  std::mt19937_64 rng;
  std::map<std::string, Node> paths;  // "/.nbd", "/d3", "/d3/f7", ...
  std::vector<Tree> states;           // states[i]: the tree after i successful operations
  std::size_t durable = 0;            // states[durable] is covered by an acknowledged fsync
  std::vector<Ino> open_unlinked;
  int next_name = 0;

  std::uint64_t rand(std::uint64_t n) { return rng() % n; }
  std::string fresh(char kind) { return std::string(1, kind) + std::to_string(next_name++); }

  std::vector<std::string> of_type(FileType type) const {
    std::vector<std::string> out;
    for (const auto& [p, n] : paths) {
      if (n.type == type) out.push_back(p);
    }
    return out;
  }
  Ino ino_of_dir(const std::string& p) const { return p.empty() ? kRootIno : paths.at(p).ino; }
  static std::string parent_of(const std::string& p) { return p.substr(0, p.rfind('/')); }
  static std::string leaf_of(const std::string& p) { return p.substr(p.rfind('/') + 1); }
  bool empty_dir(const std::string& p) const {
    auto it = paths.upper_bound(p + "/");
    return it == paths.end() || it->first.compare(0, p.size() + 1, p + "/") != 0;
  }

  void snapshot() {
    Tree t;
    for (const auto& [p, n] : paths) {
      Sig sig;
      sig.type = n.type;
      if (n.type == FileType::regular) {
        sig.size = n.data.size();
        sig.hash = std::hash<std::string>{}(n.data);
      }
      t[p] = sig;
    }
    states.push_back(std::move(t));
  }
};

std::string bytes_for(std::mt19937_64& rng, std::size_t n) {
  std::string s(n, '\0');
  if (rng() % 8 == 0) return s;
  for (auto& c : s) c = static_cast<char>(rng() % 3 == 0 ? 0 : 'A' + rng() % 26);
  return s;
}

Task<void> halt_after(std::shared_ptr<zobj::FaultStore> fault, std::chrono::microseconds delay) {
  zerofs::asio::steady_timer timer(co_await zerofs::asio::this_coro::executor, delay);
  co_await timer.async_wait(zerofs::asio::use_awaitable);
  fault->halt();
}

// One operation; false when the store failed it (the crash). The model is updated first, so
// a failed operation's state is recorded as a possible outcome too.
Task<bool> one_op(Filesystem& fs, Workload& w) {
  const Credentials root = Credentials::root();
  const auto dirs = w.of_type(FileType::directory);
  const auto files = w.of_type(FileType::regular);
  std::string dir = w.rand(4) == 0 || dirs.empty() ? std::string() : dirs[w.rand(dirs.size())];
  const auto r = w.rand(100);
  if (r < 15 || files.empty()) {
    const std::string leaf = w.fresh('f');
    auto made = co_await fs.create(root, w.ino_of_dir(dir), leaf, 0644, true);
    if (!made) co_return false;
    w.paths[dir + "/" + leaf] = Node(made->attr.ino, FileType::regular);
    co_return true;
  }
  if (r < 20) {
    const std::string leaf = w.fresh('d');
    auto made = co_await fs.mkdir(root, w.ino_of_dir(dir), leaf, 0755);
    if (!made) co_return false;
    w.paths[dir + "/" + leaf] = Node(made->ino, FileType::directory);
    co_return true;
  }
  const std::string f = files[w.rand(files.size())];
  Node& n = w.paths[f];
  if (r < 60) {
    const std::uint64_t offset = w.rand(4) == 0 ? n.data.size() : w.rand(n.data.size() + 1);
    const std::size_t length = 1 + w.rand(w.rand(5) == 0 ? 5 * kChunkSize : 6000);
    const std::string data = bytes_for(w.rng, length);
    if (n.data.size() < offset + length) n.data.resize(offset + length, '\0');
    n.data.replace(offset, length, data);
    auto done = co_await fs.write(root, n.ino, offset, bytes(data));
    co_return done.has_value();
  }
  if (r < 68) {
    SetAttr sa;
    sa.size = w.rand(2) == 0 ? w.rand(n.data.size() + 1) : n.data.size() + w.rand(kChunkSize);
    n.data.resize(*sa.size, '\0');
    auto done = co_await fs.setattr(root, n.ino, sa);
    co_return done.has_value();
  }
  if (r < 76) {
    // Rename to a fresh name, or over another file.
    std::string to = dir + "/" + w.fresh('f');
    if (w.rand(2) == 0) to = files[w.rand(files.size())];
    if (to == f) co_return true;
    const Ino from_dir = w.ino_of_dir(Workload::parent_of(f));
    const Ino to_dir = w.ino_of_dir(Workload::parent_of(to));
    const std::string from_leaf = Workload::leaf_of(f);
    const std::string to_leaf = Workload::leaf_of(to);
    Node moved = std::move(n);
    w.paths.erase(f);
    w.paths[to] = std::move(moved);
    auto done = co_await fs.rename(root, from_dir, from_leaf, to_dir, to_leaf);
    co_return done.has_value();
  }
  if (r < 84) {
    const Ino parent = w.ino_of_dir(Workload::parent_of(f));
    const Ino ino = n.ino;
    const bool keep_open = w.rand(3) == 0;
    if (keep_open) {
      auto opened = co_await fs.open(root, ino, kOpenReadWrite);
      if (!opened) co_return false;
      w.open_unlinked.push_back(ino);
    }
    const std::string leaf = Workload::leaf_of(f);
    w.paths.erase(f);
    auto done = co_await fs.unlink(root, parent, leaf);
    co_return done.has_value();
  }
  if (r < 87 && !w.open_unlinked.empty()) {
    const Ino ino = w.open_unlinked.back();
    w.open_unlinked.pop_back();
    auto done = co_await fs.release(ino);
    co_return done.has_value();
  }
  if (r < 90 && !dirs.empty() && w.empty_dir(dir) && !dir.empty() && dir != "/.nbd") {
    const Ino parent = w.ino_of_dir(Workload::parent_of(dir));
    const std::string leaf = Workload::leaf_of(dir);
    w.paths.erase(dir);
    auto done = co_await fs.rmdir(root, parent, leaf);
    co_return done.has_value();
  }
  auto synced = co_await fs.fsync(n.ino);
  if (!synced) co_return false;
  w.durable = w.states.size();  // the state before this no-op fsync, now durable
  co_return true;
}

Task<Result<Tree>> read_tree(Filesystem& fs) {
  const Credentials root = Credentials::root();
  Tree tree;
  std::vector<std::pair<std::string, Ino>> todo{{"", kRootIno}};
  while (!todo.empty()) {
    const auto [path, dir] = todo.back();
    todo.pop_back();
    std::uint64_t cookie = 0;
    for (;;) {
      ZF_CO_TRY(auto page, co_await fs.readdir(root, dir, cookie, 64));
      for (const auto& e : page.entries) {
        cookie = e.cookie;
        if (e.name == "." || e.name == "..") continue;
        const std::string p = path + "/" + e.name;
        Sig sig;
        sig.type = e.type;
        if (e.type == FileType::directory) todo.emplace_back(p, e.ino);
        if (e.type == FileType::regular) {
          ZF_CO_TRY(auto attr, co_await fs.getattr(root, e.ino));
          ZF_CO_TRY(auto data, co_await fs.read(root, e.ino, 0, attr.size));
          const std::string content(data.data.chars());
          sig.size = content.size();
          sig.hash = std::hash<std::string>{}(content);
        }
        tree[p] = sig;
      }
      if (page.eof) break;
    }
  }
  co_return tree;
}

Task<void> crash_once(std::uint64_t seed) {
  Workload w(seed);
  auto inner = zobj::MemoryStore::create();
  zobj::FaultOptions fo;
  fo.seed = seed;
  fo.op(zobj::StoreOp::put).jitter = std::chrono::microseconds(400);
  fo.op(zobj::StoreOp::get).jitter = std::chrono::microseconds(100);
  auto fault = std::make_shared<zobj::FaultStore>(inner, fo);
  FilesystemConfig config = test_config(fault);
  config.inline_delete_chunks = 2;  // tombstones (and a reaper to interrupt) at small sizes
  config.lsm.memtable_size = 16 * 1024 + w.rand(256 * 1024);
  config.lsm.flush_interval = std::chrono::milliseconds(1 + w.rand(4));
  {
    auto fs = (co_await Filesystem::open(config)).value();
    const Credentials root = Credentials::root();
    auto nbd = co_await fs->lookup(root, kRootIno, ".nbd");
    REQUIRE(nbd);
    w.paths["/.nbd"] = Node(nbd->ino, FileType::directory);
    w.snapshot();
    const int ops = 10 + static_cast<int>(w.rand(150));
    const int crash_at = static_cast<int>(w.rand(static_cast<std::uint64_t>(ops)));
    for (int i = 0; i < ops && !fault->halted(); ++i) {
      if (i == crash_at) {
        const auto delay = std::chrono::microseconds(w.rand(3000));
        auto executor = co_await zerofs::asio::this_coro::executor;
        zerofs::asio::co_spawn(executor, halt_after(fault, delay), zerofs::asio::detached);
      }
      const bool ok = co_await one_op(*fs, w);
      w.snapshot();
      if (!ok) break;
    }
    fault->halt();
  }  // dropped without close(): the crash

  config.store = inner;
  auto fs = (co_await Filesystem::open(config)).value();
  auto tree = co_await read_tree(*fs);
  REQUIRE(tree);
  bool matched = false;
  for (std::size_t i = w.durable; i < w.states.size() && !matched; ++i) {
    matched = w.states[i] == *tree;
  }
  INFO("seed " << seed << " (replay: ZEROFS_ZVFS_CRASH_SEED=" << seed << "), " << w.states.size()
               << " states, durable from " << w.durable << ", recovered " << tree->size()
               << " paths");
  REQUIRE(matched);
  auto report = co_await check(*fs);
  REQUIRE(report);
  INFO(report->summary());
  REQUIRE(report->clean());
  REQUIRE(co_await fs->drain_tombstones());
  report = co_await check(*fs);
  REQUIRE(report);
  INFO(report->summary());
  REQUIRE(report->clean());
  REQUIRE(report->tombstones == 0);
  REQUIRE(report->orphans == 0);
  REQUIRE(co_await fs->close());
}

}  // namespace

TEST_CASE("crash: after a crash at a random point the fsynced state survives, check() clean",
          "[crash]") {
  std::uint64_t first = 1;
  std::uint64_t last = static_cast<std::uint64_t>(crash_points());
  if (const char* one = std::getenv("ZEROFS_ZVFS_CRASH_SEED")) {
    first = last = std::strtoull(one, nullptr, 10);
  }
  for (std::uint64_t seed = first; seed <= last; ++seed) {
    zerofs::asio::io_context io;
    zerofs::run_blocking(io, crash_once(seed));
  }
}
