// TableIterator: the InternalIterator over one SST (made by TableReader::new_iterator).
//
// Two levels: a BlockIter over the reader's pinned index block picks the data block, a
// BlockIter walks it. Moving onto a data block that is neither the current one, nor in the
// iterator's readahead batch, nor in the BlockCache returns Step::io; resume() fetches it.
//
// Readahead: object stores charge per request, so when a scan enters blocks from their start
// (seek_to_first, or next() crossing a block boundary) the GET covers the following
// consecutive blocks too, up to a window that starts at readahead_bytes / 8 and doubles with
// each batch up to readahead_bytes. A seek() fetches only the block it lands in and resets
// the window — unless the scan has an upper bound (TableReadOptions::upper_bound): then it
// knows what it will read, and every GET covers the following blocks up to the one holding
// the bound, within readahead_bytes. The batch is kept as stored bytes and each block is verified
// and decoded only when the iterator reaches it, so a short scan pays no CPU for the rest of the
// window. Only one batch is held, and at most one GET is in flight, per iterator.
//
// Errors are sticky: after one, the iterator stays invalid; make a new iterator to retry.
// Thread safety and lifetimes: see internal_iterator.h; the iterator keeps its reader alive.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "base/buffer.h"
#include "format/block.h"
#include "iter/internal_iterator.h"
#include "table/table_reader.h"

namespace lsm {

class TableIterator final : public InternalIterator {
 public:
  TableIterator(std::shared_ptr<const TableReader> table, const TableReadOptions& options);

  bool valid() const override { return data_iter_.valid(); }
  std::string_view key() const override { return data_iter_.key(); }
  std::string_view value() const override { return data_iter_.value(); }

  Step seek_to_first() override;
  Step seek(std::string_view target) override;
  Step next() override;
  zerofs::Task<zerofs::Result<void>> resume() override;
  zerofs::Result<void> status() const override { return status_; }

  // GETs this iterator issued (for tests and scan statistics).
  std::uint64_t fetches() const noexcept { return fetches_; }

 private:
  // How to enter the block under index_iter_.
  enum class Entry { none, first, seek };

  // Positions on the first qualifying entry at or after the block under index_iter_,
  // moving to later blocks while a block has none. Step::io when a block must be fetched.
  Step settle(Entry entry, std::string_view target);
  // The block of `handle` without I/O (current block, batch, cache); null if it needs a GET.
  zerofs::Result<std::shared_ptr<const Block>> find_block(const BlockHandle& handle);
  // [begin, end) of the next GET: `first`, plus following blocks when scanning.
  std::uint64_t plan_fetch_end(const BlockHandle& first, bool sequential);
  void fail_with(zerofs::Error error);
  void clear_position();

  const std::shared_ptr<const TableReader> table_;
  const TableReadOptions options_;

  BlockIter index_iter_;
  std::shared_ptr<const Block> block_;  // the block data_iter_ walks
  std::uint64_t block_offset_ = 0;      // its offset, when block_ is set
  BlockIter data_iter_;
  zerofs::Buffer batch_;  // stored bytes of the last GET
  std::uint64_t batch_begin_ = 0;

  Entry pending_ = Entry::none;  // the positioning resume() must complete
  BlockHandle pending_handle_;
  std::string target_;  // the seek target while Entry::seek is pending
  std::size_t window_;  // current readahead bytes
  std::uint64_t fetches_ = 0;
  zerofs::Result<void> status_;
};

}  // namespace lsm
