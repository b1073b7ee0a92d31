// Filesystem: the encrypted POSIX filesystem on an LSM tree (ARCHITECTURE §7). Every
// protocol (NFSv3, 9P2000.L, NBD) and every embedding program goes through this class.
//
//   auto fs = (co_await zvfs::Filesystem::open(config)).value();
//   auto root = zvfs::Credentials::root();
//   auto file = (co_await fs->create(root, zvfs::kRootIno, "a.txt", 0644, false)).value();
//   co_await fs->write(root, file.attr.ino, 0, zerofs::as_bytes("hello"));
//   co_await fs->fsync(file.attr.ino);
//   co_await fs->close();
//
// Semantics are Linux's (see docs/formats/vfs-keys.md for the details kept): permission
// checks from the caller's credentials, sticky directories, setgid inheritance, suid/sgid
// clearing, nanosecond timestamps, hard links, 255-byte names, 64-bit sizes, quota.
// Errors are zerofs::Errc values that map to errno (to_errno): not_found ENOENT,
// already_exists EEXIST, access_denied EACCES, not_permitted EPERM, not_a_directory,
// is_a_directory, not_empty, name_too_long, invalid_argument, no_space, read_only, stale
// (an inode id that no longer exists), too_many_links, no_data/range/too_big/unsupported
// (xattrs), busy, file_too_large, plus the store's errors (transient, permanent, fenced).
//
// Atomicity and durability: each operation is one atomic lsm::WriteBatch, except truncates
// of large files, which step the size down from the end in batches that are each a valid
// state. An operation returns once it is visible to every later operation; it is durable
// after fsync()/sync() returns, or within lsm.flush_interval. After a crash the filesystem
// is some prefix of the acknowledged operations, never less than what was fsynced.
//
// Thread safety: every method may be called concurrently from any thread of a (possibly
// multi-threaded) io_context; per-inode async locks serialise conflicting operations.
// Credentials are taken by reference and must outlive the awaited call (co_await it in the
// full expression that makes them). Lifetime: call close() and await it before destroying
// a writable Filesystem; destroying it without close() models a crash (nothing more is
// made durable, nothing is corrupted).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/async.h"
#include "base/buffer.h"
#include "base/result.h"
#include "zvfs/config.h"
#include "zvfs/types.h"

namespace lsm {
class Db;
}
namespace zobj {
class ObjectStore;
}

namespace zvfs {

using zerofs::ByteView;
using zerofs::Result;
using zerofs::Task;

class FsCore;

class Filesystem {
 public:
  // Creates (first start: key record, database, root, /.nbd) or opens the filesystem.
  // Errors: wrong_password ("wrong encryption password for <url>"), invalid_argument (bad
  // config), corrupt (not a zerofs filesystem, unknown format version), store errors.
  static Task<Result<std::unique_ptr<Filesystem>>> open(FilesystemConfig config);
  ~Filesystem();
  Filesystem(const Filesystem&) = delete;
  Filesystem& operator=(const Filesystem&) = delete;

  // Makes everything durable, stops the background work and closes the database.
  Task<Result<void>> close();

  // --- names and attributes
  // "." is the directory itself, ".." its parent (the root's parent is the root).
  Task<Result<Attr>> lookup(const Credentials& cred, Ino parent, std::string_view name);
  Task<Result<Attr>> getattr(const Credentials& cred, Ino ino);
  Task<Result<Attr>> setattr(const Credentials& cred, Ino ino, SetAttr changes);
  // Succeeds when every bit of `mask` (kMayRead|kMayWrite|kMayExec) is granted.
  Task<Result<void>> access(const Credentials& cred, Ino ino, std::uint32_t mask);

  // --- creating and removing
  // `mode` is the final permission bits (apply the umask before). Without `exclusive`, an
  // existing regular file is returned with created == false.
  Task<Result<CreateResult>> create(const Credentials& cred, Ino parent, std::string_view name,
                                    std::uint32_t mode, bool exclusive);
  Task<Result<Attr>> mkdir(const Credentials& cred, Ino parent, std::string_view name,
                           std::uint32_t mode);
  // fifo, socket, char_device, block_device (devices need root) or regular.
  Task<Result<Attr>> mknod(const Credentials& cred, Ino parent, std::string_view name,
                           FileType type, std::uint32_t mode, std::uint64_t rdev);
  Task<Result<Attr>> symlink(const Credentials& cred, Ino parent, std::string_view name,
                             std::string_view target);
  Task<Result<std::string>> readlink(const Credentials& cred, Ino ino);
  // A new name for `ino` (not a directory) in `new_parent`.
  Task<Result<Attr>> link(const Credentials& cred, Ino ino, Ino new_parent,
                          std::string_view new_name);
  Task<Result<void>> unlink(const Credentials& cred, Ino parent, std::string_view name);
  Task<Result<void>> rmdir(const Credentials& cred, Ino parent, std::string_view name);
  // flags: 0, kRenameNoReplace or kRenameExchange.
  Task<Result<void>> rename(const Credentials& cred, Ino old_parent, std::string_view old_name,
                            Ino new_parent, std::string_view new_name, unsigned flags = 0);

  // Entries after `cookie` (0: from the start; "." and ".." come first with cookies 1, 2),
  // at most `max_entries`. With `plus`, each entry carries its attributes.
  Task<Result<DirPage>> readdir(const Credentials& cred, Ino dir, std::uint64_t cookie,
                                std::size_t max_entries, bool plus = false);

  // --- open files
  // Checks the access `flags` ask for (kOpenReadOnly/WriteOnly/ReadWrite, kOpenTruncate)
  // and counts an open reference: an unlinked file keeps its data until its last release().
  Task<Result<Attr>> open(const Credentials& cred, Ino ino, int flags);
  Task<Result<void>> release(Ino ino);

  // --- data
  Task<Result<ReadResult>> read(const Credentials& cred, Ino ino, std::uint64_t offset,
                                std::uint64_t length);
  // Writes all of `data` (the view must stay valid until the call completes); returns the
  // attributes after the write.
  Task<Result<Attr>> write(const Credentials& cred, Ino ino, std::uint64_t offset, ByteView data);
  // Deallocates [offset, offset+length) within the file; the size does not change.
  Task<Result<Attr>> punch_hole(const Credentials& cred, Ino ino, std::uint64_t offset,
                                std::uint64_t length);
  // As writing `length` zero bytes at `offset` (may extend the file), without storing them.
  Task<Result<Attr>> write_zeroes(const Credentials& cred, Ino ino, std::uint64_t offset,
                                  std::uint64_t length);
  // Resolve once everything written before the call is durable in the object store.
  Task<Result<void>> fsync(Ino ino);
  Task<Result<void>> sync();

  Task<Result<StatFs>> statfs(const Credentials& cred);

  // --- extended attributes ("user.", "trusted.", "security." namespaces)
  // With max_size > 0, a value longer than max_size fails with Errc::range (getxattr(2)'s
  // ERANGE); max_size == 0 returns the value whatever its size.
  Task<Result<std::string>> getxattr(const Credentials& cred, Ino ino, std::string_view name,
                                     std::size_t max_size = 0);
  // flags: 0, kXattrCreate (already_exists if present) or kXattrReplace (no_data if absent).
  Task<Result<void>> setxattr(const Credentials& cred, Ino ino, std::string_view name,
                              ByteView value, int flags = 0);
  // Names in byte order. With max_size > 0, fails with Errc::range when the names with their
  // NUL terminators (listxattr(2)'s buffer) exceed max_size.
  Task<Result<std::vector<std::string>>> listxattr(const Credentials& cred, Ino ino,
                                                   std::size_t max_size = 0);
  Task<Result<void>> removexattr(const Credentials& cred, Ino ino, std::string_view name);

  // --- administration
  // Rewraps the data key under `new_password` (if-match on the key object); no data is
  // re-encrypted. Errors: wrong_password when `old_password` is not the current one.
  Task<Result<void>> change_password(std::string old_password, std::string new_password);
  // Waits until no tombstone is left to drain (tests and tools).
  Task<Result<void>> drain_tombstones();
  bool read_only() const noexcept;
  // The database underneath (zvfs::check, tools). Valid until close().
  lsm::Db& db() noexcept;

 private:
  explicit Filesystem(std::shared_ptr<FsCore> core);
  std::shared_ptr<FsCore> core_;
};

// Rewraps the key record `key_object` in `store` (as Filesystem::change_password, for tools
// that do not open the filesystem). Errors: not_found (no key record), wrong_password.
Task<Result<void>> change_password(std::shared_ptr<zobj::ObjectStore> store, std::string key_object,
                                   std::string url, std::string old_password,
                                   std::string new_password);

}  // namespace zvfs
