// InMemoryTable: one whole SST object held in memory and read without further I/O.
//
// Compaction fetches each input table with a single whole-object GET (object stores charge
// per request, and a merge reads every block anyway) and walks it here. open() verifies and
// decodes the index block once; data blocks are verified and decoded only when an iterator
// reaches them, so beyond the object itself an iterator holds one decoded block. Iterators
// never answer Step::io: resume() is never needed.
//
// Errors: Errc::corrupt when the object's size differs from SstInfo::file_size, for a
// checksum mismatch or a malformed block (messages name the object and offset); transformer
// errors (Errc::integrity) propagate. An iterator's error is sticky (status()).
// Thread safety: immutable after open(); any number of iterators may run concurrently, each
// used by one thread at a time. Lifetime: the transformer must outlive the table; iterators
// keep the table (and its bytes) alive.
//
// With a BlockCache, an iterator takes a data block the cache holds for this table instead of
// decoding it again, and says so (InternalIterator::cached()): compaction keeps those entries
// cached in its output. The cache must outlive the table.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "base/buffer.h"
#include "base/result.h"
#include "cache/block_cache.h"
#include "format/block.h"
#include "iter/internal_iterator.h"
#include "lsm/transformer.h"
#include "table/sst_info.h"

namespace lsm {

class InMemoryTable : public std::enable_shared_from_this<InMemoryTable> {
  struct Private {};

 public:
  // `object` is the whole stored table; `relative_key` (default info.id.object_key()) is what
  // its blocks' associated data binds to. `cache` (may be null) is the database's BlockCache.
  static zerofs::Result<std::shared_ptr<const InMemoryTable>> open(
      std::shared_ptr<const zerofs::Buffer> object, SstInfo info,
      const BlockTransformer& transformer, std::string relative_key = {},
      BlockCache* cache = nullptr);

  InMemoryTable(Private, std::shared_ptr<const zerofs::Buffer> object, SstInfo info,
                const BlockTransformer& transformer, std::string relative_key, BlockCache* cache);

  const SstInfo& info() const noexcept { return info_; }
  // The decoded index: one entry per data block, keyed by a separator >= the block's keys,
  // valued by the encoded BlockHandle. Compaction uses it to split work by key range.
  const Block& index_block() const noexcept { return *index_; }

  // Verifies and decodes the data block at `handle`.
  zerofs::Result<std::shared_ptr<const Block>> read_block(const BlockHandle& handle) const;
  // The data block at `handle` if the BlockCache holds it (already verified when it was
  // cached), else null.
  std::shared_ptr<const Block> cached_block(const BlockHandle& handle) const {
    return cache_ != nullptr ? cache_->peek(info_.id, handle.offset) : nullptr;
  }

  // An iterator over every entry; it holds this table alive.
  std::unique_ptr<InternalIterator> new_iterator() const;

 private:
  const std::shared_ptr<const zerofs::Buffer> object_;
  const SstInfo info_;
  const BlockTransformer& transformer_;
  const std::string relative_key_;
  BlockCache* const cache_;
  std::shared_ptr<const Block> index_;  // set once by open()
};

}  // namespace lsm
