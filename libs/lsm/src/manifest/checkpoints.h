// Checkpoints: named or leased pins on a manifest, stored in ManifestState::checkpoints.
//
// A checkpoint pins the manifest that was current when it was created (the base of the commit
// that adds it); the garbage collector keeps that manifest and every table it references
// until the checkpoint is deleted or expires. Checkpoints with an expiry are leases: a
// read-only reader creates one, refreshes it while it runs, and lets it lapse when it stops.
// An expired checkpoint protects nothing any more, even before it is removed from the list,
// so it can no longer be refreshed.
//
// Lookup by `name_or_id`: 32 hex characters that match a checkpoint's id select it; anything
// else is a name. Names are 1..255 bytes and may not look like an id, so the two never clash.
//
// The store-level functions run as ManifestStore::update() deltas: they merge with concurrent
// writer and compactor commits and are safe to retry. Errors: Errc::already_exists (name in
// use by a live checkpoint), Errc::not_found (no such checkpoint, or expired), Errc::
// invalid_argument (bad name or lifetime), plus ManifestStore::update's errors.
// Thread safety: free functions; the store-level ones as ManifestStore.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/async.h"
#include "manifest/manifest_state.h"
#include "manifest/manifest_store.h"

namespace lsm {

inline constexpr std::size_t kMaxCheckpointNameBytes = 255;

struct CheckpointOptions {
  std::optional<std::string> name;
  std::optional<std::chrono::milliseconds> lifetime;  // none: lives until deleted
};

// ---- pure state transforms -----------------------------------------------------------------

// The checkpoint selected by `name_or_id` (see above), expired or not; null if none.
const Checkpoint* find_checkpoint(const ManifestState& state, std::string_view name_or_id);
// The checkpoints still alive at `now_ms`, oldest first (ties by id).
std::vector<Checkpoint> list_checkpoints(const ManifestState& state, std::int64_t now_ms);
// Removes the checkpoints expired at `now_ms`; returns how many.
std::size_t remove_expired_checkpoints(ManifestState& state, std::int64_t now_ms);

// ---- through ManifestStore::update -------------------------------------------------------

// Adds a checkpoint pinning the current manifest (expired ones are dropped on the way).
Task<Result<Checkpoint>> create_checkpoint(ManifestStore& store, CheckpointOptions options,
                                           std::int64_t now_ms = unix_now_ms());
// Removes the checkpoint selected by `name_or_id` (expired ones included).
Task<Result<void>> delete_checkpoint(ManifestStore& store, std::string name_or_id);
// Extends a live checkpoint's lease to now_ms + lifetime.
Task<Result<Checkpoint>> refresh_checkpoint(ManifestStore& store, std::string name_or_id,
                                            std::chrono::milliseconds lifetime,
                                            std::int64_t now_ms = unix_now_ms());
// Commits the removal of every checkpoint expired at `now_ms`; returns how many went.
Task<Result<std::size_t>> expire_checkpoints(ManifestStore& store,
                                             std::int64_t now_ms = unix_now_ms());

}  // namespace lsm
