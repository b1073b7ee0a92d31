// Helpers shared by the SST tests: a GET-counting store wrapper, a transformer that tags and
// scrambles blocks, and table construction shortcuts.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "base/async.h"
#include "base/coding.h"
#include "format/internal_key.h"
#include "lsm/transformer.h"
#include "table/table_builder.h"
#include "zobj/memory_store.h"
#include "zobj/object_store.h"

namespace lsm::testing {

// Forwards to an inner store and counts GETs (and the bytes they returned).
class CountingStore final : public zobj::ObjectStore {
 public:
  explicit CountingStore(std::shared_ptr<zobj::ObjectStore> inner) : inner_(std::move(inner)) {}

  zerofs::Task<zerofs::Result<zobj::GetResult>> get(std::string key,
                                                    std::optional<zobj::ByteRange> range) override {
    gets_.fetch_add(1);
    auto r = co_await inner_->get(std::move(key), range);
    if (r) bytes_.fetch_add(r->data.size());
    co_return r;
  }
  zerofs::Task<zerofs::Result<zobj::ObjectMeta>> head(std::string key) override {
    return inner_->head(std::move(key));
  }
  zerofs::Task<zerofs::Result<zobj::ObjectMeta>> put(std::string key, zerofs::ByteView data,
                                                     zobj::PutOptions options) override {
    return inner_->put(std::move(key), data, std::move(options));
  }
  zerofs::Task<zerofs::Result<void>> del(std::string key) override {
    return inner_->del(std::move(key));
  }
  zerofs::Task<zerofs::Result<zobj::ListPage>> list(std::string prefix, std::string start_after,
                                                    std::size_t max_keys) override {
    return inner_->list(std::move(prefix), std::move(start_after), max_keys);
  }
  std::string describe() const override { return "counting(" + inner_->describe() + ")"; }

  std::uint64_t gets() const { return gets_.load(); }
  std::uint64_t bytes() const { return bytes_.load(); }
  void reset_counts() {
    gets_ = 0;
    bytes_ = 0;
  }

 private:
  std::shared_ptr<zobj::ObjectStore> inner_;
  std::atomic<std::uint64_t> gets_{0};
  std::atomic<std::uint64_t> bytes_{0};
};

// Stored form: "TAG1" || u32 LE ad size || ad || plain XOR 0x5a. decode() checks the tag and
// the associated data (Errc::integrity otherwise), like an AEAD would.
class TagTransformer final : public BlockTransformer {
 public:
  zerofs::Result<void> encode(zerofs::ByteView plain, zerofs::ByteView ad,
                              zerofs::Buffer& out) const override {
    out.append(std::string_view("TAG1"));
    zerofs::put_u32_le(out, static_cast<std::uint32_t>(ad.size()));
    out.append(ad);
    const std::size_t start = out.size();
    out.resize(start + plain.size());
    for (std::size_t i = 0; i < plain.size(); ++i) out[start + i] = plain[i] ^ std::byte{0x5a};
    return {};
  }
  zerofs::Result<zerofs::Buffer> decode(zerofs::ByteView stored,
                                        zerofs::ByteView ad) const override {
    if (stored.size() < 8 || zerofs::as_chars(stored.first(4)) != "TAG1") {
      return zerofs::fail(zerofs::Errc::integrity, "missing tag");
    }
    const std::uint32_t ad_size = zerofs::decode_u32_le(stored.data() + 4);
    if (stored.size() < 8 + ad_size || !zerofs::bytes_equal(stored.subspan(8, ad_size), ad)) {
      return zerofs::fail(zerofs::Errc::integrity, "associated data mismatch");
    }
    const auto body = stored.subspan(8 + ad_size);
    zerofs::Buffer plain(body.size());
    for (std::size_t i = 0; i < body.size(); ++i) plain[i] = body[i] ^ std::byte{0x5a};
    return plain;
  }
};

struct Entry {
  std::string key;  // internal key
  std::string value;
};

inline std::string user_key_for(int i) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "key%08d", i);
  return buf;
}

// Builds a table from sorted entries; aborts the test on error.
inline BuiltTable build_table(const std::vector<Entry>& entries, const BlockTransformer& t,
                              TableBuilderOptions options = {}, SstId id = SstId::generate()) {
  TableBuilder builder(options, t, id);
  for (const auto& e : entries) {
    auto r = builder.add(e.key, e.value);
    if (!r) throw std::runtime_error(r.error().to_string());
  }
  auto built = builder.finish();
  if (!built) throw std::runtime_error(built.error().to_string());
  return std::move(*built);
}

// Stores a built table under `prefix` + its object key.
inline void put_table(zerofs::asio::io_context& io, zobj::ObjectStore& store,
                      const std::string& prefix, const BuiltTable& table) {
  auto r = zerofs::run_blocking(
      io, store.put(prefix + table.info.id.object_key(), table.data.view(), {}));
  if (!r) throw std::runtime_error(r.error().to_string());
}

}  // namespace lsm::testing
