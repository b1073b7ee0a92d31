// rename: replacing, RENAME_NOREPLACE and RENAME_EXCHANGE, directory moves with loop checks.
#include "fs_core.h"
#include "keys.h"
#include "permissions.h"

namespace zvfs {

namespace {

Result<void> check_dir(const Inode& dir) {
  if (!dir.is_dir()) {
    return zerofs::fail(Errc::not_a_directory, "inode {} is not a directory", dir.ino);
  }
  return {};
}

Result<void> check_rename_names(std::string_view old_name, std::string_view new_name) {
  for (const auto name : {old_name, new_name}) {
    if (name == "." || name == "..") {
      return zerofs::fail(Errc::busy, "cannot rename '{}'", name);
    }
  }
  ZF_CHECK(check_lookup_name(old_name));
  ZF_CHECK(check_new_name(new_name));
  return {};
}

// Rewrites the entry `name` of `dir` (keeping its cookie, so readdir positions hold) to
// point at `child`.
void repoint_entry(Mutation& m, const Inode& dir, std::string_view name, std::uint64_t cookie,
                   const Inode& child) {
  DirentValue entry;
  entry.type = child.type;
  entry.child = child.ino;
  entry.cookie = cookie;
  m.batch.put(keys::dirent_key(dir.ino, name), encode_dirent(entry));
  m.batch.put(keys::dirscan_key(dir.ino, cookie), encode_dirscan(child.type, child.ino, name));
}

}  // namespace

// Whether moving directory `moving_dir` under `new_parent` would put it inside itself:
// returns the offending inode, or nullopt when the move is safe. Ancestors are read
// without their locks: cross-directory directory renames hold rename_mutex_, so no
// ancestor can move meanwhile.
Task<Result<std::optional<Ino>>> FsCore::rename_loop_check(Ino moving_dir, Ino new_parent) {
  Ino cursor = new_parent;
  for (std::size_t depth = 0; depth < (std::size_t{1} << 20); ++depth) {
    if (cursor == moving_dir) co_return std::optional<Ino>(cursor);
    if (cursor == kRootIno) co_return std::optional<Ino>();
    ZF_CO_TRY(auto inode, co_await load_unlocked(cursor));
    cursor = inode.parent;
  }
  co_return zerofs::fail(Errc::loop, "directory tree deeper than the loop check allows");
}

Task<Result<void>> FsCore::rename(const Credentials& cred, Ino old_parent,
                                  std::string_view old_name, Ino new_parent,
                                  std::string_view new_name, unsigned flags) {
  ZF_CO_CHECK(check_writable());
  if ((flags & ~(kRenameNoReplace | kRenameExchange)) != 0 ||
      flags == (kRenameNoReplace | kRenameExchange)) {
    co_return zerofs::fail(Errc::invalid_argument, "bad rename flags {:#x}", flags);
  }
  ZF_CO_CHECK(check_rename_names(old_name, new_name));
  if (flags == kRenameExchange) {
    co_return co_await rename_exchange(cred, old_parent, old_name, new_parent, new_name);
  }
  for (;;) {
    ZF_CO_TRY(auto src_seen, co_await find_entry(old_parent, old_name));
    if (!src_seen) co_return zerofs::fail(Errc::not_found, "no entry '{}'", old_name);
    ZF_CO_TRY(auto dst_seen, co_await find_entry(new_parent, new_name));
    const bool moves_dir = src_seen->type == FileType::directory && old_parent != new_parent;
    AsyncMutexGuard rename_guard;
    if (moves_dir) {
      co_await rename_mutex_.lock();
      rename_guard = AsyncMutexGuard(&rename_mutex_);
    }
    InodeLocks::LockList list;
    list.add(old_parent);
    list.add(new_parent);
    list.add(src_seen->child);
    if (dst_seen) list.add(dst_seen->child);
    auto guard = co_await locks_.lock_all(list);
    ZF_CO_TRY(auto src_entry, co_await find_entry(old_parent, old_name));
    ZF_CO_TRY(auto dst_entry, co_await find_entry(new_parent, new_name));
    if (!src_entry) co_return zerofs::fail(Errc::not_found, "no entry '{}'", old_name);
    const bool same_dst = dst_entry.has_value() == dst_seen.has_value() &&
                          (!dst_entry || dst_entry->child == dst_seen->child);
    if (src_entry->child != src_seen->child || !same_dst) continue;

    ZF_CO_TRY(auto old_dir, co_await load_locked(old_parent));
    ZF_CO_CHECK(check_dir(old_dir));
    Inode new_dir_storage;
    if (new_parent != old_parent) {
      ZF_CO_TRY(new_dir_storage, co_await load_locked(new_parent));
      ZF_CO_CHECK(check_dir(new_dir_storage));
    }
    Inode& od = old_dir;
    Inode& nd = new_parent == old_parent ? old_dir : new_dir_storage;
    if (nd.nlink == 0) co_return zerofs::fail(Errc::not_found, "directory {} was removed", nd.ino);
    ZF_CO_TRY(auto src, co_await load_locked(src_entry->child));
    ZF_CO_CHECK(check_delete(cred, od, src));
    ZF_CO_CHECK(check_access(cred, nd, kMayWrite | kMayExec));

    std::optional<Inode> dst;
    if (dst_entry) {
      if (dst_entry->child == src.ino) co_return Result<void>{};  // same inode: nothing to do
      if (flags == kRenameNoReplace) {
        co_return zerofs::fail(Errc::already_exists, "'{}' exists", new_name);
      }
      ZF_CO_TRY(dst, co_await load_locked(dst_entry->child));
      ZF_CO_CHECK(check_delete(cred, nd, *dst));
      if (src.is_dir()) {
        if (!dst->is_dir()) {
          co_return zerofs::fail(Errc::not_a_directory, "'{}' is not a directory", new_name);
        }
        if (dst->entry_count > 0) {
          co_return zerofs::fail(Errc::not_empty, "directory '{}' is not empty", new_name);
        }
      } else if (dst->is_dir()) {
        co_return zerofs::fail(Errc::is_a_directory, "'{}' is a directory", new_name);
      }
    }
    if (moves_dir) {
      ZF_CO_TRY(auto loop, co_await rename_loop_check(src.ino, new_parent));
      if (loop)
        co_return zerofs::fail(Errc::invalid_argument, "cannot move a directory into itself");
      // Its ".." changes, which needs write access to the directory itself.
      ZF_CO_CHECK(check_access(cred, src, kMayWrite));
      if (!dst && nd.nlink >= kMaxLinks) {
        co_return zerofs::fail(Errc::too_many_links, "directory {} is full", nd.ino);
      }
    }

    const std::int64_t t = now();
    Mutation m;
    remove_entry(m, od, old_name, *src_entry, t);
    if (dst) {
      remove_entry(m, nd, new_name, *dst_entry, t);
      dst->nlink = dst->is_dir() ? 0 : dst->nlink - 1;
      dst->ctime_ns = t;
      ZF_CO_CHECK(co_await unlinked(m, *dst));
    }
    add_entry(m, nd, new_name, src, t);
    src.ctime_ns = t;
    if (src.is_dir()) src.parent = new_parent;
    m.put_inode(src);
    m.put_inode(od);
    if (new_parent != old_parent) m.put_inode(nd);
    ZF_CO_CHECK(co_await commit(m));
    co_return Result<void>{};
  }
}

Task<Result<void>> FsCore::rename_exchange(const Credentials& cred, Ino old_parent,
                                           std::string_view old_name, Ino new_parent,
                                           std::string_view new_name) {
  for (;;) {
    ZF_CO_TRY(auto a_seen, co_await find_entry(old_parent, old_name));
    ZF_CO_TRY(auto b_seen, co_await find_entry(new_parent, new_name));
    if (!a_seen) co_return zerofs::fail(Errc::not_found, "no entry '{}'", old_name);
    if (!b_seen) co_return zerofs::fail(Errc::not_found, "no entry '{}'", new_name);
    const bool moves_dir = old_parent != new_parent && (a_seen->type == FileType::directory ||
                                                        b_seen->type == FileType::directory);
    AsyncMutexGuard rename_guard;
    if (moves_dir) {
      co_await rename_mutex_.lock();
      rename_guard = AsyncMutexGuard(&rename_mutex_);
    }
    InodeLocks::LockList list;
    list.add(old_parent);
    list.add(new_parent);
    list.add(a_seen->child);
    list.add(b_seen->child);
    auto guard = co_await locks_.lock_all(list);
    ZF_CO_TRY(auto a_entry, co_await find_entry(old_parent, old_name));
    ZF_CO_TRY(auto b_entry, co_await find_entry(new_parent, new_name));
    if (!a_entry || !b_entry) co_return zerofs::fail(Errc::not_found, "an entry went away");
    if (a_entry->child != a_seen->child || b_entry->child != b_seen->child) continue;
    if (a_entry->child == b_entry->child) co_return Result<void>{};

    ZF_CO_TRY(auto old_dir, co_await load_locked(old_parent));
    ZF_CO_CHECK(check_dir(old_dir));
    Inode new_dir_storage;
    if (new_parent != old_parent) {
      ZF_CO_TRY(new_dir_storage, co_await load_locked(new_parent));
      ZF_CO_CHECK(check_dir(new_dir_storage));
    }
    Inode& od = old_dir;
    Inode& nd = new_parent == old_parent ? old_dir : new_dir_storage;
    ZF_CO_TRY(auto a, co_await load_locked(a_entry->child));
    ZF_CO_TRY(auto b, co_await load_locked(b_entry->child));
    ZF_CO_CHECK(check_delete(cred, od, a));
    ZF_CO_CHECK(check_delete(cred, nd, b));
    if (old_parent != new_parent) {
      if (a.is_dir()) {
        ZF_CO_TRY(auto loop, co_await rename_loop_check(a.ino, new_parent));
        if (loop) co_return zerofs::fail(Errc::invalid_argument, "exchange would make a loop");
        ZF_CO_CHECK(check_access(cred, a, kMayWrite));
      }
      if (b.is_dir()) {
        ZF_CO_TRY(auto loop, co_await rename_loop_check(b.ino, old_parent));
        if (loop) co_return zerofs::fail(Errc::invalid_argument, "exchange would make a loop");
        ZF_CO_CHECK(check_access(cred, b, kMayWrite));
      }
    }

    const std::int64_t t = now();
    Mutation m;
    repoint_entry(m, od, old_name, a_entry->cookie, b);
    repoint_entry(m, nd, new_name, b_entry->cookie, a);
    if (old_parent != new_parent) {
      if (a.is_dir()) {
        a.parent = new_parent;
        --od.nlink;
        ++nd.nlink;
      }
      if (b.is_dir()) {
        b.parent = old_parent;
        --nd.nlink;
        ++od.nlink;
      }
    }
    a.ctime_ns = b.ctime_ns = t;
    od.mtime_ns = od.ctime_ns = nd.mtime_ns = nd.ctime_ns = t;
    m.put_inode(a);
    m.put_inode(b);
    m.put_inode(od);
    if (new_parent != old_parent) m.put_inode(nd);
    ZF_CO_CHECK(co_await commit(m));
    co_return Result<void>{};
  }
}

}  // namespace zvfs
