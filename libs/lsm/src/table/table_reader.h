// TableReader: reads one SST from the object store.
//
// open() fetches the filter and index blocks with one ranged GET (they sit side by side at the
// end of the table, and SstInfo records where, so no footer GET is needed), verifies and
// decodes them, and pins them for the reader's lifetime. Data blocks are fetched on demand
// (a point lookup GETs exactly its block's handle; iterators read ahead, see
// table_iterator.h), verified, decoded and put in the shared BlockCache.
//
// Reads are two-phase like InternalIterator: get_cached() answers synchronously when the
// filter rules the key out or the data block is cached; otherwise get() fetches the block.
// A hot point lookup thus never creates a coroutine frame:
//
//   auto hit = table.get_cached(key);
//   Result<TableLookup> r = hit ? std::move(*hit) : co_await table.get(key);
//
// Errors: Errc::corrupt for a checksum mismatch, a truncated object or a malformed block
// (messages name the object key and block offset); transformer errors (Errc::integrity)
// and object-store errors propagate with that context.
// Thread safety: a TableReader is immutable after open(); all members may be called
// concurrently. Lifetime: the store, transformer and cache given to open() must outlive the
// reader and its iterators; iterators keep the reader alive.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/async.h"
#include "base/buffer.h"
#include "base/result.h"
#include "cache/block_cache.h"
#include "format/block.h"
#include "format/bloom.h"
#include "iter/internal_iterator.h"
#include "lsm/options.h"
#include "lsm/transformer.h"
#include "table/sst_info.h"
#include "zobj/object_store.h"

namespace lsm {

struct TableReadOptions {
  bool fill_cache = true;                   // insert fetched data blocks into the BlockCache
  std::size_t readahead_bytes = 256 << 10;  // 0: every GET is a single block
  // The scan's exclusive upper bound (a user key), when it has one. A bounded scan knows
  // which blocks it will read, so even its first GET after a seek covers the following blocks
  // up to the one that holds the bound (within readahead_bytes) instead of starting small.
  std::shared_ptr<const std::string> upper_bound;

  static TableReadOptions from(const Options& options, const ReadOptions& read) {
    return {read.fill_cache, options.readahead_bytes, nullptr};
  }
};

// The answer of a point lookup in one table.
struct TableLookup {
  enum class Kind { absent, value, deletion };
  Kind kind = Kind::absent;
  SequenceNumber seq = 0;  // of the entry found
  std::string_view value;  // for Kind::value; valid while `pin` is held
  std::shared_ptr<const Block> pin;
};

class TableReader : public std::enable_shared_from_this<TableReader> {
  struct Private {};

 public:
  // The table is stored at object_prefix + relative_key ("" or "db/" style prefixes; a '/' is
  // inserted when the prefix lacks one). relative_key defaults to info.id.object_key() and is
  // what the blocks' associated data binds to. `data_cache` may be null (no caching).
  static zerofs::Task<zerofs::Result<std::shared_ptr<TableReader>>> open(
      zobj::ObjectStore& store, std::string object_prefix, SstInfo info,
      const BlockTransformer& transformer, BlockCache* data_cache, std::string relative_key = {});

  TableReader(Private, zobj::ObjectStore& store, std::string object_key, std::string relative_key,
              SstInfo info, const BlockTransformer& transformer, BlockCache* data_cache);

  const SstInfo& info() const noexcept { return info_; }
  const std::string& object_key() const noexcept { return object_key_; }
  // Memory pinned by this reader (index + filter + bookkeeping): its TableCache charge.
  std::size_t meta_bytes() const noexcept;

  // False only if the table holds no entry for `user_key`.
  bool may_contain(std::string_view user_key) const noexcept {
    return filter_.may_contain(user_key);
  }

  // Finds the first entry >= lookup_key (an internal key, normally (user key, snapshot seq,
  // kValueTypeForSeek)) and reports it if it has the same user key: the newest version
  // visible at that sequence. Consults the bloom filter first.
  // Returns nullopt when the answer needs a data block that is not cached.
  std::optional<zerofs::Result<TableLookup>> get_cached(std::string_view lookup_key) const;
  // The same, fetching the block if needed. REQUIRES: lookup_key outlives the call.
  zerofs::Task<zerofs::Result<TableLookup>> get(std::string_view lookup_key,
                                                bool fill_cache = true) const;

  // An iterator over every entry (InternalIterator protocol). It holds this reader alive.
  std::unique_ptr<InternalIterator> new_iterator(const TableReadOptions& options = {}) const;

  // --- block access, for TableIterator
  const Block& index_block() const noexcept { return *index_; }
  // The cached data block at `offset`, or null (counts a cache hit or miss).
  std::shared_ptr<const Block> cached_block(std::uint64_t offset) const;
  // One ranged GET of [begin, end); Errc::corrupt if the object ends before `end`.
  zerofs::Task<zerofs::Result<zerofs::Buffer>> read_range(std::uint64_t begin,
                                                          std::uint64_t end) const;
  // Verifies and decodes the stored block `stored` of `handle`; caches it if asked.
  zerofs::Result<std::shared_ptr<const Block>> decode_block(const BlockHandle& handle,
                                                            zerofs::ByteView stored,
                                                            bool fill_cache) const;

 private:
  enum class Located { absent, block, error };
  // Runs the filter and the index for `lookup_key`.
  Located locate(std::string_view lookup_key, BlockHandle* handle, zerofs::Error* error) const;
  zerofs::Result<TableLookup> search_block(std::shared_ptr<const Block> block,
                                           std::string_view lookup_key) const;
  zerofs::Result<void> load_meta(zerofs::ByteView bytes, std::uint64_t base);

  zobj::ObjectStore& store_;
  const std::string object_key_;    // full key in the store
  const std::string relative_key_;  // bound into each block's associated data
  const SstInfo info_;
  const BlockTransformer& transformer_;
  BlockCache* const data_cache_;

  // Set once by open(), immutable afterwards.
  std::shared_ptr<const Block> index_;
  zerofs::Buffer filter_bytes_;
  BloomFilter filter_;  // views filter_bytes_; matches everything when the table has none
};

}  // namespace lsm
