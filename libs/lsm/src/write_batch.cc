#include "lsm/write_batch.h"

#include <cstring>

#include "base/coding.h"

namespace lsm {

namespace {

// Header layout (FROZEN, see write_batch.h): [u64 LE sequence][u32 LE count].
constexpr std::size_t kSequenceOffset = 0;
constexpr std::size_t kCountOffset = 8;

}  // namespace

WriteBatch::WriteBatch() {
  rep_.resize(kHeaderSize);
  std::memset(rep_.data(), 0, kHeaderSize);
}

void WriteBatch::put(std::string_view key, std::string_view value) {
  // Sized once so an entry costs one (amortised) growth and straight stores.
  const std::size_t entry = 1 + zerofs::varint_length(key.size()) + key.size() +
                            zerofs::varint_length(value.size()) + value.size();
  const std::size_t old = rep_.size();
  rep_.resize(old + entry);
  std::byte* p = rep_.data() + old;
  *p++ = std::byte{static_cast<std::uint8_t>(ValueType::value)};
  p = zerofs::encode_varint(p, key.size());
  if (!key.empty()) std::memcpy(p, key.data(), key.size());
  p += key.size();
  p = zerofs::encode_varint(p, value.size());
  if (!value.empty()) std::memcpy(p, value.data(), value.size());
  zerofs::encode_u32_le(rep_.data() + kCountOffset, ++count_);
}

void WriteBatch::del(std::string_view key) {
  const std::size_t entry = 1 + zerofs::varint_length(key.size()) + key.size();
  const std::size_t old = rep_.size();
  rep_.resize(old + entry);
  std::byte* p = rep_.data() + old;
  *p++ = std::byte{static_cast<std::uint8_t>(ValueType::deletion)};
  p = zerofs::encode_varint(p, key.size());
  if (!key.empty()) std::memcpy(p, key.data(), key.size());
  zerofs::encode_u32_le(rep_.data() + kCountOffset, ++count_);
}

void WriteBatch::clear() {
  rep_.resize(kHeaderSize);
  std::memset(rep_.data(), 0, kHeaderSize);
  count_ = 0;
}

std::uint32_t WriteBatch::count() const noexcept { return count_; }

std::uint64_t WriteBatch::sequence() const noexcept {
  return zerofs::decode_u64_le(rep_.data() + kSequenceOffset);
}

void WriteBatch::set_sequence(std::uint64_t seq) noexcept {
  zerofs::encode_u64_le(rep_.data() + kSequenceOffset, seq);
}

Result<WriteBatch> WriteBatch::from_encoded(zerofs::ByteView bytes) {
  if (bytes.size() < kHeaderSize) {
    return zerofs::fail(zerofs::Errc::corrupt, "write batch: {} bytes, shorter than its header",
                        bytes.size());
  }
  WriteBatch batch;
  batch.rep_.resize(0);
  batch.rep_.append(bytes);
  batch.count_ = zerofs::decode_u32_le(batch.rep_.data() + kCountOffset);
  // Each entry takes at least two bytes (type + key length), so a count beyond that is a lie
  // we can reject before walking.
  if (batch.count_ > (bytes.size() - kHeaderSize) / 2) {
    return zerofs::fail(zerofs::Errc::corrupt, "write batch: count {} exceeds its {} bytes",
                        batch.count_, bytes.size());
  }
  ZF_CHECK(batch.for_each([](ValueType, std::string_view, std::string_view) {}));
  return batch;
}

}  // namespace lsm
