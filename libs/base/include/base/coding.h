// Fixed-width and varint integer coding.
//
// Persistent-format rule (ARCHITECTURE §3): integers inside keys are big-endian so byte
// order equals numeric order; integers inside values are little-endian. Varints are LEB128
// (LevelDB's format) and only used inside values.
#pragma once

#include <bit>
#include <cstdint>
#include <cstring>
#include <optional>

#include "base/buffer.h"

namespace zerofs {

static_assert(std::endian::native == std::endian::little, "zerofs assumes a little-endian host");

inline void encode_u16_le(std::byte* out, std::uint16_t v) noexcept { std::memcpy(out, &v, 2); }
inline void encode_u32_le(std::byte* out, std::uint32_t v) noexcept { std::memcpy(out, &v, 4); }
inline void encode_u64_le(std::byte* out, std::uint64_t v) noexcept { std::memcpy(out, &v, 8); }
inline std::uint16_t decode_u16_le(const std::byte* in) noexcept {
  std::uint16_t v;
  std::memcpy(&v, in, 2);
  return v;
}
inline std::uint32_t decode_u32_le(const std::byte* in) noexcept {
  std::uint32_t v;
  std::memcpy(&v, in, 4);
  return v;
}
inline std::uint64_t decode_u64_le(const std::byte* in) noexcept {
  std::uint64_t v;
  std::memcpy(&v, in, 8);
  return v;
}

inline void encode_u32_be(std::byte* out, std::uint32_t v) noexcept {
  v = std::byteswap(v);
  std::memcpy(out, &v, 4);
}
inline void encode_u64_be(std::byte* out, std::uint64_t v) noexcept {
  v = std::byteswap(v);
  std::memcpy(out, &v, 8);
}
inline std::uint32_t decode_u32_be(const std::byte* in) noexcept {
  std::uint32_t v;
  std::memcpy(&v, in, 4);
  return std::byteswap(v);
}
inline std::uint64_t decode_u64_be(const std::byte* in) noexcept {
  std::uint64_t v;
  std::memcpy(&v, in, 8);
  return std::byteswap(v);
}

inline void put_u8(Buffer& b, std::uint8_t v) { b.push_back(std::byte{v}); }
inline void put_u16_le(Buffer& b, std::uint16_t v) {
  b.resize(b.size() + 2);
  encode_u16_le(b.data() + b.size() - 2, v);
}
inline void put_u32_le(Buffer& b, std::uint32_t v) {
  b.resize(b.size() + 4);
  encode_u32_le(b.data() + b.size() - 4, v);
}
inline void put_u64_le(Buffer& b, std::uint64_t v) {
  b.resize(b.size() + 8);
  encode_u64_le(b.data() + b.size() - 8, v);
}
inline void put_u32_be(Buffer& b, std::uint32_t v) {
  b.resize(b.size() + 4);
  encode_u32_be(b.data() + b.size() - 4, v);
}
inline void put_u64_be(Buffer& b, std::uint64_t v) {
  b.resize(b.size() + 8);
  encode_u64_be(b.data() + b.size() - 8, v);
}

// LEB128 varint: at most 10 bytes for 64 bits.
inline void put_varint(Buffer& b, std::uint64_t v) {
  std::byte tmp[10];
  std::size_t n = 0;
  while (v >= 0x80) {
    tmp[n++] = std::byte(static_cast<std::uint8_t>(v | 0x80));
    v >>= 7;
  }
  tmp[n++] = std::byte(static_cast<std::uint8_t>(v));
  b.append(ByteView(tmp, n));
}

// Bytes the varint encoding of v takes (1..10).
inline std::size_t varint_length(std::uint64_t v) noexcept {
  std::size_t n = 1;
  while (v >= 0x80) {
    v >>= 7;
    ++n;
  }
  return n;
}

// Writes v as a varint at `out`, which has room for varint_length(v) bytes; returns the byte
// after it. For encoders that size their output once instead of appending field by field.
inline std::byte* encode_varint(std::byte* out, std::uint64_t v) noexcept {
  while (v >= 0x80) {
    *out++ = std::byte(static_cast<std::uint8_t>(v | 0x80));
    v >>= 7;
  }
  *out++ = std::byte(static_cast<std::uint8_t>(v));
  return out;
}

// Reads a varint from [*p, end); advances *p. nullopt on truncation or overflow.
inline std::optional<std::uint64_t> get_varint(const std::byte** p, const std::byte* end) noexcept {
  std::uint64_t result = 0;
  for (unsigned shift = 0; shift <= 63 && *p < end; shift += 7) {
    const auto byte = static_cast<std::uint64_t>(**p);
    ++*p;
    result |= (byte & 0x7f) << shift;
    if ((byte & 0x80) == 0) return result;
  }
  return std::nullopt;
}

}  // namespace zerofs
