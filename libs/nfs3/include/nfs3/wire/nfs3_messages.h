// Arguments and results of the 22 NFSv3 procedures (RFC 1813 §3.3).
//
// A result is one flat struct: `status` selects what goes on the wire. The members the RFC
// puts in the resok arm are encoded only when status == Nfsstat3::ok; the resfail members
// (usually attributes or wcc_data) in every case. A default-constructed result has
// status ok, so a handler fills in what it knows; setting only `status` is a valid failure.
//
// Lifetimes: WriteArgs::data views the request record and is valid during the handler call.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "nfs3/wire/nfs3_types.h"

namespace nfs3::wire {

enum class Nfs3Proc : std::uint32_t {
  null = 0,
  getattr = 1,
  setattr = 2,
  lookup = 3,
  access = 4,
  readlink = 5,
  read = 6,
  write = 7,
  create = 8,
  mkdir = 9,
  symlink = 10,
  mknod = 11,
  remove = 12,
  rmdir = 13,
  rename = 14,
  link = 15,
  readdir = 16,
  readdirplus = 17,
  fsstat = 18,
  fsinfo = 19,
  pathconf = 20,
  commit = 21,
};
inline constexpr std::uint32_t kNfs3ProcCount = 22;

// The arguments or result of a procedure that has none (NULL).
struct Void {
  friend bool operator==(const Void&, const Void&) = default;
};

struct GetattrArgs {
  NfsFh3 object;
  friend bool operator==(const GetattrArgs&, const GetattrArgs&) = default;
};
struct GetattrRes {
  Nfsstat3 status = Nfsstat3::ok;
  Fattr3 obj_attributes;  // ok only
  friend bool operator==(const GetattrRes&, const GetattrRes&) = default;
};

struct SetattrArgs {
  NfsFh3 object;
  Sattr3 new_attributes;
  std::optional<NfsTime3> guard;  // sattrguard3: check ctime when present
  friend bool operator==(const SetattrArgs&, const SetattrArgs&) = default;
};
struct SetattrRes {
  Nfsstat3 status = Nfsstat3::ok;
  WccData obj_wcc;
  friend bool operator==(const SetattrRes&, const SetattrRes&) = default;
};

struct LookupArgs {
  DirOpArgs3 what;
  friend bool operator==(const LookupArgs&, const LookupArgs&) = default;
};
struct LookupRes {
  Nfsstat3 status = Nfsstat3::ok;
  NfsFh3 object;              // ok only
  PostOpAttr obj_attributes;  // ok only
  PostOpAttr dir_attributes;
  friend bool operator==(const LookupRes&, const LookupRes&) = default;
};

struct AccessArgs {
  NfsFh3 object;
  std::uint32_t access = 0;
  friend bool operator==(const AccessArgs&, const AccessArgs&) = default;
};
struct AccessRes {
  Nfsstat3 status = Nfsstat3::ok;
  PostOpAttr obj_attributes;
  std::uint32_t access = 0;  // ok only
  friend bool operator==(const AccessRes&, const AccessRes&) = default;
};

struct ReadlinkArgs {
  NfsFh3 symlink;
  friend bool operator==(const ReadlinkArgs&, const ReadlinkArgs&) = default;
};
struct ReadlinkRes {
  Nfsstat3 status = Nfsstat3::ok;
  PostOpAttr symlink_attributes;
  std::string data;  // ok only
  friend bool operator==(const ReadlinkRes&, const ReadlinkRes&) = default;
};

struct ReadArgs {
  NfsFh3 file;
  std::uint64_t offset = 0;
  std::uint32_t count = 0;
  friend bool operator==(const ReadArgs&, const ReadArgs&) = default;
};
struct ReadRes {
  Nfsstat3 status = Nfsstat3::ok;
  PostOpAttr file_attributes;
  std::uint32_t count = 0;  // ok only
  bool eof = false;         // ok only
  Buffer data;              // ok only
  friend bool operator==(const ReadRes&, const ReadRes&) = default;
};

struct WriteArgs {
  NfsFh3 file;
  std::uint64_t offset = 0;
  std::uint32_t count = 0;
  StableHow stable = StableHow::unstable;
  ByteView data;  // views the request record
  friend bool operator==(const WriteArgs& a, const WriteArgs& b) noexcept {
    return a.file == b.file && a.offset == b.offset && a.count == b.count && a.stable == b.stable &&
           zerofs::bytes_equal(a.data, b.data);
  }
};
struct WriteRes {
  Nfsstat3 status = Nfsstat3::ok;
  WccData file_wcc;
  std::uint32_t count = 0;                    // ok only
  StableHow committed = StableHow::unstable;  // ok only
  WriteVerf3 verf{};                          // ok only
  friend bool operator==(const WriteRes&, const WriteRes&) = default;
};

struct CreateHow3 {
  CreateMode mode = CreateMode::unchecked;
  Sattr3 obj_attributes;  // unchecked, guarded
  CreateVerf3 verf{};     // exclusive
  friend bool operator==(const CreateHow3&, const CreateHow3&) = default;
};
struct CreateArgs {
  DirOpArgs3 where;
  CreateHow3 how;
  friend bool operator==(const CreateArgs&, const CreateArgs&) = default;
};
// The result of CREATE, MKDIR, SYMLINK and MKNOD.
struct DirOpRes {
  Nfsstat3 status = Nfsstat3::ok;
  PostOpFh3 obj;              // ok only
  PostOpAttr obj_attributes;  // ok only
  WccData dir_wcc;
  friend bool operator==(const DirOpRes&, const DirOpRes&) = default;
};
using CreateRes = DirOpRes;
using MkdirRes = DirOpRes;
using SymlinkRes = DirOpRes;
using MknodRes = DirOpRes;

struct MkdirArgs {
  DirOpArgs3 where;
  Sattr3 attributes;
  friend bool operator==(const MkdirArgs&, const MkdirArgs&) = default;
};

struct SymlinkArgs {
  DirOpArgs3 where;
  Sattr3 symlink_attributes;
  std::string symlink_data;
  friend bool operator==(const SymlinkArgs&, const SymlinkArgs&) = default;
};

// mknoddata3: `attributes` for chr, blk, sock and fifo; `spec` for chr and blk. Other
// types carry nothing (the handler answers NFS3ERR_BADTYPE).
struct MknodArgs {
  DirOpArgs3 where;
  Ftype3 type = Ftype3::fifo;
  Sattr3 attributes;
  SpecData3 spec;
  friend bool operator==(const MknodArgs&, const MknodArgs&) = default;
};

struct RemoveArgs {
  DirOpArgs3 object;
  friend bool operator==(const RemoveArgs&, const RemoveArgs&) = default;
};
using RmdirArgs = RemoveArgs;
// The result of REMOVE and RMDIR.
struct RemoveRes {
  Nfsstat3 status = Nfsstat3::ok;
  WccData dir_wcc;
  friend bool operator==(const RemoveRes&, const RemoveRes&) = default;
};
using RmdirRes = RemoveRes;

struct RenameArgs {
  DirOpArgs3 from;
  DirOpArgs3 to;
  friend bool operator==(const RenameArgs&, const RenameArgs&) = default;
};
struct RenameRes {
  Nfsstat3 status = Nfsstat3::ok;
  WccData fromdir_wcc;
  WccData todir_wcc;
  friend bool operator==(const RenameRes&, const RenameRes&) = default;
};

struct LinkArgs {
  NfsFh3 file;
  DirOpArgs3 link;
  friend bool operator==(const LinkArgs&, const LinkArgs&) = default;
};
struct LinkRes {
  Nfsstat3 status = Nfsstat3::ok;
  PostOpAttr file_attributes;
  WccData linkdir_wcc;
  friend bool operator==(const LinkRes&, const LinkRes&) = default;
};

struct ReaddirArgs {
  NfsFh3 dir;
  std::uint64_t cookie = 0;
  CookieVerf3 cookieverf{};
  std::uint32_t count = 0;
  friend bool operator==(const ReaddirArgs&, const ReaddirArgs&) = default;
};
struct Entry3 {
  std::uint64_t fileid = 0;
  std::string name;
  std::uint64_t cookie = 0;
  friend bool operator==(const Entry3&, const Entry3&) = default;
};
struct ReaddirRes {
  Nfsstat3 status = Nfsstat3::ok;
  PostOpAttr dir_attributes;
  CookieVerf3 cookieverf{};     // ok only
  std::vector<Entry3> entries;  // ok only
  bool eof = false;             // ok only
  friend bool operator==(const ReaddirRes&, const ReaddirRes&) = default;
};

struct ReaddirplusArgs {
  NfsFh3 dir;
  std::uint64_t cookie = 0;
  CookieVerf3 cookieverf{};
  std::uint32_t dircount = 0;
  std::uint32_t maxcount = 0;
  friend bool operator==(const ReaddirplusArgs&, const ReaddirplusArgs&) = default;
};
struct EntryPlus3 {
  std::uint64_t fileid = 0;
  std::string name;
  std::uint64_t cookie = 0;
  PostOpAttr name_attributes;
  PostOpFh3 name_handle;
  friend bool operator==(const EntryPlus3&, const EntryPlus3&) = default;
};
struct ReaddirplusRes {
  Nfsstat3 status = Nfsstat3::ok;
  PostOpAttr dir_attributes;
  CookieVerf3 cookieverf{};         // ok only
  std::vector<EntryPlus3> entries;  // ok only
  bool eof = false;                 // ok only
  friend bool operator==(const ReaddirplusRes&, const ReaddirplusRes&) = default;
};

struct FsstatArgs {
  NfsFh3 fsroot;
  friend bool operator==(const FsstatArgs&, const FsstatArgs&) = default;
};
struct FsstatRes {
  Nfsstat3 status = Nfsstat3::ok;
  PostOpAttr obj_attributes;
  std::uint64_t tbytes = 0;  // the rest: ok only
  std::uint64_t fbytes = 0;
  std::uint64_t abytes = 0;
  std::uint64_t tfiles = 0;
  std::uint64_t ffiles = 0;
  std::uint64_t afiles = 0;
  std::uint32_t invarsec = 0;
  friend bool operator==(const FsstatRes&, const FsstatRes&) = default;
};

using FsinfoArgs = FsstatArgs;
struct FsinfoRes {
  Nfsstat3 status = Nfsstat3::ok;
  PostOpAttr obj_attributes;
  std::uint32_t rtmax = 0;  // the rest: ok only
  std::uint32_t rtpref = 0;
  std::uint32_t rtmult = 0;
  std::uint32_t wtmax = 0;
  std::uint32_t wtpref = 0;
  std::uint32_t wtmult = 0;
  std::uint32_t dtpref = 0;
  std::uint64_t maxfilesize = 0;
  NfsTime3 time_delta;
  std::uint32_t properties = 0;
  friend bool operator==(const FsinfoRes&, const FsinfoRes&) = default;
};

using PathconfArgs = GetattrArgs;
struct PathconfRes {
  Nfsstat3 status = Nfsstat3::ok;
  PostOpAttr obj_attributes;
  std::uint32_t linkmax = 0;  // the rest: ok only
  std::uint32_t name_max = 0;
  bool no_trunc = false;
  bool chown_restricted = false;
  bool case_insensitive = false;
  bool case_preserving = false;
  friend bool operator==(const PathconfRes&, const PathconfRes&) = default;
};

struct CommitArgs {
  NfsFh3 file;
  std::uint64_t offset = 0;
  std::uint32_t count = 0;
  friend bool operator==(const CommitArgs&, const CommitArgs&) = default;
};
struct CommitRes {
  Nfsstat3 status = Nfsstat3::ok;
  WccData file_wcc;
  WriteVerf3 verf{};  // ok only
  friend bool operator==(const CommitRes&, const CommitRes&) = default;
};

}  // namespace nfs3::wire
