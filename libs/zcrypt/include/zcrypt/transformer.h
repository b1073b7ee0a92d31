// Transformer: the compress -> encrypt pipeline applied to every stored block.
//
// liblsm declares its own BlockTransformer interface and never sees this class; libzvfs (and
// benches and tests) adapt one to the other. Stored frames (FROZEN, documented with exact
// bytes in docs/formats/block-framing.md):
//
//   sealed_v1:  0x02 || nonce (24) || XChaCha20-Poly1305(compression frame) || tag (16)
//               associated data of the AEAD = 0x02 || caller's associated data
//   plain_v1:   0x01 || compression frame
//
// The compression frame (zcrypt/compression.h) names its codec, so any Transformer decodes
// blocks written with any codec: changing the compression setting needs no migration. In
// sealed frames the codec tag and sizes are inside the ciphertext, hence authenticated.
//
// An encrypting Transformer accepts only sealed_v1 frames: a plain frame (a downgrade), an
// unknown format byte, any altered byte, a different associated data or a truncated frame
// all fail with Errc::integrity. Bytes that authenticate but do not decompress fail with
// Errc::corrupt (a writer bug, not an attack). A compress-only Transformer exists for
// benchmarking against engines without encryption; it ignores associated data and reports
// damage as Errc::corrupt (nothing is authenticated; the LSM's checksum catches bit rot).
//
// Thread safety: const methods may be called concurrently from any thread; per-thread
// scratch buffers and zstd contexts keep them allocation-light. The Transformer must outlive
// the calls; it owns its key.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <utility>

#include "base/buffer.h"
#include "base/result.h"
#include "zcrypt/compression.h"
#include "zcrypt/data_key.h"

namespace zcrypt {

using zerofs::Buffer;
using zerofs::ByteView;
using zerofs::Result;

// Byte 0 of every stored frame. FROZEN: never renumber or reuse; 0x00 is never a valid
// format, so zero-filled bytes are rejected.
enum class BlockFormat : std::uint8_t {
  plain_v1 = 0x01,   // compression frame only
  sealed_v1 = 0x02,  // XChaCha20-Poly1305 over the compression frame
};

class Transformer {
 public:
  // Compresses with `compression`, then seals with `key` (normally a subkey of the DEK).
  // REQUIRES: !key.empty().
  static Transformer encrypting(DataKey key, Compression compression);
  // Compresses only. Frames are neither confidential nor authenticated.
  static Transformer compress_only(Compression compression);

  Transformer(Transformer&&) noexcept = default;
  Transformer& operator=(Transformer&&) noexcept = default;

  bool encrypts() const noexcept { return key_.has_value(); }
  Compression compression() const noexcept { return compression_; }
  // Upper bound on the encoded size of `plain_size` bytes.
  std::size_t max_encoded_size(std::size_t plain_size) const noexcept;

  // Compresses then (if encrypting) seals `plain`, binding it to `associated_data`.
  // Errors: too_big if plain.size() > kMaxFrameContentSize.
  Result<Buffer> encode(ByteView plain, ByteView associated_data) const;
  // The same, appending to `out` (one reservation, no intermediate copies). `plain` must not
  // alias `out`'s storage. On failure `out` is unchanged.
  Result<void> encode_append(ByteView plain, ByteView associated_data, Buffer& out) const;

  // Reverses encode(). Errors: integrity, corrupt, unsupported (an encrypted frame given to a
  // compress-only Transformer). On failure `out` keeps its previous size.
  Result<Buffer> decode(ByteView stored, ByteView associated_data) const;
  Result<void> decode_append(ByteView stored, ByteView associated_data, Buffer& out) const;

 private:
  Transformer(std::optional<DataKey> key, Compression compression) noexcept
      : key_(std::move(key)), compression_(compression) {}

  Result<void> decode_sealed(ByteView stored, ByteView associated_data, Buffer& out) const;
  Result<void> decode_plain(ByteView stored, Buffer& out) const;

  std::optional<DataKey> key_;  // constant after construction; empty: compress-only
  Compression compression_;
};

}  // namespace zcrypt
