// Small POSIX helpers for the file:// store: an owning descriptor, errno mapping, and
// loops that finish partial reads and writes. Blocking; called on the store's I/O pool.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <utility>

#include "zobj/object_store.h"

namespace zobj::posix {

class UniqueFd {
 public:
  UniqueFd() noexcept = default;
  explicit UniqueFd(int fd) noexcept : fd_(fd) {}
  UniqueFd(UniqueFd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  UniqueFd& operator=(UniqueFd&& other) noexcept {
    if (this != &other) {
      reset();
      fd_ = std::exchange(other.fd_, -1);
    }
    return *this;
  }
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;
  ~UniqueFd() { reset(); }

  int get() const noexcept { return fd_; }
  explicit operator bool() const noexcept { return fd_ >= 0; }
  void reset() noexcept;

 private:
  int fd_ = -1;
};

// Maps an errno value to the zobj taxonomy: ENOENT -> not_found, EEXIST -> already_exists,
// EACCES/EPERM -> unauthorized, ENAMETOOLONG -> invalid_argument, EINTR/EAGAIN -> transient,
// everything else (EIO, ENOSPC, ...) -> permanent. The message names `what` and the path.
Error errno_error(int err, std::string_view what, std::string_view path);

// open(2) with O_CLOEXEC, retrying EINTR.
Result<UniqueFd> open_file(const std::string& path, int flags, mode_t mode = 0);

// Reads up to out.size() bytes at `offset`, stopping early only at end of file.
Result<std::size_t> pread_full(int fd, std::span<std::byte> out, std::uint64_t offset,
                               std::string_view path);

// Writes every byte of `parts` in order at the current position.
Result<void> write_all(int fd, std::span<const ByteView> parts, std::string_view path);

// fsync(2) of a directory, making entries created, renamed or removed in it durable.
Result<void> fsync_dir(const std::string& path);

// Takes an exclusive flock(2) on `path` (created if missing), held until the fd closes.
// Blocks until the lock is free.
Result<UniqueFd> lock_file(const std::string& path);

// Takes an exclusive flock(2) on an open descriptor without blocking; false if held elsewhere.
Result<bool> try_lock(int fd, std::string_view path);

}  // namespace zobj::posix
