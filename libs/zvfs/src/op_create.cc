// create, mknod/mkdir/symlink (make_node), readlink, link.
#include "fs_core.h"
#include "keys.h"
#include "permissions.h"

namespace zvfs {

namespace {

Result<void> check_parent(const Inode& dir) {
  if (!dir.is_dir()) {
    return zerofs::fail(Errc::not_a_directory, "inode {} is not a directory", dir.ino);
  }
  if (dir.nlink == 0) return zerofs::fail(Errc::not_found, "directory {} was removed", dir.ino);
  return {};
}

// A new inode's owner, group and mode, as Linux's inode_init_owner: the group comes from a
// setgid directory (and new subdirectories inherit the bit); a non-member cannot create a
// group-executable setgid file.
void init_owner(Inode& n, const Inode& dir, const Credentials& cred) {
  n.uid = cred.uid();
  if ((dir.mode & kSetGid) != 0) {
    n.gid = dir.gid;
    if (n.is_dir()) n.mode |= kSetGid;
  } else {
    n.gid = cred.gid();
  }
  if (!n.is_dir() && (n.mode & (kSetGid | 0010)) == (kSetGid | 0010) && !cred.is_root() &&
      !cred.in_group(n.gid)) {
    n.mode &= ~kSetGid;
  }
}

}  // namespace

Task<Result<CreateResult>> FsCore::create(const Credentials& cred, Ino parent,
                                          std::string_view name, std::uint32_t mode,
                                          bool exclusive) {
  ZF_CO_CHECK(check_writable());
  ZF_CO_CHECK(check_new_name(name));
  {
    // The common "open an existing file with O_CREAT" needs no lock and no write access.
    ZF_CO_TRY(auto dir, co_await load_unlocked(parent));
    ZF_CO_CHECK(check_parent(dir));
    ZF_CO_CHECK(check_access(cred, dir, kMayExec));
    ZF_CO_TRY(auto entry, co_await find_entry(parent, name));
    if (entry) {
      if (exclusive) co_return zerofs::fail(Errc::already_exists, "'{}' exists", name);
      if (entry->type == FileType::directory) {
        co_return zerofs::fail(Errc::is_a_directory, "'{}' is a directory", name);
      }
      auto existing = co_await load_unlocked(entry->child);
      if (existing) {
        CreateResult r;
        r.attr = existing->attr();
        co_return r;
      }
      // Removed meanwhile: fall through and create it.
    }
  }
  auto made = co_await make_node(cred, parent, name, FileType::regular, mode, 0, {});
  if (made) {
    CreateResult r;
    r.attr = *made;
    r.created = true;
    co_return r;
  }
  if (made.error().code() != Errc::already_exists || exclusive) {
    co_return std::unexpected(made.error());
  }
  // Lost a race with another creator: open theirs.
  ZF_CO_TRY(auto attr, co_await lookup(cred, parent, name));
  if (attr.type == FileType::directory) {
    co_return zerofs::fail(Errc::is_a_directory, "'{}' is a directory", name);
  }
  CreateResult r;
  r.attr = attr;
  co_return r;
}

Task<Result<Attr>> FsCore::make_node(const Credentials& cred, Ino parent, std::string_view name,
                                     FileType type, std::uint32_t mode, std::uint64_t rdev,
                                     std::string_view target) {
  ZF_CO_CHECK(check_writable());
  ZF_CO_CHECK(check_new_name(name));
  if (type == FileType::symlink) {
    if (target.empty()) co_return zerofs::fail(Errc::not_found, "empty symlink target");
    if (target.size() > kMaxSymlinkBytes) {
      co_return zerofs::fail(Errc::name_too_long, "symlink target of {} bytes", target.size());
    }
  }
  if ((type == FileType::char_device || type == FileType::block_device) && !cred.is_root()) {
    co_return zerofs::fail(Errc::not_permitted, "only root may create device nodes");
  }
  auto guard = co_await locks_.lock(parent);
  ZF_CO_TRY(auto dir, co_await load_locked(parent));
  ZF_CO_CHECK(check_parent(dir));
  ZF_CO_CHECK(check_access(cred, dir, kMayWrite | kMayExec));
  ZF_CO_TRY(auto existing, co_await find_entry(parent, name));
  if (existing) co_return zerofs::fail(Errc::already_exists, "'{}' exists", name);
  if (type == FileType::directory && dir.nlink >= kMaxLinks) {
    co_return zerofs::fail(Errc::too_many_links, "directory {} has too many subdirectories",
                           parent);
  }
  Mutation m;
  if (!m.reserve(usage_, target.size())) {
    co_return zerofs::fail(Errc::no_space, "the quota of {} bytes is used up", usage_.max_bytes());
  }
  ZF_CO_TRY(const Ino ino, co_await allocate_ino());
  // The new id is larger than every existing one, so locking it now keeps inode order. It
  // keeps anyone who finds the entry from caching the inode before we do.
  auto child_guard = co_await locks_.lock(ino);
  const std::int64_t t = now();
  Inode n;
  n.ino = ino;
  n.type = type;
  n.mode = mode & kPermMask;
  init_owner(n, dir, cred);
  n.atime_ns = n.mtime_ns = n.ctime_ns = t;
  if (type == FileType::directory) {
    n.nlink = 2;
    n.parent = parent;
  } else {
    n.nlink = 1;
  }
  if (type == FileType::char_device || type == FileType::block_device) n.rdev = rdev;
  if (type == FileType::symlink) {
    n.target = std::string(target);
    n.size = target.size();
  }
  add_entry(m, dir, name, n, t);
  m.put_inode(n);
  m.put_inode(dir);
  m.inodes_delta = 1;
  m.bytes_delta = static_cast<std::int64_t>(n.size);
  ZF_CO_CHECK(co_await commit(m));
  co_return n.attr();
}

Task<Result<std::string>> FsCore::readlink(Ino ino) {
  ZF_CO_TRY(auto inode, co_await load_unlocked(ino));
  if (inode.type != FileType::symlink) {
    co_return zerofs::fail(Errc::invalid_argument, "inode {} is not a symlink", ino);
  }
  co_return std::move(inode.target);
}

Task<Result<Attr>> FsCore::link(const Credentials& cred, Ino ino, Ino new_parent,
                                std::string_view new_name) {
  ZF_CO_CHECK(check_writable());
  ZF_CO_CHECK(check_new_name(new_name));
  InodeLocks::LockList list;
  list.add(ino);
  list.add(new_parent);
  auto guard = co_await locks_.lock_all(list);
  ZF_CO_TRY(auto target, co_await load_locked(ino));
  if (target.is_dir()) co_return zerofs::fail(Errc::not_permitted, "cannot link a directory");
  if (target.nlink == 0) co_return zerofs::fail(Errc::not_found, "inode {} was removed", ino);
  ZF_CO_TRY(auto dir, co_await load_locked(new_parent));
  ZF_CO_CHECK(check_parent(dir));
  ZF_CO_CHECK(check_access(cred, dir, kMayWrite | kMayExec));
  ZF_CO_TRY(auto existing, co_await find_entry(new_parent, new_name));
  if (existing) co_return zerofs::fail(Errc::already_exists, "'{}' exists", new_name);
  if (target.nlink >= kMaxLinks) {
    co_return zerofs::fail(Errc::too_many_links, "inode {} has too many links", ino);
  }
  const std::int64_t t = now();
  ++target.nlink;
  target.ctime_ns = t;
  Mutation m;
  add_entry(m, dir, new_name, target, t);
  m.put_inode(target);
  m.put_inode(dir);
  ZF_CO_CHECK(co_await commit(m));
  co_return target.attr();
}

}  // namespace zvfs
