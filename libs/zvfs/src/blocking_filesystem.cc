#include "zvfs/blocking_filesystem.h"

#include <boost/asio/executor_work_guard.hpp>
#include <future>
#include <thread>

#include "base/log.h"
#include "zvfs/filesystem.h"

namespace zvfs {

using zerofs::Errc;
using zerofs::Result;
using zerofs::Task;

class BlockingFilesystemImpl {
 public:
  explicit BlockingFilesystemImpl(std::size_t threads) : work_(io_.get_executor()) {
    for (std::size_t i = 0; i < std::max<std::size_t>(threads, 1); ++i) {
      threads_.emplace_back([this] { io_.run(); });
    }
  }
  ~BlockingFilesystemImpl() {
    if (fs_ && !closed_) {
      auto closed = run(fs_->close());
      if (!closed)
        zerofs::log::error("closing the filesystem failed: {}", closed.error().to_string());
    }
    work_.reset();
    io_.stop();
    for (auto& t : threads_) t.join();
  }

  // Runs `task` on the io_context and waits for its result.
  template <typename T>
  Result<T> run(Task<Result<T>> task) {
    std::promise<Result<T>> promise;
    auto future = promise.get_future();
    zerofs::asio::co_spawn(io_, std::move(task), [&promise](std::exception_ptr e, Result<T> r) {
      if (e) {
        promise.set_value(zerofs::fail(Errc::permanent, "unexpected exception in a zvfs call"));
      } else {
        promise.set_value(std::move(r));
      }
    });
    return future.get();
  }

  Filesystem* fs() {
    if (closed_ || !fs_) return nullptr;
    return fs_.get();
  }

  zerofs::asio::io_context io_;
  boost::asio::executor_work_guard<zerofs::asio::io_context::executor_type> work_;
  std::vector<std::thread> threads_;
  std::unique_ptr<Filesystem> fs_;
  bool closed_ = false;
};

namespace {
zerofs::Error closed_error() {
  return zerofs::Error::make(Errc::cancelled, "the filesystem is closed");
}
}  // namespace

// Each forwarding call: fail when closed, else run the Filesystem operation.
#define ZVFS_BLOCKING_CALL(expr)                               \
  do {                                                         \
    Filesystem* fs = impl_->fs();                              \
    if (fs == nullptr) return std::unexpected(closed_error()); \
    return impl_->run(fs->expr);                               \
  } while (0)

Result<std::unique_ptr<BlockingFilesystem>> BlockingFilesystem::open(FilesystemConfig config,
                                                                     std::size_t threads) {
  auto impl = std::make_unique<BlockingFilesystemImpl>(threads);
  ZF_TRY(impl->fs_, impl->run(Filesystem::open(std::move(config))));
  return std::unique_ptr<BlockingFilesystem>(new BlockingFilesystem(std::move(impl)));
}

BlockingFilesystem::BlockingFilesystem(std::unique_ptr<BlockingFilesystemImpl> impl)
    : impl_(std::move(impl)) {}

BlockingFilesystem::~BlockingFilesystem() = default;

Result<void> BlockingFilesystem::close() {
  Filesystem* fs = impl_->fs();
  if (fs == nullptr) return {};
  auto closed = impl_->run(fs->close());
  impl_->closed_ = true;
  return closed;
}

Result<Attr> BlockingFilesystem::lookup(const Credentials& cred, Ino parent,
                                        std::string_view name) {
  ZVFS_BLOCKING_CALL(lookup(cred, parent, name));
}
Result<Attr> BlockingFilesystem::getattr(const Credentials& cred, Ino ino) {
  ZVFS_BLOCKING_CALL(getattr(cred, ino));
}
Result<Attr> BlockingFilesystem::setattr(const Credentials& cred, Ino ino, const SetAttr& changes) {
  ZVFS_BLOCKING_CALL(setattr(cred, ino, changes));
}
Result<void> BlockingFilesystem::access(const Credentials& cred, Ino ino, std::uint32_t mask) {
  ZVFS_BLOCKING_CALL(access(cred, ino, mask));
}
Result<CreateResult> BlockingFilesystem::create(const Credentials& cred, Ino parent,
                                                std::string_view name, std::uint32_t mode,
                                                bool exclusive) {
  ZVFS_BLOCKING_CALL(create(cred, parent, name, mode, exclusive));
}
Result<Attr> BlockingFilesystem::mkdir(const Credentials& cred, Ino parent, std::string_view name,
                                       std::uint32_t mode) {
  ZVFS_BLOCKING_CALL(mkdir(cred, parent, name, mode));
}
Result<Attr> BlockingFilesystem::mknod(const Credentials& cred, Ino parent, std::string_view name,
                                       FileType type, std::uint32_t mode, std::uint64_t rdev) {
  ZVFS_BLOCKING_CALL(mknod(cred, parent, name, type, mode, rdev));
}
Result<Attr> BlockingFilesystem::symlink(const Credentials& cred, Ino parent, std::string_view name,
                                         std::string_view target) {
  ZVFS_BLOCKING_CALL(symlink(cred, parent, name, target));
}
Result<std::string> BlockingFilesystem::readlink(const Credentials& cred, Ino ino) {
  ZVFS_BLOCKING_CALL(readlink(cred, ino));
}
Result<Attr> BlockingFilesystem::link(const Credentials& cred, Ino ino, Ino new_parent,
                                      std::string_view new_name) {
  ZVFS_BLOCKING_CALL(link(cred, ino, new_parent, new_name));
}
Result<void> BlockingFilesystem::unlink(const Credentials& cred, Ino parent,
                                        std::string_view name) {
  ZVFS_BLOCKING_CALL(unlink(cred, parent, name));
}
Result<void> BlockingFilesystem::rmdir(const Credentials& cred, Ino parent, std::string_view name) {
  ZVFS_BLOCKING_CALL(rmdir(cred, parent, name));
}
Result<void> BlockingFilesystem::rename(const Credentials& cred, Ino old_parent,
                                        std::string_view old_name, Ino new_parent,
                                        std::string_view new_name, unsigned flags) {
  ZVFS_BLOCKING_CALL(rename(cred, old_parent, old_name, new_parent, new_name, flags));
}
Result<DirPage> BlockingFilesystem::readdir(const Credentials& cred, Ino dir, std::uint64_t cookie,
                                            std::size_t max_entries, bool plus) {
  ZVFS_BLOCKING_CALL(readdir(cred, dir, cookie, max_entries, plus));
}
Result<Attr> BlockingFilesystem::open_file(const Credentials& cred, Ino ino, int flags) {
  ZVFS_BLOCKING_CALL(open(cred, ino, flags));
}
Result<void> BlockingFilesystem::release(Ino ino) { ZVFS_BLOCKING_CALL(release(ino)); }
Result<ReadResult> BlockingFilesystem::read(const Credentials& cred, Ino ino, std::uint64_t offset,
                                            std::uint64_t length) {
  ZVFS_BLOCKING_CALL(read(cred, ino, offset, length));
}
Result<Attr> BlockingFilesystem::write(const Credentials& cred, Ino ino, std::uint64_t offset,
                                       zerofs::ByteView data) {
  ZVFS_BLOCKING_CALL(write(cred, ino, offset, data));
}
Result<Attr> BlockingFilesystem::punch_hole(const Credentials& cred, Ino ino, std::uint64_t offset,
                                            std::uint64_t length) {
  ZVFS_BLOCKING_CALL(punch_hole(cred, ino, offset, length));
}
Result<Attr> BlockingFilesystem::write_zeroes(const Credentials& cred, Ino ino,
                                              std::uint64_t offset, std::uint64_t length) {
  ZVFS_BLOCKING_CALL(write_zeroes(cred, ino, offset, length));
}
Result<void> BlockingFilesystem::fsync(Ino ino) { ZVFS_BLOCKING_CALL(fsync(ino)); }
Result<void> BlockingFilesystem::sync() { ZVFS_BLOCKING_CALL(sync()); }
Result<StatFs> BlockingFilesystem::statfs(const Credentials& cred) {
  ZVFS_BLOCKING_CALL(statfs(cred));
}
Result<std::string> BlockingFilesystem::getxattr(const Credentials& cred, Ino ino,
                                                 std::string_view name, std::size_t max_size) {
  ZVFS_BLOCKING_CALL(getxattr(cred, ino, name, max_size));
}
Result<void> BlockingFilesystem::setxattr(const Credentials& cred, Ino ino, std::string_view name,
                                          zerofs::ByteView value, int flags) {
  ZVFS_BLOCKING_CALL(setxattr(cred, ino, name, value, flags));
}
Result<std::vector<std::string>> BlockingFilesystem::listxattr(const Credentials& cred, Ino ino,
                                                               std::size_t max_size) {
  ZVFS_BLOCKING_CALL(listxattr(cred, ino, max_size));
}
Result<void> BlockingFilesystem::removexattr(const Credentials& cred, Ino ino,
                                             std::string_view name) {
  ZVFS_BLOCKING_CALL(removexattr(cred, ino, name));
}
Result<void> BlockingFilesystem::change_password(std::string old_password,
                                                 std::string new_password) {
  ZVFS_BLOCKING_CALL(change_password(std::move(old_password), std::move(new_password)));
}
Result<void> BlockingFilesystem::drain_tombstones() { ZVFS_BLOCKING_CALL(drain_tombstones()); }
Result<CheckReport> BlockingFilesystem::check() {
  Filesystem* fs = impl_->fs();
  if (fs == nullptr) return std::unexpected(closed_error());
  return impl_->run(zvfs::check(*fs));
}

}  // namespace zvfs
