// TableBuilder: turns a sorted stream of internal keys and values into the bytes of one SST
// (layout in table/table_format.h and docs/formats/sst.md) plus the SstInfo the manifest
// records for it.
//
// Pure CPU work with no I/O: flushes and compactions run it on the CPU pool, then PUT the
// bytes. Blocks are transformed (compressed/encrypted) as soon as they fill, straight into
// the output buffer; the block and index builders reuse their buffers, so adding an entry
// does not allocate once the buffers have reached their working size.
//
// Errors: a transformer failure is returned by the add() or finish() that flushed the block
// and is sticky: every later call returns it.
// Thread safety: none; one builder is used by one thread at a time.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "base/buffer.h"
#include "base/result.h"
#include "cache/block_cache.h"
#include "format/block_builder.h"
#include "format/bloom.h"
#include "lsm/options.h"
#include "lsm/transformer.h"
#include "table/sst_info.h"

namespace lsm {

struct TableBuilderOptions {
  std::size_t block_size = 4096;  // a data block is cut once its plain size reaches this
  int bloom_bits_per_key = 10;    // <= 0: no filter block
  int restart_interval = BlockBuilder::kDefaultRestartInterval;
  std::size_t expected_size = 0;  // output capacity to reserve up front (a hint)
  // Data blocks to keep in this cache under the table's id as they are written (null: none):
  // every block, or only blocks holding an entry added with `cached` set.
  BlockCache* cache = nullptr;
  bool cache_every_block = false;

  static TableBuilderOptions from(const Options& options) {
    TableBuilderOptions o;
    o.block_size = options.block_size;
    o.bloom_bits_per_key = options.bloom_bits_per_key;
    return o;
  }
};

struct BuiltTable {
  zerofs::Buffer data;  // the whole object, ready to PUT
  SstInfo info;
};

class TableBuilder {
 public:
  // `relative_key` is the object key (relative to the database prefix) the table will be
  // stored under; it is bound into every block's associated data. Empty: id.object_key().
  // `transformer` must outlive the builder.
  TableBuilder(const TableBuilderOptions& options, const BlockTransformer& transformer, SstId id,
               std::string relative_key = {});

  TableBuilder(const TableBuilder&) = delete;
  TableBuilder& operator=(const TableBuilder&) = delete;

  // Builds the table in `buffer` (emptied first, its capacity kept) instead of a fresh one: a
  // large table then costs neither the page faults of new memory nor the copies of a growing
  // buffer. REQUIRES: nothing added yet.
  void use_output_buffer(zerofs::Buffer buffer) {
    output_ = std::move(buffer);
    output_.clear();
    output_.reserve(options_.expected_size);
  }

  // REQUIRES: internal_key is a valid internal key greater than every key added before.
  // `cached`: the entry was read from a cached block (see TableBuilderOptions::cache).
  zerofs::Result<void> add(std::string_view internal_key, std::string_view value,
                           bool cached = false);

  // Bytes the table would have if finished now (approximate: the open block is counted
  // untransformed). Used to cut sorted runs at Options::sst_target_size.
  std::uint64_t estimated_size() const noexcept {
    return output_.size() + data_block_.size_estimate();
  }
  std::uint64_t num_entries() const noexcept { return info_.num_entries; }

  // Writes the open data block, the filter, the index and the footer. A table without
  // entries is valid (empty index; smallest/largest empty). The builder is spent afterwards.
  zerofs::Result<BuiltTable> finish();

 private:
  zerofs::Result<void> flush_data_block();
  void cache_block(std::uint64_t offset, zerofs::ByteView plain);
  void add_pending_index_entry(std::string_view next_key);

  const TableBuilderOptions options_;
  const BlockTransformer& transformer_;
  const std::string relative_key_;

  zerofs::Buffer output_;
  zerofs::Buffer ad_;            // scratch: associated data of the block being stored
  zerofs::Buffer handle_bytes_;  // scratch: an encoded index value
  BlockBuilder data_block_;
  BlockBuilder index_block_;
  BloomFilterBuilder filter_;
  SstInfo info_;

  // The last key of the last flushed data block; its index entry waits for the next key so
  // the separator can be shortened against it.
  std::string last_key_;
  bool pending_index_entry_ = false;
  bool block_cached_ = false;  // the open data block holds an entry added with `cached`
  BlockHandle pending_handle_;
  zerofs::Result<void> status_;
  bool finished_ = false;
};

}  // namespace lsm
