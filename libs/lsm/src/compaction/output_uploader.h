// OutputUploader: stores a subcompaction's finished tables while it keeps merging.
//
// add() starts the PUT of one table and returns at once unless `max_in_flight` PUTs are
// already running (then it waits for the oldest to end), so merging the next table overlaps the
// upload of the previous one while memory stays bounded. Each table is written with
// create-if-absent under prefix + "sst/<ulid>.sst" (a fresh id: an existing object would be a
// bug, and create-if-absent makes a retried PUT safe).
//
// Errors: the first failed PUT is returned by the next add() (which then starts nothing) and
// by finish().
// Thread safety: add() and finish() from one coroutine at a time; uploads complete on the
// executor of that coroutine. Lifetime: finish() must be awaited before destruction, also
// after an error, and the store must outlive it.
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "base/async.h"
#include "base/result.h"
#include "compaction/done_event.h"
#include "table/table_builder.h"
#include "zobj/object_store.h"

namespace lsm {

class OutputUploader {
 public:
  OutputUploader(zobj::ObjectStore& store, std::string prefix, std::size_t max_in_flight);

  OutputUploader(const OutputUploader&) = delete;
  OutputUploader& operator=(const OutputUploader&) = delete;

  zerofs::Task<zerofs::Result<void>> add(BuiltTable table);
  zerofs::Task<zerofs::Result<void>> finish();

  // The tables stored so far, in the order they were added (all of them after a successful
  // finish()). After a failure: those to delete again.
  std::vector<SstInfo> stored() const;

 private:
  zerofs::Task<void> upload(std::size_t index, BuiltTable table, std::shared_ptr<DoneEvent> done);
  std::optional<zerofs::Error> first_error() const;

  zobj::ObjectStore& store_;
  const std::string prefix_;
  const std::size_t max_in_flight_;
  // Uploads not yet awaited, oldest first; used by the adding coroutine only.
  std::deque<std::shared_ptr<DoneEvent>> in_flight_;

  mutable std::mutex mutex_;
  std::vector<std::optional<SstInfo>> stored_;  // guarded by mutex_; by add() order
  std::optional<zerofs::Error> error_;          // guarded by mutex_
};

}  // namespace lsm
