#include "cache/part_file.h"

#include <fmt/format.h>
#define XXH_STATIC_LINKING_ONLY  // XXH3_state_t on the stack
#include <xxhash.h>

#include <cstring>

#include "base/coding.h"

namespace zobj::cache {

namespace {

constexpr std::string_view kMagic = "ZDCP";
constexpr std::uint8_t kVersion = 1;
constexpr std::size_t kChecksumAt = 48;

// The checksum runs over the header around its own field, then the payload.
std::uint64_t checksum(const std::byte* header, std::size_t header_len, ByteView payload) {
  XXH3_state_t state;
  XXH3_64bits_reset(&state);
  XXH3_64bits_update(&state, header, kChecksumAt);
  XXH3_64bits_update(&state, header + kPartHeaderFixed, header_len - kPartHeaderFixed);
  XXH3_64bits_update(&state, payload.data(), payload.size());
  return XXH3_64bits_digest(&state);
}

}  // namespace

std::uint64_t part_length(std::uint64_t size, std::uint64_t part, std::uint64_t part_size) {
  const std::uint64_t start = part * part_size;
  if (start >= size) return 0;
  return std::min(part_size, size - start);
}

Buffer encode_part_header(const PartHeader& header, ByteView payload) {
  const ObjectMeta& m = header.meta;
  Buffer out(kPartHeaderFixed + m.key.size() + m.etag.size() + m.put_id.size());
  std::byte* p = out.data();
  std::memset(p, 0, kPartHeaderFixed);
  std::memcpy(p, kMagic.data(), kMagic.size());
  p[4] = std::byte{kVersion};
  p[5] = static_cast<std::byte>(m.etag.size());
  p[6] = static_cast<std::byte>(m.put_id.size());
  zerofs::encode_u16_le(p + 8, static_cast<std::uint16_t>(m.key.size()));
  zerofs::encode_u32_le(p + 12, header.part_size);
  zerofs::encode_u64_le(p + 16, header.part);
  zerofs::encode_u64_le(p + 24, m.size);
  zerofs::encode_u64_le(p + 32, static_cast<std::uint64_t>(m.modified_unix_ms));
  zerofs::encode_u32_le(p + 40, static_cast<std::uint32_t>(payload.size()));
  std::byte* q = p + kPartHeaderFixed;
  for (const std::string* s : {&m.key, &m.etag, &m.put_id}) {
    std::memcpy(q, s->data(), s->size());
    q += s->size();
  }
  zerofs::encode_u64_le(p + kChecksumAt, checksum(p, out.size(), payload));
  return out;
}

Result<PartHeader> decode_part_header(ByteView bytes) {
  if (bytes.size() < kPartHeaderFixed ||
      std::memcmp(bytes.data(), kMagic.data(), kMagic.size()) != 0 ||
      bytes[4] != std::byte{kVersion}) {
    return zerofs::fail(Errc::corrupt, "not a cache part file");
  }
  const std::byte* p = bytes.data();
  const std::size_t etag_len = std::to_integer<std::size_t>(p[5]);
  const std::size_t put_id_len = std::to_integer<std::size_t>(p[6]);
  const std::size_t key_len = zerofs::decode_u16_le(p + 8);
  if (etag_len == 0 || put_id_len > kMaxPutIdBytes || key_len == 0 || key_len > kMaxKeyBytes) {
    return zerofs::fail(Errc::corrupt, "cache part header has bad lengths");
  }
  PartHeader h;
  h.header_len = kPartHeaderFixed + key_len + etag_len + put_id_len;
  if (bytes.size() < h.header_len) {
    return zerofs::fail(Errc::corrupt, "cache part header is truncated");
  }
  h.part_size = zerofs::decode_u32_le(p + 12);
  h.part = zerofs::decode_u64_le(p + 16);
  h.meta.size = zerofs::decode_u64_le(p + 24);
  h.meta.modified_unix_ms = static_cast<std::int64_t>(zerofs::decode_u64_le(p + 32));
  h.length = zerofs::decode_u32_le(p + 40);
  const char* s = reinterpret_cast<const char*>(p + kPartHeaderFixed);
  h.meta.key.assign(s, key_len);
  h.meta.etag.assign(s + key_len, etag_len);
  h.meta.put_id.assign(s + key_len + etag_len, put_id_len);
  if (h.part_size == 0 || h.length == 0 ||
      h.length != part_length(h.meta.size, h.part, h.part_size)) {
    return zerofs::fail(Errc::corrupt, "cache part header has a bad payload length");
  }
  return h;
}

bool verify_part(const PartHeader& header, ByteView head, ByteView payload) {
  if (head.size() < header.header_len || payload.size() != header.length) return false;
  const std::uint64_t stored = zerofs::decode_u64_le(head.data() + kChecksumAt);
  return stored == checksum(head.data(), header.header_len, payload);
}

std::string part_file_name(std::string_view key, std::uint64_t part) {
  XXH3_state_t state;
  XXH3_128bits_reset(&state);
  XXH3_128bits_update(&state, key.data(), key.size());
  std::byte part_bytes[8];
  zerofs::encode_u64_le(part_bytes, part);
  XXH3_128bits_update(&state, part_bytes, sizeof part_bytes);
  const XXH128_hash_t h = XXH3_128bits_digest(&state);
  return fmt::format("{:02x}/{:016x}{:016x}", h.high64 >> 56, h.high64, h.low64);
}

std::string namespace_dir_name(std::string_view namespace_id) {
  return fmt::format("{:016x}", XXH3_64bits(namespace_id.data(), namespace_id.size()));
}

}  // namespace zobj::cache
