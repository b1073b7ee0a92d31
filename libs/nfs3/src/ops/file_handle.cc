#include "nfs3/file_handle.h"

#include <xxhash.h>

#include <algorithm>
#include <array>

#include "base/coding.h"

namespace nfs3 {

namespace {

constexpr std::array<std::byte, 4> kMagic = {std::byte{'Z'}, std::byte{'F'}, std::byte{'h'},
                                             std::byte{1}};

std::uint32_t checksum(const std::byte* first12) noexcept { return XXH32(first12, 12, 0); }

}  // namespace

wire::NfsFh3 file_handle(std::uint64_t ino) noexcept {
  std::array<std::byte, kFileHandleSize> bytes{};
  std::copy(kMagic.begin(), kMagic.end(), bytes.begin());
  zerofs::encode_u64_be(bytes.data() + 4, ino);
  zerofs::encode_u32_be(bytes.data() + 12, checksum(bytes.data()));
  return wire::NfsFh3::from(zerofs::ByteView(bytes.data(), bytes.size()));
}

std::optional<std::uint64_t> handle_inode(const wire::NfsFh3& handle) noexcept {
  const zerofs::ByteView v = handle.view();
  if (v.size() != kFileHandleSize) return std::nullopt;
  if (!std::equal(kMagic.begin(), kMagic.end(), v.begin())) return std::nullopt;
  if (zerofs::decode_u32_be(v.data() + 12) != checksum(v.data())) return std::nullopt;
  return zerofs::decode_u64_be(v.data() + 4);
}

}  // namespace nfs3
