// DbReader: a read-only follower of a database that another process writes.
//
// It reads the latest manifest, replays the WAL tail, and then keeps up: every
// Options::manifest_poll_interval it probes for newer manifests and new WAL objects, so it sees
// the writer's durable writes within about one poll interval. It holds a lease (an expiring
// checkpoint, refreshed while it runs) so garbage collection keeps the tables and WAL objects it
// reads. It never writes data objects; its only writes are lease updates in the manifest.
//
// Thread safety and lifetime: as lsm::Db. Call close() (drops the lease) before destroying.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "lsm/db.h"

namespace lsm {

class DbReader {
 public:
  static Task<Result<std::unique_ptr<DbReader>>> open(OpenParams params);
  ~DbReader();

  Task<Result<std::optional<std::string>>> get(std::string_view key, ReadOptions options = {});
  std::unique_ptr<Iterator> new_iterator(ReadOptions options = {}, std::string lower = {},
                                         std::string upper = {});
  std::shared_ptr<const Snapshot> snapshot();
  // Catches up with the writer now instead of at the next poll.
  Task<Result<void>> refresh();
  // The highest sequence this reader has applied.
  SequenceNumber last_sequence() const;
  Task<Result<void>> close();

 private:
  explicit DbReader(std::shared_ptr<DbImpl> impl);
  std::shared_ptr<DbImpl> impl_;
};

}  // namespace lsm
