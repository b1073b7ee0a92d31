// getattr, access, setattr (chmod, chown, utimens, truncate).
#include "fs_core.h"
#include "keys.h"
#include "permissions.h"

namespace zvfs {

Task<Result<Attr>> FsCore::getattr(Ino ino) {
  ZF_CO_TRY(auto inode, co_await load_unlocked(ino));
  co_return inode.attr();
}

Task<Result<void>> FsCore::access(const Credentials& cred, Ino ino, std::uint32_t mask) {
  ZF_CO_TRY(auto inode, co_await load_unlocked(ino));
  if ((mask & kMayWrite) != 0 && read_only_) {
    co_return zerofs::fail(Errc::read_only, "the filesystem is read-only");
  }
  co_return check_access(cred, inode, mask);
}

Task<Result<Attr>> FsCore::setattr(const Credentials& cred, Ino ino, SetAttr changes) {
  ZF_CO_CHECK(check_writable());
  auto guard = co_await locks_.lock(ino);
  ZF_CO_TRY(auto inode, co_await load_locked(ino));
  ZF_CO_TRY(auto updated, co_await setattr_locked(cred, std::move(inode), changes));
  co_return updated.attr();
}

// The checks and their order follow Linux's notify_change/setattr_prepare: chown, then
// chmod (an explicit mode wins over the suid/sgid clearing of a chown), then times, then
// size.
Task<Result<Inode>> FsCore::setattr_locked(const Credentials& cred, Inode stored,
                                           const SetAttr& sa) {
  const std::int64_t t = now();
  Inode n = stored;
  bool changed = false;

  if (sa.uid || sa.gid) {
    const std::uint32_t uid = sa.uid.value_or(n.uid);
    const std::uint32_t gid = sa.gid.value_or(n.gid);
    if (!cred.is_root()) {
      if (cred.uid() != n.uid || uid != n.uid) {
        co_return zerofs::fail(Errc::not_permitted, "only root may give inode {} away", n.ino);
      }
      if (gid != n.gid && !cred.in_group(gid)) {
        co_return zerofs::fail(Errc::not_permitted, "not a member of group {}", gid);
      }
    }
    n.uid = uid;
    n.gid = gid;
    n.mode = mode_after_chown(n);
    changed = true;
  }
  if (sa.mode) {
    if (!owns_or_root(cred, n)) {
      co_return zerofs::fail(Errc::not_permitted, "only the owner may chmod inode {}", n.ino);
    }
    std::uint32_t mode = *sa.mode & kPermMask;
    if (!cred.is_root() && !cred.in_group(n.gid)) mode &= ~kSetGid;
    n.mode = mode;
    changed = true;
  }
  if (sa.atime != TimeUpdate::omit || sa.mtime != TimeUpdate::omit) {
    const bool explicit_time = sa.atime == TimeUpdate::set || sa.mtime == TimeUpdate::set;
    if (!owns_or_root(cred, n)) {
      if (explicit_time) {
        co_return zerofs::fail(Errc::not_permitted, "only the owner may set the times of {}",
                               n.ino);
      }
      ZF_CO_CHECK(check_access(cred, n, kMayWrite));
    }
    if (sa.atime == TimeUpdate::now) n.atime_ns = t;
    if (sa.atime == TimeUpdate::set) n.atime_ns = sa.atime_ns;
    if (sa.mtime == TimeUpdate::now) n.mtime_ns = t;
    if (sa.mtime == TimeUpdate::set) n.mtime_ns = sa.mtime_ns;
    changed = true;
  }

  Mutation m;
  if (sa.size) {
    if (n.is_dir()) co_return zerofs::fail(Errc::is_a_directory, "inode {} is a directory", n.ino);
    if (!n.is_regular()) {
      co_return zerofs::fail(Errc::invalid_argument, "inode {} is not a regular file", n.ino);
    }
    ZF_CO_CHECK(check_data_access(cred, n, kMayWrite));
    if (*sa.size > kMaxFileSize) {
      co_return zerofs::fail(Errc::file_too_large, "size {} exceeds the maximum", *sa.size);
    }
    n.mode = mode_after_write(cred, n);
    n.mtime_ns = t;
    changed = true;
    n.size = *sa.size;
    if (n.size > stored.size) {
      if (!m.reserve(usage_, n.size - stored.size)) {
        co_return zerofs::fail(Errc::no_space, "the quota of {} bytes is used up",
                               usage_.max_bytes());
      }
      m.bytes_delta = static_cast<std::int64_t>(n.size - stored.size);
    }
  }
  if (changed) n.ctime_ns = t;
  if (sa.size && n.size < stored.size) {
    ZF_CO_CHECK(co_await shrink(stored, n, m));
    co_return n;
  }
  m.put_inode(n);
  ZF_CO_CHECK(co_await commit(m));
  co_return n;
}

}  // namespace zvfs

namespace zvfs {

StatFs FsCore::statfs() const {
  // Without a quota, a nominal 1 PiB keeps df and friends meaningful.
  constexpr std::uint64_t kNominalBytes = std::uint64_t{1} << 50;
  constexpr std::uint64_t kNominalInodes = std::uint64_t{1} << 40;
  StatFs s;
  s.used_bytes = usage_.bytes();
  s.total_bytes = usage_.max_bytes() == kNoQuota ? kNominalBytes : usage_.max_bytes();
  s.total_bytes = std::max(s.total_bytes, s.used_bytes);
  s.free_bytes = s.total_bytes - s.used_bytes;
  s.used_inodes = usage_.inodes();
  s.total_inodes = kNominalInodes;
  s.free_inodes = s.total_inodes - std::min(s.total_inodes, s.used_inodes);
  return s;
}

Task<Result<void>> FsCore::sync() {
  if (read_only_) co_return Result<void>{};
  co_return co_await db_->flush();
}

}  // namespace zvfs
