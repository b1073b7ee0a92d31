#include "compaction/input_iterator.h"

#include <algorithm>

#include "format/internal_key.h"

namespace lsm {

bool table_overlaps(const SstInfo& table, std::string_view lower, std::string_view upper) {
  return (lower.empty() || table.largest_user_key() >= lower) &&
         (upper.empty() || table.smallest_user_key() < upper);
}

InputRunIterator::InputRunIterator(std::shared_ptr<InputTables> inputs,
                                   std::span<const SstInfo> tables, std::string_view lower,
                                   std::string_view upper)
    : inputs_(std::move(inputs)), tables_(tables) {
  // The same rule as table_overlaps(): a run's overlapping tables are one contiguous stretch.
  begin_ = lower.empty() ? 0
                         : static_cast<std::size_t>(
                               std::partition_point(
                                   tables_.begin(), tables_.end(),
                                   [&](const SstInfo& t) { return t.largest_user_key() < lower; }) -
                               tables_.begin());
  end_ = upper.empty()
             ? tables_.size()
             : static_cast<std::size_t>(std::partition_point(tables_.begin(), tables_.end(),
                                                             [&](const SstInfo& t) {
                                                               return t.smallest_user_key() < upper;
                                                             }) -
                                        tables_.begin());
  end_ = std::max(end_, begin_);
  index_ = released_ = begin_;
}

InputRunIterator::~InputRunIterator() {
  current_.reset();
  release_before(end_);
}

void InputRunIterator::release_before(std::size_t index) {
  const std::size_t stop = std::min(index, end_);
  for (; released_ < stop; ++released_) inputs_->release(tables_[released_].id);
}

void InputRunIterator::fail(zerofs::Error error) {
  if (status_) status_ = std::unexpected(std::move(error));
  current_.reset();
  pending_ = false;
}

Step InputRunIterator::seek_to_first() {
  if (!status_) return Step::ready;
  return enter(begin_, false, nullptr);
}

Step InputRunIterator::seek(std::string_view target) {
  if (!status_) return Step::ready;
  const auto first = tables_.begin() + static_cast<std::ptrdiff_t>(begin_);
  const auto last = tables_.begin() + static_cast<std::ptrdiff_t>(end_);
  const auto it = std::partition_point(
      first, last, [&](const SstInfo& t) { return compare_internal_keys(t.largest, target) < 0; });
  target_.assign(target);
  return enter(static_cast<std::size_t>(it - tables_.begin()), true, nullptr);
}

Step InputRunIterator::next() {
  if (current_->next() == Step::io) {
    // InMemoryTable iterators never wait; anything else is a broken invariant.
    fail(zerofs::Error(zerofs::Errc::invalid_argument, "in-memory table asked for I/O"));
    return Step::ready;
  }
  if (current_->valid()) return Step::ready;
  if (auto st = current_->status(); !st) {
    fail(std::move(st).error());
    return Step::ready;
  }
  return enter(index_ + 1, false, nullptr);
}

Step InputRunIterator::enter(std::size_t index, bool seeking,
                             std::shared_ptr<const InMemoryTable> table) {
  for (;;) {
    current_.reset();
    index_ = index;
    release_before(index);
    if (index >= end_) return Step::ready;
    if (index + 1 < end_) inputs_->prefetch(tables_[index + 1].id);
    if (!table) table = inputs_->loaded(tables_[index].id);
    if (!table) {
      pending_ = true;
      pending_seek_ = seeking;
      return Step::io;
    }
    current_ = table->new_iterator();
    table.reset();
    if (seeking) {
      current_->seek(target_);
    } else {
      current_->seek_to_first();
    }
    if (current_->valid()) return Step::ready;
    if (auto st = current_->status(); !st) {
      fail(std::move(st).error());
      return Step::ready;
    }
    ++index;  // nothing at or after the target here: the next table starts the answer
    seeking = false;
  }
}

zerofs::Task<Result<void>> InputRunIterator::resume() {
  while (pending_) {
    pending_ = false;
    auto table = co_await inputs_->load(tables_[index_].id);
    if (!table) {
      fail(std::move(table).error());
      break;
    }
    if (enter(index_, pending_seek_, std::move(*table)) == Step::ready) break;
  }
  co_return status_;
}

}  // namespace lsm
