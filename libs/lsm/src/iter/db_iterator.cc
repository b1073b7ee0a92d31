#include "iter/db_iterator.h"

#include <algorithm>
#include <utility>

namespace lsm {

DbIterator::DbIterator(std::unique_ptr<InternalIterator> input, SequenceNumber snapshot,
                       UserKeyBounds bounds)
    : input_(std::move(input)),
      snapshot_(std::min(snapshot, kMaxSequence)),
      bounds_(std::move(bounds)) {}

Step DbIterator::seek_to_first() {
  if (bounds_.lower) return seek_internal(*bounds_.lower);
  valid_ = false;
  skipping_ = false;
  if (!status_) return Step::ready;
  if (input_->seek_to_first() == Step::io) return Step::io;
  return find_next_visible();
}

Step DbIterator::seek(std::string_view user_key) {
  if (bounds_.lower && user_key < *bounds_.lower) user_key = *bounds_.lower;
  return seek_internal(user_key);
}

Step DbIterator::seek_internal(std::string_view user_key) {
  valid_ = false;
  skipping_ = false;
  if (!status_) return Step::ready;
  // Nothing at or past the upper bound is shown: spare the input a seek (and its I/O).
  if (bounds_.upper && user_key >= *bounds_.upper) return Step::ready;
  seek_target_.clear();
  append_internal_key(&seek_target_, user_key, snapshot_, kValueTypeForSeek);
  if (input_->seek(seek_target_) == Step::io) return Step::io;
  return find_next_visible();
}

Step DbIterator::next() {
  // The input's key memory may be reused once it moves, so the key to skip is copied.
  skip_key_.assign(key_);
  skipping_ = true;
  valid_ = false;
  if (input_->next() == Step::io) return Step::io;
  return find_next_visible();
}

Step DbIterator::find_next_visible() {
  while (input_->valid()) {
    const std::string_view ikey = input_->key();
    if (ikey.size() < kTrailerSize) {
      status_ = zerofs::fail(zerofs::Errc::corrupt, "internal key of {} bytes", ikey.size());
      return Step::ready;
    }
    const std::string_view user_key = extract_user_key(ikey);
    if (bounds_.upper && user_key >= *bounds_.upper) return Step::ready;
    const std::uint64_t trailer = extract_trailer(ikey);
    if ((trailer >> 8) <= snapshot_ && !(skipping_ && user_key == skip_key_)) {
      const auto type = static_cast<ValueType>(trailer & 0xff);
      if (type == ValueType::value) {
        key_ = user_key;
        valid_ = true;
        return Step::ready;
      }
      if (type != ValueType::deletion) {
        status_ = zerofs::fail(zerofs::Errc::corrupt, "internal key with type {}",
                               static_cast<unsigned>(type));
        return Step::ready;
      }
      skip_key_.assign(user_key);
      skipping_ = true;
    }
    if (input_->next() == Step::io) return Step::io;
  }
  if (Result<void> st = input_->status(); !st) status_ = std::move(st);
  return Step::ready;
}

zerofs::Task<Result<void>> DbIterator::resume() {
  for (;;) {
    Result<void> r = co_await input_->resume();
    if (!r) {
      valid_ = false;
      if (status_) status_ = std::move(r);
      co_return status_;
    }
    if (find_next_visible() == Step::ready) co_return status_;
  }
}

}  // namespace lsm
