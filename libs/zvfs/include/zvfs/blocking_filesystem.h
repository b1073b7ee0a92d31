// BlockingFilesystem: zvfs::Filesystem for programs without an Asio event loop.
//
// It owns an io_context run by its own thread(s) and a Filesystem opened on it; each method
// runs the corresponding Filesystem operation there and blocks the calling thread until it
// completes. Methods may be called from several threads at once (operations then run
// concurrently, as on a server).
//
//   auto fs = zvfs::BlockingFilesystem::open(config).value();
//   auto dir = fs->mkdir(cred, zvfs::kRootIno, "docs", 0755).value();
//   ...
//   fs->close();
//
// Must not be called from one of its own threads (that would deadlock). Destroying it
// closes the filesystem (errors are then logged, not reported).
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "zvfs/check.h"
#include "zvfs/config.h"
#include "zvfs/types.h"

namespace zvfs {

class BlockingFilesystemImpl;

class BlockingFilesystem {
 public:
  static zerofs::Result<std::unique_ptr<BlockingFilesystem>> open(FilesystemConfig config,
                                                                  std::size_t threads = 1);
  ~BlockingFilesystem();
  BlockingFilesystem(const BlockingFilesystem&) = delete;
  BlockingFilesystem& operator=(const BlockingFilesystem&) = delete;

  // Makes everything durable and closes; later calls fail with Errc::cancelled.
  zerofs::Result<void> close();

  zerofs::Result<Attr> lookup(const Credentials& cred, Ino parent, std::string_view name);
  zerofs::Result<Attr> getattr(const Credentials& cred, Ino ino);
  zerofs::Result<Attr> setattr(const Credentials& cred, Ino ino, const SetAttr& changes);
  zerofs::Result<void> access(const Credentials& cred, Ino ino, std::uint32_t mask);
  zerofs::Result<CreateResult> create(const Credentials& cred, Ino parent, std::string_view name,
                                      std::uint32_t mode, bool exclusive);
  zerofs::Result<Attr> mkdir(const Credentials& cred, Ino parent, std::string_view name,
                             std::uint32_t mode);
  zerofs::Result<Attr> mknod(const Credentials& cred, Ino parent, std::string_view name,
                             FileType type, std::uint32_t mode, std::uint64_t rdev);
  zerofs::Result<Attr> symlink(const Credentials& cred, Ino parent, std::string_view name,
                               std::string_view target);
  zerofs::Result<std::string> readlink(const Credentials& cred, Ino ino);
  zerofs::Result<Attr> link(const Credentials& cred, Ino ino, Ino new_parent,
                            std::string_view new_name);
  zerofs::Result<void> unlink(const Credentials& cred, Ino parent, std::string_view name);
  zerofs::Result<void> rmdir(const Credentials& cred, Ino parent, std::string_view name);
  zerofs::Result<void> rename(const Credentials& cred, Ino old_parent, std::string_view old_name,
                              Ino new_parent, std::string_view new_name, unsigned flags = 0);
  zerofs::Result<DirPage> readdir(const Credentials& cred, Ino dir, std::uint64_t cookie,
                                  std::size_t max_entries, bool plus = false);
  zerofs::Result<Attr> open_file(const Credentials& cred, Ino ino, int flags);
  zerofs::Result<void> release(Ino ino);
  zerofs::Result<ReadResult> read(const Credentials& cred, Ino ino, std::uint64_t offset,
                                  std::uint64_t length);
  zerofs::Result<Attr> write(const Credentials& cred, Ino ino, std::uint64_t offset,
                             zerofs::ByteView data);
  zerofs::Result<Attr> punch_hole(const Credentials& cred, Ino ino, std::uint64_t offset,
                                  std::uint64_t length);
  zerofs::Result<Attr> write_zeroes(const Credentials& cred, Ino ino, std::uint64_t offset,
                                    std::uint64_t length);
  zerofs::Result<void> fsync(Ino ino);
  zerofs::Result<void> sync();
  zerofs::Result<StatFs> statfs(const Credentials& cred);
  zerofs::Result<std::string> getxattr(const Credentials& cred, Ino ino, std::string_view name,
                                       std::size_t max_size = 0);
  zerofs::Result<void> setxattr(const Credentials& cred, Ino ino, std::string_view name,
                                zerofs::ByteView value, int flags = 0);
  zerofs::Result<std::vector<std::string>> listxattr(const Credentials& cred, Ino ino,
                                                     std::size_t max_size = 0);
  zerofs::Result<void> removexattr(const Credentials& cred, Ino ino, std::string_view name);
  zerofs::Result<void> change_password(std::string old_password, std::string new_password);
  zerofs::Result<CheckReport> check();
  // Waits until the chunks of every deleted large file are gone.
  zerofs::Result<void> drain_tombstones();

 private:
  explicit BlockingFilesystem(std::unique_ptr<BlockingFilesystemImpl> impl);
  std::unique_ptr<BlockingFilesystemImpl> impl_;
};

}  // namespace zvfs
