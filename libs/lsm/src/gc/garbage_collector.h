// GarbageCollector: deletes the objects of a database that nothing can read any more.
//
// One pass (collect()):
//  1. removes the checkpoints expired at `now` from the manifest (a ManifestStore::update()
//     delta, so it merges with the writer and compactor);
//  2. finds the LIVE manifests: the latest, every one pinned by a live checkpoint, and every
//     one superseded less than min_age ago (its successor is younger than min_age) — a reader
//     or the writer may still be reading the tables of a manifest it loaded shortly before;
//  3. deletes sst/<ulid>.sst objects that no live manifest references and that are older
//     than min_age (a table is stored before the manifest naming it is committed; min_age
//     covers that window), unless `in_use` claims them;
//  4. deletes WAL objects (in the WAL store) with id <= the smallest replay_after_wal_id of
//     the live manifests, EXCEPT fences (zero-length objects), which are never deleted: a
//     zombie writer's next PUT targets a fence's id, and must keep failing;
//  5. deletes manifests in ascending id order, from the oldest, stopping at the first that
//     is live (pinned, recently superseded, or the latest). ManifestStore::commit's GC
//     boundary relies on exactly this (G1, G2 in manifest_store.h).
// Objects whose keys do not parse (sst/ or wal/ entries we did not write) are left alone.
// A pass deletes nothing until it knows every live manifest's references: if a live manifest
// cannot be read, the pass fails before deleting.
//
// Run it only in the process that compacts, and not while that process has a compaction
// whose outputs are stored but not committed for longer than min_age (or name those outputs
// through `in_use`): an uncommitted output is referenced by no manifest.
//
// Thread safety: one collect() at a time. Decoded manifest references are cached between
// passes (manifests are immutable). Lifetime: stores and ManifestStore must outlive it.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "base/async.h"
#include "base/result.h"
#include "manifest/manifest_store.h"
#include "zobj/object_store.h"

namespace lsm {

struct GcParams {
  std::shared_ptr<zobj::ObjectStore> store;      // manifests and SSTs
  std::shared_ptr<zobj::ObjectStore> wal_store;  // null: WAL objects live in `store`
  std::string prefix;                            // "" or ending in '/'
  ManifestStore* manifests = nullptr;
};

struct GcOptions {
  std::chrono::milliseconds min_age{300'000};
  std::int64_t now_ms = 0;  // Unix time of the pass; 0: the system clock
  // Tables written by work in progress (e.g. a running compaction); never deleted.
  std::function<bool(const SstId&)> in_use;
};

struct GcCounts {
  std::size_t ssts = 0;
  std::size_t wal_objects = 0;
  std::size_t manifests = 0;
  std::size_t checkpoints = 0;  // expired checkpoints removed from the manifest
  std::size_t objects() const { return ssts + wal_objects + manifests; }
};

class GarbageCollector {
 public:
  explicit GarbageCollector(GcParams params);

  zerofs::Task<zerofs::Result<GcCounts>> collect(const GcOptions& options);

 private:
  struct ManifestRefs {
    std::vector<SstId> ssts;
    std::uint64_t replay_after_wal_id = 0;
  };
  struct ListedManifest {
    std::uint64_t id = 0;
    std::int64_t modified_ms = 0;
  };

  static std::shared_ptr<const ManifestRefs> refs_of(const ManifestState& state);
  zerofs::Task<zerofs::Result<std::vector<ListedManifest>>> list_manifests();
  // References of manifest `id`, from the cache or the store.
  zerofs::Task<zerofs::Result<std::shared_ptr<const ManifestRefs>>> load_refs(std::uint64_t id);
  zerofs::Task<zerofs::Result<std::size_t>> delete_ssts(
      const std::vector<std::shared_ptr<const ManifestRefs>>& live, std::int64_t cutoff_ms,
      const GcOptions& options);
  zerofs::Task<zerofs::Result<std::size_t>> delete_wal(std::uint64_t through_id);

  const GcParams params_;
  zobj::ObjectStore& wal_store_;
  std::map<std::uint64_t, std::shared_ptr<const ManifestRefs>> cache_;  // by manifest id
};

}  // namespace lsm
