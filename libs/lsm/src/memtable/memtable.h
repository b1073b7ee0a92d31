// MemTable: the newest writes, in memory, ordered by internal key.
//
// Every version of a key is its own entry (a put or a deletion with its sequence), so a read
// at any snapshot finds the version it should see, and a flush writes all of them to L0.
// Entries live in an Arena; the skiplist orders pointers to them.
//
// Entry layout in the arena (in-memory only, not a persistent format):
//   [varint internal key length][user key][u64 LE trailer][varint value length][value]
//
// Thread safety: one writer at a time (add()/add_batch() are serialised by the Db's write
// mutex); get(), iterators and the statistics may run concurrently with it and with each
// other, without locks.
// Lifetime: a MemTable is shared through shared_ptr (create()); iterators hold a reference,
// and views returned by get() stay valid while the caller holds one too.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string_view>

#include "base/result.h"
#include "format/internal_key.h"
#include "iter/internal_iterator.h"
#include "lsm/write_batch.h"
#include "memtable/arena.h"
#include "memtable/skiplist.h"

namespace lsm {

// Orders arena entries by internal key; also compares an entry with a bare internal key and
// with a (user key, trailer) pair so lookups build nothing.
struct MemTableKeyComparator {
  struct LookupKey {
    std::string_view user_key;
    std::uint64_t trailer;
  };
  int operator()(const char* a, const char* b) const noexcept;
  int operator()(const char* entry, std::string_view internal_key) const noexcept;
  int operator()(const char* entry, const LookupKey& key) const noexcept;
};

class MemTable : public std::enable_shared_from_this<MemTable> {
  struct Private {
    explicit Private() = default;
  };

 public:
  static std::shared_ptr<MemTable> create() { return std::make_shared<MemTable>(Private{}); }
  explicit MemTable(Private);
  MemTable(const MemTable&) = delete;
  MemTable& operator=(const MemTable&) = delete;

  // Adds one version. REQUIRES: no concurrent writer; (user_key, seq) not present yet;
  // seq <= kMaxSequence. `value` is ignored for deletions.
  void add(SequenceNumber seq, ValueType type, std::string_view user_key, std::string_view value);

  // Adds every entry of `batch`, entry i with sequence batch.sequence() + i.
  // REQUIRES: as add(); the batch is well formed (built with put/del or accepted by
  // WriteBatch::from_encoded), so the error path only reports a broken invariant.
  Result<void> add_batch(const WriteBatch& batch);

  enum class Lookup { absent, value, deleted };
  struct GetResult {
    Lookup kind = Lookup::absent;
    std::string_view value;       // when kind == value; valid while this MemTable is alive
    SequenceNumber sequence = 0;  // of the version found (value or deleted)
  };
  // The newest version of `user_key` with sequence <= snapshot: absent means "look in older
  // layers", deleted means "stop: the key is gone at this snapshot".
  GetResult get(std::string_view user_key, SequenceNumber snapshot) const;

  // Bytes held by the arena: what the memtable_size budget is compared with.
  std::size_t approximate_memory_usage() const noexcept { return arena_.memory_usage(); }
  std::uint64_t entry_count() const noexcept {
    return entry_count_.load(std::memory_order_relaxed);
  }
  bool empty() const noexcept { return entry_count() == 0; }

  // An iterator over every version in internal-key order; it never needs I/O (positioning
  // always returns Step::ready) and keeps this MemTable alive.
  // REQUIRES: the MemTable is owned by a shared_ptr (made by create()).
  std::unique_ptr<InternalIterator> new_iterator() const;

 private:
  class Iterator;
  using Table = SkipList<const char*, MemTableKeyComparator>;

  // Written by the single writer; the skiplist publishes entries to readers.
  Arena arena_;
  Table table_;
  std::atomic<std::uint64_t> entry_count_{0};
};

}  // namespace lsm
