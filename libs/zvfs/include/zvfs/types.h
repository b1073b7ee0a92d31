// The vocabulary of libzvfs: inode ids, file types, attributes, credentials, directory
// entries and the flags of the Filesystem operations (zvfs/filesystem.h).
//
// Conventions: times are nanoseconds since the Unix epoch (int64, so 1677..2262); modes are
// the permission bits 07777 only (the file type is FileType, posix_mode() combines them);
// sizes and offsets are bytes. All types here are plain values: copy them freely between
// threads.
#pragma once

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "base/buffer.h"

namespace zvfs {

using Ino = std::uint64_t;

// The root directory's inode id. Ids are never reused: a deleted id stays dead forever.
inline constexpr Ino kRootIno = 1;

// Data is stored in chunks of this many bytes (FROZEN: part of the key schema).
inline constexpr std::uint64_t kChunkSize = 32 * 1024;
// Largest file size (and end offset of a write): 2^63 - 1, as off_t allows.
inline constexpr std::uint64_t kMaxFileSize = (std::uint64_t{1} << 63) - 1;
inline constexpr std::size_t kMaxNameBytes = 255;
// Linux's PATH_MAX (4096) minus the terminating NUL.
inline constexpr std::size_t kMaxSymlinkBytes = 4095;
inline constexpr std::size_t kMaxXattrNameBytes = 255;
inline constexpr std::size_t kMaxXattrValueBytes = 64 * 1024;
// Linux's limit on the links of one inode (EMLINK beyond it).
inline constexpr std::uint32_t kMaxLinks = 65000;

// Mode bits (the same values as <sys/stat.h>, spelled out so callers need no OS header).
inline constexpr std::uint32_t kSetUid = 04000;
inline constexpr std::uint32_t kSetGid = 02000;
inline constexpr std::uint32_t kSticky = 01000;
inline constexpr std::uint32_t kPermMask = 07777;

// FROZEN: stored in inode records and directory entries.
enum class FileType : std::uint8_t {
  regular = 1,
  directory = 2,
  symlink = 3,
  fifo = 4,
  socket = 5,
  char_device = 6,
  block_device = 7,
};

// S_IFREG, S_IFDIR, ... for a type.
std::uint32_t type_bits(FileType type) noexcept;
// "regular", "directory", ...
const char* type_name(FileType type) noexcept;

// Who is asking. Every operation takes one; permission checks follow POSIX (owner, then
// group incl. supplementary groups, then other; uid 0 bypasses them as Linux's
// CAP_DAC_OVERRIDE and CAP_FOWNER do).
class Credentials {
 public:
  Credentials() = default;
  Credentials(std::uint32_t uid, std::uint32_t gid, std::vector<std::uint32_t> groups = {})
      : uid_(uid), gid_(gid), groups_(std::move(groups)) {}

  static Credentials root() { return Credentials(0, 0); }

  std::uint32_t uid() const noexcept { return uid_; }
  std::uint32_t gid() const noexcept { return gid_; }
  const std::vector<std::uint32_t>& groups() const noexcept { return groups_; }
  bool is_root() const noexcept { return uid_ == 0; }
  // True for the primary gid and every supplementary group.
  bool in_group(std::uint32_t gid) const noexcept {
    return gid == gid_ || std::find(groups_.begin(), groups_.end(), gid) != groups_.end();
  }

  // When set, the owner of a regular file may read, write and truncate it whatever its
  // mode, as knfsd's MAY_OWNER_OVERRIDE: NFS is stateless, so a file created 0444 by an
  // open(O_CREAT|O_RDWR) must stay writable through that open. Local-POSIX callers leave it
  // off.
  Credentials& with_owner_override(bool on = true) noexcept {
    owner_override_ = on;
    return *this;
  }
  bool owner_override() const noexcept { return owner_override_; }

 private:
  std::uint32_t uid_ = 0;
  std::uint32_t gid_ = 0;
  std::vector<std::uint32_t> groups_;
  bool owner_override_ = false;
};

struct Attr {
  Ino ino = 0;
  FileType type = FileType::regular;
  std::uint32_t mode = 0;  // permission bits 07777
  std::uint32_t uid = 0;
  std::uint32_t gid = 0;
  std::uint64_t size = 0;  // bytes; directories report 4096, symlinks the target length
  std::uint32_t nlink = 0;
  std::uint64_t rdev = 0;  // char/block devices: Linux encoding of major/minor
  std::int64_t atime_ns = 0;
  std::int64_t mtime_ns = 0;
  std::int64_t ctime_ns = 0;

  std::uint32_t posix_mode() const noexcept { return type_bits(type) | mode; }
  // 512-byte blocks, as st_blocks (the logical size rounded up; holes are not subtracted).
  std::uint64_t blocks() const noexcept { return (size + 511) / 512; }
};

// What setattr changes. Unset fields stay as they are.
enum class TimeUpdate : std::uint8_t { omit, now, set };

struct SetAttr {
  std::optional<std::uint32_t> mode;  // permission bits; other bits are ignored
  std::optional<std::uint32_t> uid;
  std::optional<std::uint32_t> gid;
  std::optional<std::uint64_t> size;
  TimeUpdate atime = TimeUpdate::omit;
  std::int64_t atime_ns = 0;  // when atime == set
  TimeUpdate mtime = TimeUpdate::omit;
  std::int64_t mtime_ns = 0;  // when mtime == set
};

// access() mask bits (R_OK, W_OK, X_OK); 0 checks existence only.
inline constexpr std::uint32_t kMayRead = 4;
inline constexpr std::uint32_t kMayWrite = 2;
inline constexpr std::uint32_t kMayExec = 1;

// open() flags: an access mode plus truncate (the values of O_RDONLY, O_WRONLY, O_RDWR,
// O_TRUNC on Linux).
inline constexpr int kOpenReadOnly = 0;
inline constexpr int kOpenWriteOnly = 1;
inline constexpr int kOpenReadWrite = 2;
inline constexpr int kOpenAccessMask = 3;
inline constexpr int kOpenTruncate = 01000;

// rename() flags (RENAME_NOREPLACE, RENAME_EXCHANGE).
inline constexpr unsigned kRenameNoReplace = 1;
inline constexpr unsigned kRenameExchange = 2;

// setxattr() flags (XATTR_CREATE, XATTR_REPLACE).
inline constexpr int kXattrCreate = 1;
inline constexpr int kXattrReplace = 2;

struct DirEntry {
  std::string name;
  Ino ino = 0;
  FileType type = FileType::regular;
  // Pass this cookie to readdir() to continue after this entry. Cookies are stable: an
  // entry keeps its cookie until it is removed, and new entries get larger ones.
  std::uint64_t cookie = 0;
  std::optional<Attr> attr;  // set by readdir(..., plus = true)
};

struct DirPage {
  std::vector<DirEntry> entries;
  bool eof = false;  // no entry follows the last one returned
};

struct CreateResult {
  Attr attr;
  bool created = false;  // false: create() without exclusive found an existing file
};

struct ReadResult {
  zerofs::Buffer data;  // at most the length asked for; shorter only at end of file
  bool eof = false;     // the read reached the end of the file
};

struct StatFs {
  std::uint64_t block_size = 4096;
  std::uint64_t total_bytes = 0;  // the quota (max_size_bytes), or a large nominal size
  std::uint64_t used_bytes = 0;   // logical sizes of files and symlinks
  std::uint64_t free_bytes = 0;
  std::uint64_t total_inodes = 0;
  std::uint64_t used_inodes = 0;
  std::uint64_t free_inodes = 0;
  std::uint32_t max_name_bytes = kMaxNameBytes;
};

}  // namespace zvfs
