#include "db/run_iterator.h"

#include <algorithm>

namespace lsm {

RunIterator::RunIterator(TableCache& tables, std::vector<SstInfo> ssts, TableReadOptions options)
    : tables_(tables), ssts_(std::move(ssts)), options_(options) {}

void RunIterator::fail(zerofs::Error error) {
  status_ = std::unexpected(std::move(error));
  current_.reset();
  index_ = ssts_.size();
  pending_ = Pending::none;
}

Step RunIterator::enter(std::size_t index, bool seeking) {
  while (true) {
    index_ = index;
    current_.reset();
    if (index_ >= ssts_.size()) return Step::ready;
    auto reader = tables_.lookup(ssts_[index_].id);
    if (!reader) {
      pending_ = Pending::open;
      pending_seek_ = seeking;
      return Step::io;
    }
    current_ = reader->new_iterator(options_);
    const Step s = seeking ? current_->seek(target_) : current_->seek_to_first();
    if (s == Step::io) {
      pending_ = Pending::step;
      return Step::io;
    }
    if (auto st = current_->status(); !st) {
      fail(st.error());
      return Step::ready;
    }
    if (current_->valid()) return Step::ready;
    ++index;
    seeking = false;  // later tables start at their first entry
  }
}

Step RunIterator::seek_to_first() {
  if (!status_) return Step::ready;
  return enter(0, false);
}

Step RunIterator::seek(std::string_view target) {
  if (!status_) return Step::ready;
  target_.assign(target);
  // The first table whose largest key is >= target.
  auto it = std::partition_point(ssts_.begin(), ssts_.end(), [&](const SstInfo& s) {
    return compare_internal_keys(s.largest, target) < 0;
  });
  return enter(static_cast<std::size_t>(it - ssts_.begin()), true);
}

Step RunIterator::after_step(Step step) {
  if (step == Step::io) {
    pending_ = Pending::step;
    return Step::io;
  }
  if (auto st = current_->status(); !st) {
    fail(st.error());
    return Step::ready;
  }
  if (current_->valid()) return Step::ready;
  return enter(index_ + 1, false);
}

Step RunIterator::next() { return after_step(current_->next()); }

zerofs::Task<Result<void>> RunIterator::resume() {
  while (pending_ != Pending::none) {
    if (pending_ == Pending::open) {
      pending_ = Pending::none;
      auto reader = co_await tables_.find(ssts_[index_]);
      if (!reader) {
        fail(reader.error());
        break;
      }
      current_ = (*reader)->new_iterator(options_);
      const Step s = pending_seek_ ? current_->seek(target_) : current_->seek_to_first();
      after_step(s);
      continue;
    }
    pending_ = Pending::none;
    auto r = co_await current_->resume();
    if (!r) {
      fail(r.error());
      break;
    }
    after_step(Step::ready);
  }
  co_return status_;
}

}  // namespace lsm
