// zvfs::Filesystem: the public handle; every call forwards to FsCore without an extra
// coroutine frame.
#include "zvfs/filesystem.h"

#include "fs_core.h"
#include "key_store.h"

namespace zvfs {

namespace {
Task<Result<std::unique_ptr<Filesystem>>> open_boxed(
    std::unique_ptr<FilesystemConfig> config,
    std::unique_ptr<Filesystem> (*make)(std::shared_ptr<FsCore>)) {
  ZF_CO_TRY(auto core, co_await FsCore::open(std::move(config)));
  co_return make(std::move(core));
}
}  // namespace

// Not a coroutine: the config is boxed before it reaches one (base/async.h).
Task<Result<std::unique_ptr<Filesystem>>> Filesystem::open(FilesystemConfig config) {
  return open_boxed(std::make_unique<FilesystemConfig>(std::move(config)),
                    [](std::shared_ptr<FsCore> core) {
                      return std::unique_ptr<Filesystem>(new Filesystem(std::move(core)));
                    });
}

Filesystem::Filesystem(std::shared_ptr<FsCore> core) : core_(std::move(core)) {}

Filesystem::~Filesystem() {
  if (core_) core_->abandon();
}

Task<Result<void>> Filesystem::close() { return core_->close(); }

Task<Result<Attr>> Filesystem::lookup(const Credentials& cred, Ino parent, std::string_view name) {
  return core_->lookup(cred, parent, name);
}
Task<Result<Attr>> Filesystem::getattr(const Credentials&, Ino ino) { return core_->getattr(ino); }
Task<Result<Attr>> Filesystem::setattr(const Credentials& cred, Ino ino, SetAttr changes) {
  return core_->setattr(cred, ino, changes);
}
Task<Result<void>> Filesystem::access(const Credentials& cred, Ino ino, std::uint32_t mask) {
  return core_->access(cred, ino, mask);
}

Task<Result<CreateResult>> Filesystem::create(const Credentials& cred, Ino parent,
                                              std::string_view name, std::uint32_t mode,
                                              bool exclusive) {
  return core_->create(cred, parent, name, mode, exclusive);
}
Task<Result<Attr>> Filesystem::mkdir(const Credentials& cred, Ino parent, std::string_view name,
                                     std::uint32_t mode) {
  return core_->make_node(cred, parent, name, FileType::directory, mode, 0, {});
}
Task<Result<Attr>> Filesystem::mknod(const Credentials& cred, Ino parent, std::string_view name,
                                     FileType type, std::uint32_t mode, std::uint64_t rdev) {
  return core_->make_node(cred, parent, name, type, mode, rdev, {});
}
Task<Result<Attr>> Filesystem::symlink(const Credentials& cred, Ino parent, std::string_view name,
                                       std::string_view target) {
  return core_->make_node(cred, parent, name, FileType::symlink, 0777, 0, target);
}
Task<Result<std::string>> Filesystem::readlink(const Credentials&, Ino ino) {
  return core_->readlink(ino);
}
Task<Result<Attr>> Filesystem::link(const Credentials& cred, Ino ino, Ino new_parent,
                                    std::string_view new_name) {
  return core_->link(cred, ino, new_parent, new_name);
}
Task<Result<void>> Filesystem::unlink(const Credentials& cred, Ino parent, std::string_view name) {
  return core_->remove(cred, parent, name, false);
}
Task<Result<void>> Filesystem::rmdir(const Credentials& cred, Ino parent, std::string_view name) {
  return core_->remove(cred, parent, name, true);
}
Task<Result<void>> Filesystem::rename(const Credentials& cred, Ino old_parent,
                                      std::string_view old_name, Ino new_parent,
                                      std::string_view new_name, unsigned flags) {
  return core_->rename(cred, old_parent, old_name, new_parent, new_name, flags);
}
Task<Result<DirPage>> Filesystem::readdir(const Credentials& cred, Ino dir, std::uint64_t cookie,
                                          std::size_t max_entries, bool plus) {
  return core_->readdir(cred, dir, cookie, max_entries, plus);
}

Task<Result<Attr>> Filesystem::open(const Credentials& cred, Ino ino, int flags) {
  return core_->open_file(cred, ino, flags);
}
Task<Result<void>> Filesystem::release(Ino ino) { return core_->release(ino); }

Task<Result<ReadResult>> Filesystem::read(const Credentials& cred, Ino ino, std::uint64_t offset,
                                          std::uint64_t length) {
  return core_->read(cred, ino, offset, length);
}
Task<Result<Attr>> Filesystem::write(const Credentials& cred, Ino ino, std::uint64_t offset,
                                     ByteView data) {
  return core_->write(cred, ino, offset, data);
}
Task<Result<Attr>> Filesystem::punch_hole(const Credentials& cred, Ino ino, std::uint64_t offset,
                                          std::uint64_t length) {
  return core_->zero_range(cred, ino, offset, length, true);
}
Task<Result<Attr>> Filesystem::write_zeroes(const Credentials& cred, Ino ino, std::uint64_t offset,
                                            std::uint64_t length) {
  return core_->zero_range(cred, ino, offset, length, false);
}
Task<Result<void>> Filesystem::fsync(Ino) { return core_->sync(); }
Task<Result<void>> Filesystem::sync() { return core_->sync(); }

Task<Result<StatFs>> Filesystem::statfs(const Credentials&) { co_return core_->statfs(); }

Task<Result<std::string>> Filesystem::getxattr(const Credentials& cred, Ino ino,
                                               std::string_view name, std::size_t max_size) {
  return core_->getxattr(cred, ino, name, max_size);
}
Task<Result<void>> Filesystem::setxattr(const Credentials& cred, Ino ino, std::string_view name,
                                        ByteView value, int flags) {
  return core_->setxattr(cred, ino, name, value, flags);
}
Task<Result<std::vector<std::string>>> Filesystem::listxattr(const Credentials& cred, Ino ino,
                                                             std::size_t max_size) {
  return core_->listxattr(cred, ino, max_size);
}
Task<Result<void>> Filesystem::removexattr(const Credentials& cred, Ino ino,
                                           std::string_view name) {
  return core_->removexattr(cred, ino, name);
}

Task<Result<void>> Filesystem::change_password(std::string old_password, std::string new_password) {
  return core_->change_password(std::move(old_password), std::move(new_password));
}
Task<Result<void>> Filesystem::drain_tombstones() { return core_->drain_tombstones(); }
bool Filesystem::read_only() const noexcept { return core_->read_only(); }
lsm::Db& Filesystem::db() noexcept { return core_->db(); }

Task<Result<void>> change_password(std::shared_ptr<zobj::ObjectStore> store, std::string key_object,
                                   std::string url, std::string old_password,
                                   std::string new_password) {
  const KeyStoreParams params(std::move(store), std::move(key_object), std::move(url),
                              std::nullopt);
  co_return co_await change_key_password(params, std::move(old_password), std::move(new_password));
}

}  // namespace zvfs
