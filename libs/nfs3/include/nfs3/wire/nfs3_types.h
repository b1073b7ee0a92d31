// NFS version 3 (RFC 1813) data types shared by the procedures, and the sizes of their
// encodings. Names follow the RFC (nfs_fh3 → NfsFh3, post_op_attr → PostOpAttr, ...).
//
// Enum values and layouts are the protocol's and frozen by RFC 1813.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "nfs3/wire/xdr.h"

namespace nfs3::wire {

inline constexpr std::uint32_t kNfsProgram = 100003;
inline constexpr std::uint32_t kNfsVersion = 3;

inline constexpr std::size_t kFhSize3 = 64;  // NFS3_FHSIZE: nfs_fh3 data<64>
inline constexpr std::size_t kCookieVerfSize = 8;
inline constexpr std::size_t kCreateVerfSize = 8;
inline constexpr std::size_t kWriteVerfSize = 8;
// Decoder bounds for strings the RFC leaves unbounded. Names longer than the file system's
// NAME_MAX still decode, so the handler can answer NFS3ERR_NAMETOOLONG instead of
// GARBAGE_ARGS.
inline constexpr std::size_t kMaxFilename = 1024;
inline constexpr std::size_t kMaxPath = 4096;
// Decoder bound for WRITE data; the connection's record limit is the tighter one in practice.
inline constexpr std::size_t kMaxData = std::size_t{1} << 26;

enum class Nfsstat3 : std::uint32_t {
  ok = 0,
  perm = 1,
  noent = 2,
  io = 5,
  nxio = 6,
  acces = 13,
  exist = 17,
  xdev = 18,
  nodev = 19,
  notdir = 20,
  isdir = 21,
  inval = 22,
  fbig = 27,
  nospc = 28,
  rofs = 30,
  mlink = 31,
  nametoolong = 63,
  notempty = 66,
  dquot = 69,
  stale = 70,
  remote = 71,
  badhandle = 10001,
  not_sync = 10002,
  bad_cookie = 10003,
  notsupp = 10004,
  toosmall = 10005,
  serverfault = 10006,
  badtype = 10007,
  jukebox = 10008,
};

enum class Ftype3 : std::uint32_t {
  reg = 1,
  dir = 2,
  blk = 3,
  chr = 4,
  lnk = 5,
  sock = 6,
  fifo = 7
};
enum class StableHow : std::uint32_t { unstable = 0, data_sync = 1, file_sync = 2 };
enum class CreateMode : std::uint32_t { unchecked = 0, guarded = 1, exclusive = 2 };
enum class TimeHow : std::uint32_t {
  dont_change = 0,
  set_to_server_time = 1,
  set_to_client_time = 2,
};

// ACCESS3 request/response bits.
inline constexpr std::uint32_t kAccessRead = 0x0001;
inline constexpr std::uint32_t kAccessLookup = 0x0002;
inline constexpr std::uint32_t kAccessModify = 0x0004;
inline constexpr std::uint32_t kAccessExtend = 0x0008;
inline constexpr std::uint32_t kAccessDelete = 0x0010;
inline constexpr std::uint32_t kAccessExecute = 0x0020;
// FSINFO3 properties bits.
inline constexpr std::uint32_t kFsfLink = 0x0001;
inline constexpr std::uint32_t kFsfSymlink = 0x0002;
inline constexpr std::uint32_t kFsfHomogeneous = 0x0008;
inline constexpr std::uint32_t kFsfCanSetTime = 0x0010;

using CookieVerf3 = std::array<std::byte, kCookieVerfSize>;
using CreateVerf3 = std::array<std::byte, kCreateVerfSize>;
using WriteVerf3 = std::array<std::byte, kWriteVerfSize>;

// nfs_fh3: an opaque handle of at most 64 bytes, stored inline (ours are 16 bytes).
class NfsFh3 {
 public:
  NfsFh3() noexcept = default;
  // REQUIRES: bytes.size() <= kFhSize3 (longer input is truncated).
  static NfsFh3 from(ByteView bytes) noexcept;

  ByteView view() const noexcept { return {data_.data(), size_}; }
  std::size_t size() const noexcept { return size_; }

  friend bool operator==(const NfsFh3& a, const NfsFh3& b) noexcept {
    return zerofs::bytes_equal(a.view(), b.view());
  }

 private:
  std::uint8_t size_ = 0;
  std::array<std::byte, kFhSize3> data_{};
};

struct NfsTime3 {
  std::uint32_t seconds = 0;
  std::uint32_t nseconds = 0;
  friend bool operator==(const NfsTime3&, const NfsTime3&) = default;
};

struct SpecData3 {
  std::uint32_t specdata1 = 0;  // major
  std::uint32_t specdata2 = 0;  // minor
  friend bool operator==(const SpecData3&, const SpecData3&) = default;
};

struct Fattr3 {
  Ftype3 type = Ftype3::reg;
  std::uint32_t mode = 0;
  std::uint32_t nlink = 0;
  std::uint32_t uid = 0;
  std::uint32_t gid = 0;
  std::uint64_t size = 0;
  std::uint64_t used = 0;
  SpecData3 rdev;
  std::uint64_t fsid = 0;
  std::uint64_t fileid = 0;
  NfsTime3 atime;
  NfsTime3 mtime;
  NfsTime3 ctime;
  friend bool operator==(const Fattr3&, const Fattr3&) = default;
};

struct WccAttr {
  std::uint64_t size = 0;
  NfsTime3 mtime;
  NfsTime3 ctime;
  friend bool operator==(const WccAttr&, const WccAttr&) = default;
};

using PostOpAttr = std::optional<Fattr3>;
using PreOpAttr = std::optional<WccAttr>;
using PostOpFh3 = std::optional<NfsFh3>;

struct WccData {
  PreOpAttr before;
  PostOpAttr after;
  friend bool operator==(const WccData&, const WccData&) = default;
};

struct SetTime {
  TimeHow how = TimeHow::dont_change;
  NfsTime3 time;  // meaningful for set_to_client_time only
  friend bool operator==(const SetTime&, const SetTime&) = default;
};

// sattr3: each member is set only when present.
struct Sattr3 {
  std::optional<std::uint32_t> mode;
  std::optional<std::uint32_t> uid;
  std::optional<std::uint32_t> gid;
  std::optional<std::uint64_t> size;
  SetTime atime;
  SetTime mtime;
  friend bool operator==(const Sattr3&, const Sattr3&) = default;
};

struct DirOpArgs3 {
  NfsFh3 dir;
  std::string name;
  friend bool operator==(const DirOpArgs3&, const DirOpArgs3&) = default;
};

// Encoded sizes, for handlers that must fit a reply into a client's byte budget.
inline constexpr std::size_t kFattr3Size = 84;
constexpr std::size_t post_op_attr_size(bool present) noexcept {
  return 4 + (present ? kFattr3Size : 0);
}
constexpr std::size_t post_op_fh3_size(std::optional<std::size_t> handle_size) noexcept {
  return 4 + (handle_size ? xdr_opaque_size(*handle_size) : 0);
}

}  // namespace nfs3::wire
