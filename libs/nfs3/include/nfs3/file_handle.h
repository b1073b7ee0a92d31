// The NFSv3 file handles of a zvfs-backed server: 16 bytes that name an inode and stay valid
// across server restarts (zvfs never reuses an inode id, so a handle of a deleted inode is
// stale forever, never another file's).
//
// Layout (FROZEN: clients keep handles across server restarts and upgrades):
//   bytes 0..3    magic "ZFh" and format version 1
//   bytes 4..11   the inode id, big-endian
//   bytes 12..15  XXH32 (seed 0) of bytes 0..11, big-endian
// The checksum lets a server answer NFS3ERR_BADHANDLE for handles it never made (or that
// were damaged) instead of looking up a random inode id.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>

#include "nfs3/wire/nfs3_types.h"

namespace nfs3 {

inline constexpr std::size_t kFileHandleSize = 16;

wire::NfsFh3 file_handle(std::uint64_t ino) noexcept;

// The inode id a handle names; nullopt when it is not a handle file_handle() made
// (wrong size, magic, version or checksum): the caller answers NFS3ERR_BADHANDLE.
std::optional<std::uint64_t> handle_inode(const wire::NfsFh3& handle) noexcept;

}  // namespace nfs3
