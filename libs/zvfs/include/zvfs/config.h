// FilesystemConfig: what Filesystem::open needs to create or open a filesystem.
//
// The object store holds two things under the store's root (a URL's path is the root):
//   <key_object>      the key record (zcrypt::KeyRecord: the data key wrapped under the
//                     password), created with create-if-absent on first start
//   <db_prefix>...    the LSM database (manifest/, wal/, sst/), every block encrypted
// Everything in it (file names included) is encrypted; the password is needed to open it.
// With a separate WAL store (wal_url / wal_store), <db_prefix>wal/ lives there instead and
// the main store keeps the key record, manifest/ and sst/.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <limits>
#include <memory>
#include <optional>
#include <string>

#include "lsm/options.h"

namespace zobj {
class ObjectStore;
}

namespace zvfs {

// How reads update atime (documented in docs/formats/vfs-keys.md, "Timestamps").
enum class AtimeMode : std::uint8_t {
  relatime,  // as Linux's relatime: on a read when atime <= mtime or ctime, or is a day old
  noatime,   // reads never update atime
};

inline constexpr std::uint64_t kNoQuota = std::numeric_limits<std::uint64_t>::max();

struct FilesystemConfig {
  // The store. `url` names it in messages and is opened (with retry and metrics, as
  // zobj::open_app_store does) unless `store` is given; tests and embedders that wrap a
  // store themselves pass it in `store` and may leave `url` as a description.
  std::string url;
  std::shared_ptr<zobj::ObjectStore> store;

  // The write-ahead log's own store (the app's [wal] section), or neither: then WAL objects
  // live in the main store. Set either, as for the main store: `wal_url` is opened (with
  // retry, and metrics labelled store="wal") unless `wal_store` is given. A nearby store
  // makes durable writes (fsync) faster; every WAL object is encrypted like the rest.
  // The choice is fixed when the filesystem is created (its manifest records it). Opening it
  // with the other choice fails with Errc::invalid_argument whose message names the [wal]
  // setting, before anything is written (a running writer is not fenced). Read-only opens
  // need the same WAL store, since they replay the WAL tail from it.
  std::string wal_url;
  std::shared_ptr<zobj::ObjectStore> wal_store;

  std::string password;  // required, non-empty
  // "none", "lz4" or "zstd-N": how new blocks are compressed (old ones keep their codec).
  std::string compression = "lz4";
  // Logical bytes of files and symlinks allowed (filesystem.max_size_gb); writes that would
  // grow past it fail with no_space. kNoQuota: unlimited.
  std::uint64_t max_size_bytes = kNoQuota;

  lsm::Options lsm;  // the LSM engine's settings ([lsm]); lsm.read_only opens read-only
  std::string key_object = "zerofs.key";
  std::string db_prefix;  // "" or ending in '/'

  // Argon2id cost used when the key record is created (and by change_password). The
  // defaults are ARCHITECTURE §4's; tests lower them.
  std::uint64_t kdf_opslimit = 3;
  std::uint64_t kdf_memlimit = std::uint64_t{64} << 20;

  AtimeMode atime = AtimeMode::relatime;
  // Decoded inodes kept in memory (hot inodes make getattr and the data path cheap).
  std::size_t inode_cache_entries = 65536;
  // Files of at most this many chunks are deleted in the unlink's own batch; larger ones
  // leave a tombstone that a background task drains.
  std::uint64_t inline_delete_chunks = 64;
  // Chunk deletions per batch when draining tombstones and stepping a truncate down.
  std::uint64_t delete_batch_chunks = 1024;
  // Wall clock in nanoseconds since the epoch; empty: std::chrono::system_clock.
  std::function<std::int64_t()> clock;

  // Not an aggregate on purpose: GCC 12 mis-copies aggregate temporaries with non-trivial
  // members in coroutines (base/async.h).
  FilesystemConfig() {}
};

// `options` with what the filesystem's key layout asks of its database: tables are cut between
// metadata and file data (lsm::Options::partition_keys), so file data written in order is
// compacted by moving tables, not rewriting them. The filesystem applies it to
// FilesystemConfig::lsm itself; a separate lsm::Compactor of its database should too.
lsm::Options database_options(lsm::Options options);

}  // namespace zvfs
