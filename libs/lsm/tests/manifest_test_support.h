// Helpers shared by the manifest tests: table metadata factories, an authenticating test
// transformer, a counting store wrapper and a blocking runner.
#pragma once

#include <fmt/format.h>

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>

#include "base/async.h"
#include "base/coding.h"
#include "format/internal_key.h"
#include "lsm/transformer.h"
#include "manifest/manifest_state.h"
#include "table/sst_info.h"
#include "zobj/object_store.h"

namespace lsm::manifest_testing {

template <typename T>
T run(zerofs::Task<T> task) {
  zerofs::asio::io_context io;
  return zerofs::run_blocking(io, std::move(task));
}

// A table covering user keys "<prefix><n>a" .. "<prefix><n>z"; distinct n give distinct ids
// and disjoint ranges that sort by n.
inline SstInfo make_sst(std::uint32_t n, std::string_view prefix = "k") {
  SstInfo t;
  t.id.bytes[0] = 0x01;
  zerofs::encode_u32_be(reinterpret_cast<std::byte*>(t.id.bytes.data() + 1), n);
  t.id.bytes[15] = static_cast<std::uint8_t>(prefix.empty() ? 0 : prefix[0]);
  t.file_size = 10'000 + n;
  t.smallest = make_internal_key(fmt::format("{}{:08}a", prefix, n), 100 + n, ValueType::value);
  t.largest = make_internal_key(fmt::format("{}{:08}z", prefix, n), 50 + n, ValueType::deletion);
  t.index = BlockHandle{8'000, 1'500 + n};
  t.filter = BlockHandle{7'000, 900};
  t.num_entries = 40 + n;
  t.num_deletions = n % 5;
  t.min_seq = 50 + n;
  t.max_seq = 100 + n;
  t.raw_key_bytes = 1'000 + n;
  t.raw_value_bytes = 90'000 + n;
  return t;
}

// Every field set, every optional present at least once.
inline ManifestState full_state() {
  ManifestState s;
  s.create_time_ms = 1'700'000'000'123;
  s.separate_wal_store = true;
  s.writer_epoch = 7;
  s.replay_after_wal_id = 4'242;
  s.last_l0_seq = 123'456'789;
  s.snapshot_min_seq = 99'000;
  s.l0 = {make_sst(30), make_sst(31)};
  s.compactor_epoch = 3;
  s.next_run_id = 12;
  s.sorted_runs = {SortedRun{11, {make_sst(1), make_sst(2), make_sst(3)}},
                   SortedRun{4, {make_sst(5, "m")}}};
  Checkpoint named;
  named.id = *parse_checkpoint_id("00112233445566778899aabbccddeeff");
  named.name = "nightly";
  named.manifest_id = 17;
  named.create_time_ms = 1'700'000'000'000;
  Checkpoint lease;
  lease.id = *parse_checkpoint_id("ffeeddccbbaa99887766554433221100");
  lease.manifest_id = 18;
  lease.create_time_ms = -5;  // signed times round-trip too
  lease.expire_time_ms = 1'700'000'060'000;
  s.checkpoints = {named, lease};
  return s;
}

// Appends an 8-byte keyed FNV-1a tag over (associated data, plain) and scrambles the
// payload, so altered bytes or a wrong key decode as Errc::integrity.
class AuthTransformer final : public BlockTransformer {
 public:
  Result<void> encode(ByteView plain, ByteView associated_data, Buffer& out) const override {
    for (std::byte b : plain) out.push_back(b ^ kScramble);
    zerofs::put_u64_le(out, tag(plain, associated_data));
    return {};
  }
  Result<Buffer> decode(ByteView stored, ByteView associated_data) const override {
    if (stored.size() < 8) return zerofs::fail(zerofs::Errc::integrity, "block too short");
    Buffer plain;
    for (std::byte b : stored.first(stored.size() - 8)) plain.push_back(b ^ kScramble);
    if (zerofs::decode_u64_le(stored.data() + stored.size() - 8) !=
        tag(plain.view(), associated_data)) {
      return zerofs::fail(zerofs::Errc::integrity, "tag mismatch");
    }
    return plain;
  }

 private:
  static constexpr std::byte kScramble{0x5a};
  static std::uint64_t tag(ByteView plain, ByteView ad) {
    std::uint64_t h = 0xcbf29ce484222325ULL ^ 0x7e57;  // the "key"
    const auto mix = [&h](ByteView bytes) {
      for (std::byte b : bytes) h = (h ^ std::to_integer<std::uint64_t>(b)) * 0x100000001b3ULL;
      h = (h ^ bytes.size()) * 0x100000001b3ULL;
    };
    mix(ad);
    mix(plain);
    return h;
  }
};

// Forwards to another store and counts the calls; optionally hides keys from list() to play
// a stale listing.
class CountingStore final : public zobj::ObjectStore {
 public:
  explicit CountingStore(std::shared_ptr<zobj::ObjectStore> inner) : inner_(std::move(inner)) {}

  std::atomic<int> gets{0}, heads{0}, puts{0}, dels{0}, lists{0};
  // When set, list() drops the objects for which it returns true.
  std::function<bool(const std::string& key)> hide_from_list;

  zerofs::Task<Result<zobj::GetResult>> get(std::string key,
                                            std::optional<zobj::ByteRange> range) override {
    ++gets;
    co_return co_await inner_->get(std::move(key), range);
  }
  zerofs::Task<Result<zobj::ObjectMeta>> head(std::string key) override {
    ++heads;
    co_return co_await inner_->head(std::move(key));
  }
  zerofs::Task<Result<zobj::ObjectMeta>> put(std::string key, ByteView data,
                                             zobj::PutOptions options) override {
    ++puts;
    co_return co_await inner_->put(std::move(key), data, std::move(options));
  }
  zerofs::Task<Result<void>> del(std::string key) override {
    ++dels;
    co_return co_await inner_->del(std::move(key));
  }
  zerofs::Task<Result<zobj::ListPage>> list(std::string prefix, std::string start_after,
                                            std::size_t max_keys) override {
    ++lists;
    auto page = co_await inner_->list(std::move(prefix), std::move(start_after), max_keys);
    if (page && hide_from_list) {
      std::erase_if(page->objects,
                    [&](const zobj::ObjectMeta& m) { return hide_from_list(m.key); });
    }
    co_return page;
  }
  std::string describe() const override { return "counting(" + inner_->describe() + ")"; }

 private:
  std::shared_ptr<zobj::ObjectStore> inner_;
};

}  // namespace lsm::manifest_testing
