#include "memtable/arena.h"

#include <cstdint>

namespace lsm {

static_assert((Arena::kAlignment & (Arena::kAlignment - 1)) == 0, "alignment is a power of 2");
// operator new[] returns memory aligned for any fundamental type, so blocks start aligned.
static_assert(__STDCPP_DEFAULT_NEW_ALIGNMENT__ >= Arena::kAlignment);

char* Arena::allocate_aligned(std::size_t bytes) {
  const std::size_t misalign = reinterpret_cast<std::uintptr_t>(ptr_) & (kAlignment - 1);
  const std::size_t slop = misalign == 0 ? 0 : kAlignment - misalign;
  const std::size_t needed = bytes + slop;
  if (needed <= remaining_) {
    char* result = ptr_ + slop;
    ptr_ += needed;
    remaining_ -= needed;
    return result;
  }
  // Fresh blocks are aligned already.
  return allocate_fallback(bytes);
}

char* Arena::allocate_fallback(std::size_t bytes) {
  if (bytes > kBlockSize / 4) return allocate_new_block(bytes);
  // The rest of the current block is abandoned: at most a quarter block per block.
  ptr_ = allocate_new_block(kBlockSize);
  remaining_ = kBlockSize;
  char* result = ptr_;
  ptr_ += bytes;
  remaining_ -= bytes;
  return result;
}

char* Arena::allocate_new_block(std::size_t block_bytes) {
  blocks_.push_back(std::make_unique_for_overwrite<char[]>(block_bytes));
  memory_usage_.fetch_add(block_bytes + sizeof(std::unique_ptr<char[]>), std::memory_order_relaxed);
  return blocks_.back().get();
}

}  // namespace lsm
