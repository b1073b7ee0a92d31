// zvfs::check: the consistency checker (`zerofs fsck`, and every test that changes a
// filesystem).
//
// It reads the whole database in one consistent view (a single iterator) and verifies the
// invariants of docs/formats/vfs-keys.md: every record decodes; link counts equal the
// entries naming an inode (directories: 2 + subdirectories) and entry counts the entries of
// a directory; each dirent has its dirscan twin and the other way round; directory parent
// pointers match the entry naming them and lead to the root without a loop; no entry
// dangles; unlinked inodes are orphans and orphans are unlinked; the usage counters equal
// the sum of sizes and the number of inodes; no inode id is at or above the reservation;
// no chunk lies beyond its file's end (nor stored bytes past it in the last chunk), and
// chunks without an inode are covered by a tombstone.
//
// Run it on a live Filesystem (files open then are legitimately orphans) or on a Db opened
// read-only. Memory: a few dozen bytes per inode and per directory entry.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/async.h"
#include "base/result.h"

namespace lsm {
class Db;
}

namespace zvfs {

class Filesystem;

struct CheckReport {
  std::vector<std::string> problems;  // empty: consistent (at most kMaxProblems listed)
  std::uint64_t problem_count = 0;    // all problems, also those not listed
  std::uint64_t inodes = 0;
  std::uint64_t directories = 0;
  std::uint64_t regular_files = 0;
  std::uint64_t entries = 0;
  std::uint64_t chunks = 0;
  std::uint64_t chunk_bytes = 0;
  std::uint64_t file_bytes = 0;  // sum of the sizes of files and symlinks
  std::uint64_t orphans = 0;
  std::uint64_t tombstones = 0;
  std::uint64_t xattrs = 0;

  static constexpr std::size_t kMaxProblems = 1000;
  bool clean() const noexcept { return problem_count == 0; }
  // One line of counts, then one line per listed problem.
  std::string summary() const;
};

// Errors: only read failures; inconsistencies are reported in the CheckReport.
zerofs::Task<zerofs::Result<CheckReport>> check(lsm::Db& db);
zerofs::Task<zerofs::Result<CheckReport>> check(Filesystem& fs);

}  // namespace zvfs
