// Mutation: everything one filesystem operation changes, committed as ONE lsm::WriteBatch.
//
// An operation builds its Mutation while holding the inode locks it needs, then calls
// FsCore::commit(). The batch carries the records, the usage-shard record when counters
// change, and nothing else; the inode cache is updated only after the batch is in the
// database, so no one sees a cached state the database does not have yet. A quota
// reservation taken through reserve() is returned on destruction unless committed.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "keys.h"
#include "lsm/write_batch.h"
#include "records.h"
#include "usage.h"

namespace zvfs {

class Mutation {
 public:
  Mutation() = default;
  Mutation(const Mutation&) = delete;
  Mutation& operator=(const Mutation&) = delete;
  ~Mutation() {
    if (usage_ != nullptr && reserved_ != 0) usage_->cancel(reserved_);
  }

  void put_inode(const Inode& inode) {
    batch.put(keys::inode_key(inode.ino), encode_inode(inode));
    cache_puts.push_back(inode);
  }
  void delete_inode(Ino ino) {
    batch.del(keys::inode_key(ino));
    cache_erases.push_back(ino);
  }
  // Admits `growth` bytes against the quota; false: no space.
  bool reserve(Usage& usage, std::uint64_t growth) {
    if (!usage.reserve(growth)) return false;
    usage_ = &usage;
    reserved_ += growth;
    return true;
  }
  std::uint64_t reserved() const noexcept { return reserved_; }
  // Called by commit once the reservation became usage (or was cancelled).
  void settle_reservation() noexcept { reserved_ = 0; }

  lsm::WriteBatch batch;
  std::vector<Inode> cache_puts;
  std::vector<Ino> cache_erases;
  std::int64_t bytes_delta = 0;
  std::int64_t inodes_delta = 0;
  bool wake_reaper = false;  // a tombstone was written

 private:
  Usage* usage_ = nullptr;
  std::uint64_t reserved_ = 0;
};

}  // namespace zvfs
