#include "wal/wal_object.h"

#include <fmt/format.h>

#include "base/coding.h"
#include "format/internal_key.h"

namespace lsm {

namespace {

constexpr std::size_t kIdDigits = 20;

}  // namespace

std::string wal_object_key(std::uint64_t id) { return fmt::format("wal/{:020}", id); }

std::optional<std::uint64_t> parse_wal_object_key(std::string_view key) {
  if (key.size() != kWalKeyPrefix.size() + kIdDigits || !key.starts_with(kWalKeyPrefix)) {
    return std::nullopt;
  }
  std::uint64_t id = 0;
  for (char c : key.substr(kWalKeyPrefix.size())) {
    if (c < '0' || c > '9') return std::nullopt;
    const std::uint64_t digit = static_cast<std::uint64_t>(c - '0');
    if (id > (UINT64_MAX - digit) / 10) return std::nullopt;
    id = id * 10 + digit;
  }
  return id;
}

Result<WalObject> decode_wal_object(zerofs::ByteView object, std::uint64_t id,
                                    const BlockTransformer& transformer) {
  WalObject result;
  if (object.empty()) {
    result.fence = true;
    return result;
  }
  const std::string key = wal_object_key(id);
  const auto version = static_cast<std::uint8_t>(object[0]);
  if (version != kWalFormatVersion) {
    return zerofs::fail(zerofs::Errc::corrupt, "{}: unknown format version {}", key, version);
  }
  ZF_TRY(const Buffer payload, transformer.decode(object.subspan(1), zerofs::as_bytes(key)));

  const std::byte* p = payload.data();
  const std::byte* const end = p + payload.size();
  const auto count = zerofs::get_varint(&p, end);
  if (!count) return zerofs::fail(zerofs::Errc::corrupt, "{}: bad batch count", key);
  // Every batch takes at least its length byte and header: bound the reservation by that.
  const std::size_t max_batches = static_cast<std::size_t>(end - p) / (1 + WriteBatch::kHeaderSize);
  if (*count > max_batches) {
    return zerofs::fail(zerofs::Errc::corrupt, "{}: {} batches cannot fit in {} bytes", key, *count,
                        payload.size());
  }
  result.batches.reserve(static_cast<std::size_t>(*count));
  std::uint64_t next_sequence = 0;  // smallest sequence the next batch may start at
  for (std::uint64_t i = 0; i < *count; ++i) {
    const auto len = zerofs::get_varint(&p, end);
    if (!len || *len > static_cast<std::uint64_t>(end - p)) {
      return zerofs::fail(zerofs::Errc::corrupt, "{}: batch {} truncated", key, i);
    }
    auto batch = WriteBatch::from_encoded(zerofs::ByteView(p, static_cast<std::size_t>(*len)));
    if (!batch) return zerofs::fail(batch.error().with_context(fmt::format("{} batch {}", key, i)));
    if (batch->sequence() < next_sequence || batch->sequence() > kMaxSequence - batch->count()) {
      return zerofs::fail(zerofs::Errc::corrupt, "{}: batch {} at sequence {} is out of order", key,
                          i, batch->sequence());
    }
    next_sequence = batch->sequence() + batch->count();
    p += *len;
    result.batches.push_back(std::move(*batch));
  }
  if (p != end) {
    return zerofs::fail(zerofs::Errc::corrupt, "{}: {} trailing bytes", key, end - p);
  }
  return result;
}

}  // namespace lsm
