#include "zcrypt/transformer.h"

#include <string>
#include <thread>
#include <vector>

#include "test_data.h"
#include "test_support/catch.h"
#include "zcrypt/aead.h"

using namespace zcrypt;
using zcrypt::testing::bytes_of;
using zcrypt::testing::compressible_bytes;
using zcrypt::testing::random_bytes;
using zerofs::Errc;

namespace {

std::vector<Compression> all_codecs() {
  return {Compression::none(), Compression::lz4(), Compression::zstd(1), Compression::zstd(3),
          Compression::zstd(22)};
}

DataKey fixed_key() { return DataKey::from_bytes(random_bytes(DataKey::kSize, 99)).value(); }

void require_code(const zerofs::Result<Buffer>& r, Errc code) {
  REQUIRE_FALSE(r);
  CHECK(r.error().code() == code);
}

}  // namespace

TEST_CASE("Transformer round-trips every codec, sealed and compress-only") {
  std::vector<std::pair<std::string, Buffer>> inputs;
  inputs.emplace_back("empty", Buffer());
  inputs.emplace_back("one byte", Buffer::copy_of(std::string_view("z")));
  inputs.emplace_back("random 1 MiB", random_bytes(1 << 20));
  inputs.emplace_back("compressible 256 KiB", compressible_bytes(256 << 10));
  inputs.emplace_back("compressible 32 KiB", compressible_bytes(32 << 10));

  for (Compression c : all_codecs()) {
    for (bool encrypt : {true, false}) {
      const Transformer t =
          encrypt ? Transformer::encrypting(fixed_key(), c) : Transformer::compress_only(c);
      CHECK(t.encrypts() == encrypt);
      CHECK(t.compression() == c);
      for (const auto& [name, plain] : inputs) {
        INFO(c.name() << (encrypt ? " sealed / " : " plain / ") << name);
        auto stored = t.encode(plain, bytes_of("sst/42:8192"));
        REQUIRE(stored);
        CHECK(stored->size() <= t.max_encoded_size(plain.size()));
        CHECK(static_cast<BlockFormat>((*stored)[0]) ==
              (encrypt ? BlockFormat::sealed_v1 : BlockFormat::plain_v1));
        if (c.codec() != Codec::none && name.starts_with("compressible")) {
          CHECK(stored->size() < plain.size() / 2);
        }
        auto back = t.decode(*stored, bytes_of("sst/42:8192"));
        REQUIRE(back);
        CHECK(*back == plain);
      }
    }
  }
}

TEST_CASE("a reader configured for one codec reads blocks of every other codec") {
  const Buffer plain = compressible_bytes(40'000);
  for (bool encrypt : {true, false}) {
    auto make = [&](Compression c) {
      return encrypt ? Transformer::encrypting(fixed_key(), c) : Transformer::compress_only(c);
    };
    const Transformer lz4 = make(Compression::lz4());
    const Transformer zstd3 = make(Compression::zstd(3));
    const Transformer none = make(Compression::none());
    auto by_lz4 = lz4.encode(plain, bytes_of("ad"));
    auto by_zstd = zstd3.encode(plain, bytes_of("ad"));
    REQUIRE(by_lz4);
    REQUIRE(by_zstd);
    CHECK(zstd3.decode(*by_lz4, bytes_of("ad")).value() == plain);
    CHECK(lz4.decode(*by_zstd, bytes_of("ad")).value() == plain);
    CHECK(none.decode(*by_lz4, bytes_of("ad")).value() == plain);
    CHECK(none.decode(*by_zstd, bytes_of("ad")).value() == plain);
  }
}

TEST_CASE("every flipped byte of a sealed block fails with integrity") {
  const Transformer t = Transformer::encrypting(fixed_key(), Compression::lz4());
  const Buffer plain = compressible_bytes(3000);
  const Buffer stored = t.encode(plain, bytes_of("ad")).value();
  // Covers the format byte, nonce, the encrypted codec tag and length, payload and tag.
  for (std::size_t i = 0; i < stored.size(); ++i) {
    for (unsigned mask : {0x01u, 0x40u, 0xffu}) {
      Buffer bad = stored.clone();
      bad[i] ^= static_cast<std::byte>(mask);
      INFO("position " << i << " of " << stored.size() << " mask " << mask);
      auto r = t.decode(bad, bytes_of("ad"));
      require_code(r, Errc::integrity);
      CHECK_THAT(r.error().message(), Catch::StartsWith("authentication failed"));
    }
  }
}

TEST_CASE("a sealed block opens only with its key and associated data") {
  const Transformer t = Transformer::encrypting(fixed_key(), Compression::zstd(3));
  const Buffer stored = t.encode(compressible_bytes(5000), bytes_of("sst/1:0")).value();
  require_code(t.decode(stored, bytes_of("sst/1:4096")), Errc::integrity);
  require_code(t.decode(stored, {}), Errc::integrity);
  const Transformer other = Transformer::encrypting(DataKey::generate(), Compression::zstd(3));
  require_code(other.decode(stored, bytes_of("sst/1:0")), Errc::integrity);

  // Associated data longer than the inline buffer takes the heap path.
  const std::string long_ad(1000, 'a');
  const Buffer long_stored = t.encode(bytes_of("x"), bytes_of(long_ad)).value();
  CHECK(t.decode(long_stored, bytes_of(long_ad)).value().chars() == "x");
  require_code(t.decode(long_stored, bytes_of(long_ad.substr(1))), Errc::integrity);
}

TEST_CASE("truncated blocks fail cleanly") {
  const Buffer plain = compressible_bytes(2000);
  for (bool encrypt : {true, false}) {
    const Transformer t = encrypt ? Transformer::encrypting(fixed_key(), Compression::lz4())
                                  : Transformer::compress_only(Compression::lz4());
    const Buffer stored = t.encode(plain, {}).value();
    for (std::size_t len = 0; len < stored.size(); ++len) {
      INFO((encrypt ? "sealed" : "plain") << " truncated to " << len);
      require_code(t.decode(stored.view().first(len), {}),
                   encrypt ? Errc::integrity : Errc::corrupt);
    }
  }
}

TEST_CASE("an encrypting reader refuses unencrypted blocks (downgrade)") {
  const Transformer sealed = Transformer::encrypting(fixed_key(), Compression::lz4());
  const Transformer plain = Transformer::compress_only(Compression::lz4());
  for (std::size_t n : {0u, 10u, 10'000u}) {
    const Buffer stored = plain.encode(compressible_bytes(n), bytes_of("ad")).value();
    auto r = sealed.decode(stored, bytes_of("ad"));
    require_code(r, Errc::integrity);
    CHECK_THAT(r.error().message(), Catch::Contains("not encrypted"));
  }
  // Relabelling a sealed block as plain does not get past the reader either.
  Buffer relabelled = sealed.encode(compressible_bytes(100), {}).value();
  relabelled[0] = static_cast<std::byte>(BlockFormat::plain_v1);
  require_code(sealed.decode(relabelled, {}), Errc::integrity);
}

TEST_CASE("a compress-only reader reports sealed and unknown blocks") {
  const Transformer sealed = Transformer::encrypting(fixed_key(), Compression::lz4());
  const Transformer plain = Transformer::compress_only(Compression::lz4());
  require_code(plain.decode(sealed.encode(bytes_of("x"), {}).value(), {}), Errc::unsupported);
  Buffer unknown = plain.encode(bytes_of("x"), {}).value();
  unknown[0] = std::byte{0};
  require_code(plain.decode(unknown, {}), Errc::corrupt);
  require_code(plain.decode({}, {}), Errc::corrupt);
}

TEST_CASE("authentic bytes that do not decompress are corrupt, not integrity") {
  // A writer bug rather than an attack: seal a bogus compression frame with the right key.
  const DataKey key = fixed_key();
  const Transformer t = Transformer::encrypting(fixed_key(), Compression::lz4());
  const std::byte bogus_frame[] = {std::byte{1}, std::byte{100}, std::byte{0},
                                   std::byte{0}, std::byte{0},   std::byte{0xff}};
  const std::byte ad[] = {static_cast<std::byte>(BlockFormat::sealed_v1), std::byte{'a'}};
  Buffer stored;
  stored.push_back(static_cast<std::byte>(BlockFormat::sealed_v1));
  seal_append(key, bogus_frame, ad, stored);
  auto r = t.decode(stored, bytes_of("a"));
  require_code(r, Errc::corrupt);
}

TEST_CASE("encode_append and decode_append extend the caller's buffer") {
  const Transformer t = Transformer::encrypting(fixed_key(), Compression::zstd(1));
  const Buffer a = compressible_bytes(3000, 5);
  const Buffer b = random_bytes(700, 6);
  Buffer out = Buffer::copy_of(std::string_view("hdr"));
  REQUIRE(t.encode_append(a, bytes_of("a"), out));
  const std::size_t first_end = out.size();
  REQUIRE(t.encode_append(b, bytes_of("b"), out));
  CHECK(out.chars().starts_with("hdr"));

  Buffer plain = Buffer::copy_of(std::string_view("!"));
  REQUIRE(t.decode_append(out.view().subspan(3, first_end - 3), bytes_of("a"), plain));
  REQUIRE(t.decode_append(out.view().subspan(first_end), bytes_of("b"), plain));
  CHECK(plain.size() == 1 + a.size() + b.size());
  CHECK(zerofs::bytes_equal(plain.view().subspan(1, a.size()), a));
  CHECK(zerofs::bytes_equal(plain.view().subspan(1 + a.size()), b));

  const std::size_t before = plain.size();
  CHECK_FALSE(t.decode_append(out.view().subspan(first_end), bytes_of("a"), plain));
  CHECK(plain.size() == before);
}

TEST_CASE("one Transformer serves many threads at once") {
  const Transformer t = Transformer::encrypting(fixed_key(), Compression::zstd(3));
  const Transformer lz4 = Transformer::encrypting(fixed_key(), Compression::lz4());
  std::vector<std::thread> threads;
  std::vector<int> failures(4, 0);
  for (int id = 0; id < 4; ++id) {
    threads.emplace_back([&, id] {
      for (int i = 0; i < 100; ++i) {
        const Buffer plain = compressible_bytes(1000 + 37 * i, id * 1000 + i);
        const std::string ad = std::to_string(id) + ":" + std::to_string(i);
        const Transformer& writer = i % 2 ? t : lz4;
        auto stored = writer.encode(plain, bytes_of(ad));
        auto back = stored ? t.decode(*stored, bytes_of(ad)) : zerofs::Result<Buffer>();
        if (!stored || !back || !(*back == plain)) ++failures[id];
      }
    });
  }
  for (auto& th : threads) th.join();
  CHECK(failures == std::vector<int>(4, 0));
}
