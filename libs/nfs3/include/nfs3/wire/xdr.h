// XDR (RFC 4506) primitives: an encoder that appends to a zerofs::Buffer, a decoder cursor
// with a sticky error flag, and a sizer that counts what the encoder would write.
//
// The three share one vocabulary so that a message is described once, by a function template
// that runs in either direction (see src/wire/xdr_types.h). Scalars pass by value to the
// encoder and by reference to the decoder; union arms read the discriminant back from the
// call (`if (x.boolean(v.set)) x.u32(v.value);`).
//
// Decoder contract (diod's cursor): read every field, check ok() once at the end. After the
// first error every read returns zero/empty, consumes nothing and the error stays set.
// Every variable-length item has a caller-supplied maximum, and its length is checked
// against that maximum and against the bytes left before anything is allocated, so input
// of n bytes never allocates more than O(n) (lists grow one decoded element at a time).
// Decoded ByteViews point into the input: they live as long as the input bytes.
// Thread safety: none; each object is used by one thread at a time.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "base/buffer.h"
#include "base/coding.h"

namespace nfs3::wire {

using zerofs::Buffer;
using zerofs::ByteView;

// Bytes of zero padding after `n` bytes of opaque data.
constexpr std::size_t xdr_pad(std::size_t n) noexcept { return (4 - (n & 3)) & 3; }
// Bytes a variable-length opaque or string of `n` bytes takes: length word, data, padding.
constexpr std::size_t xdr_opaque_size(std::size_t n) noexcept { return 4 + n + xdr_pad(n); }

class XdrEncoder {
 public:
  static constexpr bool kDecoding = false;

  // Appends to `out`, which must outlive the encoder.
  explicit XdrEncoder(Buffer& out) noexcept : out_(&out) {}

  Buffer& buffer() noexcept { return *out_; }
  std::size_t size() const noexcept { return out_->size(); }
  bool ok() const noexcept { return true; }
  // A value that no arm of a union describes: an encoder never produces one.
  void invalid() noexcept {}

  void u32(std::uint32_t v) { zerofs::put_u32_be(*out_, v); }
  void i32(std::int32_t v) { u32(static_cast<std::uint32_t>(v)); }
  void u64(std::uint64_t v) { zerofs::put_u64_be(*out_, v); }
  void i64(std::int64_t v) { u64(static_cast<std::uint64_t>(v)); }
  bool boolean(bool v) {
    u32(v ? 1 : 0);
    return v;
  }
  template <typename E>
  requires std::is_enum_v<E> E enumeration(E v) {
    u32(static_cast<std::uint32_t>(v));
    return v;
  }

  // Fixed-length opaque: the bytes and their padding, no length word.
  template <std::size_t N>
  void fixed(const std::array<std::byte, N>& bytes) {
    put_padded(ByteView(bytes.data(), N));
  }
  // Variable-length opaque / string: length word, bytes, padding. `max` is the decoder's
  // bound; the encoder trusts its caller to respect it.
  void opaque(ByteView bytes, std::size_t /*max*/) {
    u32(static_cast<std::uint32_t>(bytes.size()));
    put_padded(bytes);
  }
  void opaque(const Buffer& bytes, std::size_t max) { opaque(bytes.view(), max); }
  void string(std::string_view s, std::size_t max) { opaque(zerofs::as_bytes(s), max); }

  // optional-data (`T *p` in XDR): a boolean, then the value when present.
  template <typename T, typename Fn>
  void optional(const std::optional<T>& v, Fn&& fn) {
    if (boolean(v.has_value())) fn(*v);
  }
  // A linked list (`entry *next`): each element preceded by TRUE, the end by FALSE.
  template <typename T, typename Fn>
  void list(const std::vector<T>& v, std::size_t /*max*/, Fn&& fn) {
    for (const T& e : v) {
      boolean(true);
      fn(e);
    }
    boolean(false);
  }
  // A counted array (`T v<max>`).
  template <typename T, typename Fn>
  void array(const std::vector<T>& v, std::size_t /*max*/, Fn&& fn) {
    u32(static_cast<std::uint32_t>(v.size()));
    for (const T& e : v) fn(e);
  }

 private:
  void put_padded(ByteView bytes);

  Buffer* out_;
};

// Counts the bytes an XdrEncoder would append, without writing them.
class XdrSizer {
 public:
  static constexpr bool kDecoding = false;

  std::size_t size() const noexcept { return size_; }
  bool ok() const noexcept { return true; }
  void invalid() noexcept {}

  void u32(std::uint32_t) noexcept { size_ += 4; }
  void i32(std::int32_t) noexcept { size_ += 4; }
  void u64(std::uint64_t) noexcept { size_ += 8; }
  void i64(std::int64_t) noexcept { size_ += 8; }
  bool boolean(bool v) noexcept {
    size_ += 4;
    return v;
  }
  template <typename E>
  requires std::is_enum_v<E> E enumeration(E v)
  noexcept {
    size_ += 4;
    return v;
  }
  template <std::size_t N>
  void fixed(const std::array<std::byte, N>&) noexcept {
    size_ += N + xdr_pad(N);
  }
  void opaque(ByteView bytes, std::size_t) noexcept { size_ += xdr_opaque_size(bytes.size()); }
  void opaque(const Buffer& bytes, std::size_t) noexcept { size_ += xdr_opaque_size(bytes.size()); }
  void string(std::string_view s, std::size_t) noexcept { size_ += xdr_opaque_size(s.size()); }
  template <typename T, typename Fn>
  void optional(const std::optional<T>& v, Fn&& fn) {
    if (boolean(v.has_value())) fn(*v);
  }
  template <typename T, typename Fn>
  void list(const std::vector<T>& v, std::size_t, Fn&& fn) {
    for (const T& e : v) {
      size_ += 4;
      fn(e);
    }
    size_ += 4;
  }
  template <typename T, typename Fn>
  void array(const std::vector<T>& v, std::size_t, Fn&& fn) {
    size_ += 4;
    for (const T& e : v) fn(e);
  }

 private:
  std::size_t size_ = 0;
};

class XdrDecoder {
 public:
  static constexpr bool kDecoding = true;

  // Reads from `input`, which must outlive the decoder and every view it returns.
  explicit XdrDecoder(ByteView input) noexcept
      : p_(input.data()), end_(input.data() + input.size()) {}

  bool ok() const noexcept { return !failed_; }
  // Marks the input as malformed (e.g. a union discriminant with no arm).
  void invalid() noexcept {
    failed_ = true;
    p_ = end_;
  }
  std::size_t remaining() const noexcept { return static_cast<std::size_t>(end_ - p_); }
  // The bytes not consumed yet (e.g. the procedure arguments after an RPC call header).
  ByteView rest() const noexcept { return {p_, remaining()}; }

  std::uint32_t u32() noexcept {
    if (remaining() < 4) {
      invalid();
      return 0;
    }
    const std::uint32_t v = zerofs::decode_u32_be(p_);
    p_ += 4;
    return v;
  }
  std::uint64_t u64() noexcept {
    if (remaining() < 8) {
      invalid();
      return 0;
    }
    const std::uint64_t v = zerofs::decode_u64_be(p_);
    p_ += 8;
    return v;
  }
  void u32(std::uint32_t& out) noexcept { out = u32(); }
  void i32(std::int32_t& out) noexcept { out = static_cast<std::int32_t>(u32()); }
  void u64(std::uint64_t& out) noexcept { out = u64(); }
  void i64(std::int64_t& out) noexcept { out = static_cast<std::int64_t>(u64()); }
  // XDR booleans are exactly 0 or 1; anything else is malformed.
  bool boolean() noexcept {
    const std::uint32_t v = u32();
    if (v > 1) invalid();
    return v == 1;
  }
  bool boolean(bool& out) noexcept { return out = boolean(); }
  // Any 32-bit value is accepted: enums are checked where a value selects a union arm.
  template <typename E>
  requires std::is_enum_v<E> E enumeration(E& out)
  noexcept { return out = static_cast<E>(u32()); }

  template <std::size_t N>
  void fixed(std::array<std::byte, N>& out) noexcept {
    const ByteView v = take_padded(N);
    if (ok()) std::memcpy(out.data(), v.data(), N);
  }
  // A view of a variable-length opaque of at most `max` bytes.
  ByteView opaque(std::size_t max) noexcept;
  void opaque(ByteView& out, std::size_t max) noexcept { out = opaque(max); }
  void opaque(Buffer& out, std::size_t max);
  std::string_view string(std::size_t max) noexcept { return zerofs::as_chars(opaque(max)); }
  void string(std::string& out, std::size_t max);

  template <typename T, typename Fn>
  void optional(std::optional<T>& v, Fn&& fn) {
    v.reset();
    if (boolean()) fn(v.emplace());
  }
  // At most `max` elements; each costs at least 4 input bytes, so the vector stays O(input).
  template <typename T, typename Fn>
  void list(std::vector<T>& v, std::size_t max, Fn&& fn) {
    v.clear();
    while (boolean()) {
      if (v.size() >= max) return invalid();
      fn(v.emplace_back());
    }
  }
  // `min_element_size` bounds the count by the bytes left before the vector is reserved.
  template <typename T, typename Fn>
  void array(std::vector<T>& v, std::size_t max, Fn&& fn, std::size_t min_element_size = 4) {
    v.clear();
    const std::uint32_t n = u32();
    if (n > max || n > remaining() / min_element_size) return invalid();
    v.reserve(n);
    for (std::uint32_t i = 0; i < n && ok(); ++i) fn(v.emplace_back());
  }

 private:
  ByteView take_padded(std::size_t n) noexcept;

  const std::byte* p_;
  const std::byte* end_;
  bool failed_ = false;
};

// The direction-dependent reference a symmetric codec function takes: `const T&` when
// encoding or sizing, `T&` when decoding.
template <typename X, typename T>
using XdrRef = std::conditional_t<X::kDecoding, T&, const T&>;

}  // namespace nfs3::wire
