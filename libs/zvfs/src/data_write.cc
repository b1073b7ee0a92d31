// write: chunked read-modify-write in one batch with the inode and usage update.
#include <algorithm>
#include <cstring>

#include "chunk_bytes.h"
#include "fs_core.h"
#include "keys.h"
#include "permissions.h"

namespace zvfs {

namespace {

// Puts `value` (trimmed) as chunk `index`, or deletes the chunk when it is all zeros.
void store_chunk(Mutation& m, Ino ino, std::uint64_t index, std::string_view value) {
  const std::string_view kept = trimmed(value);
  if (kept.empty()) {
    m.batch.del(keys::chunk_key(ino, index));
  } else {
    m.batch.put(keys::chunk_key(ino, index), kept);
  }
}

}  // namespace

Task<Result<Attr>> FsCore::write(const Credentials& cred, Ino ino, std::uint64_t offset,
                                 zerofs::ByteView data) {
  ZF_CO_CHECK(check_writable());
  if (offset > kMaxFileSize || data.size() > kMaxFileSize - offset) {
    co_return zerofs::fail(Errc::file_too_large, "write past the maximum file size");
  }
  auto guard = co_await locks_.lock(ino);
  ZF_CO_TRY(auto inode, co_await load_locked(ino));
  if (inode.is_dir()) co_return zerofs::fail(Errc::is_a_directory, "inode {} is a directory", ino);
  if (!inode.is_regular()) {
    co_return zerofs::fail(Errc::invalid_argument, "inode {} is not a regular file", ino);
  }
  ZF_CO_CHECK(check_data_access(cred, inode, kMayWrite));
  if (data.empty()) co_return inode.attr();

  const std::uint64_t old_size = inode.size;
  const std::uint64_t end = offset + data.size();
  const std::uint64_t new_size = std::max(old_size, end);
  Mutation m;
  if (!m.reserve(usage_, new_size - old_size)) {
    co_return zerofs::fail(Errc::no_space, "the quota of {} bytes is used up", usage_.max_bytes());
  }
  const auto chars = zerofs::as_chars(data);
  std::string scratch;
  for (std::uint64_t index = offset / kChunkSize; index <= (end - 1) / kChunkSize; ++index) {
    const std::uint64_t chunk_start = index * kChunkSize;
    const std::uint64_t chunk_end = chunk_start + kChunkSize;
    const std::uint64_t a = std::max(offset, chunk_start);
    const std::uint64_t b = std::min(end, chunk_end);
    const std::string_view slice = chars.substr(a - offset, b - a);
    // Old bytes matter only where this write leaves a gap inside the old file: a chunk the
    // write covers, or that starts at or past the old end, needs no read.
    const bool gap_before = a > chunk_start && chunk_start < old_size;
    const bool gap_after = b < chunk_end && b < old_size;
    if (!gap_before && !gap_after) {
      if (a == chunk_start) {
        store_chunk(m, ino, index, slice);
      } else {
        scratch.assign(a - chunk_start, '\0');
        scratch.append(slice);
        store_chunk(m, ino, index, scratch);
      }
      continue;
    }
    ZF_CO_TRY(auto old, co_await db_->get(keys::chunk_key(ino, index)));
    scratch.clear();
    if (old) scratch = std::move(*old);
    const std::size_t needed = static_cast<std::size_t>(b - chunk_start);
    if (scratch.size() < needed) scratch.resize(needed, '\0');
    std::memcpy(scratch.data() + (a - chunk_start), slice.data(), slice.size());
    store_chunk(m, ino, index, scratch);
  }

  const std::int64_t t = now();
  inode.size = new_size;
  inode.mtime_ns = inode.ctime_ns = t;
  inode.mode = mode_after_write(cred, inode);
  m.bytes_delta = static_cast<std::int64_t>(new_size - old_size);
  m.put_inode(inode);
  ZF_CO_CHECK(co_await commit(m));
  co_return inode.attr();
}

}  // namespace zvfs
