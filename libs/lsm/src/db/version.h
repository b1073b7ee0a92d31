// Version: the set of tables a read consults, taken from one manifest.
//
// Immutable and shared (shared_ptr<const Version>): a read or iterator holds the Version it
// started with, so tables it needs are not dropped from its view while it runs (the garbage
// collector's minimum age protects the objects themselves).
//
// Order of precedence, newest first: L0 tables (each a memtable flush, newest first, with
// strictly higher sequences than everything older), then sorted runs (newest first).
#pragma once

#include <memory>
#include <string_view>
#include <vector>

#include "base/async.h"
#include "format/internal_key.h"
#include "iter/internal_iterator.h"
#include "manifest/manifest_state.h"
#include "table/table_cache.h"

namespace lsm {

struct Version {
  std::uint64_t manifest_id = 0;
  std::vector<SstInfo> l0;      // newest first
  std::size_t l0_depth = 0;     // l0_depth(l0) (compaction_planner.h)
  std::vector<SortedRun> runs;  // newest first
  SequenceNumber last_l0_seq = 0;

  static std::shared_ptr<const Version> from_manifest(std::uint64_t id, const ManifestState& m);
  std::size_t table_count() const;
  std::uint64_t total_bytes() const;
};

struct VersionLookup {
  enum class Kind { absent, value, deletion };
  Kind kind = Kind::absent;
  std::string value;
};

// The newest version of `user_key` visible at `snapshot` in the tables of `version`.
// REQUIRES: `lookup_key` = make_internal_key(user_key, snapshot, kValueTypeForSeek).
zerofs::Task<zerofs::Result<VersionLookup>> version_get(const Version& version, TableCache& tables,
                                                        std::string_view lookup_key,
                                                        bool fill_cache);

// Appends one iterator per L0 table and per sorted run of `version` to `out`.
void add_version_iterators(const Version& version, TableCache& tables,
                           const TableReadOptions& options,
                           std::vector<std::unique_ptr<InternalIterator>>& out);

}  // namespace lsm
