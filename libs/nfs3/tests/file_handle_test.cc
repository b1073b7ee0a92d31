// The persistent handle format (nfs3/file_handle.h) and the attribute conversions.
#include "nfs3/file_handle.h"

#include <xxhash.h>

#include <array>

#include "base/coding.h"
#include "test_hex.h"
#include "test_support/catch.h"

using namespace nfs3;

TEST_CASE("file handles: frozen layout, round trip, rejection of foreign handles") {
  const wire::NfsFh3 root = file_handle(1);
  REQUIRE(root.size() == kFileHandleSize);
  // "ZFh" 01, inode 1 big-endian, XXH32 of the first 12 bytes.
  CHECK(nfs3::testing::hex(root.view()).substr(0, 24) == "5a4668010000000000000001");
  CHECK(zerofs::decode_u32_be(root.view().data() + 12) == XXH32(root.view().data(), 12, 0));
  for (std::uint64_t ino :
       {std::uint64_t{1}, std::uint64_t{2}, std::uint64_t{1} << 40, ~std::uint64_t{0}}) {
    const wire::NfsFh3 fh = file_handle(ino);
    REQUIRE(handle_inode(fh) == ino);
  }
  CHECK(file_handle(7) == file_handle(7));
  CHECK_FALSE(file_handle(7) == file_handle(8));

  // Every single-bit flip is detected.
  const wire::NfsFh3 fh = file_handle(12345);
  for (std::size_t bit = 0; bit < kFileHandleSize * 8; ++bit) {
    std::array<std::byte, kFileHandleSize> bytes;
    std::copy(fh.view().begin(), fh.view().end(), bytes.begin());
    bytes[bit / 8] ^= std::byte{static_cast<unsigned char>(1u << (bit % 8))};
    CHECK_FALSE(handle_inode(wire::NfsFh3::from(zerofs::ByteView(bytes.data(), bytes.size()))));
  }
  CHECK_FALSE(handle_inode(wire::NfsFh3{}));
  CHECK_FALSE(handle_inode(wire::NfsFh3::from(fh.view().first(15))));
}
