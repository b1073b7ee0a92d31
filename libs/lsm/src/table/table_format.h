// The SST layout around blocks: block handles, stored-block framing and the footer
// (docs/formats/sst.md, FROZEN for format version 1).
//
//   table      = data block* filter-block? index-block footer
//   stored     = transformer.encode(plain block, AD) || u64 LE XXH3_64bits(encoded bytes)
//   AD         = relative object key (e.g. "sst/<ulid>.sst") || u64 LE block offset
//   handle     = varint offset || varint size           (size includes the checksum)
//   footer     = 56 bytes, not transformed:
//                u64 LE filter offset, u64 LE filter size, u64 LE index offset,
//                u64 LE index size, u32 LE format version, u32 LE flags (0),
//                u64 LE XXH3_64bits of the 40 bytes before it, 8 magic bytes "ZFSSST\0\1"
// The checksum covers the stored bytes so corruption is caught before the transformer
// (decryption) runs; the AD binds each block to its table and position, so a block copied to
// another place fails to decode.
#pragma once

#include <cstdint>
#include <string_view>

#include "base/buffer.h"
#include "base/result.h"
#include "lsm/transformer.h"
#include "table/sst_info.h"

namespace lsm {

inline constexpr std::uint32_t kTableFormatVersion = 1;
inline constexpr std::size_t kBlockChecksumSize = 8;
inline constexpr std::size_t kFooterSize = 56;
inline constexpr char kTableMagic[8] = {'Z', 'F', 'S', 'S', 'S', 'T', '\0', '\1'};

// Index values: the handle of a data block.
void encode_block_handle(zerofs::Buffer& out, const BlockHandle& handle);
// Decodes a handle that fills `in` exactly.
zerofs::Result<BlockHandle> decode_block_handle(std::string_view in);

struct Footer {
  BlockHandle filter;  // size 0: no filter
  BlockHandle index;
  std::uint32_t version = kTableFormatVersion;
};

void encode_footer(zerofs::Buffer& out, const Footer& footer);
// REQUIRES: tail.size() == kFooterSize. Errc::corrupt on a bad magic or checksum,
// Errc::unsupported on an unknown version.
zerofs::Result<Footer> decode_footer(zerofs::ByteView tail);

// Fills `ad` (cleared first) with the associated data of the block at `offset`.
void make_block_ad(std::string_view relative_key, std::uint64_t offset, zerofs::Buffer& ad);

// Appends the stored form of `plain` (written at offset out.size()) to `out` and returns its
// handle. `ad` is scratch space, reused across calls.
zerofs::Result<BlockHandle> append_stored_block(const BlockTransformer& transformer,
                                                std::string_view relative_key,
                                                zerofs::ByteView plain, zerofs::Buffer& out,
                                                zerofs::Buffer& ad);

// Verifies and decodes the stored block `stored` found at `offset` of `relative_key`.
// Errc::corrupt on a checksum mismatch (naming the table and offset); transformer errors
// (Errc::integrity) propagate with that context.
zerofs::Result<zerofs::Buffer> open_stored_block(const BlockTransformer& transformer,
                                                 std::string_view relative_key,
                                                 std::uint64_t offset, zerofs::ByteView stored);

}  // namespace lsm
