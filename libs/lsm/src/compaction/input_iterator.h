// InputRunIterator: one compaction input — a sorted run, or a single L0 table — restricted to
// a subcompaction's user-key range [lower, upper), read through InputTables.
//
// Only the tables overlapping the range are visited (exactly those a subcompaction was
// counted as a user of, see table_overlaps()), one after another: entering a table that is not
// loaded yet answers Step::io and resume() awaits its whole-object GET; entering a table also
// prefetches the next one in range. A table is released to InputTables as soon as the iterator
// moves past it, and the remaining ones when the iterator is destroyed, so bytes are freed as
// the merge advances. Compaction positions an input once; positioning back onto a released
// table fails (Errc::invalid_argument). Entries outside [lower, upper) inside a boundary table are
// still returned; the subcompaction stops at `upper` itself.
//
// Thread safety: none (one coroutine or thread at a time), as for every InternalIterator.
// Lifetime: `tables` must outlive the iterator.
#pragma once

#include <memory>
#include <span>
#include <string>
#include <vector>

#include "compaction/input_tables.h"
#include "iter/internal_iterator.h"
#include "table/sst_info.h"

namespace lsm {

// Whether `table` holds user keys in [lower, upper) (empty bounds are unbounded).
bool table_overlaps(const SstInfo& table, std::string_view lower, std::string_view upper);

class InputRunIterator final : public InternalIterator {
 public:
  // REQUIRES: `tables` are in ascending, non-overlapping key order.
  InputRunIterator(std::shared_ptr<InputTables> inputs, std::span<const SstInfo> tables,
                   std::string_view lower, std::string_view upper);
  ~InputRunIterator() override;

  bool valid() const override { return current_ != nullptr && current_->valid(); }
  std::string_view key() const override { return current_->key(); }
  std::string_view value() const override { return current_->value(); }
  bool cached() const override { return current_->cached(); }

  Step seek_to_first() override;
  Step seek(std::string_view target) override;
  Step next() override;
  zerofs::Task<Result<void>> resume() override;
  Result<void> status() const override { return status_; }

 private:
  // Positions at the first entry (or at target_ when seeking) of table `index` or a later
  // one in range. Step::io when a table to enter is not loaded yet. `table`, if given, is
  // table `index`, just loaded.
  Step enter(std::size_t index, bool seeking, std::shared_ptr<const InMemoryTable> table);
  // Releases every table before `index` that was not released yet.
  void release_before(std::size_t index);
  void fail(zerofs::Error error);

  const std::shared_ptr<InputTables> inputs_;
  const std::span<const SstInfo> tables_;
  std::size_t begin_ = 0;  // the tables in range: [begin_, end_)
  std::size_t end_ = 0;

  std::size_t index_ = 0;     // the table current_ walks (or is waiting for)
  std::size_t released_ = 0;  // tables [begin_, released_) were released
  std::unique_ptr<InternalIterator> current_;
  bool pending_ = false;  // resume() must load table index_
  bool pending_seek_ = false;
  std::string target_;
  Result<void> status_;
};

}  // namespace lsm
