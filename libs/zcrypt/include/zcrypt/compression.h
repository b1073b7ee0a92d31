// Compression settings and the self-describing compression frame.
//
// A compression frame is what every compressed payload in zerofs looks like, so a reader
// never needs to know which codec the writer was configured with (changing `compression`
// needs no migration). Layout (FROZEN, see docs/formats/block-framing.md):
//
//   offset  size  field
//   0       1     codec tag (Codec below)
//   1       4     content size: uncompressed length, u32 little-endian
//   5       ...   payload: the raw bytes (none), one LZ4 block (lz4), one zstd frame that
//                 records its content size (zstd)
//
// The writer falls back to Codec::none whenever the codec would not make the payload smaller
// (incompressible or empty input). The reader bounds the declared size before allocating and
// checks that decompression produced exactly that many bytes.
//
// Thread safety: everything here may be called concurrently; zstd contexts are per thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "base/buffer.h"
#include "base/result.h"

namespace zcrypt {

using zerofs::Buffer;
using zerofs::ByteView;
using zerofs::Result;

// Codec tags as stored in byte 0 of a compression frame. FROZEN: never renumber or reuse.
enum class Codec : std::uint8_t {
  none = 0,
  lz4 = 1,   // LZ4 block format (LZ4_compress_default / LZ4_decompress_safe)
  zstd = 2,  // a single zstd frame with its content size in the frame header
};

inline constexpr std::size_t kFrameHeaderSize = 5;
// Largest content a frame may hold. Writers refuse more (Errc::too_big); readers treat a
// larger declared size as corrupt, so damaged bytes cannot trigger a huge allocation.
inline constexpr std::size_t kMaxFrameContentSize = std::size_t{1} << 30;

class Compression {
 public:
  static constexpr int kMinZstdLevel = 1;
  static constexpr int kMaxZstdLevel = 22;

  static constexpr Compression none() noexcept { return Compression(Codec::none, 0); }
  static constexpr Compression lz4() noexcept { return Compression(Codec::lz4, 0); }
  // REQUIRES: kMinZstdLevel <= level <= kMaxZstdLevel (other values are clamped).
  static constexpr Compression zstd(int level) noexcept {
    return Compression(Codec::zstd, level < kMinZstdLevel   ? kMinZstdLevel
                                    : level > kMaxZstdLevel ? kMaxZstdLevel
                                                            : level);
  }

  // Parses "none", "lz4" or "zstd-N" (N in 1..22), the spelling used in config files.
  // Errors: invalid_argument naming the rejected string.
  static Result<Compression> parse(std::string_view text);

  Codec codec() const noexcept { return codec_; }
  int level() const noexcept { return level_; }  // 0 unless codec() == Codec::zstd
  // The parse() spelling: "none", "lz4", "zstd-3".
  std::string name() const;

  friend bool operator==(Compression, Compression) noexcept = default;

 private:
  constexpr Compression(Codec codec, int level) noexcept : codec_(codec), level_(level) {}

  Codec codec_;
  int level_;
};

// Upper bound on the frame size compress_frame_append() writes for `plain_size` bytes.
std::size_t max_frame_size(std::size_t plain_size) noexcept;

// Appends a compression frame for `plain` to `out`. Errors: too_big if `plain` exceeds
// kMaxFrameContentSize. `plain` must not alias `out`'s storage.
Result<void> compress_frame_append(Compression compression, ByteView plain, Buffer& out);
Result<Buffer> compress_frame(Compression compression, ByteView plain);

// The codec and content size declared by a frame's header. Errors: corrupt.
struct FrameHeader {
  Codec codec;
  std::size_t content_size;
};
Result<FrameHeader> read_frame_header(ByteView frame);

// Appends the decompressed content of `frame` to `out`. Errors: corrupt (short header,
// unknown codec, absurd or wrong declared size, undecodable payload); `out` then keeps its
// previous size.
Result<void> decompress_frame_append(ByteView frame, Buffer& out);
Result<Buffer> decompress_frame(ByteView frame);

}  // namespace zcrypt
