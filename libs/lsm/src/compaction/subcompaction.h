// Subcompaction: merges one user-key range of a compaction's inputs into output tables.
//
// The keep/drop rules, applied to the merged stream (user key ascending, newest first):
//   - every version with seq > smallest_snapshot is kept (some snapshot may read it);
//   - of the versions with seq <= smallest_snapshot only the newest is kept: every snapshot
//     sees it or something newer;
//   - that newest version, if a deletion, is dropped too when the output is the bottom run
//     (nothing older remains for it to hide).
// Output tables are cut once they reach about target_table_bytes, but only between two user
// keys: all versions of a key stay in one table, so a point read of a sorted run needs one
// table. A table also ends before each of the context's cut_keys (partition keys, and the
// first keys of tables the compaction moves instead of merging: trivial_move.h). Each finished
// table is uploaded (OutputUploader) while the merge goes on.
//
// The merge itself is CPU work (decoding input blocks, building and transforming output
// blocks): it runs in slices on the CPU executor, each ending when a table is full or an
// input needs I/O (the next input table's GET), which this coroutine then awaits on its own
// executor.
//
// Errors: input errors, Errc::corrupt for an entry of unknown type, transformer and store
// errors; Errc::cancelled when another subcompaction of the job failed (`abort`).
// Thread safety: run() once, from one coroutine. Lifetime: the context's store, transformer
// and abort flag must outlive run().
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/async.h"
#include "base/result.h"
#include "compaction/key_ranges.h"
#include "compaction/output_uploader.h"
#include "format/internal_key.h"
#include "iter/internal_iterator.h"
#include "lsm/transformer.h"
#include "table/table_builder.h"
#include "zobj/object_store.h"

namespace lsm {

struct SubcompactionContext {
  zobj::ObjectStore* store = nullptr;
  std::string prefix;
  const BlockTransformer* transformer = nullptr;
  TableBuilderOptions builder_options;
  std::uint64_t target_table_bytes = 64 << 20;
  std::vector<std::string> cut_keys;  // ascending user keys no output table may straddle
  SequenceNumber smallest_snapshot = 0;
  bool bottom = false;
  std::size_t max_uploads_in_flight = 2;
  zerofs::asio::any_io_executor cpu;
  std::atomic<bool>* abort = nullptr;
};

class Subcompaction {
 public:
  Subcompaction(const SubcompactionContext& context, KeyRange range,
                std::unique_ptr<InternalIterator> input);

  Subcompaction(const Subcompaction&) = delete;
  Subcompaction& operator=(const Subcompaction&) = delete;

  // Merges the range and stores its tables. On failure sets the context's abort flag.
  zerofs::Task<zerofs::Result<void>> run();

  // The stored tables in key order (after a failure: those stored before it, to delete).
  std::vector<SstInfo> outputs() const { return uploader_.stored(); }
  std::uint64_t entries_in() const noexcept { return entries_in_; }
  std::uint64_t entries_out() const noexcept { return entries_out_; }

 private:
  enum class Progress { need_io, table_full, finished };

  zerofs::Task<zerofs::Result<void>> merge();
  // One slice of the merge; runs on the CPU executor.
  zerofs::Result<Progress> merge_some();
  zerofs::Result<bool> keep(std::string_view internal_key);
  zerofs::Result<void> finish_table();

  const SubcompactionContext& context_;
  const KeyRange range_;
  std::unique_ptr<InternalIterator> input_;  // dropped once merged: frees its input tables
  OutputUploader uploader_;

  // Merge state, touched by one slice at a time.
  std::optional<TableBuilder> builder_;
  std::optional<BuiltTable> finished_;        // a full table waiting for upload
  std::string current_key_;                   // the user key being merged
  const std::string* table_limit_ = nullptr;  // the open table ends before this key (cut_keys)
  bool has_current_key_ = false;
  bool visible_kept_ = false;  // kept the newest version <= smallest_snapshot of current_key_
  std::uint64_t entries_in_ = 0;
  std::uint64_t entries_out_ = 0;
};

}  // namespace lsm
