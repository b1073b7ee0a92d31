// Model-based random-operation test: random sequences of every namespace, data, xattr and
// open/release operation run against zvfs and against the in-memory reference tree of
// model.h, with reopens in between. Each result (value or error) must match the model, the
// whole tree must match it at the end and after a final reopen, and zvfs::check() must be
// clean at both points.
//
// ZEROFS_ZVFS_MODEL_SEEDS=N runs seeds 1..N (default 2000; 300 under sanitizers);
// ZEROFS_ZVFS_MODEL_SEED=S replays seed S alone. A failure names its seed and operation.
#include "model.h"

#include <cstdlib>
#include <random>
#include <set>

#include "test_util.h"

using namespace zvfs;
using namespace zvfs::testing;

namespace {

int seed_count() {
  if (const char* env = std::getenv("ZEROFS_ZVFS_MODEL_SEEDS")) return std::atoi(env);
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
  return 300;
#else
  return 2000;
#endif
}

std::string errc_name(std::optional<Errc> e) {
  return e ? std::string(zerofs::errc_name(*e)) : std::string("ok");
}

template <typename T>
std::optional<Errc> outcome(const zerofs::Result<T>& r) {
  if (r) return std::nullopt;
  return r.error().code();
}

// One seed's run. Methods return "" on success, else what went wrong.
class Run {
 public:
  explicit Run(std::uint64_t seed) : rng_(seed), t_(config()) {
    model_.nodes[kRootIno].type = FileType::directory;
    model_.nodes[kRootIno].nlink = 2;
    model_.nodes[kRootIno].parent = kRootIno;
    model_.nodes[kRootIno].mode = 0755;
    const Attr nbd = t_.attr(t_->lookup(root_, kRootIno, ".nbd")->ino);
    ModelNode n;
    n.type = FileType::directory;
    n.mode = 0755;
    model_.add(kRootIno, ".nbd", nbd.ino, n);
  }

  std::string go(int ops) {
    for (int i = 0; i < ops; ++i) {
      step_ = i;
      std::string err = one_op();
      if (!err.empty()) return "op #" + std::to_string(i) + " " + what_ + ": " + err;
    }
    step_ = ops;
    what_ = "final verify";
    for (const auto& h : handles_) {
      if (auto r = t_->release(h); !r) return "release: " + r.error().to_string();
      --model_.at(h).opens;
    }
    handles_.clear();
    model_.restart();  // the released unlinked files are gone now
    if (auto err = verify_all(); !err.empty()) return err;
    if (auto err = check(); !err.empty()) return err;
    t_.reopen();
    what_ = "verify after reopen";
    if (auto err = verify_all(); !err.empty()) return err;
    return check();
  }

 private:
  static FilesystemConfig config() {
    FilesystemConfig c = test_config(zobj::MemoryStore::create());
    c.inline_delete_chunks = 2;  // tombstones and the reaper at small sizes
    c.delete_batch_chunks = 3;   // stepped truncates too
    return c;
  }

  std::uint64_t rand(std::uint64_t n) { return rng_() % n; }
  bool chance(unsigned percent) { return rand(100) < percent; }

  std::string name() {
    static const char* const pool[] = {"a", "b", "c", "d", "e", "f"};
    if (chance(2)) return std::string(chance(50) ? 255 : 256, 'n');
    return pool[rand(6)];
  }
  std::string bytes_of(std::size_t n) {
    std::string s(n, '\0');
    if (chance(15)) return s;  // all zeros: chunk deletes
    for (auto& c : s) c = static_cast<char>(rand(4) == 0 ? 0 : 'a' + rand(26));
    return s;
  }
  Ino pick(const std::vector<Ino>& v) { return v[rand(v.size())]; }
  Ino pick_dir() { return pick(model_.live(true)); }
  std::optional<Ino> pick_file() {
    auto files = model_.live_files();
    if (files.empty()) return std::nullopt;
    return pick(files);
  }
  std::uint64_t offset_in(std::uint64_t size) {
    if (chance(5)) return rand(40) * kChunkSize + rand(kChunkSize);  // far: sparse
    if (chance(20)) return (size / kChunkSize) * kChunkSize;
    return rand(size + kChunkSize + 1);
  }

  static std::string expect(std::optional<Errc> want, std::optional<Errc> got) {
    if (want == got) return "";
    return "expected " + errc_name(want) + ", got " + errc_name(got);
  }

  std::string check() {
    auto report = t_->check();
    if (!report) return "check: " + report.error().to_string();
    if (!report->clean()) return "check: " + report->summary();
    return "";
  }

  std::string one_op();
  std::string make(FileType type);
  std::string remove(bool dir);
  std::string rename();
  std::string link();
  std::string write();
  std::string read(Ino ino, std::uint64_t offset, std::uint64_t length);
  std::string resize();
  std::string zero_range(bool keep_size);
  std::string xattr();
  std::string verify_node(Ino ino);
  std::string verify_dir(Ino dir);
  std::string verify_all();

  std::mt19937_64 rng_;
  FsFixture t_;
  Model model_;
  Credentials root_ = Credentials::root();
  std::vector<Ino> handles_;
  int step_ = 0;
  std::string what_;
};

std::string Run::one_op() {
  const auto r = rand(100);
  if (r < 12) return make(FileType::regular);
  if (r < 17) return make(FileType::directory);
  if (r < 19) return make(FileType::symlink);
  if (r < 20) return make(chance(50) ? FileType::fifo : FileType::socket);
  if (r < 26) return remove(false);
  if (r < 29) return remove(true);
  if (r < 37) return rename();
  if (r < 40) return link();
  if (r < 55) return write();
  if (r < 61) {
    auto f = pick_file();
    if (!f) return "";
    const auto size = model_.at(*f).data.size();
    return read(*f, offset_in(size), 1 + rand(3 * kChunkSize));
  }
  if (r < 66) return resize();
  if (r < 69) return zero_range(chance(50));
  if (r < 74) return xattr();
  if (r < 78) {
    auto f = pick_file();
    if (!f) return "";
    what_ = "open " + std::to_string(*f);
    auto opened = t_->open_file(root_, *f, kOpenReadWrite);
    if (!opened) return opened.error().to_string();
    handles_.push_back(*f);
    ++model_.at(*f).opens;
    return "";
  }
  if (r < 82) {
    if (handles_.empty()) return "";
    const std::size_t i = rand(handles_.size());
    const Ino ino = handles_[i];
    handles_.erase(handles_.begin() + static_cast<std::ptrdiff_t>(i));
    what_ = "release " + std::to_string(ino);
    if (auto done = t_->release(ino); !done) return done.error().to_string();
    ModelNode& n = model_.at(ino);
    if (--n.opens == 0 && n.nlink == 0) model_.nodes.erase(ino);
    return "";
  }
  if (r < 85) {
    std::vector<Ino> all;
    for (const auto& [ino, n] : model_.nodes) all.push_back(ino);
    const Ino ino = pick(all);
    if (model_.at(ino).type == FileType::symlink) return verify_node(ino);
    SetAttr sa;
    sa.mode = static_cast<std::uint32_t>(rand(01000));
    what_ = "chmod " + std::to_string(ino);
    auto done = t_->setattr(root_, ino, sa);
    if (!done) return done.error().to_string();
    model_.at(ino).mode = *sa.mode;
    return verify_node(ino);
  }
  if (r < 93) return verify_dir(pick_dir());
  if (r < 96) {
    std::vector<Ino> all;
    for (const auto& [ino, n] : model_.nodes) all.push_back(ino);
    return verify_node(pick(all));
  }
  if (r < 98) {
    what_ = "sync";
    auto done = t_->sync();
    return done ? "" : done.error().to_string();
  }
  what_ = "reopen";
  t_.reopen();
  handles_.clear();
  model_.restart();
  return check();
}

std::string Run::make(FileType type) {
  const Ino dir = pick_dir();
  const std::string n = name();
  what_ = std::string("make ") + type_name(type) + " " + std::to_string(dir) + "/" + n.substr(0, 8);
  const auto existing = model_.entry(dir, n);
  const bool exclusive = chance(50);
  std::optional<Errc> want;
  if (n.size() > kMaxNameBytes) {
    want = Errc::name_too_long;
  } else if (existing) {
    if (type != FileType::regular || exclusive) {
      want = Errc::already_exists;
    } else if (model_.is_dir(*existing)) {
      want = Errc::is_a_directory;
    }
  }
  zerofs::Result<Attr> got = zerofs::fail(Errc::permanent, "unset");
  std::string target;
  switch (type) {
    case FileType::regular: {
      auto c = t_->create(root_, dir, n, 0644, exclusive);
      if (c && existing && (c->created || c->attr.ino != *existing)) {
        return "create returned a new file over an existing one";
      }
      if (c) {
        got = c->attr;
      } else {
        got = std::unexpected(c.error());
      }
      if (c && existing) return expect(want, std::nullopt);
      break;
    }
    case FileType::directory:
      got = t_->mkdir(root_, dir, n, 0755);
      break;
    case FileType::symlink:
      target = "t" + std::to_string(rand(100000));
      got = t_->symlink(root_, dir, n, target);
      break;
    default:
      got = t_->mknod(root_, dir, n, type, 0600, 0);
  }
  if (auto err = expect(want, outcome(got)); !err.empty() || !got) return err;
  if (got->type != type) return "wrong type";
  ModelNode node;
  node.type = type;
  node.mode = type == FileType::directory ? 0755
              : type == FileType::symlink ? 0777
              : type == FileType::regular ? 0644
                                          : 0600;
  node.target = target;
  model_.add(dir, n, got->ino, node);
  return "";
}

std::string Run::remove(bool is_dir) {
  const Ino dir = pick_dir();
  const std::string n = name();
  what_ = std::string(is_dir ? "rmdir " : "unlink ") + std::to_string(dir) + "/" + n.substr(0, 8);
  const auto existing = model_.entry(dir, n);
  std::optional<Errc> want;
  if (n.size() > kMaxNameBytes) {
    want = Errc::name_too_long;
  } else if (!existing) {
    want = Errc::not_found;
  } else if (is_dir && !model_.is_dir(*existing)) {
    want = Errc::not_a_directory;
  } else if (is_dir && !model_.at(*existing).entries.empty()) {
    want = Errc::not_empty;
  } else if (!is_dir && model_.is_dir(*existing)) {
    want = Errc::is_a_directory;
  }
  auto got = is_dir ? t_->rmdir(root_, dir, n) : t_->unlink(root_, dir, n);
  if (auto err = expect(want, outcome(got)); !err.empty() || !got) return err;
  model_.drop(dir, n);
  return "";
}

std::string Run::rename() {
  const Ino d1 = pick_dir();
  const Ino d2 = pick_dir();
  static const char* const pool[] = {"a", "b", "c", "d", "e", "f"};
  const std::string n1 = pool[rand(6)];
  const std::string n2 = pool[rand(6)];
  const auto r = rand(10);
  const unsigned flags = r < 7 ? 0 : r < 9 ? kRenameNoReplace : kRenameExchange;
  what_ = "rename " + std::to_string(d1) + "/" + n1 + " -> " + std::to_string(d2) + "/" + n2 +
          " flags " + std::to_string(flags);
  auto got = t_->rename(root_, d1, n1, d2, n2, flags);
  const auto want = model_.rename(d1, n1, d2, n2, flags);
  return expect(want, outcome(got));
}

std::string Run::link() {
  std::vector<Ino> linkable;
  for (const auto& [ino, n] : model_.nodes) {
    if (n.nlink > 0) linkable.push_back(ino);
  }
  const Ino ino = pick(linkable);
  const Ino dir = pick_dir();
  const std::string n = name();
  what_ = "link " + std::to_string(ino) + " as " + std::to_string(dir) + "/" + n.substr(0, 8);
  std::optional<Errc> want;
  if (n.size() > kMaxNameBytes) {
    want = Errc::name_too_long;
  } else if (model_.is_dir(ino)) {
    want = Errc::not_permitted;
  } else if (model_.entry(dir, n)) {
    want = Errc::already_exists;
  }
  auto got = t_->link(root_, ino, dir, n);
  if (auto err = expect(want, outcome(got)); !err.empty() || !got) return err;
  model_.at(dir).entries[n] = ino;
  ++model_.at(ino).nlink;
  if (got->nlink != model_.at(ino).nlink) return "link count after link";
  return "";
}

std::string Run::write() {
  auto f = pick_file();
  if (!f) return "";
  std::string& data = model_.at(*f).data;
  const std::uint64_t offset = offset_in(data.size());
  const std::uint64_t length =
      chance(10) ? kChunkSize : 1 + rand(chance(20) ? 3 * kChunkSize : 3000);
  const std::string bytes_in = bytes_of(length);
  what_ =
      "write " + std::to_string(*f) + " @" + std::to_string(offset) + "+" + std::to_string(length);
  auto got = t_->write(root_, *f, offset, bytes(bytes_in));
  if (!got) return got.error().to_string();
  if (data.size() < offset + length) data.resize(offset + length, '\0');
  data.replace(offset, length, bytes_in);
  if (got->size != data.size()) return "size after write";
  if (chance(30)) return read(*f, offset >= 10 ? offset - 10 : 0, length + 20);
  return "";
}

std::string Run::read(Ino ino, std::uint64_t offset, std::uint64_t length) {
  what_ =
      "read " + std::to_string(ino) + " @" + std::to_string(offset) + "+" + std::to_string(length);
  const std::string& data = model_.at(ino).data;
  auto got = t_->read(root_, ino, offset, length);
  if (!got) return got.error().to_string();
  const std::string want = offset >= data.size() ? std::string() : data.substr(offset, length);
  if (auto d = diff(str(got->data), want); !d.empty()) return d;
  const bool eof = offset + length >= data.size();
  if (got->eof != eof) return "eof flag";
  return "";
}

std::string Run::resize() {
  auto f = pick_file();
  if (!f) return "";
  std::string& data = model_.at(*f).data;
  std::uint64_t size = 0;
  const auto r = rand(4);
  if (r == 0) size = 0;
  if (r == 1) size = rand(data.size() + 1);
  if (r == 2) size = data.size() + rand(3 * kChunkSize);
  if (r == 3) size = rand(20) * kChunkSize;
  what_ = "truncate " + std::to_string(*f) + " to " + std::to_string(size);
  SetAttr sa;
  sa.size = size;
  auto got = t_->setattr(root_, *f, sa);
  if (!got) return got.error().to_string();
  data.resize(size, '\0');
  if (got->size != size) return "size after truncate";
  return "";
}

std::string Run::zero_range(bool keep_size) {
  auto f = pick_file();
  if (!f) return "";
  std::string& data = model_.at(*f).data;
  const std::uint64_t offset = offset_in(data.size());
  const std::uint64_t length = rand(chance(30) ? 8 * kChunkSize : 5000);
  what_ = std::string(keep_size ? "punch " : "zeroes ") + std::to_string(*f) + " @" +
          std::to_string(offset) + "+" + std::to_string(length);
  auto got = keep_size ? t_->punch_hole(root_, *f, offset, length)
                       : t_->write_zeroes(root_, *f, offset, length);
  if (!got) return got.error().to_string();
  if (!keep_size && length > 0 && data.size() < offset + length) {
    data.resize(offset + length, '\0');
  }
  if (offset < data.size()) {
    const auto stop = std::min<std::uint64_t>(data.size(), offset + length);
    std::fill(data.begin() + static_cast<std::ptrdiff_t>(offset),
              data.begin() + static_cast<std::ptrdiff_t>(stop), '\0');
  }
  if (got->size != data.size()) return "size after zero range";
  return read(*f, offset >= 5 ? offset - 5 : 0, length + 10);
}

std::string Run::xattr() {
  std::vector<Ino> targets;
  for (const auto& [ino, n] : model_.nodes) {
    if (n.type == FileType::regular || n.type == FileType::directory) targets.push_back(ino);
  }
  const Ino ino = pick(targets);
  auto& xattrs = model_.at(ino).xattrs;
  const std::string n = "user.x" + std::to_string(rand(3));
  const auto r = rand(3);
  what_ = "xattr op " + std::to_string(r) + " " + std::to_string(ino) + " " + n;
  if (r == 0) {
    const std::string value = bytes_of(rand(300));
    auto got = t_->setxattr(root_, ino, n, bytes(value));
    if (!got) return got.error().to_string();
    xattrs[n] = value;
  } else if (r == 1) {
    auto got = t_->removexattr(root_, ino, n);
    const bool had = xattrs.erase(n) > 0;
    return expect(had ? std::nullopt : std::optional<Errc>(Errc::no_data), outcome(got));
  } else {
    auto got = t_->getxattr(root_, ino, n);
    auto it = xattrs.find(n);
    if (auto err = expect(it == xattrs.end() ? std::optional<Errc>(Errc::no_data) : std::nullopt,
                          outcome(got));
        !err.empty() || !got) {
      return err;
    }
    if (*got != it->second) return "xattr value differs";
  }
  auto names = t_->listxattr(root_, ino);
  if (!names) return names.error().to_string();
  std::vector<std::string> want;
  for (const auto& [k, v] : xattrs) want.push_back(k);
  if (*names != want) return "listxattr differs";
  return "";
}

std::string Run::verify_node(Ino ino) {
  what_ = "verify " + std::to_string(ino);
  const ModelNode& n = model_.at(ino);
  auto a = t_->getattr(root_, ino);
  if (!a) return a.error().to_string();
  if (a->type != n.type || a->mode != n.mode) return "type or mode differs";
  if (a->nlink != n.nlink) {
    return "nlink " + std::to_string(a->nlink) + " want " + std::to_string(n.nlink);
  }
  if (n.type == FileType::regular) {
    if (a->size != n.data.size()) return "size differs";
    return read(ino, 0, n.data.size() + 1);
  }
  if (n.type == FileType::symlink) {
    auto target = t_->readlink(root_, ino);
    if (!target || *target != n.target) return "symlink target differs";
  }
  return "";
}

std::string Run::verify_dir(Ino dir) {
  what_ = "readdir " + std::to_string(dir);
  const ModelNode& n = model_.at(dir);
  std::set<std::tuple<std::string, Ino, FileType>> want{{".", dir, FileType::directory},
                                                        {"..", n.parent, FileType::directory}};
  for (const auto& [name, ino] : n.entries) want.emplace(name, ino, model_.at(ino).type);
  std::set<std::tuple<std::string, Ino, FileType>> got;
  std::uint64_t cookie = 0;
  const std::size_t page = 1 + rand(5);
  for (int guard = 0; guard < 100; ++guard) {
    auto p = t_->readdir(root_, dir, cookie, page, chance(30));
    if (!p) return p.error().to_string();
    for (const auto& e : p->entries) {
      if (!got.emplace(e.name, e.ino, e.type).second) return "entry listed twice: " + e.name;
      if (e.attr && e.attr->ino != e.ino) return "readdirplus attr of the wrong inode";
      cookie = e.cookie;
    }
    if (p->eof) break;
  }
  if (got != want) {
    return "listing has " + std::to_string(got.size()) + " entries, model " +
           std::to_string(want.size());
  }
  return "";
}

std::string Run::verify_all() {
  for (const auto& [ino, n] : model_.nodes) {
    if (auto err = verify_node(ino); !err.empty()) return err;
    if (n.type == FileType::directory) {
      if (auto err = verify_dir(ino); !err.empty()) return err;
    }
  }
  auto fs = t_->statfs(root_);
  if (!fs) return fs.error().to_string();
  if (fs->used_inodes != model_.nodes.size()) return "statfs inode count differs";
  return "";
}

}  // namespace

TEST_CASE("model: random operations match the reference tree, with reopens", "[model]") {
  std::uint64_t first = 1;
  std::uint64_t last = static_cast<std::uint64_t>(seed_count());
  if (const char* one = std::getenv("ZEROFS_ZVFS_MODEL_SEED")) {
    first = last = std::strtoull(one, nullptr, 10);
  }
  for (std::uint64_t seed = first; seed <= last; ++seed) {
    Run run(seed);
    const std::string failure = run.go(40 + static_cast<int>(seed % 80));
    INFO("seed " << seed << " (replay: ZEROFS_ZVFS_MODEL_SEED=" << seed << ")");
    REQUIRE(failure == "");
  }
}
