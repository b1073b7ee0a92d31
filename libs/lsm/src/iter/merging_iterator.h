// MergingIterator: one sorted stream of internal keys out of N sorted children.
//
// The children (memtables, L0 tables, sorted runs) are kept in a min-heap by their current
// key; the heap caches each child's key view so a step costs the child's next() plus
// O(log N) key comparisons. Equal internal keys do not occur (sequences are unique).
//
// Two-phase protocol (internal_iterator.h): when a child answers Step::io, this iterator
// answers Step::io too and resume() completes it. seek()/seek_to_first() may leave several
// children waiting for I/O; resume() awaits them concurrently on the current executor, so a
// cold seek over many tables costs about one object-store round trip, not one per table.
//
// Errors: the first error of any child (from its status() or resume()) makes this iterator
// invalid and is returned by status() and resume() from then on; entries are never skipped
// silently because a child failed.
//
// Thread safety: none (one coroutine at a time), as for every InternalIterator.
#pragma once

#include <memory>
#include <vector>

#include "iter/internal_iterator.h"

namespace lsm {

// The merge of `children`: an empty iterator for none, the child itself for one, a
// MergingIterator otherwise.
std::unique_ptr<InternalIterator> new_merging_iterator(
    std::vector<std::unique_ptr<InternalIterator>> children);

class MergingIterator final : public InternalIterator {
 public:
  explicit MergingIterator(std::vector<std::unique_ptr<InternalIterator>> children);

  bool valid() const override { return !heap_.empty(); }
  std::string_view key() const override { return heap_.front().key; }
  std::string_view value() const override { return heap_.front().child->value(); }
  bool cached() const override { return heap_.front().child->cached(); }

  Step seek_to_first() override;
  Step seek(std::string_view target) override;
  Step next() override;
  zerofs::Task<Result<void>> resume() override;
  Result<void> status() const override { return status_; }

 private:
  struct HeapEntry {
    InternalIterator* child;
    std::string_view key;  // child->key(), valid until the child moves
  };

  // Starts a positioning call on every child; those answering io go to pending_.
  template <typename Position>
  Step position_all(Position&& position);
  // Adds a positioned child to the heap, or records its error.
  void admit(InternalIterator* child);
  // After the top child moved: sift it down, or drop it when exhausted.
  void fix_top();
  void sift_down(std::size_t i) noexcept;
  void fail(Result<void> error);

  std::vector<std::unique_ptr<InternalIterator>> children_;
  std::vector<HeapEntry> heap_;  // min-heap by key over valid children
  // Children whose positioning waits for resume(). After next() it is only the top child,
  // which stays in heap_ (at index 0) until it is resumed.
  std::vector<InternalIterator*> pending_;
  bool pending_top_ = false;
  Result<void> status_;
};

}  // namespace lsm
