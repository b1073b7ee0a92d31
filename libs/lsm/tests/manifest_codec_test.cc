#include "manifest/manifest_codec.h"

#include <algorithm>
#include <string>

#include "manifest_test_support.h"
#include "test_support/catch.h"

using namespace lsm;
using lsm::manifest_testing::AuthTransformer;
using lsm::manifest_testing::full_state;
using lsm::manifest_testing::make_sst;
using zerofs::Errc;
using namespace std::string_view_literals;

namespace {

std::string hex(zerofs::ByteView bytes) {
  std::string out;
  for (std::byte b : bytes) out += fmt::format("{:02x}", std::to_integer<unsigned>(b));
  return out;
}

// The bytes of `cbor` with the first occurrence of `from` replaced by `to` (same length).
zerofs::Buffer replace_once(const zerofs::Buffer& cbor, std::string_view from,
                            std::string_view to) {
  REQUIRE(from.size() == to.size());
  std::string text(cbor.chars());
  const auto at = text.find(from);
  REQUIRE(at != std::string::npos);
  text.replace(at, from.size(), to);
  return zerofs::Buffer::copy_of(std::string_view(text));
}

Errc decode_error(const zerofs::Buffer& cbor) {
  auto r = decode_manifest_cbor(cbor.view());
  REQUIRE_FALSE(r);
  INFO(r.error().to_string());
  return r.error().code();
}

void require_same_sst(const SstInfo& a, const SstInfo& b) {
  CHECK(a.id == b.id);
  CHECK(a.file_size == b.file_size);
  CHECK(a.smallest == b.smallest);
  CHECK(a.largest == b.largest);
  CHECK(a.index == b.index);
  CHECK(a.filter == b.filter);
  CHECK(a.num_entries == b.num_entries);
  CHECK(a.num_deletions == b.num_deletions);
  CHECK(a.min_seq == b.min_seq);
  CHECK(a.max_seq == b.max_seq);
  CHECK(a.raw_key_bytes == b.raw_key_bytes);
  CHECK(a.raw_value_bytes == b.raw_value_bytes);
}

}  // namespace

TEST_CASE("manifest keys are 20-digit ids under manifest/") {
  CHECK(manifest_relative_key(7) == "manifest/00000000000000000007");
  CHECK(manifest_relative_key(UINT64_MAX) == "manifest/18446744073709551615");
  CHECK(parse_manifest_relative_key("manifest/00000000000000000042") == 42u);
  CHECK_FALSE(parse_manifest_relative_key("manifest/42"));
  CHECK_FALSE(parse_manifest_relative_key("manifest/0000000000000000004x"));
  CHECK_FALSE(parse_manifest_relative_key("manifest/0000000000000000000042"));
  CHECK_FALSE(parse_manifest_relative_key("wal/00000000000000000042"));
}

TEST_CASE("a fully populated manifest round-trips and re-encodes to the same bytes") {
  const ManifestState s = full_state();
  const AuthTransformer transformer;
  auto stored = encode_manifest(s, 9, transformer);
  REQUIRE(stored);
  CHECK(std::to_integer<int>((*stored)[0]) == 1);  // format version byte

  auto decoded = decode_manifest(stored->view(), 9, transformer);
  REQUIRE(decoded);
  const ManifestState& d = *decoded;
  CHECK(d.format_version == 1);
  CHECK(d.create_time_ms == s.create_time_ms);
  CHECK(d.separate_wal_store);
  CHECK(d.writer_epoch == 7);
  CHECK(d.replay_after_wal_id == 4'242);
  CHECK(d.last_l0_seq == 123'456'789);
  CHECK(d.snapshot_min_seq == 99'000);
  CHECK(d.compactor_epoch == 3);
  CHECK(d.next_run_id == 12);
  REQUIRE(d.l0.size() == 2);
  require_same_sst(d.l0[0], s.l0[0]);
  require_same_sst(d.l0[1], s.l0[1]);
  REQUIRE(d.sorted_runs.size() == 2);
  CHECK(d.sorted_runs[0].id == 11);
  REQUIRE(d.sorted_runs[0].ssts.size() == 3);
  for (std::size_t i = 0; i < 3; ++i)
    require_same_sst(d.sorted_runs[0].ssts[i], s.sorted_runs[0].ssts[i]);
  CHECK(d.sorted_runs[1].id == 4);
  REQUIRE(d.checkpoints.size() == 2);
  CHECK(d.checkpoints[0].id_hex() == "00112233445566778899aabbccddeeff");
  CHECK(d.checkpoints[0].name == "nightly");
  CHECK(d.checkpoints[0].manifest_id == 17);
  CHECK_FALSE(d.checkpoints[0].expire_time_ms);
  CHECK(d.checkpoints[1].id_hex() == "ffeeddccbbaa99887766554433221100");
  CHECK_FALSE(d.checkpoints[1].name);
  CHECK(d.checkpoints[1].create_time_ms == -5);
  CHECK(d.checkpoints[1].expire_time_ms == 1'700'000'060'000);

  auto again = encode_manifest(d, 9, transformer);
  REQUIRE(again);
  CHECK(*again == *stored);
  auto cbor = encode_manifest_cbor(s);
  auto cbor_again = encode_manifest_cbor(d);
  REQUIRE(cbor);
  REQUIRE(cbor_again);
  CHECK(*cbor == *cbor_again);
}

TEST_CASE("the CBOR body of an empty manifest is frozen") {
  // docs/formats/manifest.md: a map with text keys in bytewise order, minimal integers.
  ManifestState s;
  s.create_time_ms = 1;
  s.writer_epoch = 2;
  auto cbor = encode_manifest_cbor(s);
  REQUIRE(cbor);
  CHECK(hex(cbor->view()) ==
        "ab"                                          // map(11)
        "6b636865636b706f696e747380"                  // "checkpoints": []
        "6f636f6d706163746f725f65706f636800"          // "compactor_epoch": 0
        "6e6372656174655f74696d655f6d7301"            // "create_time_ms": 1
        "626c3080"                                    // "l0": []
        "6b6c6173745f6c305f73657100"                  // "last_l0_seq": 0
        "6b6e6578745f72756e5f696400"                  // "next_run_id": 0
        "737265706c61795f61667465725f77616c5f696400"  // "replay_after_wal_id": 0
        "7273657061726174655f77616c5f73746f7265f4"    // "separate_wal_store": false
        "70736e617073686f745f6d696e5f73657100"        // "snapshot_min_seq": 0
        "6b736f727465645f72756e7380"                  // "sorted_runs": []
        "6c7772697465725f65706f636802");              // "writer_epoch": 2
  auto back = decode_manifest_cbor(cbor->view());
  REQUIRE(back);
  CHECK(back->writer_epoch == 2);
}

TEST_CASE("manifest decoding rejects bad objects with corrupt or integrity") {
  const ManifestState s = full_state();
  const AuthTransformer transformer;
  auto stored = encode_manifest(s, 9, transformer);
  REQUIRE(stored);
  const zerofs::ByteView bytes = stored->view();

  SECTION("empty object") {
    auto r = decode_manifest({}, 9, transformer);
    REQUIRE_FALSE(r);
    CHECK(r.error().code() == Errc::corrupt);
  }
  SECTION("unknown format version") {
    zerofs::Buffer copy = stored->clone();
    copy[0] = std::byte{2};
    auto r = decode_manifest(copy.view(), 9, transformer);
    REQUIRE_FALSE(r);
    CHECK(r.error().code() == Errc::corrupt);
    CHECK(r.error().message().find("version 2") != std::string::npos);
  }
  SECTION("truncated object") {
    for (std::size_t len : {std::size_t{1}, std::size_t{5}, bytes.size() / 2, bytes.size() - 1}) {
      auto r = decode_manifest(bytes.first(len), 9, transformer);
      REQUIRE_FALSE(r);
      CHECK(r.error().code() == Errc::integrity);
    }
  }
  SECTION("every flipped byte after the version is caught by the transformer") {
    for (std::size_t i = 1; i < bytes.size(); i += 7) {
      zerofs::Buffer copy = stored->clone();
      copy[i] ^= std::byte{0x01};
      auto r = decode_manifest(copy.view(), 9, transformer);
      REQUIRE_FALSE(r);
      CHECK(r.error().code() == Errc::integrity);
    }
  }
  SECTION("a manifest moved to another id fails its associated data") {
    auto r = decode_manifest(bytes, 10, transformer);
    REQUIRE_FALSE(r);
    CHECK(r.error().code() == Errc::integrity);
  }
}

TEST_CASE("manifest CBOR decoding validates structure and types") {
  auto cbor = encode_manifest_cbor(full_state());
  REQUIRE(cbor);
  const zerofs::Buffer& c = *cbor;

  SECTION("truncated CBOR") {
    for (std::size_t len = 0; len < c.size(); len += 13) {
      auto r = decode_manifest_cbor(c.view().first(len));
      REQUIRE_FALSE(r);
      CHECK(r.error().code() == Errc::corrupt);
    }
  }
  SECTION("trailing garbage") {
    zerofs::Buffer longer = c.clone();
    longer.push_back(std::byte{0});
    CHECK(decode_error(longer) == Errc::corrupt);
  }
  SECTION("not a map") {
    CHECK(decode_error(zerofs::Buffer::copy_of(std::string_view("\x80", 1))) == Errc::corrupt);
  }
  SECTION("missing field") {
    CHECK(decode_error(replace_once(c, "writer_epoch", "writer_epocx")) == Errc::corrupt);
    CHECK(decode_error(replace_once(c, "raw_key_bytes", "raw_key_bytex")) == Errc::corrupt);
  }
  SECTION("wrong types") {
    // writer_epoch 7 -> "" (text string); separate_wal_store true -> 0; a table id -> text.
    CHECK(decode_error(replace_once(c, "writer_epoch\x07"sv, "writer_epoch\x60"sv)) ==
          Errc::corrupt);
    CHECK(decode_error(replace_once(c, "separate_wal_store\xf5"sv, "separate_wal_store\x00"sv)) ==
          Errc::corrupt);
    CHECK(decode_error(replace_once(c, "id\x50\x01"sv, "id\x70\x01"sv)) == Errc::corrupt);
    // A negative epoch (major type 1) is not an unsigned integer.
    CHECK(decode_error(replace_once(c, "compactor_epoch\x03"sv, "compactor_epoch\x23"sv)) ==
          Errc::corrupt);
  }
  SECTION("broken invariants") {
    // Run 11's second table renamed onto the first table's range: overlap.
    CHECK(decode_error(replace_once(c, "k00000002a", "k00000001a")) == Errc::corrupt);
  }
  SECTION("unknown fields are ignored") {
    // Renaming the optional "name" of a checkpoint leaves an unknown key and no name.
    auto r = decode_manifest_cbor(replace_once(c, "name", "nick").view());
    REQUIRE(r);
    CHECK_FALSE(r->checkpoints[0].name);
    // An extra top-level entry: map(11) -> map(12) plus "zz": 1 at the end.
    zerofs::Buffer extra = c.clone();
    REQUIRE(std::to_integer<int>(extra[0]) == 0xab);
    extra[0] = std::byte{0xac};
    extra.append(std::string_view("\x62zz\x01", 4));
    auto e = decode_manifest_cbor(extra.view());
    REQUIRE(e);
    CHECK(e->writer_epoch == 7);
  }
}

TEST_CASE("manifest encoding refuses states that break invariants") {
  const auto refused = [](const ManifestState& s) {
    auto r = encode_manifest_cbor(s);
    return !r && r.error().code() == Errc::invalid_argument;
  };
  ManifestState s = full_state();
  CHECK_FALSE(refused(s));
  {
    ManifestState t = s;
    t.l0.push_back(t.sorted_runs[0].ssts[0]);  // listed twice
    CHECK(refused(t));
  }
  {
    ManifestState t = s;
    std::swap(t.sorted_runs[0].ssts[0], t.sorted_runs[0].ssts[1]);  // out of order
    CHECK(refused(t));
  }
  {
    ManifestState t = s;
    t.next_run_id = 11;  // run 11 is not below it
    CHECK(refused(t));
  }
  {
    ManifestState t = s;
    t.checkpoints[1].name = "nightly";  // duplicate name
    CHECK(refused(t));
  }
  {
    ManifestState t = s;
    t.l0[0].index.offset = t.l0[0].file_size;  // index beyond the file
    CHECK(refused(t));
  }
  {
    ManifestState t = s;
    t.l0[0].smallest = "short";
    CHECK(refused(t));
  }
  {
    ManifestState t = s;
    t.format_version = 2;
    CHECK(refused(t));
  }
}
