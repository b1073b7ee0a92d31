// open/release reference counting: an unlinked file stays (as an orphan) while open.
#include "fs_core.h"
#include "keys.h"
#include "permissions.h"

namespace zvfs {

Task<Result<Attr>> FsCore::open_file(const Credentials& cred, Ino ino, int flags) {
  const int access_mode = flags & kOpenAccessMask;
  const bool truncate = (flags & kOpenTruncate) != 0;
  const bool writes = access_mode != kOpenReadOnly || truncate;
  if (writes) ZF_CO_CHECK(check_writable());
  std::uint32_t mask = 0;
  if (access_mode == kOpenReadOnly || access_mode == kOpenReadWrite) mask |= kMayRead;
  if (writes) mask |= kMayWrite;

  auto guard = co_await locks_.lock(ino);
  ZF_CO_TRY(auto inode, co_await load_locked(ino));
  if (inode.nlink == 0 && !is_open(ino)) {
    co_return zerofs::fail(Errc::stale, "inode {} was removed", ino);
  }
  if (inode.is_dir() && writes) {
    co_return zerofs::fail(Errc::is_a_directory, "inode {} is a directory", ino);
  }
  if (inode.is_regular()) {
    ZF_CO_CHECK(check_data_access(cred, inode, mask));
  } else {
    ZF_CO_CHECK(check_access(cred, inode, mask));
  }
  if (truncate && inode.is_regular()) {
    SetAttr to_zero;
    to_zero.size = 0;
    ZF_CO_TRY(inode, co_await setattr_locked(cred, std::move(inode), to_zero));
  }
  {
    std::lock_guard lock(open_mutex_);
    ++open_counts_[ino];
  }
  co_return inode.attr();
}

Task<Result<void>> FsCore::release(Ino ino) {
  auto guard = co_await locks_.lock(ino);
  {
    std::lock_guard lock(open_mutex_);
    auto it = open_counts_.find(ino);
    if (it == open_counts_.end()) {
      co_return zerofs::fail(Errc::bad_handle, "inode {} is not open", ino);
    }
    if (--it->second > 0) co_return Result<void>{};
    open_counts_.erase(it);
  }
  if (read_only_) co_return Result<void>{};
  ZF_CO_TRY(auto inode, co_await load_locked(ino));
  if (inode.nlink > 0) co_return Result<void>{};
  // The last reference to an unlinked file: now its data goes.
  Mutation m;
  ZF_CO_CHECK(co_await purge(m, inode, true));
  ZF_CO_CHECK(co_await commit(m));
  co_return Result<void>{};
}

}  // namespace zvfs
