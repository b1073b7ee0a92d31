// Golden bytes that pin the frozen formats (docs/formats/key-record.md, block-framing.md).
//
// The vectors were produced by a separate program written from the format pages alone, calling
// libsodium, lz4 and zstd directly with fixed keys, salts and nonces. If a change to zcrypt
// makes one of these fail, it changed a format that existing databases depend on.
#include <string>

#include "test_data.h"
#include "test_support/catch.h"
#include "zcrypt/compression.h"
#include "zcrypt/key_record.h"
#include "zcrypt/transformer.h"

using namespace zcrypt;
using zcrypt::testing::bytes_of;
using zcrypt::testing::from_hex;
using zcrypt::testing::to_hex;
using zerofs::Errc;

namespace {

// Password "correct horse battery staple", Argon2id opslimit 1, memlimit 8192, salt 10..1f,
// nonce 20..37, DEK 00..1f.
constexpr std::string_view kKeyRecordHex =
    "5a464b5201010100000000000000002000000000000010111213141516171819"
    "1a1b1c1d1e1f202122232425262728292a2b2c2d2e2f30313233343536371381"
    "48a1b3b95e84a0c227af017714385dbc2798d7c8694a2a9d4abb3909fb2739ed"
    "c115d6e0ebcca9307117485c1127";

// Block key 40..5f, nonce 60..77, associated data "sst/000001:0", plaintext
// "zerofs block " repeated 20 times (260 bytes).
constexpr std::string_view kSealedLz4Hex =
    "02606162636465666768696a6b6c6d6e6f7071727374757677947af26573cd99"
    "4e8fdc51097aa0b1849f4c89bbfdbeb62b8e0c90ea22decfb5bfbeecb0c85fdf"
    "076e450b65";
constexpr std::string_view kSealedZstdHex =
    "02606162636465666768696a6b6c6d6e6f7071727374757677977af265733a56"
    "0400d3337affc2dd838642dbd99b12c6258d0098a1b7515f761ee01740d44005"
    "1119a405ab94741e95a4e1d2";
// Same key and nonce, empty associated data, plaintext "abc" stored with codec none.
constexpr std::string_view kSealedNoneHex =
    "02606162636465666768696a6b6c6d6e6f7071727374757677957df365737381"
    "48f0ea006a7cdfbc9730ec46949abf23f5";
constexpr std::string_view kLz4FrameHex =
    "0104010000df7a65726f667320626c6f636b200d00df506c6f636b20";

std::string golden_text() {
  std::string s;
  for (int i = 0; i < 20; ++i) s += "zerofs block ";
  return s;
}

DataKey block_key() {
  return DataKey::from_bytes(from_hex("404142434445464748494a4b4c4d4e4f"
                                      "505152535455565758595a5b5c5d5e5f"))
      .value();
}

}  // namespace

TEST_CASE("golden key record: parses, unwraps and re-serializes byte for byte") {
  const Buffer bytes = from_hex(kKeyRecordHex);
  auto record = KeyRecord::parse(bytes);
  REQUIRE(record);
  CHECK(record->kdf_params() == KdfParams{.opslimit = 1, .memlimit = 8192});
  CHECK(record->serialize() == bytes);
  auto dek = record->unwrap("correct horse battery staple");
  REQUIRE(dek);
  CHECK(to_hex(dek->bytes()) == "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
  auto wrong = record->unwrap("correct horse battery stapler");
  REQUIRE_FALSE(wrong);
  CHECK(wrong.error().code() == Errc::wrong_password);
}

TEST_CASE("golden key record: header bytes written by create") {
  auto created = KeyRecord::create("pw", KdfParams{.opslimit = 2, .memlimit = 65536});
  REQUIRE(created);
  const std::string hex = to_hex(created->record.serialize());
  // magic, version 1, KDF 1, opslimit 2, memlimit 65536 (little-endian u64 each).
  CHECK(hex.substr(0, 44) ==
        "5a464b520101"
        "0200000000000000"
        "0000010000000000");
}

TEST_CASE("golden sealed blocks decode with any reader configuration") {
  for (Compression reader : {Compression::none(), Compression::lz4(), Compression::zstd(3)}) {
    const Transformer t = Transformer::encrypting(block_key(), reader);
    INFO("reader " << reader.name());
    CHECK(t.decode(from_hex(kSealedLz4Hex), bytes_of("sst/000001:0")).value().chars() ==
          golden_text());
    CHECK(t.decode(from_hex(kSealedZstdHex), bytes_of("sst/000001:0")).value().chars() ==
          golden_text());
    CHECK(t.decode(from_hex(kSealedNoneHex), {}).value().chars() == "abc");
  }
}

TEST_CASE("golden compression frame and plain block bytes") {
  CHECK(decompress_frame(from_hex(kLz4FrameHex)).value().chars() == golden_text());

  const Transformer plain = Transformer::compress_only(Compression::lz4());
  // "abc" does not shrink, so it is stored with codec none: format 01, codec 00, size 3.
  CHECK(to_hex(plain.encode(bytes_of("abc"), {}).value()) == "010003000000616263");
  CHECK(to_hex(plain.encode({}, {}).value()) == "010000000000");
  Buffer lz4_block = from_hex("01");
  lz4_block.append(from_hex(kLz4FrameHex));
  CHECK(plain.decode(lz4_block, {}).value().chars() == golden_text());
}

TEST_CASE("golden sealed layout: format byte, nonce, frame, tag") {
  const Transformer t = Transformer::encrypting(block_key(), Compression::zstd(3));
  const Buffer plain = zcrypt::testing::random_bytes(1000);
  const Buffer stored = t.encode(plain, bytes_of("x")).value();
  // Incompressible: 1 format + 24 nonce + (5 header + 1000 raw) + 16 tag.
  CHECK(stored.size() == 1 + 24 + 5 + 1000 + 16);
  CHECK(stored[0] == std::byte{0x02});
  CHECK(t.encode(bytes_of("abc"), {}).value().size() == 49);
}
