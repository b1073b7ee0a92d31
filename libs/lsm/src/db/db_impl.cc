// DbImpl: opening (writer recovery and fencing, read-only views), closing, checkpoints.
#include "db/db_impl.h"

#include <algorithm>

#include "base/log.h"
#include "base/metrics.h"
#include "manifest/checkpoints.h"
#include "wal/wal_object.h"

namespace lsm {

using zerofs::Errc;

DbImpl::DbImpl(zerofs::asio::any_io_executor executor, OpenParams params, DbRole role)
    : executor_(std::move(executor)),
      params_(std::move(params)),
      role_(role),
      cpu_pool_(std::make_unique<boost::asio::thread_pool>(
          std::max<std::size_t>(1, params_.options.cpu_threads))),
      data_cache_(params_.options.block_cache_bytes, "data"),
      flush_signal_(executor_),
      compaction_signal_(executor_),
      stop_signal_(executor_),
      read_yield_(std::make_shared<ReadYield>(executor_)) {
  tables_ = std::make_unique<TableCache>(*params_.store, params_.prefix, *params_.transformer,
                                         &data_cache_, params_.options.meta_cache_bytes);
  manifests_ = std::make_unique<ManifestStore>(params_.store, params_.prefix, *params_.transformer);
  mem_ = MemTable::create();
  imm_set_ = std::make_shared<const MemSet>();
  version_ = std::make_shared<const Version>();
}

DbImpl::~DbImpl() {
  metrics_registration_.reset();  // waits for a render that is reading this Db
  if (cpu_pool_) cpu_pool_->join();
}

Task<Result<std::shared_ptr<DbImpl>>> DbImpl::open(std::unique_ptr<OpenParams> params,
                                                   DbRole role) {
  if (!params->store || !params->transformer) {
    co_return zerofs::fail(Errc::invalid_argument, "lsm::Db::open needs a store and a transformer");
  }
  if (!params->prefix.empty() && params->prefix.back() != '/') params->prefix.push_back('/');
  if (role == DbRole::writer && (params->options.read_only || params->options.checkpoint)) {
    role = DbRole::read_only;
  }
  auto executor = co_await zerofs::asio::this_coro::executor;
  auto db = std::make_shared<DbImpl>(executor, std::move(*params), role);
  Result<void> opened;
  if (role == DbRole::writer) {
    opened = co_await db->open_writer();
  } else {
    opened = co_await db->open_reader();
  }
  if (!opened) co_return std::unexpected(opened.error());
  db->start_background();
  db->export_metrics();
  co_return db;
}

Result<void> DbImpl::check_writer_epoch(const ManifestState& state) const {
  if (state.writer_epoch != epoch_) {
    return zerofs::fail(Errc::fenced,
                        "writer epoch {} superseded by {}: another writer opened "
                        "this database",
                        epoch_, state.writer_epoch);
  }
  return {};
}

void DbImpl::install_version(const StoredManifest& m) {
  auto v = Version::from_manifest(m.id, m.state);
  std::lock_guard lock(mutex_);
  if (version_ && version_->manifest_id >= m.id) return;
  version_ = std::move(v);
}

Task<Result<void>> DbImpl::open_writer() {
  ZF_CO_TRY(auto latest, co_await manifests_->load_latest());
  if (!latest) {
    ManifestState initial;
    initial.create_time_ms = unix_now_ms();
    initial.separate_wal_store = params_.wal_store != nullptr;
    auto created = co_await manifests_->create_initial(std::move(initial));
    if (!created && created.error().code() != Errc::already_exists) {
      co_return std::unexpected(created.error());
    }
  }
  // Take ownership: a new writer epoch fences the previous writer's manifest commits (and the
  // compactor epoch too when compaction runs in this process).
  // The WAL store choice is checked inside the delta so that a mismatched open commits
  // nothing and so does not fence the writer that is running with the right one.
  std::uint64_t epoch = 0, compactor_epoch = 0;
  const bool separate_wal = params_.wal_store != nullptr;
  ZF_CO_TRY(StoredManifest bumped,
            co_await manifests_->update([&](ManifestState& s) -> Result<bool> {
              ZF_CHECK(check_wal_store_choice(s, separate_wal));
              s.writer_epoch += 1;
              epoch = s.writer_epoch;
              if (options_.compaction_enabled) {
                s.compactor_epoch += 1;
                compactor_epoch = s.compactor_epoch;
              }
              return true;
            }));
  epoch_ = epoch;
  compactor_epoch_ = compactor_epoch;
  install_version(bumped);
  flushed_.advance(bumped.state.last_l0_seq);
  {
    std::lock_guard lock(mutex_);
    last_seq_ = bumped.state.last_l0_seq;
  }
  // Replay the WAL tail and fence the previous writer's next WAL id.
  std::uint64_t fence_id = 0;
  ZF_CO_CHECK(co_await replay_wal(bumped.state.replay_after_wal_id, bumped.state.last_l0_seq,
                                  &fence_id, /*write_fence=*/true));
  SequenceNumber last;
  {
    std::lock_guard lock(mutex_);
    last = last_seq_;
  }
  visible_seq_.store(last);
  if (options_.wal_enabled) {
    wal_ = std::make_unique<WalWriter>(
        executor_, cpu_pool_->get_executor(), params_.wal_store ? params_.wal_store : params_.store,
        params_.prefix, params_.wal_transformer ? *params_.wal_transformer : *params_.transformer,
        options_, fence_id + 1, last);
  }
  zerofs::log::info("lsm: opened {}{} as writer epoch {} (manifest {}, sequence {}, WAL from {})",
                    params_.store->describe(), params_.prefix, epoch_, bumped.id, last,
                    fence_id + 1);
  co_return Result<void>{};
}

Task<Result<void>> DbImpl::replay_wal(std::uint64_t after_id, SequenceNumber skip_through,
                                      std::uint64_t* last_id, bool write_fence) {
  const std::string wal_prefix = params_.prefix + std::string(kWalKeyPrefix);
  std::uint64_t next = after_id + 1;
  while (true) {
    // Every object after `next - 1`, in id order (keys are zero-padded).
    std::vector<std::uint64_t> ids;
    std::string start_after = params_.prefix + wal_object_key(next - 1);
    while (true) {
      ZF_CO_TRY(auto page, co_await wal_store().list(wal_prefix, start_after, 1000));
      for (const auto& o : page.objects) {
        auto id = parse_wal_object_key(std::string_view(o.key).substr(params_.prefix.size()));
        if (id && *id >= next) ids.push_back(*id);
      }
      if (page.next_start_after.empty()) break;
      start_after = std::move(page.next_start_after);
    }
    for (std::uint64_t id : ids) {
      if (id != next) {
        co_return zerofs::fail(Errc::corrupt, "WAL object {} is missing but {} exists", next, id);
      }
      ZF_CO_TRY(auto object,
                co_await wal_store().get(params_.prefix + wal_object_key(id), std::nullopt));
      ZF_CO_TRY(auto decoded, decode_wal_object(object.data.view(), id, *params_.transformer));
      std::lock_guard lock(mutex_);
      for (const WriteBatch& batch : decoded.batches) {
        const SequenceNumber last = batch.sequence() + batch.count() - 1;
        if (last <= skip_through) continue;  // already in L0: replay is idempotent
        ZF_CO_CHECK(mem_->add_batch(batch));
        last_seq_ = std::max(last_seq_, last);
        if (role_ == DbRole::follower)
          follower_mem_max_seq_ = std::max(follower_mem_max_seq_, last);
      }
      if (role_ == DbRole::writer && !mem_->empty() &&
          mem_->approximate_memory_usage() >= options_.memtable_size) {
        imm_.push_back({mem_, id, last_seq_});
        mem_ = MemTable::create();
      }
      ++next;
    }
    if (!write_fence) {
      *last_id = next - 1;
      co_return Result<void>{};
    }
    auto fence = co_await wal_store().put(params_.prefix + wal_object_key(next), zerofs::ByteView{},
                                          zobj::PutOptions::create());
    if (fence) {
      *last_id = next;
      if (role_ == DbRole::writer && !mem_->empty()) {
        // The replayed memtable is covered by WAL objects up to the fence.
        std::lock_guard lock(mutex_);
        imm_.push_back({mem_, next, last_seq_});
        mem_ = MemTable::create();
      }
      std::lock_guard lock(mutex_);
      auto set = std::make_shared<MemSet>();
      for (auto it = imm_.rbegin(); it != imm_.rend(); ++it) set->push_back(it->mem);
      imm_set_ = std::move(set);
      co_return Result<void>{};
    }
    if (fence.error().code() != Errc::already_exists) co_return std::unexpected(fence.error());
    // The previous writer stored object `next` meanwhile: replay it too, fence after it.
  }
}

Task<Result<void>> DbImpl::open_reader() {
  ZF_CO_TRY(auto latest, co_await manifests_->load_latest());
  if (!latest) {
    co_return zerofs::fail(Errc::not_found, "no database at {}{}", params_.store->describe(),
                           params_.prefix);
  }
  ZF_CO_CHECK(check_wal_store_choice(latest->state, params_.wal_store != nullptr));
  if (options_.checkpoint) {
    const Checkpoint* cp = find_checkpoint(latest->state, *options_.checkpoint);
    if (!cp || cp->expired_at(unix_now_ms())) {
      co_return zerofs::fail(Errc::not_found, "no checkpoint named '{}'", *options_.checkpoint);
    }
    ZF_CO_TRY(auto pinned, co_await manifests_->load(cp->manifest_id));
    install_version(pinned);
    std::lock_guard lock(mutex_);
    last_seq_ = pinned.state.last_l0_seq;
    visible_seq_.store(last_seq_);
    co_return Result<void>{};
  }
  StoredManifest base = *latest;
  if (role_ == DbRole::follower) {
    // A lease pins the manifest this reader reads, so GC keeps its tables and WAL tail.
    const auto lifetime = std::max<std::chrono::milliseconds>(std::chrono::milliseconds(60'000),
                                                              options_.manifest_poll_interval * 10);
    CheckpointOptions lease_options;
    lease_options.lifetime = lifetime;
    ZF_CO_TRY(auto lease, co_await lsm::create_checkpoint(*manifests_, lease_options));
    lease_ = lease.id;
    ZF_CO_TRY(base, co_await manifests_->load(lease.manifest_id));
  }
  install_version(base);
  {
    std::lock_guard lock(mutex_);
    last_seq_ = base.state.last_l0_seq;
  }
  std::uint64_t last_id = 0;
  ZF_CO_CHECK(co_await replay_wal(base.state.replay_after_wal_id, base.state.last_l0_seq, &last_id,
                                  /*write_fence=*/false));
  std::lock_guard lock(mutex_);
  next_wal_id_ = last_id + 1;
  visible_seq_.store(last_seq_);
  co_return Result<void>{};
}

namespace {
// Keeps the Db alive while one of its loops runs (parameters live in the coroutine frame).
Task<void> keep(std::shared_ptr<DbImpl> self, Task<void> loop) {
  co_await std::move(loop);
  self.reset();
}
}  // namespace

void DbImpl::start_background() {
  auto self = shared_from_this();
  if (role_ == DbRole::writer) {
    if (wal_) background_.spawn(executor_, keep(self, wal_->run()));
    background_.spawn(executor_, keep(self, flush_loop()));
    if (options_.compaction_enabled) {
      background_.spawn(executor_, keep(self, compaction_loop()));
      background_.spawn(executor_, keep(self, gc_loop()));
    } else {
      background_.spawn(executor_, keep(self, manifest_poll_loop()));
    }
  } else if (role_ == DbRole::follower) {
    background_.spawn(executor_, keep(self, follow_loop()));
  }
}

void DbImpl::set_fatal(const zerofs::Error& error) {
  {
    std::lock_guard lock(mutex_);
    if (fatal_) return;
    fatal_ = error;
  }
  if (error.code() == Errc::fenced) zerofs::log::warn("lsm: {}", error.message());
  flushed_.set_fatal(error);
  compaction_idle_.set_fatal(error);
  if (wal_) wal_->durable().set_fatal(error);
  flush_signal_.notify();
}

std::optional<zerofs::Error> DbImpl::fatal() const {
  std::lock_guard lock(mutex_);
  return fatal_;
}

void DbImpl::request_stop() {
  // Once is enough, and must be: ~Db calls it again after close(), possibly once the
  // io_context that owns the signals' channel service is gone.
  if (stopping_.exchange(true)) return;
  stop_signal_.close();
  flush_signal_.notify();
  compaction_signal_.notify();
  if (wal_) wal_->stop();
}

Task<Result<void>> DbImpl::close() {
  {
    std::lock_guard lock(mutex_);
    if (closed_) co_return Result<void>{};
    closed_ = true;
  }
  Result<void> result;
  // A writer that was fenced (or failed for good) cannot make what it accepted durable: say so,
  // so that a server stopping now does not report a clean shutdown.
  if (auto f = fatal(); f && role_ == DbRole::writer) result = std::unexpected(*f);
  if (role_ == DbRole::writer && !fatal()) {
    if (wal_) {
      result = co_await wal_->flush();
    } else {
      result = co_await flush_memtable();
    }
  }
  request_stop();
  co_await background_.join();
  if (role_ == DbRole::writer) log_summary();
  metrics_registration_.reset();
  if (lease_) {
    auto dropped = co_await lsm::delete_checkpoint(*manifests_, checkpoint_id_to_hex(*lease_));
    if (!dropped)
      zerofs::log::warn("lsm: could not drop reader lease: {}", dropped.error().to_string());
  }
  set_fatal(zerofs::Error(Errc::cancelled, "the database is closed"));
  co_return result;
}

// One line for the operator when a writer closes: what it wrote, what maintenance cost, how
// much backpressure slowed writers, and how well the block cache served reads.
void DbImpl::log_summary() const {
  const DbMetrics m = metrics();
  const double mb = 1e6;
  const std::uint64_t lookups = m.block_cache_hits + m.block_cache_misses;
  zerofs::log::info(
      "lsm: {} writes ({:.1f} MB, {} WAL objects), {} memtable flushes, {} compactions ({:.1f} MB "
      "in, {:.1f} MB out, {:.1f} MB moved), {} writes slowed ({} ms), block cache hits {:.1f}% of "
      "{}",
      m.writes, static_cast<double>(m.write_bytes) / mb, m.wal_objects, m.memtable_flushes,
      m.compactions, static_cast<double>(m.compaction_bytes_in) / mb,
      static_cast<double>(m.compaction_bytes_out) / mb,
      static_cast<double>(m.compaction_bytes_moved) / mb, m.write_stalls,
      m.write_stall_micros / 1000,
      lookups == 0 ? 0.0
                   : 100.0 * static_cast<double>(m.block_cache_hits) / static_cast<double>(lookups),
      lookups);
}

Task<Result<CheckpointInfo>> DbImpl::create_checkpoint(std::string name) {
  if (role_ != DbRole::writer) {
    co_return zerofs::fail(Errc::read_only, "checkpoints are created by the writer");
  }
  // Everything written so far goes into the pinned manifest.
  ZF_CO_CHECK(co_await flush_memtable());
  CheckpointOptions options;
  options.name = std::move(name);
  ZF_CO_TRY(auto cp, co_await lsm::create_checkpoint(*manifests_, options));
  co_return CheckpointInfo{cp.id_hex(), cp.name.value_or(""), cp.manifest_id, cp.create_time_ms,
                           cp.expire_time_ms};
}

Task<Result<std::vector<CheckpointInfo>>> DbImpl::list_checkpoints() {
  ZF_CO_TRY(auto latest, co_await manifests_->load_latest());
  std::vector<CheckpointInfo> out;
  if (!latest) co_return out;
  for (const auto& cp : lsm::list_checkpoints(latest->state, unix_now_ms())) {
    out.push_back(
        {cp.id_hex(), cp.name.value_or(""), cp.manifest_id, cp.create_time_ms, cp.expire_time_ms});
  }
  co_return out;
}

Task<Result<void>> DbImpl::delete_checkpoint(std::string name) {
  if (role_ != DbRole::writer) {
    co_return zerofs::fail(Errc::read_only, "checkpoints are deleted by the writer");
  }
  co_return co_await lsm::delete_checkpoint(*manifests_, std::move(name));
}

SequenceNumber DbImpl::last_sequence() const { return visible_seq_.load(); }

SequenceNumber DbImpl::durable_sequence() const {
  if (wal_) return wal_->durable().value();
  if (role_ == DbRole::writer) return flushed_.value();
  return visible_seq_.load();
}

void DbImpl::export_metrics() {
  if (options_.metrics_registry == nullptr) return;
  metrics_registration_ = options_.metrics_registry->add_collector(
      [this, labels = zerofs::metrics::Labels{{"db", options_.metrics_name}}](
          zerofs::metrics::CollectorSink& sink) {
        const DbMetrics m = metrics();
        const auto counter = [&](const char* name, const char* help, std::uint64_t v) {
          sink.counter(name, help, labels, v);
        };
        const auto gauge = [&](const char* name, const char* help, std::uint64_t v) {
          sink.gauge(name, help, labels, static_cast<std::int64_t>(v));
        };
        counter("lsm_writes_total", "Write batches applied", m.writes);
        counter("lsm_write_bytes_total", "Encoded bytes of the write batches", m.write_bytes);
        counter("lsm_wal_objects_total", "WAL objects stored", m.wal_objects);
        counter("lsm_wal_bytes_total", "Bytes of the WAL objects stored", m.wal_bytes);
        counter("lsm_memtable_flushes_total", "Memtables flushed to L0", m.memtable_flushes);
        counter("lsm_compactions_total", "Compactions completed", m.compactions);
        counter("lsm_compaction_read_bytes_total", "Bytes read by compactions",
                m.compaction_bytes_in);
        counter("lsm_compaction_written_bytes_total", "Bytes written by compactions",
                m.compaction_bytes_out);
        counter("lsm_compaction_moved_bytes_total",
                "Bytes of tables compactions kept as they were (not rewritten)",
                m.compaction_bytes_moved);
        counter("lsm_write_stalls_total", "Writes slowed down by backpressure", m.write_stalls);
        counter("lsm_write_stall_microseconds_total", "Time writes spent slowed down",
                m.write_stall_micros);
        counter("lsm_block_cache_hits_total", "Data block cache hits", m.block_cache_hits);
        counter("lsm_block_cache_misses_total", "Data block cache misses", m.block_cache_misses);
        counter("lsm_gc_deleted_objects_total", "Objects deleted by garbage collection",
                m.gc_deleted);
        gauge("lsm_l0_tables", "L0 tables now", m.l0_tables);
        gauge("lsm_sorted_runs", "Sorted runs now", m.sorted_runs);
        gauge("lsm_unflushed_bytes", "Bytes in memtables not yet in L0", m.unflushed_bytes);
      });
}

DbMetrics DbImpl::metrics() const {
  DbMetrics m;
  m.writes = writes_.load();
  m.write_bytes = write_bytes_.load();
  if (wal_) {
    m.wal_objects = wal_->stats().objects.load();
    m.wal_bytes = wal_->stats().bytes.load();
  }
  m.memtable_flushes = memtable_flushes_.load();
  m.compactions = compactions_.load();
  m.compaction_bytes_in = compaction_bytes_in_.load();
  m.compaction_bytes_out = compaction_bytes_out_.load();
  m.compaction_bytes_moved = compaction_bytes_moved_.load();
  m.write_stalls = stalls_.load();
  m.write_stall_micros = stall_micros_.load();
  m.block_cache_hits = data_cache_.hits();
  m.block_cache_misses = data_cache_.misses();
  m.gc_deleted = gc_deleted_.load();
  std::lock_guard lock(mutex_);
  m.l0_tables = version_->l0.size();
  m.sorted_runs = version_->runs.size();
  m.unflushed_bytes = unflushed_bytes_locked();
  return m;
}

}  // namespace lsm
