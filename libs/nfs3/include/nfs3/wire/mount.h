// MOUNT protocol version 3 (RFC 1813 Appendix I): types and XDR codec.
//
// Enum values and layouts are the protocol's and frozen by RFC 1813.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "nfs3/wire/nfs3_messages.h"
#include "nfs3/wire/xdr.h"

namespace nfs3::wire {

inline constexpr std::uint32_t kMountProgram = 100005;
inline constexpr std::uint32_t kMountVersion = 3;
inline constexpr std::size_t kMntPathLen = 1024;  // MNTPATHLEN: dirpath<1024>
inline constexpr std::size_t kMntNameLen = 255;   // MNTNAMLEN: name<255>
// Decoder bound for the auth flavors a server lists in a MNT reply.
inline constexpr std::size_t kMaxMountAuthFlavors = 16;

enum class MountProc : std::uint32_t {
  null = 0,
  mnt = 1,
  dump = 2,
  umnt = 3,
  umntall = 4,
  exports = 5,  // MOUNTPROC3_EXPORT
};
inline constexpr std::uint32_t kMountProcCount = 6;

enum class Mountstat3 : std::uint32_t {
  ok = 0,
  perm = 1,
  noent = 2,
  io = 5,
  acces = 13,
  notdir = 20,
  inval = 22,
  nametoolong = 63,
  notsupp = 10004,
  serverfault = 10006,
};

// MNT and UMNT take a dirpath.
struct MountArgs {
  std::string dirpath;
  friend bool operator==(const MountArgs&, const MountArgs&) = default;
};
using MntArgs = MountArgs;
using UmntArgs = MountArgs;

struct MntRes {
  Mountstat3 status = Mountstat3::ok;
  NfsFh3 fhandle;                           // ok only (fhandle3)
  std::vector<std::uint32_t> auth_flavors;  // ok only
  friend bool operator==(const MntRes&, const MntRes&) = default;
};

struct MountBody {
  std::string hostname;
  std::string directory;
  friend bool operator==(const MountBody&, const MountBody&) = default;
};
// The mountlist returned by DUMP.
struct DumpRes {
  std::vector<MountBody> mounts;
  friend bool operator==(const DumpRes&, const DumpRes&) = default;
};

struct ExportNode {
  std::string dir;
  std::vector<std::string> groups;
  friend bool operator==(const ExportNode&, const ExportNode&) = default;
};
// The exports list returned by EXPORT.
struct ExportRes {
  std::vector<ExportNode> exports;
  friend bool operator==(const ExportRes&, const ExportRes&) = default;
};

#define NFS3_WIRE_MOUNT_TYPES(X) X(MountArgs) X(MntRes) X(DumpRes) X(ExportRes)

#define NFS3_WIRE_DECLARE_MOUNT_CODEC(T)    \
  void encode(XdrEncoder& enc, const T& v); \
  bool decode(XdrDecoder& dec, T& v);       \
  std::size_t encoded_size(const T& v);
NFS3_WIRE_MOUNT_TYPES(NFS3_WIRE_DECLARE_MOUNT_CODEC)
#undef NFS3_WIRE_DECLARE_MOUNT_CODEC

}  // namespace nfs3::wire
