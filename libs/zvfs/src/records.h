// Value encodings of the key schema (docs/formats/vfs-keys.md, FROZEN). Integers are
// little-endian; every record but a chunk starts with a version byte (chunks are raw file
// bytes, versioned by the format record).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "base/result.h"
#include "zvfs/types.h"

namespace zvfs {

using zerofs::Result;

inline constexpr std::uint8_t kRecordVersion = 1;
// The filesystem format, stored in the format record. Bump on any incompatible change.
inline constexpr std::uint32_t kFormatVersion = 1;
// The first cookie handed to a directory entry: 1 and 2 are "." and "..".
inline constexpr std::uint64_t kFirstCookie = 3;

// An inode as stored (and cached). Directory-only and symlink-only fields are zero/empty
// for other types.
struct Inode {
  // User-provided on purpose: GCC 12 mis-copies aggregates with non-trivial members (the
  // target string) passed by value into coroutines (base/async.h).
  Inode() {}

  Ino ino = 0;
  FileType type = FileType::regular;
  std::uint32_t mode = 0;  // 07777
  std::uint32_t uid = 0;
  std::uint32_t gid = 0;
  std::uint32_t nlink = 0;
  std::uint64_t size = 0;  // regular files: bytes; symlinks: target length; dirs: 0
  std::uint64_t rdev = 0;
  std::int64_t atime_ns = 0;
  std::int64_t mtime_ns = 0;
  std::int64_t ctime_ns = 0;
  std::uint32_t xattr_count = 0;
  // Directories.
  Ino parent = 0;
  std::uint64_t next_cookie = kFirstCookie;
  std::uint64_t entry_count = 0;  // entries besides "." and ".."
  // Symlinks.
  std::string target;

  bool is_dir() const noexcept { return type == FileType::directory; }
  bool is_regular() const noexcept { return type == FileType::regular; }
  Attr attr() const noexcept;
};

std::string encode_inode(const Inode& inode);
// `ino` is the key's id (not stored in the value). Errors: corrupt.
Result<Inode> decode_inode(Ino ino, std::string_view value);

struct DirentValue {
  FileType type = FileType::regular;
  Ino child = 0;
  std::uint64_t cookie = 0;
};
std::string encode_dirent(const DirentValue& d);
Result<DirentValue> decode_dirent(std::string_view value);

struct DirscanValue {
  FileType type = FileType::regular;
  Ino child = 0;
  std::string_view name;  // views the decoded value
};
std::string encode_dirscan(FileType type, Ino child, std::string_view name);
Result<DirscanValue> decode_dirscan(std::string_view value);

struct FormatRecord {
  std::uint32_t version = kFormatVersion;
  std::uint32_t chunk_size = static_cast<std::uint32_t>(kChunkSize);
  std::int64_t created_ns = 0;
};
std::string encode_format(const FormatRecord& f);
Result<FormatRecord> decode_format(std::string_view value);

// A deleted file's chunks still to delete: indexes [next, end).
struct TombstoneRecord {
  std::uint64_t next = 0;
  std::uint64_t end = 0;
};
std::string encode_tombstone(const TombstoneRecord& t);
Result<TombstoneRecord> decode_tombstone(std::string_view value);

std::string encode_u64_record(std::uint64_t v);  // the inode id reservation
Result<std::uint64_t> decode_u64_record(std::string_view value);

struct UsageRecord {
  std::int64_t bytes = 0;  // a shard's share; only the sum over shards is meaningful
  std::int64_t inodes = 0;
};
std::string encode_usage(const UsageRecord& u);
Result<UsageRecord> decode_usage(std::string_view value);

std::string encode_marker();  // orphan: the version byte alone
std::string encode_xattr(std::string_view value);
Result<std::string_view> decode_xattr(std::string_view value);

bool valid_file_type(std::uint8_t t) noexcept;

}  // namespace zvfs
