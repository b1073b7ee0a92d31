// What the zvfs-backed procedures share: attribute and time conversions between zvfs and
// the wire, the caller's credentials, handle resolution and the pre-/post-op attribute
// reads that make up wcc data.
#pragma once

#include <cstdint>
#include <optional>

#include "nfs3/errors.h"
#include "nfs3/file_handle.h"
#include "nfs3/handlers.h"
#include "nfs3/zvfs_handlers.h"
#include "zvfs/filesystem.h"

namespace nfs3::ops {

// The inode `handle` names; otherwise nullopt with res.status set to BADHANDLE, so a handler
// can `if (!ino) co_return res;`.
template <typename Res>
std::optional<std::uint64_t> inode_of(const wire::NfsFh3& handle, Res& res) {
  auto ino = handle_inode(handle);
  if (!ino) res.status = wire::Nfsstat3::badhandle;
  return ino;
}

wire::Ftype3 to_ftype3(zvfs::FileType type) noexcept;
wire::NfsTime3 to_nfstime3(std::int64_t ns) noexcept;
std::int64_t to_ns(const wire::NfsTime3& t) noexcept;
wire::Fattr3 to_fattr3(const zvfs::Attr& attr, std::uint64_t fsid) noexcept;
wire::WccAttr to_wcc_attr(const zvfs::Attr& attr) noexcept;
// Linux's dev_t encoding of a major/minor pair, and back.
std::uint64_t to_rdev(const wire::SpecData3& spec) noexcept;
wire::SpecData3 to_specdata3(std::uint64_t rdev) noexcept;

// sattr3 as a zvfs change set. Modes keep the permission bits only.
zvfs::SetAttr to_setattr(const wire::Sattr3& s) noexcept;
bool changes_anything(const zvfs::SetAttr& s) noexcept;

// The caller: AUTH_SYS identity, or the anonymous user for AUTH_NONE. `owner_override`
// for data access (READ/WRITE/SETATTR size), off for ACCESS answers.
zvfs::Credentials credentials(const CallContext& ctx, const ZvfsHandlersOptions& options,
                              bool owner_override);

// Post-op attributes: nullopt when they cannot be read (they are optional on the wire).
Task<wire::PostOpAttr> post_op_attr(zvfs::Filesystem& fs, const zvfs::Credentials& cred,
                                    zvfs::Ino ino, std::uint64_t fsid);
Task<wire::PreOpAttr> pre_op_attr(zvfs::Filesystem& fs, const zvfs::Credentials& cred,
                                  zvfs::Ino ino);

// The status for an error on an inode that a handle named: a missing inode is STALE.
wire::Nfsstat3 handle_status(const zerofs::Error& error) noexcept;

}  // namespace nfs3::ops
