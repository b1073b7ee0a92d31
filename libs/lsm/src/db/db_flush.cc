// DbImpl memtable flushes: frozen memtables become L0 tables, oldest first.
//
// A frozen memtable is published only after the WAL objects holding its batches are durable,
// and the manifest then records replay_after_wal_id = the newest of those objects, so recovery
// replays exactly what L0 lacks.
#include <algorithm>
#include <boost/asio/steady_timer.hpp>
#include <optional>

#include "base/log.h"
#include "db/db_impl.h"
#include "table/table_builder.h"

namespace lsm {

using zerofs::Errc;

// One table per partition (Options::partition_keys) the memtable has entries in.
Task<Result<std::vector<SstInfo>>> DbImpl::write_tables(std::shared_ptr<MemTable> mem) {
  TableBuilderOptions builder_options = TableBuilderOptions::from(options_);
  if (options_.prepopulate_block_cache) {
    builder_options.cache = &data_cache_;
    builder_options.cache_every_block = true;
  }
  // Without a buffer to reuse, reserve about the memtable (pages are touched only as written).
  builder_options.expected_size = mem->approximate_memory_usage() / 8 * 9;
  std::vector<zerofs::Buffer> spares = std::move(flush_buffers_);
  flush_buffers_.clear();
  std::vector<std::string> cuts = options_.partition_keys;
  std::sort(cuts.begin(), cuts.end());
  const BlockTransformer& transformer = *params_.transformer;
  const auto build = [&]() -> Result<std::vector<BuiltTable>> {
    std::vector<BuiltTable> tables;
    std::optional<TableBuilder> builder;
    auto limit = cuts.end();  // the open table ends before *limit
    const auto start_table = [&](std::string_view first_key) {
      builder.emplace(builder_options, transformer, SstId::generate());
      if (!spares.empty()) {
        builder->use_output_buffer(std::move(spares.back()));
        spares.pop_back();
      }
      limit = std::upper_bound(cuts.begin(), cuts.end(), first_key);
    };
    auto it = mem->new_iterator();
    for (it->seek_to_first(); it->valid(); it->next()) {
      const std::string_view user_key = extract_user_key(it->key());
      if (builder && limit != cuts.end() && user_key >= *limit) {
        ZF_TRY(BuiltTable table, builder->finish());
        tables.push_back(std::move(table));
        builder.reset();
      }
      if (!builder) start_table(user_key);
      ZF_CHECK(builder->add(it->key(), it->value()));
    }
    if (!builder) start_table({});
    ZF_TRY(BuiltTable table, builder->finish());
    tables.push_back(std::move(table));
    return tables;
  };
  ZF_CO_TRY(std::vector<BuiltTable> built,
            co_await zerofs::offload(cpu_pool_->get_executor(), build));
  {
    std::lock_guard lock(mutex_);
    // The garbage collector keeps them until they are published.
    for (const BuiltTable& t : built) pending_ssts_.insert(t.info.id);
  }
  std::vector<SstInfo> infos;
  for (BuiltTable& t : built) {
    ZF_CO_CHECK(co_await params_.store->put(params_.prefix + t.info.id.object_key(), t.data.view(),
                                            zobj::PutOptions{}));
    infos.push_back(std::move(t.info));
  }
  // The two largest buffers serve the next flush.
  std::sort(built.begin(), built.end(), [](const BuiltTable& x, const BuiltTable& y) {
    return x.data.capacity() > y.data.capacity();
  });
  for (std::size_t i = 0; i < built.size() && i < 2; ++i) {
    flush_buffers_.push_back(std::move(built[i].data));
  }
  co_return infos;
}

Task<Result<void>> DbImpl::flush_one(const Frozen& frozen) {
  // Publish only what the WAL already made durable.
  if (wal_) {
    wal_->request_flush();
    ZF_CO_CHECK(co_await wal_->durable().wait_for(frozen.last_seq));
  }
  ZF_CO_TRY(std::vector<SstInfo> tables, co_await write_tables(frozen.mem));
  const SequenceNumber snapshot_min = smallest_snapshot();
  ZF_CO_TRY(StoredManifest committed,
            co_await manifests_->update([&](ManifestState& s) -> Result<bool> {
              ZF_CHECK(check_writer_epoch(s));
              s.l0.insert(s.l0.begin(), tables.begin(), tables.end());
              s.replay_after_wal_id = std::max(s.replay_after_wal_id, frozen.wal_id);
              s.last_l0_seq = std::max(s.last_l0_seq, frozen.last_seq);
              s.snapshot_min_seq = std::min(snapshot_min, s.last_l0_seq);
              return true;
            }));
  {
    auto v = Version::from_manifest(committed.id, committed.state);
    std::lock_guard lock(mutex_);
    for (const SstInfo& t : tables) pending_ssts_.erase(t.id);
    if (version_->manifest_id < committed.id) version_ = std::move(v);
    imm_.pop_front();
    auto set = std::make_shared<MemSet>();
    for (auto it = imm_.rbegin(); it != imm_.rend(); ++it) set->push_back(it->mem);
    imm_set_ = std::move(set);
  }
  memtable_flushes_.fetch_add(1, std::memory_order_relaxed);
  flushed_.advance(frozen.last_seq);
  compaction_signal_.notify();
  co_return Result<void>{};
}

Task<void> DbImpl::flush_loop() {
  std::chrono::milliseconds backoff{50};
  while (true) {
    std::optional<Frozen> next;
    {
      std::lock_guard lock(mutex_);
      if (fatal_) co_return;
      if (!imm_.empty()) next = imm_.front();
    }
    if (!next) {
      if (stopping_.load()) co_return;
      co_await flush_signal_.wait(std::chrono::seconds(1));
      continue;
    }
    auto flushed = co_await flush_one(*next);
    if (flushed) {
      backoff = std::chrono::milliseconds{50};
      continue;
    }
    const auto code = flushed.error().code();
    if (code == Errc::fenced || code == Errc::cancelled) {
      set_fatal(flushed.error());
      co_return;
    }
    zerofs::log::warn("lsm: memtable flush failed, will retry: {}", flushed.error().to_string());
    flushed_.fail_waiting(flushed.error().with_context("memtable flush failed"));
    if (stopping_.load()) co_return;
    zerofs::asio::steady_timer timer(executor_, backoff);
    co_await timer.async_wait(zerofs::asio::as_tuple(zerofs::asio::use_awaitable));
    backoff = std::min(backoff * 2, std::chrono::milliseconds{5000});
  }
}

}  // namespace lsm
