#include "zcrypt/data_key.h"

#include <type_traits>

#include "test_data.h"
#include "test_support/catch.h"
#include "zcrypt/subkey.h"

using namespace zcrypt;
using zcrypt::testing::from_hex;
using zerofs::Errc;

static_assert(!std::is_copy_constructible_v<DataKey>);
static_assert(!std::is_copy_assignable_v<DataKey>);
static_assert(std::is_nothrow_move_constructible_v<DataKey>);

TEST_CASE("DataKey::generate makes distinct 32-byte keys") {
  const DataKey a = DataKey::generate();
  const DataKey b = DataKey::generate();
  CHECK(a.bytes().size() == DataKey::kSize);
  CHECK_FALSE(a.empty());
  CHECK_FALSE(a.equals(b));
  CHECK(a.equals(a));
}

TEST_CASE("DataKey::from_bytes copies exactly 32 bytes and rejects other sizes") {
  const auto raw = from_hex("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
  auto key = DataKey::from_bytes(raw);
  REQUIRE(key);
  CHECK(zerofs::bytes_equal(key->bytes(), raw));
  CHECK(key->equals(*DataKey::from_bytes(raw)));

  auto short_key = DataKey::from_bytes(raw.view().first(31));
  REQUIRE_FALSE(short_key);
  CHECK(short_key.error().code() == Errc::invalid_argument);
  CHECK_FALSE(DataKey::from_bytes({}));
}

TEST_CASE("a moved-from DataKey is empty and the destination owns the bytes") {
  DataKey a = DataKey::generate();
  const auto copy = zerofs::Buffer::copy_of(a.bytes());
  DataKey b = std::move(a);
  CHECK(a.empty());  // NOLINT(bugprone-use-after-move): the moved-from state is the contract
  CHECK(a.bytes().empty());
  CHECK(zerofs::bytes_equal(b.bytes(), copy));
  DataKey c = DataKey::generate();
  c = std::move(b);
  CHECK(zerofs::bytes_equal(c.bytes(), copy));
}

TEST_CASE("subkeys are deterministic and differ per id and per context") {
  const DataKey master = DataKey::generate();
  auto k1 = derive_subkey(master, 1, "zfblocks");
  auto k1_again = derive_subkey(master, 1, "zfblocks");
  auto k2 = derive_subkey(master, 2, "zfblocks");
  auto k1_other_ctx = derive_subkey(master, 1, "zfmanife");
  auto k1_other_master = derive_subkey(DataKey::generate(), 1, "zfblocks");
  REQUIRE(k1);
  REQUIRE(k1_again);
  REQUIRE(k2);
  REQUIRE(k1_other_ctx);
  REQUIRE(k1_other_master);
  CHECK(k1->equals(*k1_again));
  CHECK_FALSE(k1->equals(*k2));
  CHECK_FALSE(k1->equals(*k1_other_ctx));
  CHECK_FALSE(k1->equals(*k1_other_master));
  CHECK_FALSE(k1->equals(master));
}

TEST_CASE("subkey derivation matches crypto_kdf for a fixed master key") {
  // Pins the derivation: a change of KDF, context handling or id encoding would silently
  // change every key derived from existing databases.
  const auto master =
      DataKey::from_bytes(from_hex("000102030405060708090a0b0c0d0e0f"
                                   "101112131415161718191a1b1c1d1e1f"));
  REQUIRE(master);
  auto sub = derive_subkey(*master, 7, "zfblocks");
  REQUIRE(sub);
  CHECK(zcrypt::testing::to_hex(sub->bytes()) ==
        "c6e29f7bf0e1f1637aa6ea8bd7af07e7c4eaa0068f9606fd0fe9c4ed4e914e81");
}

TEST_CASE("derive_subkey rejects contexts that are not 8 bytes") {
  const DataKey master = DataKey::generate();
  for (std::string_view ctx : {"", "short", "zfblocks+", "seven77"}) {
    auto r = derive_subkey(master, 1, ctx);
    REQUIRE_FALSE(r);
    CHECK(r.error().code() == Errc::invalid_argument);
    CHECK_THAT(r.error().message(), Catch::Contains(std::string(ctx)));
  }
}
