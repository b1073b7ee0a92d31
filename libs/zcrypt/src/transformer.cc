#include "zcrypt/transformer.h"

#include <algorithm>
#include <array>
#include <cstring>

#include "zcrypt/aead.h"

namespace zcrypt {

using zerofs::Errc;
using zerofs::fail;

namespace {

constexpr std::size_t kFormatSize = 1;
// The shortest sealed frame: format byte, nonce, an empty compression frame's header, tag.
constexpr std::size_t kMinSealedSize = kFormatSize + kSealOverhead + kFrameHeaderSize;
// Per-thread decrypt scratch above this size is released after use, so one large manifest
// does not pin memory in every worker thread.
constexpr std::size_t kScratchKeep = std::size_t{4} << 20;

// The AEAD's associated data: the format byte, then the caller's bytes. Binding the format
// byte means a future format cannot be relabelled as this one (or the reverse).
class SealedAd {
 public:
  SealedAd(BlockFormat format, ByteView caller) {
    const std::size_t n = kFormatSize + caller.size();
    std::byte* dst = small_.data();
    if (n > small_.size()) {
      large_.resize(n);
      dst = large_.data();
    }
    dst[0] = static_cast<std::byte>(format);
    if (!caller.empty()) std::memcpy(dst + kFormatSize, caller.data(), caller.size());
    view_ = ByteView(dst, n);
  }
  SealedAd(const SealedAd&) = delete;
  SealedAd& operator=(const SealedAd&) = delete;
  ByteView view() const noexcept { return view_; }

 private:
  std::array<std::byte, 256> small_;
  Buffer large_;
  ByteView view_;
};

zerofs::Error not_authentic(std::string_view why) {
  return zerofs::Error::make(Errc::integrity, "authentication failed: {}", why);
}

Buffer& decrypt_scratch() {
  thread_local Buffer scratch;
  return scratch;
}

}  // namespace

Transformer Transformer::encrypting(DataKey key, Compression compression) {
  return Transformer(std::optional<DataKey>(std::move(key)), compression);
}

Transformer Transformer::compress_only(Compression compression) {
  return Transformer(std::nullopt, compression);
}

std::size_t Transformer::max_encoded_size(std::size_t plain_size) const noexcept {
  return kFormatSize + (encrypts() ? kSealOverhead : 0) + max_frame_size(plain_size);
}

Result<Buffer> Transformer::encode(ByteView plain, ByteView associated_data) const {
  Buffer out;
  ZF_CHECK(encode_append(plain, associated_data, out));
  return out;
}

// Layout is written front to back into one reservation: the compressor writes its frame
// straight after the nonce slot and the AEAD encrypts that frame in place.
Result<void> Transformer::encode_append(ByteView plain, ByteView associated_data,
                                        Buffer& out) const {
  if (plain.size() > kMaxFrameContentSize) {
    return fail(Errc::too_big, "cannot encode a {}-byte block: the limit is {} bytes", plain.size(),
                kMaxFrameContentSize);
  }
  const std::size_t start = out.size();
  // Callers append many blocks to one buffer (a whole SST): grow it geometrically, since
  // Buffer::reserve allocates exactly what it is asked for and copying the buffer for every
  // block would make building a table quadratic in its size.
  const std::size_t need = start + max_encoded_size(plain.size());
  if (need > out.capacity()) out.reserve(std::max(need, out.capacity() + out.capacity() / 2));
  if (!key_) {
    out.push_back(static_cast<std::byte>(BlockFormat::plain_v1));
    ZF_CHECK(compress_frame_append(compression_, plain, out));
    return {};
  }
  out.resize(start + kFormatSize + kNonceSize);
  out[start] = static_cast<std::byte>(BlockFormat::sealed_v1);
  ZF_CHECK(compress_frame_append(compression_, plain, out));
  out.resize(out.size() + kTagSize);
  const SealedAd ad(BlockFormat::sealed_v1, associated_data);
  seal_in_place(*key_, out.mutable_view().subspan(start + kFormatSize), ad.view());
  return {};
}

Result<Buffer> Transformer::decode(ByteView stored, ByteView associated_data) const {
  Buffer out;
  ZF_CHECK(decode_append(stored, associated_data, out));
  return out;
}

Result<void> Transformer::decode_append(ByteView stored, ByteView associated_data,
                                        Buffer& out) const {
  if (key_) return decode_sealed(stored, associated_data, out);
  return decode_plain(stored, out);
}

Result<void> Transformer::decode_sealed(ByteView stored, ByteView associated_data,
                                        Buffer& out) const {
  if (stored.empty()) return fail(not_authentic("empty block"));
  const auto format = static_cast<std::uint8_t>(stored[0]);
  if (format != static_cast<std::uint8_t>(BlockFormat::sealed_v1)) {
    return fail(not_authentic(
        format == static_cast<std::uint8_t>(BlockFormat::plain_v1)
            ? std::string("block is not encrypted; an encrypting reader refuses plain blocks")
            : fmt::format("unknown block format byte 0x{:02x}", format)));
  }
  if (stored.size() < kMinSealedSize) {
    return fail(
        not_authentic(fmt::format("sealed block of {} bytes is shorter than the {}-byte "
                                  "minimum (truncated)",
                                  stored.size(), kMinSealedSize)));
  }
  const SealedAd ad(BlockFormat::sealed_v1, associated_data);
  Buffer& scratch = decrypt_scratch();
  scratch.clear();
  ZF_CHECK(open_append(*key_, stored.subspan(kFormatSize), ad.view(), scratch));
  auto decoded = decompress_frame_append(scratch.view(), out);
  if (scratch.capacity() > kScratchKeep) scratch = Buffer();
  return decoded;
}

Result<void> Transformer::decode_plain(ByteView stored, Buffer& out) const {
  if (stored.empty()) return fail(Errc::corrupt, "empty block: no format byte");
  const auto format = static_cast<std::uint8_t>(stored[0]);
  if (format == static_cast<std::uint8_t>(BlockFormat::sealed_v1)) {
    return fail(Errc::unsupported,
                "block is encrypted but this transformer is compress-only (no key)");
  }
  if (format != static_cast<std::uint8_t>(BlockFormat::plain_v1)) {
    return fail(Errc::corrupt, "unknown block format byte 0x{:02x}", format);
  }
  return decompress_frame_append(stored.subspan(kFormatSize), out);
}

}  // namespace zcrypt
