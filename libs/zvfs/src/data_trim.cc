// Removing file data: truncate (shrink), punch_hole and write_zeroes (zero_range).
//
// Large ranges are found with a probing iterator: seek() to the first stored chunk at or
// after a position skips holes without reading them, and windows of delete_batch_chunks
// indexes are deleted blindly (no read of the data they hold). A shrink walks windows down
// from the end and lowers the stored size with each batch, so a crash leaves a shorter file,
// never chunks beyond its end that a later extension could expose.
#include <algorithm>

#include "chunk_bytes.h"
#include "fs_core.h"
#include "keys.h"
#include "permissions.h"

namespace zvfs {

namespace {

// Finds stored chunks of one inode. The iterator's view is fixed at creation; callers only
// delete chunks themselves (under the inode lock, or of a dead inode), so a chunk it reports
// below the positions already deleted is really there.
class ChunkProbe {
 public:
  ChunkProbe(lsm::Db& db, Ino ino) : ino_(ino) {
    lsm::ReadOptions options;
    options.fill_cache = false;
    it_ = db.new_iterator(options, keys::chunk_key(ino, 0).str(),
                          keys::id_prefix(keys::Prefix::chunk, ino + 1).str());
  }
  // The first stored chunk index >= `index`, if any.
  Task<Result<std::optional<std::uint64_t>>> first_from(std::uint64_t index) {
    ZF_CO_CHECK(co_await it_->seek(keys::chunk_key(ino_, index)));
    if (!it_->valid()) co_return std::optional<std::uint64_t>();
    const auto key = keys::parse_chunk_key(it_->key());
    if (!key) co_return zerofs::fail(Errc::corrupt, "bad chunk key of inode {}", ino_);
    co_return std::optional<std::uint64_t>(key->index);
  }

 private:
  Ino ino_;
  std::unique_ptr<lsm::Iterator> it_;
};

std::uint64_t chunks_for(std::uint64_t size) { return (size + kChunkSize - 1) / kChunkSize; }

}  // namespace

Task<Result<void>> FsCore::zero_in_chunk(Mutation& m, Ino ino, std::uint64_t index,
                                         std::uint64_t begin, std::uint64_t end) {
  ZF_CO_TRY(auto value, co_await db_->get(keys::chunk_key(ino, index)));
  if (!value || value->size() <= begin) co_return Result<void>{};
  const std::size_t stop = static_cast<std::size_t>(std::min<std::uint64_t>(end, value->size()));
  std::fill(value->begin() + static_cast<std::ptrdiff_t>(begin),
            value->begin() + static_cast<std::ptrdiff_t>(stop), '\0');
  const std::string_view kept = trimmed(*value);
  if (kept.empty()) {
    m.batch.del(keys::chunk_key(ino, index));
  } else {
    m.batch.put(keys::chunk_key(ino, index), kept);
  }
  co_return Result<void>{};
}

Task<Result<void>> FsCore::shrink(const Inode& stored, const Inode& final_inode,
                                  Mutation& final_mutation) {
  const Ino ino = stored.ino;
  const std::uint64_t batch = config_.delete_batch_chunks;
  const std::uint64_t target_end = chunks_for(final_inode.size);
  std::uint64_t hi = chunks_for(stored.size);  // no stored chunk at or past hi
  std::uint64_t size = stored.size;            // the size stored now
  if (hi - target_end > batch) {
    ChunkProbe probe(*db_, ino);
    std::uint64_t window = batch;
    while (hi - target_end > batch) {
      const std::uint64_t lo = hi - std::min(window, hi - target_end);
      ZF_CO_TRY(auto found, co_await probe.first_from(lo));
      if (!found || *found >= hi) {
        hi = lo;  // a hole: nothing to delete, look further down in larger steps
        window = std::min<std::uint64_t>(window * 2, std::uint64_t{1} << 40);
        continue;
      }
      const std::uint64_t del_lo = std::max(*found, hi - batch);
      window = batch;
      Inode step = stored;
      step.size = std::max(final_inode.size, del_lo * kChunkSize);
      Mutation m;
      for (std::uint64_t i = del_lo; i < hi; ++i) m.batch.del(keys::chunk_key(ino, i));
      m.bytes_delta = static_cast<std::int64_t>(step.size) - static_cast<std::int64_t>(size);
      m.put_inode(step);
      ZF_CO_CHECK(co_await commit(m));
      size = step.size;
      hi = del_lo;
    }
  }
  for (std::uint64_t i = target_end; i < hi; ++i) final_mutation.batch.del(keys::chunk_key(ino, i));
  const std::uint64_t tail = final_inode.size % kChunkSize;
  if (tail != 0) {
    ZF_CO_CHECK(co_await zero_in_chunk(final_mutation, ino, final_inode.size / kChunkSize, tail,
                                       kChunkSize));
  }
  final_mutation.bytes_delta +=
      static_cast<std::int64_t>(final_inode.size) - static_cast<std::int64_t>(size);
  final_mutation.put_inode(final_inode);
  co_return co_await commit(final_mutation);
}

Task<Result<void>> FsCore::delete_chunk_range(Ino ino, std::uint64_t lo, std::uint64_t hi,
                                              Mutation& final_mutation) {
  const std::uint64_t batch = config_.delete_batch_chunks;
  if (hi - lo > batch) {
    ChunkProbe probe(*db_, ino);
    while (hi - lo > batch) {
      ZF_CO_TRY(auto found, co_await probe.first_from(lo));
      if (!found || *found >= hi) co_return Result<void>{};
      lo = *found;
      if (hi - lo <= batch) break;
      Mutation m;
      for (std::uint64_t i = lo; i < lo + batch; ++i) m.batch.del(keys::chunk_key(ino, i));
      ZF_CO_CHECK(co_await commit(m));
      lo += batch;
    }
  }
  for (std::uint64_t i = lo; i < hi; ++i) final_mutation.batch.del(keys::chunk_key(ino, i));
  co_return Result<void>{};
}

Task<Result<Attr>> FsCore::zero_range(const Credentials& cred, Ino ino, std::uint64_t offset,
                                      std::uint64_t length, bool keep_size) {
  ZF_CO_CHECK(check_writable());
  if (offset > kMaxFileSize || length > kMaxFileSize - offset) {
    co_return zerofs::fail(Errc::file_too_large, "range past the maximum file size");
  }
  auto guard = co_await locks_.lock(ino);
  ZF_CO_TRY(auto inode, co_await load_locked(ino));
  if (inode.is_dir()) co_return zerofs::fail(Errc::is_a_directory, "inode {} is a directory", ino);
  if (!inode.is_regular()) {
    co_return zerofs::fail(Errc::invalid_argument, "inode {} is not a regular file", ino);
  }
  ZF_CO_CHECK(check_data_access(cred, inode, kMayWrite));
  const std::uint64_t old_size = inode.size;
  const std::uint64_t end = offset + length;
  const std::uint64_t new_size = keep_size ? old_size : std::max(old_size, end);
  if (length == 0 || (keep_size && offset >= old_size)) co_return inode.attr();

  Mutation m;
  if (!m.reserve(usage_, new_size - old_size)) {
    co_return zerofs::fail(Errc::no_space, "the quota of {} bytes is used up", usage_.max_bytes());
  }
  // Past the old end everything reads as zeros already.
  const std::uint64_t zero_end = std::min(end, old_size);
  if (offset < zero_end) {
    const std::uint64_t first_full = chunks_for(offset);
    const std::uint64_t full_end = zero_end / kChunkSize;
    const std::uint64_t head = offset / kChunkSize;
    if (offset % kChunkSize != 0 || head == full_end) {
      const std::uint64_t head_stop = std::min(zero_end, (head + 1) * kChunkSize);
      ZF_CO_CHECK(
          co_await zero_in_chunk(m, ino, head, offset % kChunkSize, head_stop - head * kChunkSize));
    }
    if (zero_end % kChunkSize != 0 && full_end > head) {
      ZF_CO_CHECK(co_await zero_in_chunk(m, ino, full_end, 0, zero_end % kChunkSize));
    }
    if (first_full < full_end)
      ZF_CO_CHECK(co_await delete_chunk_range(ino, first_full, full_end, m));
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
