// The key schema of the filesystem inside the LSM (docs/formats/vfs-keys.md, FROZEN).
//
// One prefix byte, then big-endian ids (byte order = numeric order). Metadata prefixes are
// grouped at the front and file data comes last, so metadata scans never touch data tables.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "zvfs/types.h"

namespace zvfs::keys {

// Prefix bytes. FROZEN: never renumber or reuse.
enum class Prefix : std::uint8_t {
  system = 0x01,     // singletons: format record, inode id reservation, usage shards
  inode = 0x02,      // ino -> inode record
  dirent = 0x03,     // dir, name -> child
  dirscan = 0x04,    // dir, cookie -> name, child (readdir order)
  xattr = 0x05,      // ino, name -> value
  orphan = 0x06,     // ino -> open but unlinked
  tombstone = 0x07,  // ino -> chunks still to delete
  chunk = 0x10,      // ino, index -> file data
};

// Second byte of system keys. FROZEN.
enum class SystemKey : std::uint8_t { format = 0x01, ino_reservation = 0x02, usage = 0x03 };

inline constexpr std::size_t kUsageShards = 16;

// A key of at most 24 bytes held inline (chunk keys are 17): no allocation on the data path.
class ShortKey {
 public:
  std::string_view view() const noexcept { return {bytes_.data(), size_}; }
  operator std::string_view() const noexcept { return view(); }  // NOLINT: a key is a view
  std::string str() const { return std::string(view()); }

  void push(std::uint8_t b) noexcept { bytes_[size_++] = static_cast<char>(b); }
  void push_u64(std::uint64_t v) noexcept;

 private:
  std::array<char, 24> bytes_{};
  std::size_t size_ = 0;
};

ShortKey format_key();
ShortKey ino_reservation_key();
ShortKey usage_key(std::size_t shard);
ShortKey inode_key(Ino ino);
ShortKey orphan_key(Ino ino);
ShortKey tombstone_key(Ino ino);
ShortKey chunk_key(Ino ino, std::uint64_t index);
ShortKey dirscan_key(Ino dir, std::uint64_t cookie);
std::string dirent_key(Ino dir, std::string_view name);
std::string xattr_key(Ino ino, std::string_view name);

// [prefix][id]: the lower bound of every key of `id` under `prefix`; with id + 1 the upper.
ShortKey id_prefix(Prefix prefix, Ino id);
// [prefix]: the lower bound of a whole prefix; prefix + 1 is the upper bound.
ShortKey prefix_start(Prefix prefix);
ShortKey prefix_end(Prefix prefix);

// Decoders for keys found while scanning; nullopt when the key does not have that shape.
struct ChunkKey {
  Ino ino;
  std::uint64_t index;
};
struct NamedKey {
  Ino id;
  std::string_view name;  // views the key
};
struct CookieKey {
  Ino dir;
  std::uint64_t cookie;
};
std::optional<Prefix> prefix_of(std::string_view key);
std::optional<Ino> parse_id_key(Prefix prefix, std::string_view key);  // inode/orphan/tombstone
std::optional<ChunkKey> parse_chunk_key(std::string_view key);
std::optional<NamedKey> parse_named_key(Prefix prefix, std::string_view key);  // dirent/xattr
std::optional<CookieKey> parse_dirscan_key(std::string_view key);

}  // namespace zvfs::keys
