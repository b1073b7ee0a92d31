// unlink and rmdir (remove).
#include "fs_core.h"
#include "keys.h"
#include "permissions.h"

namespace zvfs {

Task<Result<void>> FsCore::remove(const Credentials& cred, Ino parent, std::string_view name,
                                  bool directory) {
  ZF_CO_CHECK(check_writable());
  if (name == "." || name == "..") {
    if (!directory) co_return zerofs::fail(Errc::is_a_directory, "'{}' is a directory", name);
    if (name == ".") co_return zerofs::fail(Errc::invalid_argument, "cannot remove '.'");
    co_return zerofs::fail(Errc::not_empty, "cannot remove '..'");
  }
  ZF_CO_CHECK(check_lookup_name(name));
  {
    ZF_CO_TRY(auto dir, co_await load_unlocked(parent));
    if (!dir.is_dir()) {
      co_return zerofs::fail(Errc::not_a_directory, "inode {} is not a directory", parent);
    }
    ZF_CO_CHECK(check_access(cred, dir, kMayExec));
  }
  for (;;) {
    // Find the victim without locks, then lock parent and victim in inode order and make
    // sure the entry still names it; otherwise start over.
    ZF_CO_TRY(auto seen, co_await find_entry(parent, name));
    if (!seen) co_return zerofs::fail(Errc::not_found, "no entry '{}'", name);
    InodeLocks::LockList list;
    list.add(parent);
    list.add(seen->child);
    auto guard = co_await locks_.lock_all(list);
    ZF_CO_TRY(auto entry, co_await find_entry(parent, name));
    if (!entry) co_return zerofs::fail(Errc::not_found, "no entry '{}'", name);
    if (entry->child != seen->child) continue;

    ZF_CO_TRY(auto dir, co_await load_locked(parent));
    ZF_CO_TRY(auto victim, co_await load_locked(entry->child));
    ZF_CO_CHECK(check_delete(cred, dir, victim));
    if (directory) {
      if (!victim.is_dir()) {
        co_return zerofs::fail(Errc::not_a_directory, "'{}' is not a directory", name);
      }
      if (victim.entry_count > 0) {
        co_return zerofs::fail(Errc::not_empty, "directory '{}' is not empty", name);
      }
    } else if (victim.is_dir()) {
      co_return zerofs::fail(Errc::is_a_directory, "'{}' is a directory", name);
    }
    const std::int64_t t = now();
    Mutation m;
    remove_entry(m, dir, name, *entry, t);
    victim.nlink = victim.is_dir() ? 0 : victim.nlink - 1;
    victim.ctime_ns = t;
    ZF_CO_CHECK(co_await unlinked(m, victim));
    m.put_inode(dir);
    ZF_CO_CHECK(co_await commit(m));
    co_return Result<void>{};
  }
}

}  // namespace zvfs
