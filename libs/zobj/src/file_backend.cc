#include "file_backend.h"

#include <dirent.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>

#include "file_layout.h"
#include "file_lister.h"
#include "object_file.h"

namespace zobj {

namespace {

std::string parent_of(const std::string& path) { return path.substr(0, path.rfind('/')); }

std::string join(std::string_view dir, std::string_view name) {
  std::string out;
  out.reserve(dir.size() + 1 + name.size());
  out.append(dir).push_back('/');
  out.append(name);
  return out;
}

Result<void> make_dir(const std::string& path) {
  if (::mkdir(path.c_str(), 0755) != 0 && errno != EEXIST) {
    return std::unexpected(posix::errno_error(errno, "mkdir", path));
  }
  return {};
}

// Removes the temp directories under `temp_root` whose owners are gone: an owner holds an
// exclusive flock on its directory for as long as it runs (the kernel drops it on exit).
// REQUIRES: the caller holds the kTempLock lock, so no owner is between mkdir and flock.
void remove_dead_temp_dirs(const std::string& temp_root) {
  DIR* dir = ::opendir(temp_root.c_str());
  if (dir == nullptr) return;
  std::vector<std::string> names;
  while (const dirent* entry = ::readdir(dir)) {
    const std::string_view name = entry->d_name;
    if (name != "." && name != "..") names.emplace_back(name);
  }
  ::closedir(dir);
  for (const std::string& name : names) {
    const std::string path = join(temp_root, name);
    auto fd = posix::open_file(path, O_RDONLY | O_DIRECTORY);
    if (fd) {
      auto locked = posix::try_lock(fd->get(), path);
      if (!locked || !*locked) continue;
    }
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
}

// Opens an object for get/head/if-match. A path holding something that is not an object
// file is a permanent error for the caller (list() skips such files instead).
Result<object_file::OpenObject> open_object(const std::string& path) {
  auto object = object_file::open(path);
  if (!object && object.error().code() == Errc::corrupt) {
    return zerofs::fail(Errc::permanent, "{}", object.error().message());
  }
  return object;
}

}  // namespace

FileBackend::FileBackend(std::string root, std::string temp_dir, posix::UniqueFd temp_dir_lock)
    : root_(std::move(root)),
      temp_dir_(std::move(temp_dir)),
      temp_dir_lock_(std::move(temp_dir_lock)) {}

FileBackend::~FileBackend() {
  std::error_code ec;
  std::filesystem::remove_all(temp_dir_, ec);
}

Result<std::unique_ptr<FileBackend>> FileBackend::open(std::string root) {
  while (root.size() > 1 && root.back() == '/') root.pop_back();
  if (root.empty() || root.front() != '/') {
    return zerofs::fail(Errc::invalid_argument, "file store root '{}' is not absolute", root);
  }
  std::error_code ec;
  const bool existed = std::filesystem::is_directory(root, ec);
  if (!existed) {
    std::filesystem::create_directories(root, ec);
    if (ec) return std::unexpected(posix::errno_error(ec.value(), "create directory", root));
    if (root != "/") ZF_CHECK(posix::fsync_dir(parent_of(root).empty() ? "/" : parent_of(root)));
  }
  const std::string temp_root = join(root, file_layout::kTempDir);
  const std::string lock_dir = join(root, file_layout::kLockDir);
  ZF_CHECK(make_dir(temp_root));
  ZF_CHECK(make_dir(lock_dir));

  ZF_TRY(const posix::UniqueFd setup_lock,
         posix::lock_file(join(lock_dir, file_layout::kTempLock)));
  remove_dead_temp_dirs(temp_root);
  const std::string temp_dir = join(temp_root, new_put_id());
  if (::mkdir(temp_dir.c_str(), 0755) != 0) {
    return std::unexpected(posix::errno_error(errno, "mkdir", temp_dir));
  }
  ZF_TRY(posix::UniqueFd temp_lock, posix::open_file(temp_dir, O_RDONLY | O_DIRECTORY));
  ZF_TRY(const bool locked, posix::try_lock(temp_lock.get(), temp_dir));
  if (!locked) return zerofs::fail(Errc::permanent, "cannot lock fresh directory {}", temp_dir);
  return std::unique_ptr<FileBackend>(
      new FileBackend(std::move(root), temp_dir, std::move(temp_lock)));
}

Result<std::string> FileBackend::object_path(const std::string& key) const {
  ZF_TRY(std::string relative, file_layout::encode_key_path(key));
  return join(root_, relative);
}

Result<void> FileBackend::ensure_parent_dirs(const std::string& path) {
  const std::string parent = parent_of(path);
  {
    std::lock_guard lock(mutex_);
    if (parent == root_ || durable_dirs_.contains(parent)) return {};
  }
  // Fsync every level even if another thread or process created it: its mkdir may not be
  // durable yet, and our object must not be acknowledged before its directory entry is.
  for (std::size_t slash = path.find('/', root_.size() + 1); slash != std::string::npos;
       slash = path.find('/', slash + 1)) {
    const std::string dir = path.substr(0, slash);
    ZF_CHECK(make_dir(dir));
    ZF_CHECK(posix::fsync_dir(parent_of(dir)));
  }
  std::lock_guard lock(mutex_);
  for (std::size_t slash = path.find('/', root_.size() + 1); slash != std::string::npos;
       slash = path.find('/', slash + 1)) {
    durable_dirs_.insert(path.substr(0, slash));
  }
  return {};
}

Result<posix::UniqueFd> FileBackend::lock_key(const std::string& key) const {
  const std::string name = fmt::format("{:02x}", file_layout::lock_stripe(key));
  return posix::lock_file(join(join(root_, file_layout::kLockDir), name));
}

Result<GetResult> FileBackend::get(const std::string& key, std::optional<ByteRange> range) {
  ZF_TRY(const std::string path, object_path(key));
  ZF_TRY(const object_file::OpenObject object, open_object(path));
  GetResult result;
  ZF_TRY(result.data, object_file::read_payload(object, range, path));
  result.meta = object.meta(key);
  return result;
}

Result<ObjectMeta> FileBackend::head(const std::string& key) {
  ZF_TRY(const std::string path, object_path(key));
  ZF_TRY(const object_file::OpenObject object, open_object(path));
  return object.meta(key);
}

Result<ObjectMeta> FileBackend::put(const std::string& key, ByteView data,
                                    const PutOptions& options) {
  ZF_TRY(const std::string path, object_path(key));
  ZF_CHECK(ensure_parent_dirs(path));
  const std::string temp = join(temp_dir_, std::to_string(temp_counter_.fetch_add(1)));
  const std::string etag = new_put_id();
  auto modified = object_file::write_new(temp, etag, options.put_id, data);
  Result<void> installed = modified ? Result<void>{} : std::unexpected(modified.error());
  if (installed) {
    auto lock = lock_key(key);
    installed = lock ? install(temp, path, options, key) : std::unexpected(lock.error());
  }
  ::unlink(temp.c_str());  // gone after rename; the extra name after link; garbage on error
  if (!installed) return std::unexpected(std::move(installed).error());
  ZF_CHECK(posix::fsync_dir(parent_of(path)));
  return ObjectMeta{key, data.size(), etag, *modified, options.put_id};
}

Result<void> FileBackend::install(const std::string& temp, const std::string& target,
                                  const PutOptions& options, const std::string& key) {
  switch (options.mode) {
    case PutMode::overwrite:
      break;
    case PutMode::create_if_absent:
      if (::link(temp.c_str(), target.c_str()) == 0) return {};
      if (errno == EEXIST) return zerofs::fail(Errc::already_exists, "key '{}' exists", key);
      if (errno != EPERM && errno != EOPNOTSUPP && errno != EMLINK) {
        return std::unexpected(posix::errno_error(errno, "link", target));
      }
      // No hard links on this file system: check-then-rename is still atomic for every
      // zobj writer because all of them hold the key's lock around mutations.
      if (::access(target.c_str(), F_OK) == 0) {
        return zerofs::fail(Errc::already_exists, "key '{}' exists", key);
      }
      break;
    case PutMode::if_match: {
      auto current = open_object(target);
      if (!current) {
        if (current.error().code() == Errc::not_found) {
          return zerofs::fail(Errc::not_found, "if-match put of missing key '{}'", key);
        }
        return std::unexpected(std::move(current).error());
      }
      if (current->header.etag != options.etag) {
        return zerofs::fail(Errc::precondition_failed, "key '{}' has etag {}, not {}", key,
                            current->header.etag, options.etag);
      }
      break;
    }
  }
  if (::rename(temp.c_str(), target.c_str()) != 0) {
    return std::unexpected(posix::errno_error(errno, "rename to", target));
  }
  return {};
}

Result<void> FileBackend::del(const std::string& key) {
  ZF_TRY(const std::string path, object_path(key));
  {
    ZF_TRY(const posix::UniqueFd lock, lock_key(key));
    if (::unlink(path.c_str()) != 0) {
      if (errno == ENOENT) return {};
      return std::unexpected(posix::errno_error(errno, "unlink", path));
    }
  }
  // Empty directories stay: removing them would race with puts creating files in them.
  return posix::fsync_dir(parent_of(path));
}

Result<ListPage> FileBackend::list(const std::string& prefix, const std::string& start_after,
                                   std::size_t max_keys) {
  return list_objects(root_, prefix, start_after, max_keys);
}

}  // namespace zobj
