// TableBuilder: layout, framing, AD, footer and the SstInfo it reports.
#include "base/coding.h"
#include "format/block.h"
#include "format/block_builder.h"
#include "format/bloom.h"
#include "format/hash.h"
#include "table/table_format.h"
#include "table_test_util.h"
#include "test_support/catch.h"

namespace lsm {

using testing::build_table;
using testing::Entry;
using testing::user_key_for;

namespace {

std::vector<Entry> versions_table(int keys, int versions) {
  std::vector<Entry> entries;
  SequenceNumber seq = 1;
  for (int k = 0; k < keys; ++k) {
    // Newest version first (internal-key order); every third version is a deletion.
    for (int v = versions; v >= 1; --v) {
      const auto type = (v % 3 == 0) ? ValueType::deletion : ValueType::value;
      const std::string value = type == ValueType::value ? "v" + std::to_string(v) : "";
      entries.push_back({make_internal_key(user_key_for(k), seq + v, type), value});
    }
    seq += versions;
  }
  return entries;
}

}  // namespace

TEST_CASE("table layout: data, filter, index, footer, all adjacent", "[table]") {
  const auto entries = versions_table(2000, 3);
  IdentityTransformer identity;
  const auto built = build_table(entries, identity);
  const SstInfo& info = built.info;

  CHECK(info.file_size == built.data.size());
  CHECK(info.filter.size > 0);
  CHECK(info.filter.offset + info.filter.size == info.index.offset);
  CHECK(info.index.offset + info.index.size + kFooterSize == info.file_size);

  auto footer = decode_footer(built.data.view().last(kFooterSize));
  REQUIRE(footer);
  CHECK(footer->filter == info.filter);
  CHECK(footer->index == info.index);
  CHECK(footer->version == kTableFormatVersion);
  CHECK(zerofs::as_chars(built.data.view().last(8)) == std::string_view("ZFSSST\0\1", 8));

  CHECK(info.num_entries == entries.size());
  CHECK(info.num_deletions == 2000);
  CHECK(info.smallest == entries.front().key);
  CHECK(info.largest == entries.back().key);
  CHECK(info.min_seq == 2);
  CHECK(info.max_seq == 6001);
  CHECK(info.raw_key_bytes == entries.size() * user_key_for(0).size());
  std::uint64_t value_bytes = 0;
  for (const auto& e : entries) value_bytes += e.value.size();
  CHECK(info.raw_value_bytes == value_bytes);
}

TEST_CASE("stored blocks are plain bytes plus an XXH3 of them (identity)", "[table]") {
  const auto entries = versions_table(500, 1);
  IdentityTransformer identity;
  const auto built = build_table(entries, identity);

  // Walk the index: every data block is framed and parses, and they tile [0, filter).
  const auto bytes = built.data.view();
  auto stored_plain = [&](const BlockHandle& h) {
    const auto stored = bytes.subspan(h.offset, h.size);
    const auto body = stored.first(h.size - kBlockChecksumSize);
    CHECK(zerofs::decode_u64_le(stored.data() + body.size()) == hash64(body));
    return zerofs::Buffer::copy_of(body);
  };
  auto index = Block::parse(stored_plain(built.info.index)).value();
  BlockIter it(index.get());
  std::uint64_t expected_offset = 0;
  std::size_t seen = 0;
  std::string prev_index_key;
  for (it.seek_to_first(); it.valid(); it.next()) {
    const BlockHandle h = decode_block_handle(it.value()).value();
    CHECK(h.offset == expected_offset);
    expected_offset = h.offset + h.size;
    auto block = Block::parse(stored_plain(h)).value();
    BlockIter data(block.get());
    for (data.seek_to_first(); data.valid(); data.next()) {
      REQUIRE(seen < entries.size());
      CHECK(data.key() == entries[seen].key);
      // The index key separates: last key of the block <= index key < next block's first.
      CHECK(compare_internal_keys(data.key(), it.key()) <= 0);
      if (!prev_index_key.empty()) CHECK(compare_internal_keys(prev_index_key, data.key()) < 0);
      ++seen;
    }
    prev_index_key = it.key();
  }
  CHECK(seen == entries.size());
  CHECK(expected_offset == built.info.filter.offset);

  // The filter block knows every user key.
  const zerofs::Buffer filter = stored_plain(built.info.filter);
  BloomFilter bloom(filter.view());
  for (const auto& e : entries) CHECK(bloom.may_contain(extract_user_key(e.key)));
}

TEST_CASE("each block is bound to its table key and offset", "[table]") {
  testing::TagTransformer tag;
  const SstId id = SstId::generate();
  const auto built = build_table(versions_table(300, 2), tag, {}, id);
  const auto bytes = built.data.view();
  for (const BlockHandle& h : {BlockHandle{0, 0}, built.info.filter, built.info.index}) {
    // Block 0 starts at offset 0; read its AD from the tag transformer's framing.
    const std::uint32_t ad_size = zerofs::decode_u32_le(bytes.data() + h.offset + 4);
    zerofs::Buffer want;
    want.append(id.object_key());
    zerofs::put_u64_le(want, h.offset);
    CHECK(zerofs::bytes_equal(bytes.subspan(h.offset + 8, ad_size), want.view()));
  }
}

TEST_CASE("tables without a filter, without entries, or with a custom key", "[table]") {
  IdentityTransformer identity;
  SECTION("bloom disabled") {
    TableBuilderOptions options;
    options.bloom_bits_per_key = 0;
    const auto built = build_table(versions_table(10, 1), identity, options);
    CHECK(built.info.filter == BlockHandle{});
    CHECK(decode_footer(built.data.view().last(kFooterSize))->filter == BlockHandle{});
  }
  SECTION("empty table") {
    const auto built = build_table({}, identity);
    CHECK(built.info.num_entries == 0);
    CHECK(built.info.smallest.empty());
    CHECK(built.info.largest.empty());
    CHECK(built.info.index.size > 0);
    CHECK(built.info.file_size == built.data.size());
  }
  SECTION("relative key override changes the AD") {
    testing::TagTransformer tag;
    const SstId id = SstId::generate();
    TableBuilder builder({}, tag, id, "wal/00000000000000000001.sst");
    REQUIRE(builder.add(make_internal_key("a", 1, ValueType::value), "x"));
    auto built = builder.finish();
    REQUIRE(built);
    const auto bytes = built->data.view();
    const std::uint32_t ad_size = zerofs::decode_u32_le(bytes.data() + 4);
    CHECK(zerofs::as_chars(bytes.subspan(8, ad_size - 8)) == "wal/00000000000000000001.sst");
  }
}

TEST_CASE("footer rejects bad magic, checksum and version", "[table]") {
  IdentityTransformer identity;
  const auto built = build_table(versions_table(10, 1), identity);
  zerofs::Buffer tail = zerofs::Buffer::copy_of(built.data.view().last(kFooterSize));
  {
    zerofs::Buffer t = tail.clone();
    t[kFooterSize - 1] = std::byte{9};
    CHECK(decode_footer(t.view()).error().code() == zerofs::Errc::corrupt);
  }
  {
    zerofs::Buffer t = tail.clone();
    t[3] ^= std::byte{1};
    CHECK(decode_footer(t.view()).error().code() == zerofs::Errc::corrupt);
  }
  {
    Footer f{BlockHandle{1, 2}, BlockHandle{3, 4}, 2};
    zerofs::Buffer t;
    encode_footer(t, f);
    CHECK(decode_footer(t.view()).error().code() == zerofs::Errc::unsupported);
  }
}

TEST_CASE("transformer failures are sticky builder errors", "[table]") {
  struct Failing final : BlockTransformer {
    zerofs::Result<void> encode(zerofs::ByteView, zerofs::ByteView,
                                zerofs::Buffer&) const override {
      return zerofs::fail(zerofs::Errc::no_space, "full");
    }
    zerofs::Result<zerofs::Buffer> decode(zerofs::ByteView, zerofs::ByteView) const override {
      return zerofs::fail(zerofs::Errc::integrity, "never");
    }
  } failing;
  TableBuilderOptions options;
  options.block_size = 64;
  TableBuilder builder(options, failing, SstId::generate());
  zerofs::Result<void> r;
  int i = 0;
  for (; i < 100 && r; ++i) {
    r = builder.add(make_internal_key(user_key_for(i), 1, ValueType::value), std::string(40, 'x'));
  }
  REQUIRE_FALSE(r);
  CHECK(r.error().code() == zerofs::Errc::no_space);
  CHECK(builder.add(make_internal_key(user_key_for(i + 1), 1, ValueType::value), "x")
            .error()
            .code() == zerofs::Errc::no_space);
  CHECK(builder.finish().error().code() == zerofs::Errc::no_space);
}

}  // namespace lsm
