// CREATE, MKDIR, SYMLINK, MKNOD, REMOVE, RMDIR, RENAME, LINK: the procedures that change a
// directory, each answering the directory's wcc data.
#include "base/coding.h"
#include "nfs3/file_handle.h"
#include "op_support.h"

namespace nfs3 {

using namespace ops;
using wire::Nfsstat3;
using zerofs::Errc;

namespace {

constexpr std::uint32_t kDefaultFileMode = 0644;
constexpr std::uint32_t kDefaultDirMode = 0755;
// Until the client's SETATTR that follows an EXCLUSIVE create (RFC 1813 §3.3.8).
constexpr std::uint32_t kExclusiveCreateMode = 0600;

// knfsd keeps an EXCLUSIVE create's verifier in the new file's atime and mtime seconds, so
// a retransmitted CREATE finds it and succeeds; we do the same.
// Not inlined: GCC 12 crashes (ICE in gimplify_modify_expr) inlining a function that returns
// a SetAttr into a coroutine frame.
[[gnu::noinline]] zvfs::SetAttr verifier_times(const wire::CreateVerf3& verf) noexcept {
  zvfs::SetAttr s;
  const auto half = [&](std::size_t at) {
    return static_cast<std::int64_t>(zerofs::decode_u32_be(verf.data() + at)) * 1'000'000'000;
  };
  s.atime = zvfs::TimeUpdate::set;
  s.atime_ns = half(0);
  s.mtime = zvfs::TimeUpdate::set;
  s.mtime_ns = half(4);
  return s;
}

bool carries_verifier(const zvfs::Attr& a, const wire::CreateVerf3& verf) noexcept {
  const zvfs::SetAttr want = verifier_times(verf);
  return a.type == zvfs::FileType::regular && a.atime_ns == want.atime_ns &&
         a.mtime_ns == want.mtime_ns;
}

// What sattr3 asks beyond the mode a create already applied (owner, group, times, size).
[[gnu::noinline]] zvfs::SetAttr after_create(const wire::Sattr3& s) noexcept {
  zvfs::SetAttr changes = to_setattr(s);
  changes.mode.reset();
  return changes;
}

void fill_created(wire::DirOpRes& res, const zvfs::Attr& attr, std::uint64_t fsid) {
  res.obj = file_handle(attr.ino);
  res.obj_attributes = to_fattr3(attr, fsid);
}

// Applies what sattr3 asks beyond the mode to a new object. Best effort, as knfsd: the
// object exists now, whether or not e.g. a chown is allowed.
Task<zvfs::Attr> finish_new(zvfs::Filesystem& fs, const zvfs::Credentials& cred, zvfs::Attr made,
                            const wire::Sattr3& sattr) {
  const zvfs::SetAttr rest = after_create(sattr);
  if (!changes_anything(rest)) co_return made;
  auto applied = co_await fs.setattr(cred, made.ino, rest);
  if (applied) made = *applied;
  co_return made;
}

Task<zerofs::Result<zvfs::Attr>> create_exclusive(zvfs::Filesystem& fs,
                                                  const zvfs::Credentials& cred, zvfs::Ino dir,
                                                  std::string_view name,
                                                  const wire::CreateVerf3& verf) {
  auto created = co_await fs.create(cred, dir, name, kExclusiveCreateMode, true);
  if (created) {
    const zvfs::SetAttr stamp = verifier_times(verf);
    auto stamped = co_await fs.setattr(cred, created->attr.ino, stamp);
    co_return stamped;
  }
  if (created.error().code() != Errc::already_exists) co_return std::unexpected(created.error());
  auto existing = co_await fs.lookup(cred, dir, name);
  if (existing && carries_verifier(*existing, verf)) co_return existing;  // our own, replayed
  co_return std::unexpected(created.error());
}

Task<zerofs::Result<zvfs::Attr>> create_checked(zvfs::Filesystem& fs, const zvfs::Credentials& cred,
                                                zvfs::Ino dir, std::string_view name,
                                                const wire::Sattr3& sattr, bool guarded) {
  const std::uint32_t mode = sattr.mode.value_or(kDefaultFileMode) & zvfs::kPermMask;
  auto created = co_await fs.create(cred, dir, name, mode, guarded);
  if (!created) co_return std::unexpected(created.error());
  if (created->created) {
    zvfs::Attr made = co_await finish_new(fs, cred, created->attr, sattr);
    co_return made;
  }
  if (!sattr.size || *sattr.size != 0) co_return created->attr;
  // UNCHECKED on an existing file truncates it when asked to, nothing else (knfsd).
  zvfs::SetAttr truncate;
  truncate.size = 0;
  auto truncated = co_await fs.setattr(cred, created->attr.ino, truncate);
  co_return truncated;
}

}  // namespace

Task<wire::CreateRes> ZvfsHandlers::create(const CallContext& ctx, const wire::CreateArgs& args) {
  wire::CreateRes res;
  const auto dir = inode_of(args.where.dir, res);
  if (!dir) co_return res;
  const zvfs::Credentials cred = credentials(ctx, options_, true);
  res.dir_wcc.before = co_await pre_op_attr(fs_, cred, *dir);
  zerofs::Result<zvfs::Attr> made;
  if (args.how.mode == wire::CreateMode::exclusive) {
    made = co_await create_exclusive(fs_, cred, *dir, args.where.name, args.how.verf);
  } else {
    const bool guarded = args.how.mode == wire::CreateMode::guarded;
    made =
        co_await create_checked(fs_, cred, *dir, args.where.name, args.how.obj_attributes, guarded);
  }
  res.dir_wcc.after = co_await post_op_attr(fs_, cred, *dir, options_.fsid);
  if (!made) {
    res.status = to_nfsstat3(made.error());
    co_return res;
  }
  fill_created(res, *made, options_.fsid);
  co_return res;
}

Task<wire::MkdirRes> ZvfsHandlers::mkdir(const CallContext& ctx, const wire::MkdirArgs& args) {
  wire::MkdirRes res;
  const auto dir = inode_of(args.where.dir, res);
  if (!dir) co_return res;
  const zvfs::Credentials cred = credentials(ctx, options_, false);
  res.dir_wcc.before = co_await pre_op_attr(fs_, cred, *dir);
  const std::uint32_t mode = args.attributes.mode.value_or(kDefaultDirMode) & zvfs::kPermMask;
  auto made = co_await fs_.mkdir(cred, *dir, args.where.name, mode);
  if (made) {
    const zvfs::Attr finished = co_await finish_new(fs_, cred, *made, args.attributes);
    made = finished;
  }
  res.dir_wcc.after = co_await post_op_attr(fs_, cred, *dir, options_.fsid);
  if (!made) {
    res.status = to_nfsstat3(made.error());
    co_return res;
  }
  fill_created(res, *made, options_.fsid);
  co_return res;
}

Task<wire::SymlinkRes> ZvfsHandlers::symlink(const CallContext& ctx,
                                             const wire::SymlinkArgs& args) {
  wire::SymlinkRes res;
  const auto dir = inode_of(args.where.dir, res);
  if (!dir) co_return res;
  const zvfs::Credentials cred = credentials(ctx, options_, false);
  res.dir_wcc.before = co_await pre_op_attr(fs_, cred, *dir);
  auto made = co_await fs_.symlink(cred, *dir, args.where.name, args.symlink_data);
  res.dir_wcc.after = co_await post_op_attr(fs_, cred, *dir, options_.fsid);
  if (!made) {
    res.status = to_nfsstat3(made.error());
    co_return res;
  }
  fill_created(res, *made, options_.fsid);
  co_return res;
}

Task<wire::MknodRes> ZvfsHandlers::mknod(const CallContext& ctx, const wire::MknodArgs& args) {
  wire::MknodRes res;
  const auto dir = inode_of(args.where.dir, res);
  if (!dir) co_return res;
  zvfs::FileType type = zvfs::FileType::fifo;
  std::uint64_t rdev = 0;
  switch (args.type) {
    case wire::Ftype3::chr:
      type = zvfs::FileType::char_device;
      rdev = to_rdev(args.spec);
      break;
    case wire::Ftype3::blk:
      type = zvfs::FileType::block_device;
      rdev = to_rdev(args.spec);
      break;
    case wire::Ftype3::sock:
      type = zvfs::FileType::socket;
      break;
    case wire::Ftype3::fifo:
      type = zvfs::FileType::fifo;
      break;
    default:
      res.status = Nfsstat3::badtype;  // regular files, directories, symlinks have own calls
      co_return res;
  }
  const zvfs::Credentials cred = credentials(ctx, options_, false);
  res.dir_wcc.before = co_await pre_op_attr(fs_, cred, *dir);
  const std::uint32_t mode = args.attributes.mode.value_or(kDefaultFileMode) & zvfs::kPermMask;
  auto made = co_await fs_.mknod(cred, *dir, args.where.name, type, mode, rdev);
  res.dir_wcc.after = co_await post_op_attr(fs_, cred, *dir, options_.fsid);
  if (!made) {
    res.status = to_nfsstat3(made.error());
    co_return res;
  }
  fill_created(res, *made, options_.fsid);
  co_return res;
}

Task<wire::RemoveRes> ZvfsHandlers::remove(const CallContext& ctx, const wire::RemoveArgs& args) {
  wire::RemoveRes res;
  const auto dir = inode_of(args.object.dir, res);
  if (!dir) co_return res;
  const zvfs::Credentials cred = credentials(ctx, options_, false);
  res.dir_wcc.before = co_await pre_op_attr(fs_, cred, *dir);
  auto done = co_await fs_.unlink(cred, *dir, args.object.name);
  res.dir_wcc.after = co_await post_op_attr(fs_, cred, *dir, options_.fsid);
  if (!done) res.status = to_nfsstat3(done.error());
  co_return res;
}

Task<wire::RmdirRes> ZvfsHandlers::rmdir(const CallContext& ctx, const wire::RmdirArgs& args) {
  wire::RmdirRes res;
  const auto dir = inode_of(args.object.dir, res);
  if (!dir) co_return res;
  const zvfs::Credentials cred = credentials(ctx, options_, false);
  res.dir_wcc.before = co_await pre_op_attr(fs_, cred, *dir);
  auto done = co_await fs_.rmdir(cred, *dir, args.object.name);
  res.dir_wcc.after = co_await post_op_attr(fs_, cred, *dir, options_.fsid);
  if (!done) res.status = to_nfsstat3(done.error());
  co_return res;
}

Task<wire::RenameRes> ZvfsHandlers::rename(const CallContext& ctx, const wire::RenameArgs& args) {
  wire::RenameRes res;
  const auto from = handle_inode(args.from.dir);
  const auto to = handle_inode(args.to.dir);
  if (!from || !to) {
    res.status = Nfsstat3::badhandle;
    co_return res;
  }
  const zvfs::Credentials cred = credentials(ctx, options_, false);
  res.fromdir_wcc.before = co_await pre_op_attr(fs_, cred, *from);
  res.todir_wcc.before = co_await pre_op_attr(fs_, cred, *to);
  auto done = co_await fs_.rename(cred, *from, args.from.name, *to, args.to.name);
  res.fromdir_wcc.after = co_await post_op_attr(fs_, cred, *from, options_.fsid);
  res.todir_wcc.after = co_await post_op_attr(fs_, cred, *to, options_.fsid);
  if (!done) res.status = to_nfsstat3(done.error());
  co_return res;
}

Task<wire::LinkRes> ZvfsHandlers::link(const CallContext& ctx, const wire::LinkArgs& args) {
  wire::LinkRes res;
  const auto ino = handle_inode(args.file);
  const auto dir = handle_inode(args.link.dir);
  if (!ino || !dir) {
    res.status = Nfsstat3::badhandle;
    co_return res;
  }
  const zvfs::Credentials cred = credentials(ctx, options_, false);
  res.linkdir_wcc.before = co_await pre_op_attr(fs_, cred, *dir);
  auto linked = co_await fs_.link(cred, *ino, *dir, args.link.name);
  res.linkdir_wcc.after = co_await post_op_attr(fs_, cred, *dir, options_.fsid);
  if (!linked) {
    res.status = to_nfsstat3(linked.error());
    res.file_attributes = co_await post_op_attr(fs_, cred, *ino, options_.fsid);
    co_return res;
  }
  res.file_attributes = to_fattr3(*linked, options_.fsid);
  co_return res;
}

}  // namespace nfs3
