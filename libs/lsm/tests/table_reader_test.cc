// TableReader and TableIterator through a memory:// store: read back, seeks, point lookups
// over many versions, corruption, caching, readahead.
#include "table/table_reader.h"

#include <algorithm>
#include <random>

#include "table/table_format.h"
#include "table/table_iterator.h"
#include "table_test_util.h"
#include "test_support/catch.h"

namespace lsm {

using testing::build_table;
using testing::CountingStore;
using testing::Entry;
using testing::user_key_for;
using zerofs::run_blocking;

namespace {

constexpr const char* kPrefix = "db";

struct Env {
  zerofs::asio::io_context io;
  std::shared_ptr<zobj::MemoryStore> memory = zobj::MemoryStore::create();
  CountingStore store{memory};
  BlockCache cache{64 << 20};

  BuiltTable put(const std::vector<Entry>& entries, const BlockTransformer& t,
                 TableBuilderOptions options = {}) {
    auto built = build_table(entries, t, options);
    testing::put_table(io, store, std::string(kPrefix) + "/", built);
    return built;
  }
  std::shared_ptr<TableReader> open(const SstInfo& info, const BlockTransformer& t,
                                    BlockCache* data_cache) {
    auto r = run_blocking(io, TableReader::open(store, kPrefix, info, t, data_cache));
    if (!r) FAIL(r.error().to_string());
    return *r;
  }
  zerofs::Result<TableLookup> get(const TableReader& reader, std::string_view key) {
    return run_blocking(io, reader.get(key));
  }
  // Completes a positioning call; returns resume()'s result.
  zerofs::Result<void> finish(InternalIterator& it, Step step) {
    if (step == Step::ready) return it.status();
    return run_blocking(io, it.resume());
  }
  std::vector<Entry> scan(InternalIterator& it) {
    std::vector<Entry> out;
    REQUIRE(finish(it, it.seek_to_first()));
    while (it.valid()) {
      out.push_back({std::string(it.key()), std::string(it.value())});
      REQUIRE(finish(it, it.next()));
    }
    return out;
  }
};

// key0..key{n-1}, each with `versions` versions (newest first); every third is a deletion.
std::vector<Entry> versioned_entries(int keys, int versions, std::size_t value_size = 20) {
  std::vector<Entry> entries;
  SequenceNumber seq = 1;
  for (int k = 0; k < keys; ++k) {
    for (int v = versions; v >= 1; --v) {
      const auto type = (v % 3 == 0) ? ValueType::deletion : ValueType::value;
      std::string value;
      if (type == ValueType::value) {
        value = std::to_string(k) + "/" + std::to_string(v);
        value.resize(value_size + (k % 7) * 13, '.');
      }
      entries.push_back({make_internal_key(user_key_for(k * 2), seq + v, type), value});
    }
    seq += versions;
  }
  return entries;
}

// What a point lookup must answer: the first entry >= lookup if its user key matches.
TableLookup::Kind expected_lookup(const std::vector<Entry>& entries, const std::string& lookup,
                                  const Entry** found) {
  auto it = std::lower_bound(
      entries.begin(), entries.end(), lookup,
      [](const Entry& e, const std::string& k) { return compare_internal_keys(e.key, k) < 0; });
  if (it == entries.end() || extract_user_key(it->key) != extract_user_key(lookup)) {
    return TableLookup::Kind::absent;
  }
  *found = &*it;
  return extract_type(it->key) == ValueType::value ? TableLookup::Kind::value
                                                   : TableLookup::Kind::deletion;
}

}  // namespace

TEST_CASE("tables read back through a memory store", "[table]") {
  IdentityTransformer identity;
  testing::TagTransformer tag;
  for (const BlockTransformer* t : {static_cast<const BlockTransformer*>(&identity),
                                    static_cast<const BlockTransformer*>(&tag)}) {
    Env env;
    const auto entries = versioned_entries(3000, 3);
    const auto built = env.put(entries, *t);
    env.store.reset_counts();
    auto reader = env.open(built.info, *t, &env.cache);
    CHECK(env.store.gets() == 1);  // index and filter in one GET

    SECTION("iterate everything") {
      auto it = reader->new_iterator();
      const auto got = env.scan(*it);
      REQUIRE(got.size() == entries.size());
      for (std::size_t i = 0; i < got.size(); ++i) {
        REQUIRE(got[i].key == entries[i].key);
        REQUIRE(got[i].value == entries[i].value);
      }
    }

    SECTION("seek to random existing and absent keys") {
      auto it = reader->new_iterator();
      std::mt19937 rng(99);
      for (int i = 0; i < 2000; ++i) {
        const int k = static_cast<int>(rng() % 6200);  // past the end too
        const SequenceNumber seq = rng() % 10000;
        const std::string target = make_internal_key(user_key_for(k), seq, kValueTypeForSeek);
        REQUIRE(env.finish(*it, it->seek(target)));
        auto want = std::lower_bound(entries.begin(), entries.end(), target,
                                     [](const Entry& e, const std::string& key) {
                                       return compare_internal_keys(e.key, key) < 0;
                                     });
        if (want == entries.end()) {
          REQUIRE_FALSE(it->valid());
          continue;
        }
        REQUIRE(it->valid());
        REQUIRE(it->key() == want->key);
        // A few steps forward stay in lock step, across block boundaries.
        for (int step = 0; step < 5 && ++want != entries.end(); ++step) {
          REQUIRE(env.finish(*it, it->next()));
          REQUIRE(it->valid());
          REQUIRE(it->key() == want->key);
        }
      }
    }

    SECTION("point lookups across versions, deletions and absent keys") {
      for (int k = 0; k < 6002; k += 1) {  // odd k: absent user keys between entries
        for (SequenceNumber snap : {kMaxSequence, SequenceNumber{0}, SequenceNumber(k * 3 / 2 + 2),
                                    SequenceNumber(k * 3 / 2 + 3)}) {
          const std::string lookup = make_internal_key(user_key_for(k), snap, kValueTypeForSeek);
          const Entry* found = nullptr;
          const auto want = expected_lookup(entries, lookup, &found);
          auto got = env.get(*reader, lookup);
          REQUIRE(got);
          REQUIRE(got->kind == want);
          if (want != TableLookup::Kind::absent) {
            REQUIRE(got->seq == extract_sequence(found->key));
          }
          if (want == TableLookup::Kind::value) {
            REQUIRE(got->value == found->value);
            REQUIRE(got->pin);
          }
        }
      }
    }
  }
}

TEST_CASE("one user key with versions spanning many blocks", "[table]") {
  Env env;
  IdentityTransformer identity;
  std::vector<Entry> entries;
  entries.push_back({make_internal_key("a", 1, ValueType::value), "first"});
  for (SequenceNumber seq = 3000; seq >= 1; --seq) {
    const auto type = seq % 5 == 0 ? ValueType::deletion : ValueType::value;
    entries.push_back({make_internal_key("many", seq, type),
                       type == ValueType::value ? "v" + std::to_string(seq) : ""});
  }
  entries.push_back({make_internal_key("z", 1, ValueType::value), "last"});
  TableBuilderOptions options;
  options.block_size = 512;
  const auto built = env.put(entries, identity, options);
  auto reader = env.open(built.info, identity, &env.cache);
  for (SequenceNumber snap = 0; snap <= 3001; ++snap) {
    auto got = env.get(*reader, make_internal_key("many", snap, kValueTypeForSeek));
    REQUIRE(got);
    if (snap == 0) {
      REQUIRE(got->kind == TableLookup::Kind::absent);
      continue;
    }
    const SequenceNumber visible = std::min<SequenceNumber>(snap, 3000);
    REQUIRE(got->seq == visible);
    if (visible % 5 == 0) {
      REQUIRE(got->kind == TableLookup::Kind::deletion);
    } else {
      REQUIRE(got->kind == TableLookup::Kind::value);
      REQUIRE(got->value == "v" + std::to_string(visible));
    }
  }
  CHECK(env.get(*reader, make_internal_key("m", kMaxSequence, kValueTypeForSeek))->kind ==
        TableLookup::Kind::absent);
}

TEST_CASE("a corrupted stored byte is Errc::corrupt naming table and offset", "[table]") {
  Env env;
  IdentityTransformer identity;
  const auto entries = versioned_entries(2000, 1);
  auto built = build_table(entries, identity);
  const std::string key = std::string(kPrefix) + "/" + built.info.id.object_key();

  SECTION("in a data block") {
    const std::uint64_t victim = 5000;  // inside the second data block
    built.data[victim] ^= std::byte{0x01};
    testing::put_table(env.io, env.store, std::string(kPrefix) + "/", built);
    auto reader = env.open(built.info, identity, &env.cache);

    auto it = reader->new_iterator();
    Step step = it->seek_to_first();
    zerofs::Result<void> r = env.finish(*it, step);
    while (r && it->valid()) r = env.finish(*it, it->next());
    REQUIRE_FALSE(r);
    CHECK(r.error().code() == zerofs::Errc::corrupt);
    CHECK(r.error().message().find(built.info.id.object_key()) != std::string::npos);
    CHECK(r.error().message().find("offset") != std::string::npos);
    CHECK_FALSE(it->valid());
    CHECK_FALSE(it->status());
    // Errors are sticky.
    CHECK(it->seek_to_first() == Step::ready);
    CHECK_FALSE(it->valid());

    int corrupt = 0;
    for (int k = 0; k < 4000; k += 2) {
      auto got =
          env.get(*reader, make_internal_key(user_key_for(k), kMaxSequence, kValueTypeForSeek));
      if (!got) {
        CHECK(got.error().code() == zerofs::Errc::corrupt);
        ++corrupt;
      }
    }
    CHECK(corrupt > 0);
    CHECK(corrupt < 200);  // only the keys of the damaged block
  }
  SECTION("in the index block") {
    built.data[built.info.index.offset + 3] ^= std::byte{0x80};
    testing::put_table(env.io, env.store, std::string(kPrefix) + "/", built);
    auto r = run_blocking(env.io,
                          TableReader::open(env.store, kPrefix, built.info, identity, &env.cache));
    REQUIRE_FALSE(r);
    CHECK(r.error().code() == zerofs::Errc::corrupt);
    CHECK(r.error().message().find(std::to_string(built.info.index.offset)) != std::string::npos);
  }
  SECTION("a truncated object") {
    zerofs::Buffer cut = zerofs::Buffer::copy_of(built.data.view().first(built.info.index.offset));
    REQUIRE(run_blocking(env.io, env.store.put(key, cut.view(), {})));
    auto r = run_blocking(env.io,
                          TableReader::open(env.store, kPrefix, built.info, identity, &env.cache));
    REQUIRE_FALSE(r);
    CHECK(r.error().code() == zerofs::Errc::corrupt);
  }
  SECTION("a missing object") {
    auto r = run_blocking(env.io,
                          TableReader::open(env.store, kPrefix, built.info, identity, &env.cache));
    REQUIRE_FALSE(r);
    CHECK(r.error().code() == zerofs::Errc::not_found);
  }
}

TEST_CASE("a table copied under another key fails to decode", "[table]") {
  Env env;
  testing::TagTransformer tag;
  const auto built = build_table(versioned_entries(100, 1), tag);
  SstInfo moved = built.info;
  moved.id = SstId::generate();
  REQUIRE(run_blocking(env.io, env.store.put(std::string(kPrefix) + "/" + moved.id.object_key(),
                                             built.data.view(), {})));
  auto r = run_blocking(env.io, TableReader::open(env.store, kPrefix, moved, tag, &env.cache));
  REQUIRE_FALSE(r);
  CHECK(r.error().code() == zerofs::Errc::integrity);
}

TEST_CASE("cached blocks serve repeat reads without GETs", "[table]") {
  Env env;
  IdentityTransformer identity;
  const auto entries = versioned_entries(2000, 2);
  const auto built = env.put(entries, identity);
  auto reader = env.open(built.info, identity, &env.cache);
  const std::string lookup = make_internal_key(user_key_for(100), kMaxSequence, kValueTypeForSeek);

  CHECK_FALSE(reader->get_cached(lookup).has_value());  // block not cached yet
  env.store.reset_counts();
  for (int k = 0; k < 4000; k += 2) {
    REQUIRE(env.get(*reader, make_internal_key(user_key_for(k), kMaxSequence, kValueTypeForSeek)));
  }
  const auto first_gets = env.store.gets();
  CHECK(first_gets > 10);
  const auto hits_before = env.cache.hits();

  env.store.reset_counts();
  for (int k = 0; k < 4000; k += 2) {
    const std::string key = make_internal_key(user_key_for(k), kMaxSequence, kValueTypeForSeek);
    auto fast = reader->get_cached(key);  // synchronous: no coroutine at all
    REQUIRE(fast.has_value());
    REQUIRE(*fast);
    REQUIRE((*fast)->kind == TableLookup::Kind::value);
  }
  CHECK(env.store.gets() == 0);
  CHECK(env.cache.hits() - hits_before == 2000);

  // A full scan from a warm cache positions synchronously on every step.
  auto it = reader->new_iterator();
  CHECK(it->seek_to_first() == Step::ready);
  std::size_t n = 0;
  while (it->valid()) {
    ++n;
    REQUIRE(it->next() == Step::ready);
  }
  CHECK(n == entries.size());
  CHECK(env.store.gets() == 0);
}

TEST_CASE("the bloom filter spares GETs for absent keys", "[table]") {
  Env env;
  IdentityTransformer identity;
  const auto built = env.put(versioned_entries(5000, 1), identity);
  auto reader = env.open(built.info, identity, nullptr);
  env.store.reset_counts();
  for (int k = 1; k < 10000; k += 2) {  // odd: never stored
    auto got =
        env.get(*reader, make_internal_key(user_key_for(k), kMaxSequence, kValueTypeForSeek));
    REQUIRE(got);
    REQUIRE(got->kind == TableLookup::Kind::absent);
  }
  CHECK(env.store.gets() < 5000 / 40);  // ~1% false positives
  const bool all_three = reader->may_contain(user_key_for(1)) &&
                         reader->may_contain(user_key_for(3)) &&
                         reader->may_contain(user_key_for(5));
  CHECK_FALSE(all_three);
}

TEST_CASE("sequential scans read ahead: fewer GETs than blocks", "[table]") {
  Env env;
  IdentityTransformer identity;
  const auto entries = versioned_entries(20000, 1, 40);
  const auto built = env.put(entries, identity);
  auto reader = env.open(built.info, identity, &env.cache);
  std::size_t blocks = 0;
  {
    BlockIter index(&reader->index_block());
    for (index.seek_to_first(); index.valid(); index.next()) ++blocks;
  }
  REQUIRE(blocks > 200);

  SECTION("with readahead") {
    TableReadOptions options;
    options.fill_cache = false;
    auto it = reader->new_iterator(options);
    env.store.reset_counts();
    CHECK(env.scan(*it).size() == entries.size());
    const auto gets = env.store.gets();
    INFO("blocks=" << blocks << " gets=" << gets);
    CHECK(gets * 10 < blocks);
    CHECK(env.store.bytes() == built.info.filter.offset);  // every data byte fetched once
    CHECK(env.cache.usage() == 0);                         // fill_cache = false
    CHECK(static_cast<TableIterator&>(*it).fetches() == gets);
  }
  SECTION("without readahead") {
    TableReadOptions options;
    options.readahead_bytes = 0;
    auto it = reader->new_iterator(options);
    env.store.reset_counts();
    CHECK(env.scan(*it).size() == entries.size());
    CHECK(env.store.gets() == blocks);
    CHECK(env.cache.usage() > 0);
  }
  SECTION("a seek fetches one block, the scan after it grows the window") {
    auto it = reader->new_iterator();
    env.store.reset_counts();
    REQUIRE(env.finish(*it, it->seek(entries[entries.size() / 2].key)));
    CHECK(env.store.gets() == 1);
    std::size_t n = 0;
    while (it->valid() && n < 5000) {
      REQUIRE(env.finish(*it, it->next()));
      ++n;
    }
    CHECK(env.store.gets() < 10);
  }
  SECTION("a bounded scan's first GET reaches its bound, and no further") {
    const std::size_t from = entries.size() / 2;
    TableReadOptions options;
    options.fill_cache = false;
    // A bound about 100 entries on: a few blocks, well inside one readahead window.
    options.upper_bound =
        std::make_shared<const std::string>(extract_user_key(entries[from + 100].key));
    auto it = reader->new_iterator(options);
    env.store.reset_counts();
    REQUIRE(env.finish(*it, it->seek(entries[from].key)));
    std::size_t n = 0;
    while (it->valid() && extract_user_key(it->key()) < *options.upper_bound) {
      REQUIRE(env.finish(*it, it->next()));
      ++n;
    }
    CHECK(n >= 100);
    CHECK(env.store.gets() == 1);
    // Not the whole window: the GET stopped at the block holding the bound.
    CHECK(env.store.bytes() < options.readahead_bytes / 2);
  }
}

TEST_CASE("empty tables read as empty", "[table]") {
  Env env;
  IdentityTransformer identity;
  const auto built = env.put({}, identity);
  auto reader = env.open(built.info, identity, &env.cache);
  auto it = reader->new_iterator();
  CHECK(it->seek_to_first() == Step::ready);
  CHECK_FALSE(it->valid());
  CHECK(it->seek(make_internal_key("x", 1, ValueType::value)) == Step::ready);
  CHECK_FALSE(it->valid());
  CHECK(env.get(*reader, make_internal_key("x", 1, kValueTypeForSeek))->kind ==
        TableLookup::Kind::absent);
}

TEST_CASE("tables without a filter still answer lookups", "[table]") {
  Env env;
  IdentityTransformer identity;
  TableBuilderOptions options;
  options.bloom_bits_per_key = 0;
  const auto entries = versioned_entries(500, 1);
  const auto built = env.put(entries, identity, options);
  auto reader = env.open(built.info, identity, &env.cache);
  CHECK(reader->may_contain("anything"));
  CHECK(env.get(*reader, make_internal_key(user_key_for(10), kMaxSequence, kValueTypeForSeek))
            ->kind == TableLookup::Kind::value);
  CHECK(env.get(*reader, make_internal_key(user_key_for(11), kMaxSequence, kValueTypeForSeek))
            ->kind == TableLookup::Kind::absent);
}

}  // namespace lsm
