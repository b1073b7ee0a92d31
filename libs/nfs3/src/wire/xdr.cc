#include "nfs3/wire/xdr.h"

#include <cstring>

namespace nfs3::wire {

namespace {
constexpr std::byte kZeros[4] = {};
}  // namespace

void XdrEncoder::put_padded(ByteView bytes) {
  const std::size_t pad = xdr_pad(bytes.size());
  const std::size_t old = out_->size();
  out_->resize(old + bytes.size() + pad);
  std::byte* dst = out_->data() + old;
  if (!bytes.empty()) std::memcpy(dst, bytes.data(), bytes.size());
  std::memcpy(dst + bytes.size(), kZeros, pad);
}

ByteView XdrDecoder::take_padded(std::size_t n) noexcept {
  // Padding bytes are not checked for zero: RFC 4506 says senders write zeros, and the
  // common servers accept whatever a client sent.
  const std::size_t padded = n + xdr_pad(n);
  if (failed_ || padded > remaining()) {
    invalid();
    return {};
  }
  const ByteView v(p_, n);
  p_ += padded;
  return v;
}

ByteView XdrDecoder::opaque(std::size_t max) noexcept {
  const std::uint32_t n = u32();
  if (n > max) {
    invalid();
    return {};
  }
  return take_padded(n);
}

void XdrDecoder::opaque(Buffer& out, std::size_t max) {
  const ByteView v = opaque(max);
  out.clear();
  out.append(v);
}

void XdrDecoder::string(std::string& out, std::size_t max) {
  const std::string_view v = string(max);
  out.assign(v.data(), v.size());
}

}  // namespace nfs3::wire
