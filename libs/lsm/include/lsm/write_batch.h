// WriteBatch: puts and deletes applied atomically by Db::write.
//
// A batch is all-or-nothing: it gets one sequence number range, lands in exactly one WAL
// object and becomes visible (and durable) as a whole. Its encoded form is the WAL record
// format (docs/formats/wal.md), so writing it costs no re-encoding.
//
// Encoding (FROZEN): [u64 LE first sequence][u32 LE count] then per entry
//   [u8 type][varint key length][key]( [varint value length][value] if type == put )
// type: 1 = put, 0 = delete. The sequence is filled in by Db::write; entry i gets first + i.
#pragma once

#include <cstdint>
#include <string_view>

#include "base/buffer.h"
#include "base/result.h"

namespace lsm {

using zerofs::Buffer;
using zerofs::Result;

enum class ValueType : std::uint8_t { deletion = 0, value = 1 };  // FROZEN

class WriteBatch {
 public:
  WriteBatch();
  WriteBatch(WriteBatch&&) noexcept = default;
  WriteBatch& operator=(WriteBatch&&) noexcept = default;

  void put(std::string_view key, std::string_view value);
  void del(std::string_view key);
  void clear();

  std::uint32_t count() const noexcept;
  bool empty() const noexcept { return count() == 0; }
  // Encoded size in bytes (what the batch costs in the WAL and the memtable budget).
  std::size_t byte_size() const noexcept { return rep_.size(); }

  // Calls fn(type, key, value) for every entry in order; value is empty for deletes.
  template <typename Fn>
  Result<void> for_each(Fn&& fn) const;

  // Internal: the encoded form and sequence handling used by Db and the WAL.
  static constexpr std::size_t kHeaderSize = 12;
  std::uint64_t sequence() const noexcept;
  void set_sequence(std::uint64_t seq) noexcept;
  zerofs::ByteView encoded() const noexcept { return rep_.view(); }
  // Adopts an encoded batch (from a WAL object); validates the framing.
  static Result<WriteBatch> from_encoded(zerofs::ByteView bytes);

 private:
  Buffer rep_;
  std::uint32_t count_ = 0;
};

}  // namespace lsm

#include "lsm/write_batch_inl.h"
