#include "wal/wal_buffer.h"

#include <cassert>
#include <cstring>

#include "base/coding.h"
#include "wal/wal_object.h"

namespace lsm {

WalBuffer::WalBuffer() { payload_.resize(kCountRoom); }

void WalBuffer::append(const WriteBatch& batch) {
  assert(!batch.empty());
  assert(empty() || batch.sequence() > last_sequence_);
  const zerofs::ByteView bytes = batch.encoded();
  const std::size_t old = payload_.size();
  payload_.resize(old + zerofs::varint_length(bytes.size()) + bytes.size());
  std::byte* p = zerofs::encode_varint(payload_.data() + old, bytes.size());
  std::memcpy(p, bytes.data(), bytes.size());
  if (batch_count_ == 0) first_sequence_ = batch.sequence();
  last_sequence_ = batch.sequence() + batch.count() - 1;
  ++batch_count_;
}

std::size_t WalBuffer::byte_size() const noexcept {
  return zerofs::varint_length(batch_count_) + payload_.size() - kCountRoom;
}

Result<Buffer> WalBuffer::seal(std::uint64_t id, const BlockTransformer& transformer) {
  // The count varint ends where the batches begin, so the payload is one contiguous view.
  const std::size_t count_len = zerofs::varint_length(batch_count_);
  std::byte* const start = payload_.data() + kCountRoom - count_len;
  zerofs::encode_varint(start, batch_count_);
  const zerofs::ByteView payload(start, payload_.size() - (kCountRoom - count_len));

  Buffer object;
  object.reserve(1 + payload.size() + 64);  // transformers add a small frame at most
  zerofs::put_u8(object, kWalFormatVersion);
  const std::string key = wal_object_key(id);
  ZF_CHECK(transformer.encode(payload, zerofs::as_bytes(key), object));
  return object;
}

void WalBuffer::reset() {
  payload_.resize(kCountRoom);
  batch_count_ = 0;
  first_sequence_ = 0;
  last_sequence_ = 0;
}

}  // namespace lsm
