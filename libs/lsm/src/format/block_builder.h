// BlockBuilder: builds one block of sorted, prefix-compressed entries (docs/formats/sst.md).
//
// Block layout (FROZEN, LevelDB's block format):
//   entry*        [varint shared][varint non_shared][varint value_len][key delta][value]
//   restarts      u32 LE offset of each restart entry, ascending
//   num_restarts  u32 LE (>= 1)
// An entry stores the `non_shared` key bytes that follow the `shared` bytes it has in common
// with the previous key. Every `restart_interval`-th entry is a restart point: shared == 0,
// so a reader can binary-search the restart array and decode forward from there.
//
// The builder reuses its buffers across reset(), so building a table allocates only while the
// first blocks grow the buffers to their working size.
// Thread safety: none.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/buffer.h"

namespace lsm {

class BlockBuilder {
 public:
  static constexpr int kDefaultRestartInterval = 16;

  explicit BlockBuilder(int restart_interval = kDefaultRestartInterval);

  BlockBuilder(const BlockBuilder&) = delete;
  BlockBuilder& operator=(const BlockBuilder&) = delete;

  // REQUIRES: finish() not called since the last reset(); key > every key added before
  // (internal-key order; checked in debug builds).
  void add(std::string_view key, std::string_view value);

  // Appends the restart array and returns the finished block, valid until reset() or
  // destruction.
  zerofs::ByteView finish();

  // Starts a new block, keeping the buffers' capacity.
  void reset();

  // Size of the block finish() would return now.
  std::size_t size_estimate() const noexcept {
    if (finished_) return buffer_.size();
    return buffer_.size() + (restarts_.size() + 1) * sizeof(std::uint32_t);
  }
  bool empty() const noexcept { return entries_ == 0; }
  std::size_t entries() const noexcept { return entries_; }
  // The last key added. REQUIRES: !empty()
  std::string_view last_key() const noexcept { return last_key_; }

 private:
  const int restart_interval_;
  zerofs::Buffer buffer_;
  std::vector<std::uint32_t> restarts_;
  std::string last_key_;
  std::size_t entries_ = 0;
  int since_restart_ = 0;
  bool finished_ = false;
};

}  // namespace lsm
