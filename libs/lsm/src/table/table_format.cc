#include "table/table_format.h"

#include <cstring>

#include "base/coding.h"
#include "format/hash.h"

namespace lsm {

using zerofs::Errc;
using zerofs::fail;

namespace {

constexpr std::size_t kFooterChecked = 40;  // bytes covered by the footer checksum

}  // namespace

void encode_block_handle(zerofs::Buffer& out, const BlockHandle& handle) {
  zerofs::put_varint(out, handle.offset);
  zerofs::put_varint(out, handle.size);
}

zerofs::Result<BlockHandle> decode_block_handle(std::string_view in) {
  const auto* p = reinterpret_cast<const std::byte*>(in.data());
  const auto* end = p + in.size();
  const auto offset = zerofs::get_varint(&p, end);
  const auto size = offset ? zerofs::get_varint(&p, end) : std::nullopt;
  if (!size || p != end) return fail(Errc::corrupt, "malformed block handle");
  return BlockHandle{*offset, *size};
}

void encode_footer(zerofs::Buffer& out, const Footer& footer) {
  const std::size_t start = out.size();
  zerofs::put_u64_le(out, footer.filter.offset);
  zerofs::put_u64_le(out, footer.filter.size);
  zerofs::put_u64_le(out, footer.index.offset);
  zerofs::put_u64_le(out, footer.index.size);
  zerofs::put_u32_le(out, footer.version);
  zerofs::put_u32_le(out, 0);
  zerofs::put_u64_le(out, hash64(zerofs::ByteView(out.data() + start, kFooterChecked)));
  out.append(std::string_view(kTableMagic, sizeof kTableMagic));
}

zerofs::Result<Footer> decode_footer(zerofs::ByteView tail) {
  if (tail.size() != kFooterSize) return fail(Errc::corrupt, "footer of {} bytes", tail.size());
  const std::byte* p = tail.data();
  if (std::memcmp(p + kFooterSize - sizeof kTableMagic, kTableMagic, sizeof kTableMagic) != 0) {
    return fail(Errc::corrupt, "not an SST: bad footer magic");
  }
  if (zerofs::decode_u64_le(p + kFooterChecked) != hash64(tail.first(kFooterChecked))) {
    return fail(Errc::corrupt, "SST footer checksum mismatch");
  }
  Footer f;
  f.filter = {zerofs::decode_u64_le(p), zerofs::decode_u64_le(p + 8)};
  f.index = {zerofs::decode_u64_le(p + 16), zerofs::decode_u64_le(p + 24)};
  f.version = zerofs::decode_u32_le(p + 32);
  if (f.version != kTableFormatVersion) {
    return fail(Errc::unsupported, "SST format version {} (this build reads {})", f.version,
                kTableFormatVersion);
  }
  return f;
}

void make_block_ad(std::string_view relative_key, std::uint64_t offset, zerofs::Buffer& ad) {
  ad.clear();
  ad.append(relative_key);
  zerofs::put_u64_le(ad, offset);
}

zerofs::Result<BlockHandle> append_stored_block(const BlockTransformer& transformer,
                                                std::string_view relative_key,
                                                zerofs::ByteView plain, zerofs::Buffer& out,
                                                zerofs::Buffer& ad) {
  const std::uint64_t offset = out.size();
  make_block_ad(relative_key, offset, ad);
  ZF_CHECK(transformer.encode(plain, ad.view(), out));
  const std::uint64_t checksum = hash64(zerofs::ByteView(out.data() + offset, out.size() - offset));
  zerofs::put_u64_le(out, checksum);
  return BlockHandle{offset, out.size() - offset};
}

zerofs::Result<zerofs::Buffer> open_stored_block(const BlockTransformer& transformer,
                                                 std::string_view relative_key,
                                                 std::uint64_t offset, zerofs::ByteView stored) {
  if (stored.size() < kBlockChecksumSize) {
    return fail(Errc::corrupt, "{}: block at offset {} is {} bytes", relative_key, offset,
                stored.size());
  }
  const auto body = stored.first(stored.size() - kBlockChecksumSize);
  const std::uint64_t expected = zerofs::decode_u64_le(stored.data() + body.size());
  if (hash64(body) != expected) {
    return fail(Errc::corrupt, "{}: checksum mismatch in block at offset {}", relative_key, offset);
  }
  zerofs::Buffer ad;
  make_block_ad(relative_key, offset, ad);
  auto plain = transformer.decode(body, ad.view());
  if (!plain) {
    return fail(
        plain.error().with_context(fmt::format("{}: block at offset {}", relative_key, offset)));
  }
  return std::move(*plain);
}

}  // namespace lsm
