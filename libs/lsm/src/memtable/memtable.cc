#include "memtable/memtable.h"

#include <algorithm>
#include <cstring>

#include "base/coding.h"

namespace lsm {

namespace {

// Entries were written by add(), so their varints are well formed; the bound only keeps
// get_varint from looking further than a varint can be.
inline const char* decode_length(const char* p, std::size_t* len) noexcept {
  const auto byte = static_cast<unsigned char>(*p);
  if (byte < 0x80) {
    *len = byte;
    return p + 1;
  }
  const auto* bp = reinterpret_cast<const std::byte*>(p);
  *len = static_cast<std::size_t>(zerofs::get_varint(&bp, bp + 10).value_or(0));
  return reinterpret_cast<const char*>(bp);
}

inline std::string_view entry_internal_key(const char* entry) noexcept {
  std::size_t len;
  const char* p = decode_length(entry, &len);
  return {p, len};
}

inline std::string_view entry_value(std::string_view internal_key) noexcept {
  std::size_t len;
  const char* p = decode_length(internal_key.data() + internal_key.size(), &len);
  return {p, len};
}

inline int compare_with(std::string_view internal_key, std::string_view user_key,
                        std::uint64_t trailer) noexcept {
  const int r = extract_user_key(internal_key).compare(user_key);
  if (r != 0) return r;
  const std::uint64_t t = extract_trailer(internal_key);
  return t > trailer ? -1 : (t < trailer ? 1 : 0);
}

}  // namespace

int MemTableKeyComparator::operator()(const char* a, const char* b) const noexcept {
  return compare_internal_keys(entry_internal_key(a), entry_internal_key(b));
}

int MemTableKeyComparator::operator()(const char* entry,
                                      std::string_view internal_key) const noexcept {
  return compare_internal_keys(entry_internal_key(entry), internal_key);
}

int MemTableKeyComparator::operator()(const char* entry, const LookupKey& key) const noexcept {
  return compare_with(entry_internal_key(entry), key.user_key, key.trailer);
}

// Never needs I/O: every positioning call returns Step::ready.
class MemTable::Iterator final : public InternalIterator {
 public:
  explicit Iterator(std::shared_ptr<const MemTable> mem)
      : mem_(std::move(mem)), iter_(&mem_->table_) {}

  bool valid() const override { return iter_.valid(); }
  std::string_view key() const override { return key_; }
  std::string_view value() const override { return value_; }

  Step seek_to_first() override {
    iter_.seek_to_first();
    load();
    return Step::ready;
  }
  Step seek(std::string_view target) override {
    iter_.seek(target);
    load();
    return Step::ready;
  }
  Step next() override {
    iter_.next();
    load();
    return Step::ready;
  }
  zerofs::Task<Result<void>> resume() override { co_return Result<void>{}; }
  Result<void> status() const override { return {}; }

 private:
  // Decoded once per step: callers read key() and value() several times per entry.
  void load() noexcept {
    if (!iter_.valid()) return;
    key_ = entry_internal_key(iter_.key());
    value_ = entry_value(key_);
  }

  std::shared_ptr<const MemTable> mem_;
  Table::Iterator iter_;
  std::string_view key_;
  std::string_view value_;
};

MemTable::MemTable(Private) : table_(MemTableKeyComparator{}, &arena_) {}

void MemTable::add(SequenceNumber seq, ValueType type, std::string_view user_key,
                   std::string_view value) {
  if (type != ValueType::value) value = {};
  const std::size_t ikey_len = user_key.size() + kTrailerSize;
  const std::size_t total = zerofs::varint_length(ikey_len) + ikey_len +
                            zerofs::varint_length(value.size()) + value.size();
  char* const entry = arena_.allocate(total);
  auto* p = reinterpret_cast<std::byte*>(entry);
  p = zerofs::encode_varint(p, ikey_len);
  if (!user_key.empty()) std::memcpy(p, user_key.data(), user_key.size());
  p += user_key.size();
  zerofs::encode_u64_le(p, pack_trailer(seq, type));
  p += kTrailerSize;
  p = zerofs::encode_varint(p, value.size());
  if (!value.empty()) std::memcpy(p, value.data(), value.size());
  table_.insert(entry);
  entry_count_.fetch_add(1, std::memory_order_relaxed);
}

Result<void> MemTable::add_batch(const WriteBatch& batch) {
  SequenceNumber seq = batch.sequence();
  return batch.for_each([&](ValueType type, std::string_view key, std::string_view value) {
    add(seq++, type, key, value);
  });
}

MemTable::GetResult MemTable::get(std::string_view user_key, SequenceNumber snapshot) const {
  const MemTableKeyComparator::LookupKey lookup{
      user_key, pack_trailer(std::min(snapshot, kMaxSequence), kValueTypeForSeek)};
  Table::Iterator it(&table_);
  it.seek(lookup);
  if (!it.valid()) return {};
  const std::string_view ikey = entry_internal_key(it.key());
  if (extract_user_key(ikey) != user_key) return {};
  const std::uint64_t trailer = extract_trailer(ikey);
  GetResult result;
  result.sequence = trailer >> 8;
  if (static_cast<ValueType>(trailer & 0xff) == ValueType::deletion) {
    result.kind = Lookup::deleted;
  } else {
    result.kind = Lookup::value;
    result.value = entry_value(ikey);
  }
  return result;
}

std::unique_ptr<InternalIterator> MemTable::new_iterator() const {
  return std::make_unique<Iterator>(shared_from_this());
}

}  // namespace lsm
