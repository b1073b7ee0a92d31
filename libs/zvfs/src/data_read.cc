// read: one get for a read inside one chunk, one iterator (a single consistent view) for
// longer reads; holes and missing chunk tails read as zeros. Then the relatime update.
#include <algorithm>
#include <cstring>

#include "base/log.h"
#include "fs_core.h"
#include "keys.h"
#include "permissions.h"

namespace zvfs {

namespace {

constexpr std::int64_t kDayNs = std::int64_t{24} * 3600 * 1'000'000'000;

bool relatime_due(const Inode& n, std::int64_t now_ns) {
  return n.atime_ns <= n.mtime_ns || n.atime_ns <= n.ctime_ns || now_ns - n.atime_ns >= kDayNs;
}

// Copies the part of chunk `index` (stored bytes `value`) that falls in [offset, offset +
// out.size()) into `out`, zero-filling what the stored bytes do not cover.
void place_chunk(std::byte* out, std::uint64_t offset, std::uint64_t length, std::uint64_t index,
                 std::string_view value) {
  const std::uint64_t chunk_start = index * kChunkSize;
  const std::uint64_t a = std::max(offset, chunk_start);
  const std::uint64_t b = std::min(offset + length, chunk_start + kChunkSize);
  const std::uint64_t stored_end = chunk_start + value.size();
  const std::uint64_t copy_end = std::min(b, stored_end);
  if (copy_end > a) std::memcpy(out + (a - offset), value.data() + (a - chunk_start), copy_end - a);
  const std::uint64_t zero_from = std::max(a, copy_end);
  if (b > zero_from) std::memset(out + (zero_from - offset), 0, b - zero_from);
}

}  // namespace

Task<Result<ReadResult>> FsCore::read(const Credentials& cred, Ino ino, std::uint64_t offset,
                                      std::uint64_t length) {
  ZF_CO_TRY(auto inode, co_await load_unlocked(ino));
  if (inode.is_dir()) co_return zerofs::fail(Errc::is_a_directory, "inode {} is a directory", ino);
  if (!inode.is_regular()) {
    co_return zerofs::fail(Errc::invalid_argument, "inode {} is not a regular file", ino);
  }
  ZF_CO_CHECK(check_data_access(cred, inode, kMayRead));
  ReadResult result;
  if (offset >= inode.size || length == 0) {
    result.eof = offset >= inode.size;
    co_return result;
  }
  const std::uint64_t n = std::min(length, inode.size - offset);
  const std::uint64_t end = offset + n;
  result.data.resize(static_cast<std::size_t>(n));
  std::byte* out = result.data.data();
  const std::uint64_t first = offset / kChunkSize;
  const std::uint64_t last = (end - 1) / kChunkSize;
  if (first == last) {
    ZF_CO_TRY(auto value, co_await db_->get(keys::chunk_key(ino, first)));
    place_chunk(out, offset, n, first, value ? std::string_view(*value) : std::string_view());
  } else {
    lsm::ReadOptions options;
    auto it = db_->new_iterator(options, keys::chunk_key(ino, first).str(),
                                keys::chunk_key(ino, last + 1).str());
    ZF_CO_CHECK(co_await it->seek_to_first());
    std::uint64_t next = first;  // chunks before `next` are placed
    while (it->valid()) {
      const auto key = keys::parse_chunk_key(it->key());
      if (!key) co_return zerofs::fail(Errc::corrupt, "bad chunk key of inode {}", ino);
      for (; next < key->index; ++next) place_chunk(out, offset, n, next, {});
      place_chunk(out, offset, n, key->index, it->value());
      next = key->index + 1;
      ZF_CO_CHECK(co_await it->next());
    }
    for (; next <= last; ++next) place_chunk(out, offset, n, next, {});
  }
  result.eof = end == inode.size;

  if (config_.atime == AtimeMode::relatime && !read_only_ && relatime_due(inode, now())) {
    // Best effort: a failed atime update must not fail the read.
    auto guard = co_await locks_.lock(ino);
    auto fresh = co_await load_locked(ino);
    const std::int64_t t = now();
    if (fresh && relatime_due(*fresh, t)) {
      fresh->atime_ns = t;
      Mutation m;
      m.put_inode(*fresh);
      auto done = co_await commit(m);
      if (!done) zerofs::log::debug("atime update of {} failed: {}", ino, done.error().to_string());
    }
  }
  co_return result;
}

}  // namespace zvfs
