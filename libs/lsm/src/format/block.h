// Block: one decoded block (format in block_builder.h), and BlockIter, its in-memory cursor.
//
// A Block owns its plain bytes; blocks are shared between the block cache, table readers and
// iterators as std::shared_ptr<const Block>. Keys in a block are internal keys
// (format/internal_key.h) and are ordered by compare_internal_keys.
//
// BlockIter is synchronous and non-virtual: table iterators and point lookups drive it
// directly. A malformed entry (lengths running past the entries, a restart entry that shares
// bytes, a key shorter than an internal-key trailer) makes the iterator invalid with
// Errc::corrupt in status(); it never reads outside the block.
//
// Thread safety: a Block is immutable and may be read from any thread; a BlockIter is used by
// one thread at a time. Lifetime: a BlockIter must not outlive its Block; key()/value() stay
// valid until the next positioning call.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "base/buffer.h"
#include "base/result.h"

namespace lsm {

class Block {
  struct Private {};

 public:
  // Checks the trailer: the restart count and array fit inside `contents`.
  static zerofs::Result<std::shared_ptr<const Block>> parse(zerofs::Buffer contents);

  Block(Private, zerofs::Buffer contents, std::uint32_t entries_end, std::uint32_t num_restarts)
      : contents_(std::move(contents)), entries_end_(entries_end), num_restarts_(num_restarts) {}

  zerofs::ByteView contents() const noexcept { return contents_.view(); }
  std::uint32_t num_restarts() const noexcept { return num_restarts_; }
  bool empty() const noexcept { return entries_end_ == 0; }
  // Memory this block holds, for cache accounting.
  std::size_t charge() const noexcept { return contents_.capacity() + sizeof(Block); }

 private:
  friend class BlockIter;

  const char* data() const noexcept { return reinterpret_cast<const char*>(contents_.data()); }
  std::uint32_t restart_point(std::uint32_t index) const noexcept;

  zerofs::Buffer contents_;
  std::uint32_t entries_end_;  // offset of the restart array
  std::uint32_t num_restarts_;
};

class BlockIter {
 public:
  BlockIter() = default;
  explicit BlockIter(const Block* block) noexcept { reset(block); }

  // Points the iterator at `block` (or at nothing); it is invalid until positioned.
  void reset(const Block* block) noexcept;

  bool valid() const noexcept { return current_ < end_; }
  // REQUIRES: valid()
  std::string_view key() const noexcept { return key_; }
  std::string_view value() const noexcept { return value_; }

  void seek_to_first();
  // Positions at the first entry whose key >= target (internal-key order).
  void seek(std::string_view target);
  // REQUIRES: valid()
  void next();

  bool corrupt() const noexcept { return corrupt_; }
  // Errc::corrupt (naming the entry offset) after a malformed entry.
  zerofs::Result<void> status() const;

 private:
  // Decodes the entry at next_; false (and invalid) at the end or on a malformed entry.
  bool parse_next_entry();
  void seek_to_restart(std::uint32_t index) noexcept;
  // The key of restart entry `index`, or false if it is malformed.
  bool restart_key(std::uint32_t index, std::string_view* key) noexcept;
  void set_corrupt(std::uint32_t offset) noexcept;

  const Block* block_ = nullptr;
  std::uint32_t end_ = 0;      // entries end; current_ == end_ means invalid
  std::uint32_t current_ = 0;  // offset of the current entry
  std::uint32_t next_ = 0;     // offset of the entry after it
  std::string key_;
  std::string_view value_;
  bool corrupt_ = false;
  std::uint32_t corrupt_offset_ = 0;
};

}  // namespace lsm
