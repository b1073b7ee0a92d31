#include "posix.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/uio.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>

namespace zobj::posix {

void UniqueFd::reset() noexcept {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

Error errno_error(int err, std::string_view what, std::string_view path) {
  Errc code;
  switch (err) {
    case ENOENT:
      code = Errc::not_found;
      break;
    case EEXIST:
      code = Errc::already_exists;
      break;
    case EACCES:
    case EPERM:
      code = Errc::unauthorized;
      break;
    case ENAMETOOLONG:
      code = Errc::invalid_argument;
      break;
    case EINTR:
    case EAGAIN:
      code = Errc::transient;
      break;
    default:
      code = Errc::permanent;
      break;
  }
  return Error::make(code, "{} {}: {}", what, path, std::strerror(err));
}

Result<UniqueFd> open_file(const std::string& path, int flags, mode_t mode) {
  for (;;) {
    const int fd = ::open(path.c_str(), flags | O_CLOEXEC, mode);
    if (fd >= 0) return UniqueFd(fd);
    if (errno != EINTR) return std::unexpected(errno_error(errno, "open", path));
  }
}

Result<std::size_t> pread_full(int fd, std::span<std::byte> out, std::uint64_t offset,
                               std::string_view path) {
  std::size_t done = 0;
  while (done < out.size()) {
    const ssize_t n =
        ::pread(fd, out.data() + done, out.size() - done, static_cast<off_t>(offset + done));
    if (n < 0) {
      if (errno == EINTR) continue;
      return std::unexpected(errno_error(errno, "read", path));
    }
    if (n == 0) break;
    done += static_cast<std::size_t>(n);
  }
  return done;
}

Result<void> write_all(int fd, std::span<const ByteView> parts, std::string_view path) {
  constexpr std::size_t kMaxIov = 8;
  std::array<iovec, kMaxIov> iov{};
  std::size_t count = 0;
  for (const ByteView part : parts) {
    if (part.empty()) continue;
    if (count == kMaxIov) return zerofs::fail(Errc::invalid_argument, "too many write parts");
    iov[count++] = {const_cast<std::byte*>(part.data()), part.size()};
  }
  std::size_t first = 0;
  while (first < count) {
    const ssize_t n = ::writev(fd, iov.data() + first, static_cast<int>(count - first));
    if (n < 0) {
      if (errno == EINTR) continue;
      return std::unexpected(errno_error(errno, "write", path));
    }
    // Skip what was written: whole vectors first, then the front of a partial one.
    auto left = static_cast<std::size_t>(n);
    while (first < count && left >= iov[first].iov_len) left -= iov[first++].iov_len;
    if (first < count) {
      iov[first].iov_base = static_cast<std::byte*>(iov[first].iov_base) + left;
      iov[first].iov_len -= left;
    }
  }
  return {};
}

Result<void> fsync_dir(const std::string& path) {
  ZF_TRY(UniqueFd fd, open_file(path, O_RDONLY | O_DIRECTORY));
  if (::fsync(fd.get()) != 0) return std::unexpected(errno_error(errno, "fsync", path));
  return {};
}

Result<UniqueFd> lock_file(const std::string& path) {
  ZF_TRY(UniqueFd fd, open_file(path, O_RDWR | O_CREAT, 0644));
  while (::flock(fd.get(), LOCK_EX) != 0) {
    if (errno != EINTR) return std::unexpected(errno_error(errno, "flock", path));
  }
  return fd;
}

Result<bool> try_lock(int fd, std::string_view path) {
  for (;;) {
    if (::flock(fd, LOCK_EX | LOCK_NB) == 0) return true;
    if (errno == EWOULDBLOCK) return false;
    if (errno != EINTR) return std::unexpected(errno_error(errno, "flock", path));
  }
}

}  // namespace zobj::posix
