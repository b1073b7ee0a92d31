// RunIterator: the InternalIterator over a sorted run (or one L0 table), opening tables lazily.
//
// A run is a list of tables with disjoint, ascending key ranges, so the iterator walks them one
// after another and only opens a table (index + filter GET, through the TableCache) when it
// reaches it. Opening is I/O: it answers Step::io and resume() opens the table and finishes
// the positioning, which may itself need a data block.
//
// Thread safety: none (one coroutine at a time). The TableCache must outlive the iterator.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "iter/internal_iterator.h"
#include "table/sst_info.h"
#include "table/table_cache.h"
#include "table/table_reader.h"

namespace lsm {

class RunIterator final : public InternalIterator {
 public:
  RunIterator(TableCache& tables, std::vector<SstInfo> ssts, TableReadOptions options);

  bool valid() const override { return current_ != nullptr && current_->valid(); }
  std::string_view key() const override { return current_->key(); }
  std::string_view value() const override { return current_->value(); }

  Step seek_to_first() override;
  Step seek(std::string_view target) override;
  Step next() override;
  zerofs::Task<Result<void>> resume() override;
  Result<void> status() const override { return status_; }

 private:
  enum class Pending { none, open, step };
  // Opens table `index` (sync when cached) and positions it at its first entry (or at
  // target_ when seeking); moves on to later tables while positioned tables are exhausted.
  Step enter(std::size_t index, bool seeking);
  Step after_step(Step step);
  void fail(zerofs::Error error);

  TableCache& tables_;
  const std::vector<SstInfo> ssts_;
  const TableReadOptions options_;

  std::size_t index_ = 0;
  std::unique_ptr<InternalIterator> current_;
  Pending pending_ = Pending::none;
  bool pending_seek_ = false;  // the pending open positions at target_ (else at the first entry)
  std::string target_;
  Result<void> status_;
};

}  // namespace lsm
