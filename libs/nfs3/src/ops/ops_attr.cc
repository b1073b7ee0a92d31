// GETATTR, SETATTR, LOOKUP, ACCESS, READLINK, FSSTAT, FSINFO, PATHCONF.
#include "nfs3/file_handle.h"
#include "op_support.h"

namespace nfs3 {

using namespace ops;
using wire::Nfsstat3;

Task<wire::GetattrRes> ZvfsHandlers::getattr(const CallContext& ctx,
                                             const wire::GetattrArgs& args) {
  wire::GetattrRes res;
  const auto ino = inode_of(args.object, res);
  if (!ino) co_return res;
  const zvfs::Credentials cred = credentials(ctx, options_, false);
  auto attr = co_await fs_.getattr(cred, *ino);
  if (!attr) {
    res.status = handle_status(attr.error());
    co_return res;
  }
  res.obj_attributes = to_fattr3(*attr, options_.fsid);
  co_return res;
}

Task<wire::SetattrRes> ZvfsHandlers::setattr(const CallContext& ctx,
                                             const wire::SetattrArgs& args) {
  wire::SetattrRes res;
  const auto ino = inode_of(args.object, res);
  if (!ino) co_return res;
  const zvfs::Credentials cred = credentials(ctx, options_, true);
  auto before = co_await fs_.getattr(cred, *ino);
  if (!before) {
    res.status = handle_status(before.error());
    co_return res;
  }
  res.obj_wcc.before = to_wcc_attr(*before);
  // sattrguard3: the client's view of ctime must still be current (RFC 1813 §3.3.2).
  if (args.guard && !(to_nfstime3(before->ctime_ns) == *args.guard)) {
    res.status = Nfsstat3::not_sync;
    res.obj_wcc.after = to_fattr3(*before, options_.fsid);
    co_return res;
  }
  const zvfs::SetAttr changes = to_setattr(args.new_attributes);
  if (!changes_anything(changes)) {
    res.obj_wcc.after = to_fattr3(*before, options_.fsid);
    co_return res;
  }
  auto after = co_await fs_.setattr(cred, *ino, changes);
  if (!after) {
    res.status = to_nfsstat3(after.error());
    res.obj_wcc.after = co_await post_op_attr(fs_, cred, *ino, options_.fsid);
    co_return res;
  }
  res.obj_wcc.after = to_fattr3(*after, options_.fsid);
  co_return res;
}

Task<wire::LookupRes> ZvfsHandlers::lookup(const CallContext& ctx, const wire::LookupArgs& args) {
  wire::LookupRes res;
  const auto dir = inode_of(args.what.dir, res);
  if (!dir) co_return res;
  const zvfs::Credentials cred = credentials(ctx, options_, false);
  auto found = co_await fs_.lookup(cred, *dir, args.what.name);
  res.dir_attributes = co_await post_op_attr(fs_, cred, *dir, options_.fsid);
  if (!found) {
    res.status = to_nfsstat3(found.error());
    co_return res;
  }
  res.object = file_handle(found->ino);
  res.obj_attributes = to_fattr3(*found, options_.fsid);
  co_return res;
}

Task<wire::AccessRes> ZvfsHandlers::access(const CallContext& ctx, const wire::AccessArgs& args) {
  wire::AccessRes res;
  const auto ino = inode_of(args.object, res);
  if (!ino) co_return res;
  const zvfs::Credentials cred = credentials(ctx, options_, false);
  auto attr = co_await fs_.getattr(cred, *ino);
  if (!attr) {
    res.status = handle_status(attr.error());
    co_return res;
  }
  res.obj_attributes = to_fattr3(*attr, options_.fsid);
  const bool is_dir = attr->type == zvfs::FileType::directory;
  const bool writable = !options_.read_only && !fs_.read_only();
  // Each zvfs permission class is asked once; the ACCESS bits are derived from them as
  // knfsd does (LOOKUP and DELETE apply to directories, EXECUTE to everything else).
  std::uint32_t granted = 0;
  if ((args.access & wire::kAccessRead) != 0) {
    auto ok = co_await fs_.access(cred, *ino, zvfs::kMayRead);
    if (ok) granted |= wire::kAccessRead;
  }
  if (writable && (args.access & (wire::kAccessModify | wire::kAccessExtend |
                                  (is_dir ? wire::kAccessDelete : 0))) != 0) {
    auto ok = co_await fs_.access(cred, *ino, zvfs::kMayWrite);
    if (ok) {
      granted |= wire::kAccessModify | wire::kAccessExtend | (is_dir ? wire::kAccessDelete : 0);
    }
  }
  if ((args.access & (is_dir ? wire::kAccessLookup : wire::kAccessExecute)) != 0) {
    auto ok = co_await fs_.access(cred, *ino, zvfs::kMayExec);
    if (ok) granted |= is_dir ? wire::kAccessLookup : wire::kAccessExecute;
  }
  res.access = granted & args.access;
  co_return res;
}

Task<wire::ReadlinkRes> ZvfsHandlers::readlink(const CallContext& ctx,
                                               const wire::ReadlinkArgs& args) {
  wire::ReadlinkRes res;
  const auto ino = inode_of(args.symlink, res);
  if (!ino) co_return res;
  const zvfs::Credentials cred = credentials(ctx, options_, false);
  auto target = co_await fs_.readlink(cred, *ino);
  res.symlink_attributes = co_await post_op_attr(fs_, cred, *ino, options_.fsid);
  if (!target) {
    res.status = handle_status(target.error());
    co_return res;
  }
  res.data = std::move(*target);
  co_return res;
}

Task<wire::FsstatRes> ZvfsHandlers::fsstat(const CallContext& ctx, const wire::FsstatArgs& args) {
  wire::FsstatRes res;
  const auto ino = inode_of(args.fsroot, res);
  if (!ino) co_return res;
  const zvfs::Credentials cred = credentials(ctx, options_, false);
  auto attr = co_await fs_.getattr(cred, *ino);
  if (!attr) {
    res.status = handle_status(attr.error());
    co_return res;
  }
  res.obj_attributes = to_fattr3(*attr, options_.fsid);
  auto st = co_await fs_.statfs(cred);
  if (!st) {
    res.status = to_nfsstat3(st.error());
    co_return res;
  }
  res.tbytes = st->total_bytes;
  res.fbytes = st->free_bytes;
  res.abytes = st->free_bytes;
  res.tfiles = st->total_inodes;
  res.ffiles = st->free_inodes;
  res.afiles = st->free_inodes;
  res.invarsec = 0;  // the filesystem changes under other clients at any time
  co_return res;
}

Task<wire::FsinfoRes> ZvfsHandlers::fsinfo(const CallContext& ctx, const wire::FsinfoArgs& args) {
  wire::FsinfoRes res;
  const auto ino = inode_of(args.fsroot, res);
  if (!ino) co_return res;
  const zvfs::Credentials cred = credentials(ctx, options_, false);
  auto attr = co_await fs_.getattr(cred, *ino);
  if (!attr) {
    res.status = handle_status(attr.error());
    co_return res;
  }
  res.obj_attributes = to_fattr3(*attr, options_.fsid);
  res.rtmax = res.rtpref = options_.max_io_size;
  res.wtmax = res.wtpref = options_.max_io_size;
  res.rtmult = res.wtmult = 4096;
  res.dtpref = 64 * 1024;
  res.maxfilesize = zvfs::kMaxFileSize;
  res.time_delta = {0, 1};  // nanosecond timestamps
  res.properties =
      wire::kFsfLink | wire::kFsfSymlink | wire::kFsfHomogeneous | wire::kFsfCanSetTime;
  co_return res;
}

Task<wire::PathconfRes> ZvfsHandlers::pathconf(const CallContext& ctx,
                                               const wire::PathconfArgs& args) {
  wire::PathconfRes res;
  const auto ino = inode_of(args.object, res);
  if (!ino) co_return res;
  const zvfs::Credentials cred = credentials(ctx, options_, false);
  auto attr = co_await fs_.getattr(cred, *ino);
  if (!attr) {
    res.status = handle_status(attr.error());
    co_return res;
  }
  res.obj_attributes = to_fattr3(*attr, options_.fsid);
  res.linkmax = zvfs::kMaxLinks;
  res.name_max = static_cast<std::uint32_t>(zvfs::kMaxNameBytes);
  res.no_trunc = true;
  res.chown_restricted = true;
  res.case_insensitive = false;
  res.case_preserving = true;
  co_return res;
}

}  // namespace nfs3
