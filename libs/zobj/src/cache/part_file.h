// The on-disk format of one cached part (FROZEN, version 1), and the file names.
//
// A part file holds bytes [part * part_size, part * part_size + length) of one object
// version, behind a header that names the object and carries its metadata, so the cache
// index can be rebuilt from the files alone after a restart:
//    0  4  magic "ZDCP"
//    4  1  format version (1)
//    5  1  etag length E (1..255)
//    6  1  put-id length P (0..128)
//    7  1  reserved, 0
//    8  2  key length K (1..1024)
//   10  2  reserved, 0
//   12  4  part size of the cache that wrote the file
//   16  8  part index
//   24  8  object size
//   32  8  object modification time (unix ms, signed)
//   40  4  payload length D
//   44  4  reserved, 0
//   48  8  xxh3-64 of bytes [0, 48) and [56, end)
//   56  K  key, then E etag, P put-id, D payload
// A file whose checksum, lengths or naming do not match is torn or corrupt: it is deleted
// and never served. Files are installed with rename(2), so a reader sees a whole file or
// none; no fsync is needed because a torn file after a crash fails its checksum.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "zobj/object_store.h"

namespace zobj::cache {

inline constexpr std::size_t kPartHeaderFixed = 56;
// Enough to decode any header: the fixed part plus the longest key, etag and put-id.
inline constexpr std::size_t kPartHeaderMax =
    kPartHeaderFixed + kMaxKeyBytes + 255 + kMaxPutIdBytes;

struct PartHeader {
  ObjectMeta meta;  // meta.key is the object key
  std::uint32_t part_size = 0;
  std::uint64_t part = 0;
  std::uint32_t length = 0;    // payload bytes
  std::size_t header_len = 0;  // set by decode: where the payload starts
};

// The payload length of part `part` of an object of `size` bytes (0 past the end).
std::uint64_t part_length(std::uint64_t size, std::uint64_t part, std::uint64_t part_size);

// The header for `payload`, checksum included. REQUIRES: header fields within the limits.
Buffer encode_part_header(const PartHeader& header, ByteView payload);

// Decodes and checks the structure of a header at the start of `bytes` (the checksum is
// checked by verify_part). Errc::corrupt when it does not parse.
Result<PartHeader> decode_part_header(ByteView bytes);

// Checks the checksum: `head` starts with the encoded header (at least header.header_len
// bytes of it are used), `payload` is the header.length bytes after it.
bool verify_part(const PartHeader& header, ByteView head, ByteView payload);

// "<2 hex>/<32 hex>": a 128-bit hash of (key, part), fanned out over 256 directories.
std::string part_file_name(std::string_view key, std::uint64_t part);

// 16 hex digits naming a cache namespace's directory.
std::string namespace_dir_name(std::string_view namespace_id);

}  // namespace zobj::cache
