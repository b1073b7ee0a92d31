// Internal keys: how the engine versions user keys.
//
// internal key = user key || trailer, trailer = u64 LE of (sequence << 8 | type)   (FROZEN)
// Ordering: user key ascending (bytewise), then trailer DEScending, so the newest version of a
// key comes first and a seek to (key, snapshot_seq) lands on the newest visible version.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "base/coding.h"
#include "lsm/write_batch.h"

namespace lsm {

using SequenceNumber = std::uint64_t;

inline constexpr std::size_t kTrailerSize = 8;
// Largest sequence that fits beside the 8-bit type.
inline constexpr SequenceNumber kMaxSequence = (1ULL << 56) - 1;
// Seeking with this type finds the newest entry with seq <= the seek sequence
// (value is the highest type, and trailers sort descending).
inline constexpr ValueType kValueTypeForSeek = ValueType::value;

inline std::uint64_t pack_trailer(SequenceNumber seq, ValueType type) noexcept {
  return (seq << 8) | static_cast<std::uint8_t>(type);
}

inline void append_internal_key(std::string* out, std::string_view user_key, SequenceNumber seq,
                                ValueType type) {
  out->append(user_key);
  char trailer[kTrailerSize];
  zerofs::encode_u64_le(reinterpret_cast<std::byte*>(trailer), pack_trailer(seq, type));
  out->append(trailer, kTrailerSize);
}

inline std::string make_internal_key(std::string_view user_key, SequenceNumber seq,
                                     ValueType type) {
  std::string k;
  k.reserve(user_key.size() + kTrailerSize);
  append_internal_key(&k, user_key, seq, type);
  return k;
}

// REQUIRES: ikey.size() >= kTrailerSize for the accessors below.
inline std::string_view extract_user_key(std::string_view ikey) noexcept {
  return ikey.substr(0, ikey.size() - kTrailerSize);
}
inline std::uint64_t extract_trailer(std::string_view ikey) noexcept {
  return zerofs::decode_u64_le(
      reinterpret_cast<const std::byte*>(ikey.data() + ikey.size() - kTrailerSize));
}
inline SequenceNumber extract_sequence(std::string_view ikey) noexcept {
  return extract_trailer(ikey) >> 8;
}
inline ValueType extract_type(std::string_view ikey) noexcept {
  return static_cast<ValueType>(extract_trailer(ikey) & 0xff);
}

// Three-way comparison of internal keys (see ordering above).
inline int compare_internal_keys(std::string_view a, std::string_view b) noexcept {
  const std::string_view ua = extract_user_key(a), ub = extract_user_key(b);
  const int r = ua.compare(ub);
  if (r != 0) return r;
  const std::uint64_t ta = extract_trailer(a), tb = extract_trailer(b);
  return ta > tb ? -1 : (ta < tb ? 1 : 0);
}

struct InternalKeyLess {
  bool operator()(std::string_view a, std::string_view b) const noexcept {
    return compare_internal_keys(a, b) < 0;
  }
};

}  // namespace lsm
