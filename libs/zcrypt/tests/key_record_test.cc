#include "zcrypt/key_record.h"

#include "base/coding.h"
#include "test_data.h"
#include "test_support/catch.h"

using namespace zcrypt;
using zerofs::Errc;

namespace {

// Argon2id's minimum cost keeps these tests fast; the defaults are checked separately.
constexpr KdfParams kFast{.opslimit = 1, .memlimit = 8192};

CreatedKey create_fast(std::string_view password) {
  auto created = KeyRecord::create(password, kFast);
  REQUIRE(created);
  return std::move(*created);
}

void require_wrong_password(const zerofs::Result<DataKey>& r) {
  REQUIRE_FALSE(r);
  CHECK(r.error().code() == Errc::wrong_password);
  CHECK(r.error().code() != Errc::integrity);
  CHECK_THAT(r.error().message(), Catch::StartsWith("wrong password"));
}

}  // namespace

TEST_CASE("a created record unwraps to its DEK with the right password only") {
  const CreatedKey created = create_fast("correct horse");
  auto dek = created.record.unwrap("correct horse");
  REQUIRE(dek);
  CHECK(dek->equals(created.key));
  require_wrong_password(created.record.unwrap("Correct horse"));
  require_wrong_password(created.record.unwrap(""));
  CHECK(created.record.kdf_params() == kFast);
}

TEST_CASE("two records for one password hold different DEKs, salts and nonces") {
  const CreatedKey a = create_fast("pw");
  const CreatedKey b = create_fast("pw");
  CHECK_FALSE(a.key.equals(b.key));
  const Buffer sa = a.record.serialize();
  const Buffer sb = b.record.serialize();
  CHECK_FALSE(zerofs::bytes_equal(sa.view().subspan(22, 16), sb.view().subspan(22, 16)));
  CHECK_FALSE(zerofs::bytes_equal(sa.view().subspan(38, 24), sb.view().subspan(38, 24)));
}

TEST_CASE("serialize and parse round-trip") {
  const CreatedKey created = create_fast("pw");
  const Buffer bytes = created.record.serialize();
  REQUIRE(bytes.size() == KeyRecord::kSerializedSize);
  CHECK(bytes.chars().substr(0, 4) == "ZFKR");
  CHECK(bytes[4] == std::byte{1});
  CHECK(bytes[5] == static_cast<std::byte>(Kdf::argon2id13));
  CHECK(zerofs::decode_u64_le(bytes.data() + 6) == kFast.opslimit);
  CHECK(zerofs::decode_u64_le(bytes.data() + 14) == kFast.memlimit);

  auto parsed = KeyRecord::parse(bytes);
  REQUIRE(parsed);
  CHECK(parsed->serialize() == bytes);
  CHECK(parsed->kdf_params() == kFast);
  CHECK(parsed->unwrap("pw").value().equals(created.key));
}

TEST_CASE("parse rejects malformed records as corrupt") {
  const Buffer good = create_fast("pw").record.serialize();
  auto expect_corrupt = [](const Buffer& bytes, std::string_view needle) {
    auto r = KeyRecord::parse(bytes);
    REQUIRE_FALSE(r);
    CHECK(r.error().code() == Errc::corrupt);
    CHECK_THAT(r.error().message(), Catch::Contains(std::string(needle)));
  };
  expect_corrupt(Buffer(), "magic");
  expect_corrupt(Buffer::copy_of(good.view().first(109)), "110 bytes");
  Buffer longer = good.clone();
  longer.push_back(std::byte{0});
  expect_corrupt(longer, "110 bytes");
  Buffer magic = good.clone();
  magic[0] = std::byte{'X'};
  expect_corrupt(magic, "magic");
  Buffer version = good.clone();
  version[4] = std::byte{2};
  expect_corrupt(version, "unknown key record version 2");
  Buffer kdf = good.clone();
  kdf[5] = std::byte{9};
  expect_corrupt(kdf, "key derivation function id 9");
  Buffer ops = good.clone();
  zerofs::encode_u64_le(ops.data() + 6, 0);
  expect_corrupt(ops, "opslimit");
  Buffer mem = good.clone();
  zerofs::encode_u64_le(mem.data() + 14, std::uint64_t{1} << 40);
  expect_corrupt(mem, "memlimit");
}

TEST_CASE("any altered byte of a record stops it from unwrapping") {
  const CreatedKey created = create_fast("pw");
  const Buffer good = created.record.serialize();
  for (std::size_t i = 0; i < good.size(); ++i) {
    Buffer bad = good.clone();
    bad[i] ^= std::byte{0x01};  // bit 0 keeps altered KDF costs small enough to run
    INFO("position " << i);
    auto parsed = KeyRecord::parse(bad);
    if (!parsed) {
      CHECK(parsed.error().code() == Errc::corrupt);
      continue;
    }
    require_wrong_password(parsed->unwrap("pw"));
  }
}

TEST_CASE("rewrap keeps the DEK under a new password, salt and nonce") {
  const CreatedKey created = create_fast("old");
  auto rewrapped = created.record.rewrap("old", "new");
  REQUIRE(rewrapped);
  require_wrong_password(rewrapped->unwrap("old"));
  auto dek = rewrapped->unwrap("new");
  REQUIRE(dek);
  CHECK(dek->equals(created.key));
  CHECK(rewrapped->kdf_params() == kFast);

  const Buffer before = created.record.serialize();
  const Buffer after = rewrapped->serialize();
  CHECK_FALSE(zerofs::bytes_equal(before.view().subspan(22, 16), after.view().subspan(22, 16)));
  CHECK_FALSE(zerofs::bytes_equal(before.view().subspan(38, 24), after.view().subspan(38, 24)));
  // The old record is a value: it still opens with the old password.
  CHECK(created.record.unwrap("old").value().equals(created.key));

  auto wrong_old = created.record.rewrap("not old", "new");
  REQUIRE_FALSE(wrong_old);
  CHECK(wrong_old.error().code() == Errc::wrong_password);

  const KdfParams stronger{.opslimit = 2, .memlimit = 16384};
  auto with_params = created.record.rewrap("old", "newer", stronger);
  REQUIRE(with_params);
  CHECK(with_params->kdf_params() == stronger);
  CHECK(with_params->unwrap("newer").value().equals(created.key));
}

TEST_CASE("create refuses empty passwords and out-of-range costs") {
  auto empty = KeyRecord::create("", kFast);
  REQUIRE_FALSE(empty);
  CHECK(empty.error().code() == Errc::invalid_argument);
  for (KdfParams p :
       {KdfParams{.opslimit = 0, .memlimit = 8192}, KdfParams{.opslimit = 1, .memlimit = 1024},
        KdfParams{.opslimit = 1, .memlimit = std::uint64_t{1} << 40}}) {
    auto r = KeyRecord::create("pw", p);
    REQUIRE_FALSE(r);
    CHECK(r.error().code() == Errc::invalid_argument);
  }
  auto rewrap_empty = create_fast("pw").record.rewrap("pw", "");
  REQUIRE_FALSE(rewrap_empty);
  CHECK(rewrap_empty.error().code() == Errc::invalid_argument);
}

TEST_CASE("default KDF parameters are Argon2id with 64 MiB and 3 passes") {
  CHECK(KdfParams{}.memlimit == 64u << 20);
  CHECK(KdfParams{}.opslimit == 3);
  auto created = KeyRecord::create("default cost");
  REQUIRE(created);
  const Buffer bytes = created->record.serialize();
  CHECK(zerofs::decode_u64_le(bytes.data() + 6) == 3);
  CHECK(zerofs::decode_u64_le(bytes.data() + 14) == 64u << 20);
  CHECK(created->record.unwrap("default cost").value().equals(created->key));
}
