#include "object_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>

namespace zobj::object_file {

namespace {

std::int64_t unix_ms(const timespec& t) {
  return static_cast<std::int64_t>(t.tv_sec) * 1000 + t.tv_nsec / 1'000'000;
}

Result<struct stat> stat_fd(int fd, const std::string& path) {
  struct stat st {};
  if (::fstat(fd, &st) != 0) return std::unexpected(posix::errno_error(errno, "stat", path));
  return st;
}

}  // namespace

ObjectMeta OpenObject::meta(std::string key) const {
  return ObjectMeta{std::move(key), payload_size, header.etag, modified_unix_ms, header.put_id};
}

Result<OpenObject> open(const std::string& path) {
  OpenObject object;
  ZF_TRY(object.fd, posix::open_file(path, O_RDONLY));
  ZF_TRY(const struct stat st, stat_fd(object.fd.get(), path));
  if (!S_ISREG(st.st_mode)) return zerofs::fail(Errc::corrupt, "{} is not a regular file", path);
  const auto file_size = static_cast<std::uint64_t>(st.st_size);

  // One read usually brings the header and all of a small payload.
  std::array<std::byte, 4096> first{};
  const std::size_t want =
      static_cast<std::size_t>(std::min<std::uint64_t>(file_size, first.size()));
  ZF_TRY(const std::size_t got, posix::pread_full(object.fd.get(), {first.data(), want}, 0, path));
  ZF_TRY(object.header, file_layout::decode_header({first.data(), got}, path));
  if (file_size < object.header.length) {
    return zerofs::fail(Errc::corrupt, "{} is shorter than its header", path);
  }
  object.payload_size = file_size - object.header.length;
  object.modified_unix_ms = unix_ms(st.st_mtim);
  if (got > object.header.length) {
    object.head_bytes = Buffer::copy_of(ByteView(first.data(), got).subspan(object.header.length));
  }
  return object;
}

Result<Buffer> read_payload(const OpenObject& object, std::optional<ByteRange> range,
                            const std::string& path) {
  std::uint64_t offset = 0;
  std::uint64_t length = object.payload_size;
  if (range) {
    offset = std::min(range->offset, object.payload_size);
    length = std::min(range->length, object.payload_size - offset);
  }
  Buffer out(static_cast<std::size_t>(length));
  std::size_t filled = 0;
  const std::uint64_t cached = object.head_bytes.size();
  if (offset < cached && length > 0) {
    filled = static_cast<std::size_t>(std::min(length, cached - offset));
    std::memcpy(out.data(), object.head_bytes.data() + offset, filled);
  }
  if (filled < length) {
    const std::uint64_t file_offset = object.header.length + offset + filled;
    ZF_TRY(
        const std::size_t got,
        posix::pread_full(object.fd.get(), out.mutable_view().subspan(filled), file_offset, path));
    if (filled + got != length) {
      return zerofs::fail(Errc::permanent, "{} shrank while being read", path);
    }
  }
  return out;
}

Result<std::int64_t> write_new(const std::string& path, std::string_view etag,
                               std::string_view put_id, ByteView payload) {
  std::array<std::byte, file_layout::kMaxHeaderBytes> header{};
  const std::size_t header_size = file_layout::encode_header(etag, put_id, header.data());
  ZF_TRY(posix::UniqueFd fd, posix::open_file(path, O_WRONLY | O_CREAT | O_EXCL, 0644));
  const std::array<ByteView, 2> parts = {ByteView(header.data(), header_size), payload};
  ZF_CHECK(posix::write_all(fd.get(), parts, path));
  if (::fdatasync(fd.get()) != 0) {
    return std::unexpected(posix::errno_error(errno, "fdatasync", path));
  }
  ZF_TRY(const struct stat st, stat_fd(fd.get(), path));
  return unix_ms(st.st_mtim);
}

}  // namespace zobj::object_file
