// ManifestStore: reads and commits manifest objects (prefix + "manifest/<20-digit id>").
//
// Versions. Every manifest is a full snapshot with an id one above its predecessor's. A commit
// creates id base.id + 1 with create-if-absent, so of two processes committing on the same
// base exactly one wins; the other gets Errc::precondition_failed and merges (update()).
// Discovery needs no pointer object: load_latest() LISTs once and probes upward; refresh()
// only probes (GET known.id + 1, + 2, ... until not_found), which is cheap enough to poll.
//
// The GC boundary. Deleting old manifests opens a hole: a process that stalled while holding
// manifest B as its base could wake up after B + 1 was garbage-collected, and its
// create-if-absent of B + 1 would then succeed — resurrecting a deleted id with a state built
// on a stale view, invisible to everybody who already moved past it. commit() therefore
// re-checks its base after the create: HEAD B must still return B's etag. This is sound
// because the garbage collector promises
//   (G1) never to delete the latest manifest, and
//   (G2) to delete manifests in ascending id order: id N only once no manifest below N
//        exists, so the live ids always form one contiguous range [oldest, latest]
//        (a checkpoint-pinned manifest therefore also keeps every later one);
// and manifests are written only by create-if-absent, so an id once deleted and re-created
// carries a new etag. If B + 1 had existed and been deleted before our create, then by (G2)
// B was deleted before it, and HEAD B now finds nothing (or a resurrected B with another
// etag). Conversely, if HEAD B still returns B's etag, B was never deleted, so B + 1 was never
// deleted either, and our create found it absent because nobody had written it: the commit
// is genuine. A failed check is reported as Errc::fenced ("stale manifest view"), and the
// object just written is deleted again so that nobody mistakes it for a live version.
//
// Merging. Writer and compactor own disjoint fields (manifest_state.h). update(fn) applies a
// delta fn to a copy of the newest state and commits it; on a conflict it refreshes and
// applies fn again to the newer state. A delta must therefore be re-appliable: given a state
// that already contains its effect (our own earlier commit whose success was reported as a
// failure), it returns false (nothing to change). When a commit finds its view stale (GC
// boundary), update() starts again from load_latest(); fn's own checks (epochs) decide
// whether the caller may still act.
//
// Errors: store errors pass through (Errc::not_found for a missing id). A commit whose PUT
// failed with anything but already_exists, or whose GC-boundary HEAD failed, has an unknown
// outcome: the manifest may exist. Re-running the same delta through update() is safe.
//
// Thread safety: all methods may be called concurrently; the only shared state is the cache
// of the newest manifest seen, guarded by mutex_. No lock is held across a co_await.
// Lifetime: the object store and the transformer must outlive the ManifestStore and every
// coroutine it started.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "base/async.h"
#include "base/result.h"
#include "lsm/transformer.h"
#include "manifest/manifest_state.h"
#include "zobj/object_store.h"

namespace lsm {

using zerofs::Task;

struct StoredManifest {
  std::uint64_t id = 0;
  std::string etag;  // of the object as read or written; the GC-boundary check compares it
  ManifestState state;
};

struct ManifestStoreOptions {
  // update() gives up with Errc::busy after this many commits lost to other processes.
  int max_update_attempts = 64;
};

class ManifestStore {
 public:
  // A delta for update(): edits the state in place; returns whether it changed anything.
  using Delta = std::function<Result<bool>(ManifestState& state)>;
  // The same, also told which manifest the state came from (it becomes next.id - 1).
  using DeltaFromBase = std::function<Result<bool>(const StoredManifest& base, ManifestState&)>;

  // REQUIRES: prefix is "" or ends in '/'.
  ManifestStore(std::shared_ptr<zobj::ObjectStore> store, std::string prefix,
                const BlockTransformer& transformer, ManifestStoreOptions options = {});

  // prefix + "manifest/<20-digit id>".
  std::string object_key(std::uint64_t id) const;

  // The newest manifest; nullopt for a database that has none yet.
  Task<Result<std::optional<StoredManifest>>> load_latest();
  // `known` or the newest version after it, found by probing ids upward (no LIST). Falls back
  // to load_latest() when `known` itself was garbage-collected.
  Task<Result<StoredManifest>> refresh(const StoredManifest& known);
  Task<Result<StoredManifest>> load(std::uint64_t id);

  // Writes manifest 1. Errc::already_exists when the database already has a manifest — also
  // when manifest 1 itself was garbage-collected (a short LIST after the create finds newer
  // ids; the resurrected 1 is deleted again).
  Task<Result<StoredManifest>> create_initial(ManifestState state);
  // Writes `next` as manifest base.id + 1. Errc::precondition_failed when another process
  // committed base.id + 1 first; Errc::fenced when `base` was garbage-collected (see above).
  // Errc::invalid_argument when `next` breaks an invariant or changes a creation-time field.
  // REQUIRES: base came from this store (its etag is the stored object's).
  Task<Result<StoredManifest>> commit(const StoredManifest& base, ManifestState next);

  // The merge-and-retry loop: newest state -> copy -> fn -> commit, again on conflict.
  // Returns the committed manifest, or the unchanged newest one when fn changed nothing.
  // fn's errors are returned as they are (e.g. Errc::fenced from an epoch check).
  // Errc::not_found when the database has no manifest; Errc::busy after too many conflicts.
  Task<Result<StoredManifest>> update(Delta fn);
  Task<Result<StoredManifest>> update_with_base(DeltaFromBase fn);

  // Ids of the manifests present, ascending (one LIST). For the garbage collector.
  Task<Result<std::vector<std::uint64_t>>> list_ids();
  // Deletes one manifest (idempotent). The caller upholds (G1) and (G2).
  Task<Result<void>> delete_manifest(std::uint64_t id);

  // The newest manifest this object has read or written, if any (no I/O).
  std::shared_ptr<const StoredManifest> latest_known() const;

 private:
  struct RawManifest {
    std::uint64_t id = 0;
    zobj::GetResult object;
  };

  Task<Result<std::optional<RawManifest>>> get_raw(std::uint64_t id);
  // Follows ids after `id` while they exist; returns the last one found, if any.
  Task<Result<std::optional<RawManifest>>> probe_after(std::uint64_t id);
  Result<StoredManifest> decode(RawManifest raw) const;
  // Whether a manifest with an id above `id` exists (one short LIST).
  Task<Result<bool>> any_manifest_after(std::uint64_t id);
  // The newest manifest for update() to start from.
  Task<Result<StoredManifest>> newest_for_update();
  void remember(const StoredManifest& m);

  // Constant after construction.
  const std::shared_ptr<zobj::ObjectStore> store_;
  const std::string prefix_;
  const BlockTransformer& transformer_;
  const ManifestStoreOptions options_;

  mutable std::mutex mutex_;
  std::shared_ptr<const StoredManifest> latest_;  // GUARDED_BY(mutex_)
};

}  // namespace lsm
