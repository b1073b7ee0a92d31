#include "table/table_reader.h"

#include <algorithm>

#include "format/internal_key.h"
#include "table/table_format.h"
#include "table/table_iterator.h"

namespace lsm {

using zerofs::Errc;
using zerofs::fail;

namespace {

std::string join_key(std::string_view prefix, std::string_view relative) {
  std::string key(prefix);
  if (!key.empty() && key.back() != '/') key.push_back('/');
  key.append(relative);
  return key;
}

// Scratch iterators for point lookups: a BlockIter owns a key buffer, and reusing one per
// thread keeps lookups allocation-free. Only used inside synchronous stretches of code.
struct LookupScratch {
  BlockIter index;
  BlockIter data;
};
thread_local LookupScratch t_scratch;

}  // namespace

TableReader::TableReader(Private, zobj::ObjectStore& store, std::string object_key,
                         std::string relative_key, SstInfo info,
                         const BlockTransformer& transformer, BlockCache* data_cache)
    : store_(store),
      object_key_(std::move(object_key)),
      relative_key_(std::move(relative_key)),
      info_(std::move(info)),
      transformer_(transformer),
      data_cache_(data_cache) {}

zerofs::Task<zerofs::Result<std::shared_ptr<TableReader>>> TableReader::open(
    zobj::ObjectStore& store, std::string object_prefix, SstInfo info,
    const BlockTransformer& transformer, BlockCache* data_cache, std::string relative_key) {
  if (relative_key.empty()) relative_key = info.id.object_key();
  std::string object_key = join_key(object_prefix, relative_key);
  auto reader = std::make_shared<TableReader>(Private{}, store, std::move(object_key),
                                              std::move(relative_key), std::move(info), transformer,
                                              data_cache);
  const SstInfo& meta = reader->info_;
  if (meta.index.size == 0) {
    co_return fail(Errc::corrupt, "{}: table info has no index block", reader->object_key_);
  }
  std::uint64_t begin = meta.index.offset;
  std::uint64_t end = meta.index.offset + meta.index.size;
  if (meta.filter.size != 0) {
    begin = std::min(begin, meta.filter.offset);
    end = std::max(end, meta.filter.offset + meta.filter.size);
  }
  ZF_CO_TRY(const zerofs::Buffer bytes, co_await reader->read_range(begin, end));
  ZF_CO_CHECK(reader->load_meta(bytes.view(), begin));
  co_return reader;
}

zerofs::Result<void> TableReader::load_meta(zerofs::ByteView bytes, std::uint64_t base) {
  auto slice = [&](const BlockHandle& h) -> zerofs::Result<zerofs::ByteView> {
    if (h.offset - base + h.size > bytes.size()) {
      return fail(Errc::corrupt, "{}: object ends before block at offset {} (size {})", object_key_,
                  h.offset, h.size);
    }
    return bytes.subspan(h.offset - base, h.size);
  };
  ZF_TRY(const auto index_stored, slice(info_.index));
  ZF_TRY(auto index_plain,
         open_stored_block(transformer_, relative_key_, info_.index.offset, index_stored));
  auto index = Block::parse(std::move(index_plain));
  if (!index) return fail(index.error().with_context(object_key_ + ": index block"));
  index_ = std::move(*index);

  if (info_.filter.size != 0) {
    ZF_TRY(const auto filter_stored, slice(info_.filter));
    ZF_TRY(filter_bytes_,
           open_stored_block(transformer_, relative_key_, info_.filter.offset, filter_stored));
    filter_ = BloomFilter(filter_bytes_.view());
  }
  return {};
}

std::size_t TableReader::meta_bytes() const noexcept {
  return sizeof(TableReader) + index_->charge() + filter_bytes_.capacity() + object_key_.size() +
         relative_key_.size() + info_.smallest.size() + info_.largest.size();
}

std::shared_ptr<const Block> TableReader::cached_block(std::uint64_t offset) const {
  if (data_cache_ == nullptr) return nullptr;
  return data_cache_->lookup(info_.id, offset);
}

TableReader::Located TableReader::locate(std::string_view lookup_key, BlockHandle* handle,
                                         zerofs::Error* error) const {
  if (!filter_.may_contain(extract_user_key(lookup_key))) return Located::absent;
  BlockIter& index = t_scratch.index;
  index.reset(index_.get());
  index.seek(lookup_key);
  Located result = Located::block;
  if (!index.valid()) {
    result = Located::absent;
    if (index.corrupt()) {
      *error = index.status().error().with_context(object_key_ + ": index block");
      result = Located::error;
    }
  } else if (auto h = decode_block_handle(index.value())) {
    *handle = *h;
  } else {
    *error = h.error().with_context(object_key_ + ": index block");
    result = Located::error;
  }
  index.reset(nullptr);
  return result;
}

zerofs::Result<TableLookup> TableReader::search_block(std::shared_ptr<const Block> block,
                                                      std::string_view lookup_key) const {
  // The index sent us to the only block that may hold lookup_key's user key: a separator
  // never falls between two entries of one user key (see key_shortening.h).
  BlockIter& it = t_scratch.data;
  it.reset(block.get());
  it.seek(lookup_key);
  TableLookup out;
  if (!it.valid()) {
    auto status = it.status();
    it.reset(nullptr);
    if (!status) return fail(status.error().with_context(object_key_ + ": data block"));
    return out;
  }
  if (extract_user_key(it.key()) == extract_user_key(lookup_key)) {
    const std::uint64_t trailer = extract_trailer(it.key());
    out.seq = trailer >> 8;
    switch (static_cast<ValueType>(trailer & 0xff)) {
      case ValueType::value:
        out.kind = TableLookup::Kind::value;
        out.value = it.value();
        out.pin = std::move(block);
        break;
      case ValueType::deletion:
        out.kind = TableLookup::Kind::deletion;
        break;
      default:
        it.reset(nullptr);
        return fail(Errc::corrupt, "{}: entry with unknown value type {}", object_key_,
                    trailer & 0xff);
    }
  }
  it.reset(nullptr);
  return out;
}

std::optional<zerofs::Result<TableLookup>> TableReader::get_cached(
    std::string_view lookup_key) const {
  BlockHandle handle;
  zerofs::Error error(Errc::corrupt, {});
  switch (locate(lookup_key, &handle, &error)) {
    case Located::absent:
      return zerofs::Result<TableLookup>(TableLookup{});
    case Located::error:
      return zerofs::Result<TableLookup>(std::unexpected(std::move(error)));
    case Located::block:
      break;
  }
  auto block = cached_block(handle.offset);
  if (!block) return std::nullopt;
  return search_block(std::move(block), lookup_key);
}

zerofs::Task<zerofs::Result<TableLookup>> TableReader::get(std::string_view lookup_key,
                                                           bool fill_cache) const {
  if (auto hit = get_cached(lookup_key)) co_return std::move(*hit);
  BlockHandle handle;
  zerofs::Error error(Errc::corrupt, {});
  switch (locate(lookup_key, &handle, &error)) {
    case Located::absent:
      co_return TableLookup{};
    case Located::error:
      co_return fail(std::move(error));
    case Located::block:
      break;
  }
  ZF_CO_TRY(const zerofs::Buffer stored,
            co_await read_range(handle.offset, handle.offset + handle.size));
  ZF_CO_TRY(auto block, decode_block(handle, stored.view(), fill_cache));
  co_return search_block(std::move(block), lookup_key);
}

zerofs::Task<zerofs::Result<zerofs::Buffer>> TableReader::read_range(std::uint64_t begin,
                                                                     std::uint64_t end) const {
  auto got = co_await store_.get(object_key_, zobj::ByteRange{begin, end - begin});
  if (!got) {
    co_return fail(
        got.error().with_context(fmt::format("{}: reading bytes {}..{}", object_key_, begin, end)));
  }
  if (got->data.size() != end - begin) {
    co_return fail(Errc::corrupt, "{}: object ends before offset {} (got {} of {} bytes at {})",
                   object_key_, end, got->data.size(), end - begin, begin);
  }
  co_return std::move(got->data);
}

zerofs::Result<std::shared_ptr<const Block>> TableReader::decode_block(const BlockHandle& handle,
                                                                       zerofs::ByteView stored,
                                                                       bool fill_cache) const {
  ZF_TRY(auto plain, open_stored_block(transformer_, relative_key_, handle.offset, stored));
  auto block = Block::parse(std::move(plain));
  if (!block) {
    return fail(block.error().with_context(
        fmt::format("{}: data block at offset {}", object_key_, handle.offset)));
  }
  if (fill_cache && data_cache_ != nullptr) data_cache_->insert(info_.id, handle.offset, *block);
  return std::move(*block);
}

std::unique_ptr<InternalIterator> TableReader::new_iterator(const TableReadOptions& options) const {
  return std::make_unique<TableIterator>(shared_from_this(), options);
}

}  // namespace lsm
