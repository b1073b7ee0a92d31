#include "table/in_memory_table.h"

#include <fmt/format.h>

#include <utility>

#include "table/table_format.h"

namespace lsm {

using zerofs::Errc;
using zerofs::fail;

namespace {

// Walks an InMemoryTable: a BlockIter over the pinned index picks each data block, which is
// decoded when entered and dropped when left.
class InMemoryTableIterator final : public InternalIterator {
 public:
  explicit InMemoryTableIterator(std::shared_ptr<const InMemoryTable> table)
      : table_(std::move(table)), index_iter_(&table_->index_block()) {}

  bool valid() const override { return data_iter_.valid(); }
  std::string_view key() const override { return data_iter_.key(); }
  std::string_view value() const override { return data_iter_.value(); }
  bool cached() const override { return cached_; }

  Step seek_to_first() override {
    if (status_) {
      index_iter_.seek_to_first();
      settle(false, {});
    }
    return Step::ready;
  }

  Step seek(std::string_view target) override {
    if (status_) {
      index_iter_.seek(target);
      settle(true, target);
    }
    return Step::ready;
  }

  Step next() override {
    data_iter_.next();
    if (data_iter_.valid()) return Step::ready;
    if (data_iter_.corrupt()) {
      fail_with(data_iter_.status().error().with_context(where("data block")));
      return Step::ready;
    }
    index_iter_.next();
    settle(false, {});
    return Step::ready;
  }

  zerofs::Task<Result<void>> resume() override { co_return status_; }
  Result<void> status() const override { return status_; }

 private:
  std::string where(std::string_view what) const {
    return fmt::format("{}: {}", table_->info().id.object_key(), what);
  }

  void fail_with(zerofs::Error error) {
    if (status_) status_ = std::unexpected(std::move(error));
    data_iter_.reset(nullptr);
    block_.reset();
  }

  // Positions on the first qualifying entry in the block under index_iter_ or a later one.
  void settle(bool seeking, std::string_view target) {
    for (;;) {
      data_iter_.reset(nullptr);
      block_.reset();
      if (!index_iter_.valid()) {
        if (index_iter_.corrupt()) {
          fail_with(index_iter_.status().error().with_context(where("index block")));
        }
        return;
      }
      auto handle = decode_block_handle(index_iter_.value());
      if (!handle) {
        fail_with(handle.error().with_context(where("index block")));
        return;
      }
      block_ = table_->cached_block(*handle);
      cached_ = block_ != nullptr;
      if (!cached_) {
        auto block = table_->read_block(*handle);
        if (!block) {
          fail_with(std::move(block).error());
          return;
        }
        block_ = std::move(*block);
      }
      data_iter_.reset(block_.get());
      if (seeking) {
        data_iter_.seek(target);
      } else {
        data_iter_.seek_to_first();
      }
      if (data_iter_.valid()) return;
      if (data_iter_.corrupt()) {
        fail_with(data_iter_.status().error().with_context(where("data block")));
        return;
      }
      // Every entry of this block is below the target: the answer starts the next block.
      index_iter_.next();
      seeking = false;
    }
  }

  const std::shared_ptr<const InMemoryTable> table_;
  BlockIter index_iter_;
  std::shared_ptr<const Block> block_;  // the block data_iter_ walks
  BlockIter data_iter_;
  bool cached_ = false;  // block_ came from the BlockCache
  Result<void> status_;
};

}  // namespace

InMemoryTable::InMemoryTable(Private, std::shared_ptr<const zerofs::Buffer> object, SstInfo info,
                             const BlockTransformer& transformer, std::string relative_key,
                             BlockCache* cache)
    : object_(std::move(object)),
      info_(std::move(info)),
      transformer_(transformer),
      relative_key_(std::move(relative_key)),
      cache_(cache) {}

zerofs::Result<std::shared_ptr<const InMemoryTable>> InMemoryTable::open(
    std::shared_ptr<const zerofs::Buffer> object, SstInfo info, const BlockTransformer& transformer,
    std::string relative_key, BlockCache* cache) {
  if (relative_key.empty()) relative_key = info.id.object_key();
  if (object->size() != info.file_size) {
    return fail(Errc::corrupt, "{}: object has {} bytes, the manifest says {}", relative_key,
                object->size(), info.file_size);
  }
  auto table = std::make_shared<InMemoryTable>(Private{}, std::move(object), std::move(info),
                                               transformer, std::move(relative_key), cache);
  if (table->info_.index.size == 0) {
    return fail(Errc::corrupt, "{}: table info has no index block", table->relative_key_);
  }
  // read_block() checks the handle against the object, so a bad index handle is caught here.
  ZF_TRY(auto index, table->read_block(table->info_.index));
  table->index_ = std::move(index);
  return std::shared_ptr<const InMemoryTable>(std::move(table));
}

zerofs::Result<std::shared_ptr<const Block>> InMemoryTable::read_block(
    const BlockHandle& handle) const {
  const std::uint64_t size = object_->size();
  if (handle.size > size || handle.offset > size - handle.size) {
    return fail(Errc::corrupt, "{}: block at offset {} (size {}) runs past the end ({} bytes)",
                relative_key_, handle.offset, handle.size, size);
  }
  ZF_TRY(auto plain, open_stored_block(transformer_, relative_key_, handle.offset,
                                       object_->view().subspan(handle.offset, handle.size)));
  auto block = Block::parse(std::move(plain));
  if (!block) {
    return fail(block.error().with_context(
        fmt::format("{}: block at offset {}", relative_key_, handle.offset)));
  }
  return std::move(*block);
}

std::unique_ptr<InternalIterator> InMemoryTable::new_iterator() const {
  return std::make_unique<InMemoryTableIterator>(shared_from_this());
}

}  // namespace lsm
