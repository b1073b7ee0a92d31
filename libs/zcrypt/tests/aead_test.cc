#include "zcrypt/aead.h"

#include <cstring>

#include "test_data.h"
#include "test_support/catch.h"

using namespace zcrypt;
using zcrypt::testing::bytes_of;
using zcrypt::testing::compressible_bytes;
using zcrypt::testing::random_bytes;
using zerofs::Errc;

namespace {
void require_integrity(const zerofs::Result<Buffer>& r) {
  REQUIRE_FALSE(r);
  CHECK(r.error().code() == Errc::integrity);
  CHECK_THAT(r.error().message(), Catch::StartsWith("authentication failed"));
}
}  // namespace

TEST_CASE("seal/open round-trips messages of any size") {
  const DataKey key = DataKey::generate();
  for (std::size_t n : {0u, 1u, 15u, 16u, 17u, 1000u, 1u << 20}) {
    const Buffer plain = random_bytes(n, n);
    const Buffer sealed = seal(key, plain, bytes_of("ad"));
    CHECK(sealed.size() == n + kSealOverhead);
    auto opened = open(key, sealed, bytes_of("ad"));
    REQUIRE(opened);
    CHECK(*opened == plain);
  }
}

TEST_CASE("each seal draws a fresh nonce") {
  const DataKey key = DataKey::generate();
  const Buffer plain = compressible_bytes(100);
  const Buffer a = seal(key, plain, {});
  const Buffer b = seal(key, plain, {});
  CHECK_FALSE(zerofs::bytes_equal(a.view().first(kNonceSize), b.view().first(kNonceSize)));
  CHECK_FALSE(a == b);
}

TEST_CASE("open rejects a wrong key or associated data") {
  const DataKey key = DataKey::generate();
  const Buffer sealed = seal(key, bytes_of("secret"), bytes_of("sst/1:0"));
  require_integrity(open(key, sealed, bytes_of("sst/1:4096")));
  require_integrity(open(key, sealed, {}));
  require_integrity(open(DataKey::generate(), sealed, bytes_of("sst/1:0")));
  CHECK(open(key, sealed, bytes_of("sst/1:0")));
}

TEST_CASE("open rejects every single-byte alteration and every truncation") {
  const DataKey key = DataKey::generate();
  const Buffer plain = compressible_bytes(300);
  const Buffer sealed = seal(key, plain, bytes_of("ad"));
  for (std::size_t i = 0; i < sealed.size(); ++i) {
    for (unsigned mask : {0x01u, 0x80u, 0xffu}) {
      Buffer bad = sealed.clone();
      bad[i] ^= static_cast<std::byte>(mask);
      INFO("position " << i << " mask " << mask);
      require_integrity(open(key, bad, bytes_of("ad")));
    }
  }
  for (std::size_t len = 0; len < sealed.size(); ++len) {
    INFO("truncated to " << len);
    require_integrity(open(key, sealed.view().first(len), bytes_of("ad")));
  }
}

TEST_CASE("in-place sealing interoperates with the copying forms") {
  const DataKey key = DataKey::generate();
  const Buffer plain = compressible_bytes(5000);

  Buffer frame(kNonceSize + plain.size() + kTagSize);
  std::memcpy(frame.data() + kNonceSize, plain.data(), plain.size());
  seal_in_place(key, frame.mutable_view(), bytes_of("ad"));
  CHECK_FALSE(zerofs::bytes_equal(frame.view().subspan(kNonceSize, plain.size()), plain));
  auto opened = open(key, frame, bytes_of("ad"));
  REQUIRE(opened);
  CHECK(*opened == plain);

  Buffer sealed = seal(key, plain, bytes_of("ad"));
  auto in_place = open_in_place(key, sealed.mutable_view(), bytes_of("ad"));
  REQUIRE(in_place);
  CHECK(in_place->data() == sealed.data() + kNonceSize);
  CHECK(zerofs::bytes_equal(*in_place, plain));
}

TEST_CASE("a failed open_in_place exposes no plaintext") {
  const DataKey key = DataKey::generate();
  const Buffer plain = compressible_bytes(200);
  Buffer sealed = seal(key, plain, bytes_of("ad"));
  auto r = open_in_place(key, sealed.mutable_view(), bytes_of("other"));
  REQUIRE_FALSE(r);
  CHECK(r.error().code() == Errc::integrity);
  CHECK_FALSE(zerofs::bytes_equal(sealed.view().subspan(kNonceSize, plain.size()), plain));
}

TEST_CASE("seal_append and open_append append to existing bytes") {
  const DataKey key = DataKey::generate();
  Buffer out = Buffer::copy_of(std::string_view("prefix"));
  seal_append(key, bytes_of("payload"), {}, out);
  CHECK(out.size() == 6 + 7 + kSealOverhead);
  CHECK(out.chars().starts_with("prefix"));

  Buffer plain = Buffer::copy_of(std::string_view(">"));
  REQUIRE(open_append(key, out.view().subspan(6), {}, plain));
  CHECK(plain.chars() == ">payload");

  auto bad = open_append(key, out.view().subspan(6), bytes_of("x"), plain);
  REQUIRE_FALSE(bad);
  CHECK(bad.error().code() == Errc::integrity);
  CHECK(plain.chars() == ">payload");
}
