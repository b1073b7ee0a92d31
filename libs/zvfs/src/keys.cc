#include "keys.h"

#include "base/coding.h"
#include "zvfs/config.h"

namespace zvfs {

lsm::Options database_options(lsm::Options options) {
  options.partition_keys = {std::string(1, static_cast<char>(keys::Prefix::chunk))};
  return options;
}

namespace keys {

namespace {

std::uint8_t byte_of(Prefix p) { return static_cast<std::uint8_t>(p); }

ShortKey id_key(Prefix p, Ino id) {
  ShortKey k;
  k.push(byte_of(p));
  k.push_u64(id);
  return k;
}

ShortKey system_key(SystemKey which) {
  ShortKey k;
  k.push(byte_of(Prefix::system));
  k.push(static_cast<std::uint8_t>(which));
  return k;
}

std::string named_key(Prefix p, Ino id, std::string_view name) {
  std::string k;
  k.resize(9 + name.size());
  k[0] = static_cast<char>(byte_of(p));
  zerofs::encode_u64_be(reinterpret_cast<std::byte*>(k.data() + 1), id);
  k.replace(9, name.size(), name);
  return k;
}

std::uint64_t be64(std::string_view key, std::size_t at) {
  return zerofs::decode_u64_be(reinterpret_cast<const std::byte*>(key.data() + at));
}

}  // namespace

void ShortKey::push_u64(std::uint64_t v) noexcept {
  zerofs::encode_u64_be(reinterpret_cast<std::byte*>(bytes_.data() + size_), v);
  size_ += 8;
}

ShortKey format_key() { return system_key(SystemKey::format); }
ShortKey ino_reservation_key() { return system_key(SystemKey::ino_reservation); }
ShortKey usage_key(std::size_t shard) {
  ShortKey k = system_key(SystemKey::usage);
  k.push(static_cast<std::uint8_t>(shard));
  return k;
}
ShortKey inode_key(Ino ino) { return id_key(Prefix::inode, ino); }
ShortKey orphan_key(Ino ino) { return id_key(Prefix::orphan, ino); }
ShortKey tombstone_key(Ino ino) { return id_key(Prefix::tombstone, ino); }
ShortKey chunk_key(Ino ino, std::uint64_t index) {
  ShortKey k = id_key(Prefix::chunk, ino);
  k.push_u64(index);
  return k;
}
ShortKey dirscan_key(Ino dir, std::uint64_t cookie) {
  ShortKey k = id_key(Prefix::dirscan, dir);
  k.push_u64(cookie);
  return k;
}
std::string dirent_key(Ino dir, std::string_view name) {
  return named_key(Prefix::dirent, dir, name);
}
std::string xattr_key(Ino ino, std::string_view name) {
  return named_key(Prefix::xattr, ino, name);
}

ShortKey id_prefix(Prefix prefix, Ino id) { return id_key(prefix, id); }
ShortKey prefix_start(Prefix prefix) {
  ShortKey k;
  k.push(byte_of(prefix));
  return k;
}
ShortKey prefix_end(Prefix prefix) {
  ShortKey k;
  k.push(static_cast<std::uint8_t>(byte_of(prefix) + 1));
  return k;
}

std::optional<Prefix> prefix_of(std::string_view key) {
  if (key.empty()) return std::nullopt;
  return static_cast<Prefix>(static_cast<std::uint8_t>(key[0]));
}

std::optional<Ino> parse_id_key(Prefix prefix, std::string_view key) {
  if (key.size() != 9 || prefix_of(key) != prefix) return std::nullopt;
  return be64(key, 1);
}

std::optional<ChunkKey> parse_chunk_key(std::string_view key) {
  if (key.size() != 17 || prefix_of(key) != Prefix::chunk) return std::nullopt;
  return ChunkKey{be64(key, 1), be64(key, 9)};
}

std::optional<NamedKey> parse_named_key(Prefix prefix, std::string_view key) {
  if (key.size() < 10 || prefix_of(key) != prefix) return std::nullopt;
  return NamedKey{be64(key, 1), key.substr(9)};
}

std::optional<CookieKey> parse_dirscan_key(std::string_view key) {
  if (key.size() != 17 || prefix_of(key) != Prefix::dirscan) return std::nullopt;
  return CookieKey{be64(key, 1), be64(key, 9)};
}

}  // namespace keys
}  // namespace zvfs
