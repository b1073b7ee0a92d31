#include "table/table_builder.h"

#include <algorithm>
#include <cassert>

#include "format/internal_key.h"
#include "format/key_shortening.h"
#include "table/table_format.h"

namespace lsm {

namespace {

// The index needs no prefix-compression runs: a restart at every entry lets a seek
// binary-search all of it.
constexpr int kIndexRestartInterval = 1;

}  // namespace

TableBuilder::TableBuilder(const TableBuilderOptions& options, const BlockTransformer& transformer,
                           SstId id, std::string relative_key)
    : options_(options),
      transformer_(transformer),
      relative_key_(relative_key.empty() ? id.object_key() : std::move(relative_key)),
      data_block_(options.restart_interval),
      index_block_(kIndexRestartInterval),
      filter_(options.bloom_bits_per_key) {
  info_.id = id;
  if (options.expected_size != 0) output_.reserve(options.expected_size);
}

void TableBuilder::add_pending_index_entry(std::string_view next_key) {
  if (next_key.empty()) {
    shorten_internal_successor(&last_key_);
  } else {
    shorten_internal_separator(&last_key_, next_key);
  }
  handle_bytes_.clear();
  encode_block_handle(handle_bytes_, pending_handle_);
  index_block_.add(last_key_, handle_bytes_.chars());
  pending_index_entry_ = false;
}

zerofs::Result<void> TableBuilder::add(std::string_view internal_key, std::string_view value,
                                       bool cached) {
  assert(!finished_);
  assert(internal_key.size() >= kTrailerSize);
  if (!status_) return status_;
  assert(info_.num_entries == 0 ||
         compare_internal_keys(
             data_block_.empty() ? std::string_view(last_key_) : data_block_.last_key(),
             internal_key) < 0);
  if (pending_index_entry_) add_pending_index_entry(internal_key);

  const std::string_view user_key = extract_user_key(internal_key);
  const std::uint64_t trailer = extract_trailer(internal_key);
  const SequenceNumber seq = trailer >> 8;
  if (info_.num_entries == 0) {
    info_.smallest.assign(internal_key);
    info_.min_seq = info_.max_seq = seq;
  } else {
    info_.min_seq = std::min(info_.min_seq, seq);
    info_.max_seq = std::max(info_.max_seq, seq);
  }
  ++info_.num_entries;
  if (static_cast<ValueType>(trailer & 0xff) == ValueType::deletion) ++info_.num_deletions;
  info_.raw_key_bytes += user_key.size();
  info_.raw_value_bytes += value.size();
  if (options_.bloom_bits_per_key > 0) filter_.add_key(user_key);

  data_block_.add(internal_key, value);
  block_cached_ = block_cached_ || cached;
  if (data_block_.size_estimate() >= options_.block_size) return flush_data_block();
  return {};
}

zerofs::Result<void> TableBuilder::flush_data_block() {
  const zerofs::ByteView plain = data_block_.finish();
  auto handle = append_stored_block(transformer_, relative_key_, plain, output_, ad_);
  if (!handle) {
    status_ = std::unexpected(std::move(handle).error());
    return status_;
  }
  if (options_.cache != nullptr && (options_.cache_every_block || block_cached_)) {
    cache_block(handle->offset, plain);
  }
  block_cached_ = false;
  last_key_.assign(data_block_.last_key());
  data_block_.reset();
  pending_handle_ = *handle;
  pending_index_entry_ = true;
  return {};
}

// The block a TableReader would decode at `offset`, so a read of this table finds it cached.
void TableBuilder::cache_block(std::uint64_t offset, zerofs::ByteView plain) {
  auto block = Block::parse(zerofs::Buffer::copy_of(plain));
  if (block) options_.cache->insert(info_.id, offset, std::move(*block));
}

zerofs::Result<BuiltTable> TableBuilder::finish() {
  assert(!finished_);
  finished_ = true;
  if (!status_) return std::unexpected(status_.error());
  if (!data_block_.empty()) ZF_CHECK(flush_data_block());
  if (info_.num_entries != 0) info_.largest = last_key_;

  Footer footer;
  if (options_.bloom_bits_per_key > 0) {
    zerofs::Buffer filter;
    filter_.finish(filter);
    ZF_TRY(footer.filter, append_stored_block(transformer_, relative_key_, filter, output_, ad_));
  }
  if (pending_index_entry_) add_pending_index_entry({});
  ZF_TRY(footer.index,
         append_stored_block(transformer_, relative_key_, index_block_.finish(), output_, ad_));
  encode_footer(output_, footer);

  info_.filter = footer.filter;
  info_.index = footer.index;
  info_.file_size = output_.size();
  return BuiltTable{std::move(output_), std::move(info_)};
}

}  // namespace lsm
