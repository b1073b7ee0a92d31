#include "table/table_iterator.h"

#include <algorithm>

#include "format/internal_key.h"
#include "table/table_format.h"

namespace lsm {

TableIterator::TableIterator(std::shared_ptr<const TableReader> table,
                             const TableReadOptions& options)
    : table_(std::move(table)),
      options_(options),
      index_iter_(&table_->index_block()),
      window_(options.readahead_bytes / 8) {}

void TableIterator::clear_position() {
  data_iter_.reset(nullptr);
  block_.reset();
  pending_ = Entry::none;
}

void TableIterator::fail_with(zerofs::Error error) {
  if (status_) status_ = std::unexpected(std::move(error));
  clear_position();
}

Step TableIterator::seek_to_first() {
  if (!status_) return Step::ready;
  index_iter_.seek_to_first();
  return settle(Entry::first, {});
}

Step TableIterator::seek(std::string_view target) {
  if (!status_) return Step::ready;
  window_ = options_.readahead_bytes / 8;
  index_iter_.seek(target);
  return settle(Entry::seek, target);
}

Step TableIterator::next() {
  data_iter_.next();
  if (data_iter_.valid()) return Step::ready;
  if (data_iter_.corrupt()) {
    fail_with(data_iter_.status().error().with_context(table_->object_key() + ": data block"));
    return Step::ready;
  }
  index_iter_.next();
  return settle(Entry::first, {});
}

Step TableIterator::settle(Entry entry, std::string_view target) {
  for (;;) {
    if (!index_iter_.valid()) {
      if (index_iter_.corrupt()) {
        fail_with(index_iter_.status().error().with_context(table_->object_key() + ": index"));
      } else {
        clear_position();
      }
      return Step::ready;
    }
    auto handle = decode_block_handle(index_iter_.value());
    if (!handle) {
      fail_with(handle.error().with_context(table_->object_key() + ": index"));
      return Step::ready;
    }
    auto block = find_block(*handle);
    if (!block) {
      fail_with(std::move(block).error());
      return Step::ready;
    }
    if (!*block) {
      data_iter_.reset(nullptr);
      block_.reset();
      pending_ = entry;
      pending_handle_ = *handle;
      if (entry == Entry::seek && target.data() != target_.data()) target_.assign(target);
      return Step::io;
    }
    if (*block != block_) {
      block_ = std::move(*block);
      block_offset_ = handle->offset;
      data_iter_.reset(block_.get());
    }
    if (entry == Entry::seek) {
      data_iter_.seek(target);
    } else {
      data_iter_.seek_to_first();
    }
    if (data_iter_.valid()) {
      pending_ = Entry::none;
      return Step::ready;
    }
    if (data_iter_.corrupt()) {
      fail_with(data_iter_.status().error().with_context(table_->object_key() + ": data block"));
      return Step::ready;
    }
    // Every entry of this block is < target: the answer starts the next block.
    index_iter_.next();
    entry = Entry::first;
  }
}

zerofs::Result<std::shared_ptr<const Block>> TableIterator::find_block(const BlockHandle& handle) {
  if (block_ && block_offset_ == handle.offset) return block_;
  if (handle.offset >= batch_begin_ &&
      handle.offset + handle.size <= batch_begin_ + batch_.size()) {
    return table_->decode_block(handle,
                                batch_.view().subspan(handle.offset - batch_begin_, handle.size),
                                options_.fill_cache);
  }
  return table_->cached_block(handle.offset);
}

std::uint64_t TableIterator::plan_fetch_end(const BlockHandle& first, bool sequential) {
  std::uint64_t end = first.offset + first.size;
  const std::string* upper = options_.upper_bound.get();
  // A bounded scan reads on from its seek block: take the whole readahead at once.
  if (!sequential && upper == nullptr) return end;
  const std::size_t window = sequential ? window_ : options_.readahead_bytes;
  // Blocks after the one whose separator reaches the bound hold only keys past it.
  const auto past_bound = [&](const BlockIter& block) {
    return upper != nullptr && extract_user_key(block.key()) >= std::string_view(*upper);
  };
  BlockIter ahead = index_iter_;
  if (!past_bound(ahead)) {
    for (ahead.next(); ahead.valid() && end - first.offset < window; ahead.next()) {
      auto h = decode_block_handle(ahead.value());
      if (!h || h->offset != end || end + h->size - first.offset > window) break;
      end += h->size;
      if (past_bound(ahead)) break;
    }
  }
  // A bounded scan keeps reading whole windows; an unbounded one grows its window as it goes.
  window_ = sequential && upper == nullptr ? std::min(window_ * 2, options_.readahead_bytes)
                                           : options_.readahead_bytes;
  return end;
}

zerofs::Task<zerofs::Result<void>> TableIterator::resume() {
  while (pending_ != Entry::none) {
    const std::uint64_t begin = pending_handle_.offset;
    const std::uint64_t end = plan_fetch_end(pending_handle_, pending_ == Entry::first);
    batch_.clear();
    ++fetches_;
    auto bytes = co_await table_->read_range(begin, end);
    if (!bytes) {
      fail_with(std::move(bytes).error());
      co_return status_;
    }
    batch_ = std::move(*bytes);
    batch_begin_ = begin;
    const Entry entry = pending_;
    if (settle(entry, entry == Entry::seek ? std::string_view(target_) : std::string_view()) ==
        Step::ready) {
      break;
    }
  }
  co_return status_;
}

}  // namespace lsm
