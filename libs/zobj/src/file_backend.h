// The blocking half of FileStore: every operation as a plain function on POSIX files.
// FileStore runs these on its I/O pool. Layout and locking scheme: zobj/file_store.h.
//
// Thread safety: all methods may run concurrently; other processes may use the same root.
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>

#include "posix.h"
#include "zobj/object_store.h"

namespace zobj {

class FileBackend {
 public:
  // Creates the root (and its internal directories) if missing, claims a private temp
  // directory and removes the temp directories of instances that no longer run.
  static Result<std::unique_ptr<FileBackend>> open(std::string root);
  ~FileBackend();
  FileBackend(const FileBackend&) = delete;
  FileBackend& operator=(const FileBackend&) = delete;

  // REQUIRES (all): validate_key(key) succeeded.
  Result<GetResult> get(const std::string& key, std::optional<ByteRange> range);
  Result<ObjectMeta> head(const std::string& key);
  // REQUIRES: options.put_id is set and valid.
  Result<ObjectMeta> put(const std::string& key, ByteView data, const PutOptions& options);
  Result<void> del(const std::string& key);
  // REQUIRES: max_keys >= 1.
  Result<ListPage> list(const std::string& prefix, const std::string& start_after,
                        std::size_t max_keys);

  const std::string& root() const noexcept { return root_; }
  const std::string& temp_dir() const noexcept { return temp_dir_; }

 private:
  FileBackend(std::string root, std::string temp_dir, posix::UniqueFd temp_dir_lock);

  // Absolute path of the file holding `key`.
  Result<std::string> object_path(const std::string& key) const;
  // Creates the directories above `path` and makes their entries durable, once per process.
  Result<void> ensure_parent_dirs(const std::string& path);
  Result<posix::UniqueFd> lock_key(const std::string& key) const;
  // The conditional part of put(), run while holding the key's lock.
  Result<void> install(const std::string& temp, const std::string& target,
                       const PutOptions& options, const std::string& key);

  // Constant after construction.
  const std::string root_;      // absolute, no trailing '/'
  const std::string temp_dir_;  // root_/.zobj%tmp/<instance id>, exclusively flocked
  const posix::UniqueFd temp_dir_lock_;

  std::atomic<std::uint64_t> temp_counter_{0};

  std::mutex mutex_;
  std::set<std::string> durable_dirs_;  // guarded by mutex_
};

}  // namespace zobj
