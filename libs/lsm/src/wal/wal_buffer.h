// WalBuffer: the WAL object being filled, built incrementally as batches arrive.
//
// append() copies a batch's encoding once, behind its length; seal() writes the batch count
// into room kept at the front and hands the payload to the transformer in place, so sealing
// copies no batch again. The object layout is in wal/wal_object.h.
//
// Thread safety: none; the Db fills and seals a buffer under its write mutex or hands the
// whole buffer to the flusher.
#pragma once

#include <cstddef>
#include <cstdint>

#include "base/buffer.h"
#include "base/result.h"
#include "format/internal_key.h"
#include "lsm/transformer.h"
#include "lsm/write_batch.h"

namespace lsm {

class WalBuffer {
 public:
  WalBuffer();
  // A moved-from buffer must be reset() before it is used again.
  WalBuffer(WalBuffer&&) noexcept = default;
  WalBuffer& operator=(WalBuffer&&) noexcept = default;

  // REQUIRES: !batch.empty(); batch.sequence() > last_sequence() of a non-empty buffer.
  void append(const WriteBatch& batch);

  bool empty() const noexcept { return batch_count_ == 0; }
  std::uint64_t batch_count() const noexcept { return batch_count_; }
  // Payload bytes so far, before transformation: what Options::wal_flush_bytes bounds.
  std::size_t byte_size() const noexcept;
  // Sequence of the first entry of the first batch, and of the last entry of the last batch.
  // REQUIRES: !empty()
  SequenceNumber first_sequence() const noexcept { return first_sequence_; }
  SequenceNumber last_sequence() const noexcept { return last_sequence_; }

  // The object bytes to store at wal_object_key(id). The buffer keeps its batches; seal()
  // may be called again (e.g. after a failed encode) until reset().
  Result<Buffer> seal(std::uint64_t id, const BlockTransformer& transformer);

  // Empties the buffer, keeping its capacity.
  void reset();
  // Makes room for `bytes` of batches without reallocating.
  void reserve(std::size_t bytes) { payload_.reserve(kCountRoom + bytes); }

 private:
  // Room at the front for the batch-count varint, which is only known at seal().
  static constexpr std::size_t kCountRoom = 10;

  Buffer payload_;  // kCountRoom spare bytes, then [varint length][batch] per batch
  std::uint64_t batch_count_ = 0;
  SequenceNumber first_sequence_ = 0;
  SequenceNumber last_sequence_ = 0;
};

}  // namespace lsm
