// DbIterator: the user's view of the database at one snapshot.
//
// Input is the merged internal stream of every layer (memtables, L0, sorted runs): all
// versions of every key, newest first within a key. DbIterator shows, for each user key, the
// newest version with sequence <= snapshot, and nothing for a key whose newest visible
// version is a deletion. Versions newer than the snapshot are invisible (they neither show
// nor hide anything). Optional bounds restrict the view to [lower, upper) in user-key order.
// Iteration is forward only.
//
// Two-phase protocol, as InternalIterator (internal_iterator.h): a positioning call returns
// Step::ready when done, or Step::io when the input needs I/O; then co_await resume() before
// anything else. Skipping hidden versions continues inside resume(), which may await the
// input several times. The Db wraps this class as the public async iterator.
//
// Errors: the first input error (status() or resume()), or a malformed internal key, makes
// the iterator invalid for good and is returned by status() and resume().
// Lifetime: key()/value() stay valid until the next positioning call.
// Thread safety: none; one coroutine at a time.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "format/internal_key.h"
#include "iter/internal_iterator.h"

namespace lsm {

struct UserKeyBounds {
  std::optional<std::string> lower;  // inclusive
  std::optional<std::string> upper;  // exclusive
};

class DbIterator {
 public:
  DbIterator(std::unique_ptr<InternalIterator> input, SequenceNumber snapshot,
             UserKeyBounds bounds = {});
  DbIterator(const DbIterator&) = delete;
  DbIterator& operator=(const DbIterator&) = delete;

  bool valid() const noexcept { return valid_; }
  // REQUIRES: valid()
  std::string_view key() const noexcept { return key_; }
  // REQUIRES: valid()
  std::string_view value() const { return input_->value(); }

  // Positions at the first visible key (>= lower bound).
  Step seek_to_first();
  // Positions at the first visible key >= max(user_key, lower bound).
  Step seek(std::string_view user_key);
  // REQUIRES: valid()
  Step next();

  // Completes the positioning call that returned Step::io.
  zerofs::Task<Result<void>> resume();

  Result<void> status() const { return status_; }
  SequenceNumber snapshot() const noexcept { return snapshot_; }

 private:
  Step seek_internal(std::string_view user_key);
  // Walks the input from its current entry to the next entry to show (or the end / upper
  // bound), skipping versions that are too new, shadowed, or deleted.
  Step find_next_visible();

  // Constant after construction.
  std::unique_ptr<InternalIterator> input_;
  SequenceNumber const snapshot_;
  UserKeyBounds const bounds_;

  bool valid_ = false;
  std::string_view key_;  // user key of the entry shown
  // While skipping_, entries of user key skip_key_ are hidden: it was shown or deleted.
  bool skipping_ = false;
  std::string skip_key_;
  std::string seek_target_;  // reused to build internal seek keys without allocating
  Result<void> status_;
};

}  // namespace lsm
