// Arena: bump allocation in large blocks for memtable entries and skiplist nodes.
//
// A memtable never frees single entries; everything goes at once when the memtable dies, so
// allocation is a pointer bump and deallocation is free. Small requests share blocks of
// kBlockSize bytes; a request over a quarter block gets a block of its own so it does not
// waste the rest of the current one.
//
// Thread safety: allocate*() by one thread at a time (the memtable's single writer);
// memory_usage() from any thread. Memory handed out stays valid until the Arena is destroyed.
#pragma once

#include <atomic>
#include <cstddef>
#include <memory>
#include <vector>

namespace lsm {

class Arena {
 public:
  static constexpr std::size_t kBlockSize = 4096;
  static constexpr std::size_t kAlignment = alignof(void*);

  Arena() = default;
  Arena(const Arena&) = delete;
  Arena& operator=(const Arena&) = delete;

  // REQUIRES: bytes > 0.
  char* allocate(std::size_t bytes) {
    if (bytes <= remaining_) {
      char* result = ptr_;
      ptr_ += bytes;
      remaining_ -= bytes;
      return result;
    }
    return allocate_fallback(bytes);
  }

  // Like allocate(), aligned to kAlignment (for objects holding pointers or atomics).
  char* allocate_aligned(std::size_t bytes);

  // Bytes reserved from the heap so far, blocks and bookkeeping included.
  std::size_t memory_usage() const noexcept {
    return memory_usage_.load(std::memory_order_relaxed);
  }

 private:
  char* allocate_fallback(std::size_t bytes);
  char* allocate_new_block(std::size_t block_bytes);

  // Written by the allocating thread only.
  char* ptr_ = nullptr;
  std::size_t remaining_ = 0;
  std::vector<std::unique_ptr<char[]>> blocks_;

  // Read by any thread: a statistic, no ordering needed.
  std::atomic<std::size_t> memory_usage_{0};
};

}  // namespace lsm
