#include "zcrypt/compression.h"

#include <lz4.h>
#include <zstd.h>

#include <algorithm>
#include <charconv>
#include <cstring>
#include <memory>

#include "base/coding.h"

namespace zcrypt {

using zerofs::Errc;
using zerofs::fail;

static_assert(kMaxFrameContentSize <= LZ4_MAX_INPUT_SIZE);
static_assert(kMaxFrameContentSize <= UINT32_MAX);

namespace {

// The most an LZ4 block can expand: every compressed byte yields at most 255 output bytes
// (a match-length continuation byte adds 255; a literal yields one).
constexpr std::size_t kLz4MaxRatio = 255;

struct CCtxFree {
  void operator()(ZSTD_CCtx* c) const noexcept { ZSTD_freeCCtx(c); }
};
struct DCtxFree {
  void operator()(ZSTD_DCtx* d) const noexcept { ZSTD_freeDCtx(d); }
};

// Creating a zstd context costs far more than compressing a 4 KiB block, so each thread
// keeps one of each for its lifetime.
ZSTD_CCtx* thread_cctx() {
  thread_local std::unique_ptr<ZSTD_CCtx, CCtxFree> cctx(ZSTD_createCCtx());
  return cctx.get();
}
ZSTD_DCtx* thread_dctx() {
  thread_local std::unique_ptr<ZSTD_DCtx, DCtxFree> dctx(ZSTD_createDCtx());
  return dctx.get();
}

std::size_t codec_bound(Codec codec, std::size_t n) noexcept {
  switch (codec) {
    case Codec::none:
      return n;
    case Codec::lz4:
      return static_cast<std::size_t>(LZ4_compressBound(static_cast<int>(n)));
    case Codec::zstd:
      return ZSTD_compressBound(n);
  }
  return n;
}

// Compresses into dst (capacity >= codec_bound). Returns the payload size, or 0 when the
// codec failed; the caller then stores the bytes uncompressed.
std::size_t compress_payload(Compression c, ByteView plain, std::byte* dst, std::size_t cap) {
  const auto* src = reinterpret_cast<const char*>(plain.data());
  switch (c.codec()) {
    case Codec::none:
      return 0;
    case Codec::lz4: {
      const int r = LZ4_compress_default(src, reinterpret_cast<char*>(dst),
                                         static_cast<int>(plain.size()), static_cast<int>(cap));
      return r > 0 ? static_cast<std::size_t>(r) : 0;
    }
    case Codec::zstd: {
      ZSTD_CCtx* cctx = thread_cctx();
      if (cctx == nullptr) return 0;
      const std::size_t r = ZSTD_compressCCtx(cctx, dst, cap, src, plain.size(), c.level());
      return ZSTD_isError(r) ? 0 : r;
    }
  }
  return 0;
}

zerofs::Error corrupt(std::string_view what) {
  return zerofs::Error::make(Errc::corrupt, "compression frame: {}", what);
}

}  // namespace

Result<Compression> Compression::parse(std::string_view text) {
  if (text == "none") return none();
  if (text == "lz4") return lz4();
  constexpr std::string_view kZstd = "zstd-";
  if (text.starts_with(kZstd)) {
    const std::string_view digits = text.substr(kZstd.size());
    int level = 0;
    const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), level);
    if (ec == std::errc() && end == digits.data() + digits.size() && !digits.empty() &&
        digits.front() != '+' && level >= kMinZstdLevel && level <= kMaxZstdLevel) {
      return zstd(level);
    }
  }
  return fail(Errc::invalid_argument,
              "invalid compression \"{}\": expected \"none\", \"lz4\" or \"zstd-N\" with N in "
              "{}..{}",
              text, kMinZstdLevel, kMaxZstdLevel);
}

std::string Compression::name() const {
  switch (codec_) {
    case Codec::none:
      return "none";
    case Codec::lz4:
      return "lz4";
    case Codec::zstd:
      return "zstd-" + std::to_string(level_);
  }
  return "unknown";
}

std::size_t max_frame_size(std::size_t plain_size) noexcept {
  const std::size_t n = std::min(plain_size, kMaxFrameContentSize);
  return kFrameHeaderSize + std::max({n, codec_bound(Codec::lz4, n), codec_bound(Codec::zstd, n)});
}

Result<void> compress_frame_append(Compression compression, ByteView plain, Buffer& out) {
  const std::size_t n = plain.size();
  if (n > kMaxFrameContentSize) {
    return fail(Errc::too_big, "cannot compress {} bytes: a frame holds at most {}", n,
                kMaxFrameContentSize);
  }
  const std::size_t start = out.size();
  const std::size_t cap = std::max(n, codec_bound(compression.codec(), n));
  out.resize(start + kFrameHeaderSize + cap);
  std::byte* header = out.data() + start;
  std::byte* payload = header + kFrameHeaderSize;

  Codec codec = compression.codec();
  std::size_t size = n == 0 ? 0 : compress_payload(compression, plain, payload, cap);
  if (size == 0 || size >= n) {
    codec = Codec::none;
    size = n;
    if (n != 0) std::memcpy(payload, plain.data(), n);
  }
  header[0] = static_cast<std::byte>(codec);
  zerofs::encode_u32_le(header + 1, static_cast<std::uint32_t>(n));
  out.resize(start + kFrameHeaderSize + size);
  return {};
}

Result<Buffer> compress_frame(Compression compression, ByteView plain) {
  Buffer out;
  ZF_CHECK(compress_frame_append(compression, plain, out));
  return out;
}

Result<FrameHeader> read_frame_header(ByteView frame) {
  if (frame.size() < kFrameHeaderSize) {
    return fail(corrupt(fmt::format("{} bytes is shorter than the {}-byte header", frame.size(),
                                    kFrameHeaderSize)));
  }
  const auto tag = static_cast<std::uint8_t>(frame[0]);
  if (tag > static_cast<std::uint8_t>(Codec::zstd)) {
    return fail(corrupt(fmt::format("unknown codec tag {}", tag)));
  }
  const std::size_t content = zerofs::decode_u32_le(frame.data() + 1);
  if (content > kMaxFrameContentSize) {
    return fail(corrupt(
        fmt::format("declared size {} exceeds the {}-byte limit", content, kMaxFrameContentSize)));
  }
  return FrameHeader{static_cast<Codec>(tag), content};
}

Result<void> decompress_frame_append(ByteView frame, Buffer& out) {
  ZF_TRY(const FrameHeader header, read_frame_header(frame));
  const ByteView payload = frame.subspan(kFrameHeaderSize);
  const std::size_t content = header.content_size;
  const std::size_t start = out.size();

  switch (header.codec) {
    case Codec::none:
      if (payload.size() != content) {
        return fail(corrupt(
            fmt::format("stored payload is {} bytes but declares {}", payload.size(), content)));
      }
      out.append(payload);
      return {};

    case Codec::lz4: {
      if (content > payload.size() * kLz4MaxRatio || payload.size() > LZ4_MAX_INPUT_SIZE) {
        return fail(corrupt(
            fmt::format("lz4 payload of {} bytes cannot hold {} bytes", payload.size(), content)));
      }
      out.resize(start + content);
      const int r =
          LZ4_decompress_safe(reinterpret_cast<const char*>(payload.data()),
                              reinterpret_cast<char*>(out.data() + start),
                              static_cast<int>(payload.size()), static_cast<int>(content));
      if (r < 0 || static_cast<std::size_t>(r) != content) {
        out.resize(start);
        return fail(
            corrupt(fmt::format("lz4 payload does not decode to the declared {} bytes", content)));
      }
      return {};
    }

    case Codec::zstd: {
      const unsigned long long declared = ZSTD_getFrameContentSize(payload.data(), payload.size());
      if (declared != content) {
        return fail(
            corrupt(fmt::format("zstd payload header disagrees with declared size {}", content)));
      }
      ZSTD_DCtx* dctx = thread_dctx();
      if (dctx == nullptr) return fail(Errc::permanent, "cannot allocate a zstd context");
      out.resize(start + content);
      const std::size_t r =
          ZSTD_decompressDCtx(dctx, out.data() + start, content, payload.data(), payload.size());
      if (ZSTD_isError(r) || r != content) {
        out.resize(start);
        return fail(corrupt(fmt::format(
            "zstd payload does not decode to the declared {} bytes{}", content,
            ZSTD_isError(r) ? std::string(": ") + ZSTD_getErrorName(r) : std::string())));
      }
      return {};
    }
  }
  return fail(corrupt("unknown codec"));
}

Result<Buffer> decompress_frame(ByteView frame) {
  Buffer out;
  ZF_CHECK(decompress_frame_append(frame, out));
  return out;
}

}  // namespace zcrypt
