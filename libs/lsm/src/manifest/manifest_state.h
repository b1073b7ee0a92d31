// ManifestState: the durable description of a database — which tables hold its data, which
// WAL objects are already folded into them, who owns it, and which checkpoints pin it.
//
// A manifest is a full snapshot (never a delta), stored as manifest/<20-digit id> with
// contiguous ids (see manifest_store.h and docs/formats/manifest.md).
//
// Ownership. Two processes update the manifest concurrently: the writer (Db) and the
// compactor (in-process or `zerofs compactor`). Each touches only its own fields, so a CAS
// conflict is resolved by re-applying the loser's delta to the winner's state
// (ManifestStore::update). The split:
//   writer:    writer_epoch, replay_after_wal_id, last_l0_seq, snapshot_min_seq, checkpoints,
//              and adding new tables to the FRONT of l0;
//   compactor: compactor_epoch, sorted_runs, next_run_id, and removing compacted tables from
//              the BACK of l0.
//   fixed at creation: format_version, separate_wal_store, create_time_ms.
// Read-only readers also add and refresh lease checkpoints; that goes through the same
// update() merge as the writer's checkpoint changes.
//
// Thread safety: plain data (a value type); no internal synchronisation.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "table/sst_info.h"

namespace lsm {

using zerofs::Result;

// The first byte of every manifest object (docs/formats/manifest.md).  FROZEN
inline constexpr std::uint32_t kManifestFormatVersion = 1;

// A sorted run: tables whose key ranges do not overlap, in ascending key order, so a point
// read touches at most one of them.
struct SortedRun {
  std::uint64_t id = 0;
  std::vector<SstInfo> ssts;
};

using CheckpointId = std::array<std::uint8_t, 16>;

// A checkpoint keeps manifest `manifest_id` (and every table it references) alive. Named
// checkpoints are made by users; unnamed ones with an expiry are leases held by read-only
// readers, refreshed while the reader lives and dropped once expired.
struct Checkpoint {
  CheckpointId id{};  // random; printed as 32 lower-case hex characters
  std::optional<std::string> name;
  std::uint64_t manifest_id = 0;
  std::int64_t create_time_ms = 0;             // Unix time
  std::optional<std::int64_t> expire_time_ms;  // Unix time; none = until deleted

  std::string id_hex() const;
  bool expired_at(std::int64_t now_ms) const noexcept {
    return expire_time_ms && *expire_time_ms <= now_ms;
  }
};

struct ManifestState {
  // --- fixed at creation
  std::uint32_t format_version = kManifestFormatVersion;
  std::int64_t create_time_ms = 0;  // Unix time
  bool separate_wal_store = false;  // WAL objects live in a store of their own

  // --- writer-owned
  std::uint64_t writer_epoch = 0;
  // Every WAL id <= this is reflected in l0/sorted_runs; recovery replays the ids after it.
  std::uint64_t replay_after_wal_id = 0;
  // The highest sequence number held by l0 or sorted_runs.
  SequenceNumber last_l0_seq = 0;
  // The oldest sequence a live snapshot still reads: a compactor keeps every version a
  // snapshot at this sequence can see, even when a newer version shadows it.
  SequenceNumber snapshot_min_seq = 0;
  std::vector<Checkpoint> checkpoints;
  // Newest first. The writer prepends; the compactor removes from the back.
  std::vector<SstInfo> l0;

  // --- compactor-owned
  std::uint64_t compactor_epoch = 0;
  std::vector<SortedRun> sorted_runs;  // newest first
  std::uint64_t next_run_id = 0;       // every run id is below this
};

// Checks the structural invariants a manifest must satisfy: key and id sizes, table ranges
// inside their files, sorted runs in strictly ascending non-overlapping order, run ids below
// next_run_id, no table listed twice, unique checkpoint ids and names. Returns the first
// violation as Errc::invalid_argument (callers decoding stored bytes turn it into corrupt).
Result<void> validate_manifest_state(const ManifestState& state);

// 32 lower-case hex characters.
std::string checkpoint_id_to_hex(const CheckpointId& id);
// Accepts exactly 32 hex characters (either case).
std::optional<CheckpointId> parse_checkpoint_id(std::string_view hex);
// 128 random bits from the operating system.
CheckpointId new_checkpoint_id();

// Milliseconds since the Unix epoch, from the system clock.
std::int64_t unix_now_ms();

// Whether a process opening the database with (`separate` true) or without a WAL store of its
// own matches the choice recorded at creation. Errc::invalid_argument naming the [wal]
// setting otherwise: with the wrong store, a writer would miss or orphan the WAL tail and a
// reader would serve stale data, so every opener checks before it changes anything.
Result<void> check_wal_store_choice(const ManifestState& state, bool separate);

}  // namespace lsm
