// zvfs::check: one pass over every key (collecting), then the cross-checks.
#include <fmt/format.h>

#include <map>
#include <set>
#include <unordered_map>

#include "keys.h"
#include "lsm/db.h"
#include "records.h"
#include "zvfs/check.h"
#include "zvfs/filesystem.h"

namespace zvfs {

namespace {

struct InodeSeen {
  Inode inode;
  std::uint64_t refs = 0;        // dirents naming it
  Ino named_in = 0;              // the directory of (one of) those dirents
  std::uint64_t entries = 0;     // directories: dirents in it
  std::uint64_t subdirs = 0;     // directories: dirents of directories in it
  std::uint64_t max_cookie = 0;  // directories: the largest cookie in use
  std::uint64_t xattrs = 0;
  bool orphan = false;
};

struct DirentSeen {
  std::string name;
  Ino child = 0;
  FileType type = FileType::regular;
  bool matched = false;  // its dirscan twin was found
};

class Checker {
 public:
  CheckReport report;

  template <typename... Args>
  void problem(fmt::format_string<Args...> f, Args&&... args) {
    ++report.problem_count;
    if (report.problems.size() < CheckReport::kMaxProblems) {
      report.problems.push_back(fmt::format(f, std::forward<Args>(args)...));
    }
  }

  void visit(std::string_view key, std::string_view value);
  void finish();

 private:
  void visit_system(std::string_view key, std::string_view value);
  void visit_inode(std::string_view key, std::string_view value);
  void visit_dirent(std::string_view key, std::string_view value);
  void visit_dirscan(std::string_view key, std::string_view value);
  void visit_chunk(std::string_view key, std::string_view value);
  void check_inode(Ino ino, const InodeSeen& s);
  void check_parents();

  bool has_format_ = false;
  std::optional<std::uint64_t> reservation_;
  UsageRecord usage_;
  std::unordered_map<Ino, InodeSeen> inodes_;
  std::map<std::pair<Ino, std::uint64_t>, DirentSeen> dirents_;  // by (dir, cookie)
  std::set<Ino> tombstones_;
};

void Checker::visit(std::string_view key, std::string_view value) {
  const auto prefix = keys::prefix_of(key);
  if (!prefix) return problem("empty key");
  switch (*prefix) {
    case keys::Prefix::system:
      return visit_system(key, value);
    case keys::Prefix::inode:
      return visit_inode(key, value);
    case keys::Prefix::dirent:
      return visit_dirent(key, value);
    case keys::Prefix::dirscan:
      return visit_dirscan(key, value);
    case keys::Prefix::chunk:
      return visit_chunk(key, value);
    case keys::Prefix::xattr: {
      const auto k = keys::parse_named_key(keys::Prefix::xattr, key);
      auto it = k ? inodes_.find(k->id) : inodes_.end();
      if (it == inodes_.end()) return problem("xattr of a missing inode");
      ++it->second.xattrs;
      ++report.xattrs;
      if (!decode_xattr(value)) problem("inode {}: malformed xattr", k->id);
      return;
    }
    case keys::Prefix::orphan: {
      const auto ino = keys::parse_id_key(keys::Prefix::orphan, key);
      auto it = ino ? inodes_.find(*ino) : inodes_.end();
      if (it == inodes_.end()) return problem("orphan marker without an inode");
      it->second.orphan = true;
      ++report.orphans;
      return;
    }
    case keys::Prefix::tombstone: {
      const auto ino = keys::parse_id_key(keys::Prefix::tombstone, key);
      if (!ino || !decode_tombstone(value)) return problem("malformed tombstone");
      if (inodes_.contains(*ino)) problem("tombstone of live inode {}", *ino);
      tombstones_.insert(*ino);
      ++report.tombstones;
      return;
    }
  }
  problem("key with unknown prefix {:#04x}", static_cast<unsigned>(*prefix));
}

void Checker::visit_system(std::string_view key, std::string_view value) {
  if (key == keys::format_key().view()) {
    has_format_ = true;
    auto f = decode_format(value);
    if (!f || f->version != kFormatVersion || f->chunk_size != kChunkSize) {
      problem("bad format record");
    }
  } else if (key == keys::ino_reservation_key().view()) {
    auto r = decode_u64_record(value);
    if (!r) return problem("bad inode id reservation");
    reservation_ = *r;
  } else if (key.size() == 3 && key.substr(0, 2) == keys::usage_key(0).view().substr(0, 2) &&
             static_cast<std::uint8_t>(key[2]) < keys::kUsageShards) {
    auto u = decode_usage(value);
    if (!u) return problem("bad usage shard");
    usage_.bytes += u->bytes;
    usage_.inodes += u->inodes;
  } else {
    problem("unknown system key");
  }
}

void Checker::visit_inode(std::string_view key, std::string_view value) {
  const auto ino = keys::parse_id_key(keys::Prefix::inode, key);
  if (!ino) return problem("malformed inode key");
  auto inode = decode_inode(*ino, value);
  if (!inode) return problem("inode {}: {}", *ino, inode.error().message());
  InodeSeen s;
  s.inode = std::move(*inode);
  ++report.inodes;
  if (s.inode.is_dir()) ++report.directories;
  if (s.inode.is_regular()) ++report.regular_files;
  if (s.inode.is_regular() || s.inode.type == FileType::symlink) {
    report.file_bytes += s.inode.size;
  }
  inodes_.emplace(*ino, std::move(s));
}

void Checker::visit_dirent(std::string_view key, std::string_view value) {
  const auto k = keys::parse_named_key(keys::Prefix::dirent, key);
  if (!k) return problem("malformed dirent key");
  auto d = decode_dirent(value);
  if (!d) return problem("dir {} entry '{}': malformed", k->id, k->name);
  ++report.entries;
  auto dir = inodes_.find(k->id);
  if (dir == inodes_.end() || !dir->second.inode.is_dir()) {
    return problem("entry '{}' in {}, which is not a directory", k->name, k->id);
  }
  ++dir->second.entries;
  if (d->type == FileType::directory) ++dir->second.subdirs;
  dir->second.max_cookie = std::max(dir->second.max_cookie, d->cookie);
  auto child = inodes_.find(d->child);
  if (child == inodes_.end()) {
    problem("dangling entry '{}' in {} -> missing inode {}", k->name, k->id, d->child);
  } else {
    ++child->second.refs;
    child->second.named_in = k->id;
    if (child->second.inode.type != d->type) {
      problem("entry '{}' in {}: type differs from inode {}", k->name, k->id, d->child);
    }
  }
  DirentSeen seen;
  seen.name = std::string(k->name);
  seen.child = d->child;
  seen.type = d->type;
  if (!dirents_.emplace(std::make_pair(k->id, d->cookie), std::move(seen)).second) {
    problem("dir {}: cookie {} used twice", k->id, d->cookie);
  }
}

void Checker::visit_dirscan(std::string_view key, std::string_view value) {
  const auto k = keys::parse_dirscan_key(key);
  if (!k) return problem("malformed dirscan key");
  auto d = decode_dirscan(value);
  if (!d) return problem("dir {} cookie {}: malformed dirscan", k->dir, k->cookie);
  auto it = dirents_.find({k->dir, k->cookie});
  if (it == dirents_.end() || it->second.name != d->name || it->second.child != d->child ||
      it->second.type != d->type) {
    return problem("dir {} cookie {} ('{}'): no matching entry", k->dir, k->cookie, d->name);
  }
  it->second.matched = true;
}

void Checker::visit_chunk(std::string_view key, std::string_view value) {
  const auto k = keys::parse_chunk_key(key);
  if (!k) return problem("malformed chunk key");
  ++report.chunks;
  report.chunk_bytes += value.size();
  if (value.empty() || value.size() > kChunkSize) {
    problem("inode {} chunk {}: {} bytes", k->ino, k->index, value.size());
  }
  auto it = inodes_.find(k->ino);
  if (it == inodes_.end()) {
    if (!tombstones_.contains(k->ino)) problem("chunk of missing inode {} (leaked)", k->ino);
    return;
  }
  const Inode& n = it->second.inode;
  if (!n.is_regular()) return problem("chunk of non-file inode {}", k->ino);
  const std::uint64_t start = k->index * kChunkSize;
  if (start >= n.size) {
    problem("inode {} chunk {} lies beyond the end ({} bytes)", k->ino, k->index, n.size);
  } else if (start + value.size() > n.size) {
    problem("inode {} chunk {} stores bytes past the end ({} bytes)", k->ino, k->index, n.size);
  }
}

void Checker::check_inode(Ino ino, const InodeSeen& s) {
  const Inode& n = s.inode;
  if (reservation_ && ino >= *reservation_) {
    problem("inode {} is at or above the id reservation {}", ino, *reservation_);
  }
  if (n.xattr_count != s.xattrs) {
    problem("inode {}: xattr count {} but {} stored", ino, n.xattr_count, s.xattrs);
  }
  if ((n.nlink == 0) != s.orphan) {
    problem("inode {}: nlink {} but orphan marker {}", ino, n.nlink, s.orphan ? "set" : "absent");
  }
  if (n.type == FileType::symlink && n.size != n.target.size()) {
    problem("symlink {}: size {} but target of {} bytes", ino, n.size, n.target.size());
  }
  if (n.is_dir()) {
    if (n.nlink != 0 && n.nlink != 2 + s.subdirs) {
      problem("dir {}: nlink {} but {} subdirectories", ino, n.nlink, s.subdirs);
    }
    if (n.entry_count != s.entries) {
      problem("dir {}: entry count {} but {} entries", ino, n.entry_count, s.entries);
    }
    if (s.entries > 0 && n.next_cookie <= s.max_cookie) {
      problem("dir {}: next cookie {} not above {}", ino, n.next_cookie, s.max_cookie);
    }
    if (ino == kRootIno) {
      if (s.refs != 0 || n.parent != kRootIno) problem("the root is named or has a parent");
    } else if (n.nlink == 0) {
      if (s.refs != 0) problem("removed dir {} is still named", ino);
    } else if (s.refs != 1 || s.named_in != n.parent) {
      problem("dir {}: {} names, parent {} but named in {}", ino, s.refs, n.parent, s.named_in);
    }
  } else if (n.nlink != s.refs) {
    problem("inode {}: nlink {} but {} entries name it", ino, n.nlink, s.refs);
  }
}

// Every live directory reaches the root through parent pointers within as many steps as
// there are directories.
void Checker::check_parents() {
  const std::uint64_t limit = report.directories + 1;
  for (const auto& [ino, s] : inodes_) {
    if (!s.inode.is_dir() || s.inode.nlink == 0) continue;
    Ino cursor = ino;
    std::uint64_t steps = 0;
    while (cursor != kRootIno && steps++ <= limit) {
      auto it = inodes_.find(cursor);
      if (it == inodes_.end() || !it->second.inode.is_dir()) {
        problem("dir {}: ancestor {} is not a directory", ino, cursor);
        break;
      }
      cursor = it->second.inode.parent;
    }
    if (cursor != kRootIno) problem("dir {} does not reach the root", ino);
  }
}

void Checker::finish() {
  if (!has_format_) problem("no format record");
  if (!reservation_) problem("no inode id reservation");
  auto root = inodes_.find(kRootIno);
  if (root == inodes_.end() || !root->second.inode.is_dir()) problem("no root directory");
  for (const auto& [ino, s] : inodes_) check_inode(ino, s);
  for (const auto& [key, d] : dirents_) {
    if (!d.matched) problem("dir {} entry '{}' has no readdir record", key.first, d.name);
  }
  check_parents();
  if (usage_.bytes != static_cast<std::int64_t>(report.file_bytes) ||
      usage_.inodes != static_cast<std::int64_t>(report.inodes)) {
    problem("usage counters say {} bytes / {} inodes, the inodes {} / {}", usage_.bytes,
            usage_.inodes, report.file_bytes, report.inodes);
  }
}

}  // namespace

std::string CheckReport::summary() const {
  std::string out = fmt::format(
      "{} problems; {} inodes ({} dirs, {} files), {} entries, {} chunks ({} bytes), {} file "
      "bytes, {} orphans, {} tombstones, {} xattrs",
      problem_count, inodes, directories, regular_files, entries, chunks, chunk_bytes, file_bytes,
      orphans, tombstones, xattrs);
  for (const auto& p : problems) fmt::format_to(std::back_inserter(out), "\n  {}", p);
  return out;
}

zerofs::Task<zerofs::Result<CheckReport>> check(lsm::Db& db) {
  Checker checker;
  lsm::ReadOptions options;
  options.fill_cache = false;
  auto it = db.new_iterator(options);
  ZF_CO_CHECK(co_await it->seek_to_first());
  while (it->valid()) {
    checker.visit(it->key(), it->value());
    ZF_CO_CHECK(co_await it->next());
  }
  checker.finish();
  co_return std::move(checker.report);
}

zerofs::Task<zerofs::Result<CheckReport>> check(Filesystem& fs) { return check(fs.db()); }

}  // namespace zvfs
