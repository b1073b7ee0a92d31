// The on-disk layout of the file:// store (documented for users in zobj/file_store.h).
// FROZEN: changing a name, the escaping or the header breaks existing stores; add a new
// format version instead.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "zobj/object_store.h"

namespace zobj::file_layout {

// Internal directories in the root. Their names contain '%' not followed by "25" and do not
// end with '%', so no key ever encodes to them (see encode_key_path).
inline constexpr std::string_view kTempDir = ".zobj%tmp";
inline constexpr std::string_view kLockDir = ".zobj%lock";
// Lock file serialising the creation and clean-up of per-instance temp directories.
inline constexpr std::string_view kTempLock = "tmp";
// Mutations of a key lock the stripe file kLockDir/<2 hex digits of xxh3(key) mod 256>.
inline constexpr unsigned kLockStripes = 256;

// Longest file name we create (NAME_MAX on Linux file systems).
inline constexpr std::size_t kMaxNameBytes = 255;

// Object file header: magic, version, etag length, put-id length, reserved; then the etag
// and put-id bytes; then the payload.
inline constexpr char kMagic[4] = {'Z', 'O', 'B', 'J'};
inline constexpr std::uint8_t kFormatVersion = 1;
inline constexpr std::size_t kFixedHeaderBytes = 8;
inline constexpr std::size_t kMaxHeaderBytes = kFixedHeaderBytes + 255 + 255;

// Relative path of the file holding `key` ('/'-separated): every segment has '%' escaped as
// "%25"; directory segments get a '%' suffix, so "a" (file "a") and "a/b" (dir "a%", file
// "b") can coexist. invalid_argument if a name would exceed kMaxNameBytes.
// REQUIRES: validate_key(key) succeeded.
Result<std::string> encode_key_path(std::string_view key);

// The key segment a directory entry name stands for, or nullopt if the name is not one we
// create (internal directories, foreign files). `is_dir` tells which kind the name encodes.
std::optional<std::string> decode_name(std::string_view name, bool& is_dir);

// Lock stripe index of a key.
unsigned lock_stripe(std::string_view key) noexcept;

// Writes the header for (etag, put_id) into `out` (kMaxHeaderBytes long); returns its size.
// REQUIRES: etag and put_id are at most 255 bytes each.
std::size_t encode_header(std::string_view etag, std::string_view put_id, std::byte* out);

struct Header {
  std::string etag;
  std::string put_id;
  std::size_t length = 0;  // payload starts here
};

// Parses the header at the start of `bytes` (the first min(file size, kMaxHeaderBytes)
// bytes of an object file). corrupt if the file is not an object file of a known version.
Result<Header> decode_header(ByteView bytes, std::string_view path);

}  // namespace zobj::file_layout
