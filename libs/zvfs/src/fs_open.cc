// FsCore: opening (key record, database, first-start bootstrap, counters, /.nbd, orphans)
// and closing.
#include "base/log.h"
#include "block_transformer.h"
#include "fs_core.h"
#include "key_store.h"
#include "keys.h"
#include "zcrypt/compression.h"
#include "zobj/open_store.h"

namespace zvfs {

namespace {
constexpr std::string_view kNbdDirName = ".nbd";
}  // namespace

FsCore::FsCore(FilesystemConfig config, zerofs::asio::any_io_executor executor)
    : config_(std::move(config)),
      executor_(std::move(executor)),
      cache_(config_.inode_cache_entries),
      usage_(config_.max_size_bytes) {
  read_only_ = config_.lsm.read_only || config_.lsm.checkpoint.has_value();
}

FsCore::~FsCore() = default;

Task<Result<std::shared_ptr<FsCore>>> FsCore::open(std::unique_ptr<FilesystemConfig> config) {
  if (config->password.empty()) {
    co_return zerofs::fail(Errc::invalid_argument, "an encryption password is required");
  }
  if (config->url.empty() && !config->store) {
    co_return zerofs::fail(Errc::invalid_argument, "a store URL or a store is required");
  }
  if (config->delete_batch_chunks == 0) config->delete_batch_chunks = 1;
  auto executor = co_await zerofs::asio::this_coro::executor;
  auto core = std::make_shared<FsCore>(std::move(*config), executor);
  ZF_CO_CHECK(co_await core->open_key_and_db());
  ZF_CO_CHECK(co_await core->bootstrap());
  ZF_CO_CHECK(co_await core->load_counters());
  if (!core->read_only_) {
    ZF_CO_CHECK(co_await core->ensure_nbd_dir());
    ZF_CO_CHECK(co_await core->reclaim_orphans());
    core->wake_reaper();  // tombstones left by the previous run
  }
  co_return core;
}

Task<Result<void>> FsCore::open_key_and_db() {
  if (config_.store) {
    store_ = config_.store;
  } else {
    ZF_CO_TRY(store_, zobj::open_app_store(config_.url));
  }
  std::shared_ptr<zobj::ObjectStore> wal_store = config_.wal_store;
  if (!wal_store && !config_.wal_url.empty()) {
    zobj::StoreOptions wal_options;
    wal_options.metrics_name = "wal";
    auto opened = zobj::open_app_store(config_.wal_url, wal_options);
    if (!opened) {
      co_return zerofs::fail(opened.error().code(), "the WAL store {}: {}", config_.wal_url,
                             opened.error().message());
    }
    wal_store = std::move(*opened);
  }
  const std::string url = config_.url.empty() ? store_->describe() : config_.url;
  zcrypt::KdfParams kdf;
  kdf.opslimit = config_.kdf_opslimit;
  kdf.memlimit = config_.kdf_memlimit;
  KeyStoreParams key_params(store_, config_.key_object, url, kdf);
  ZF_CO_TRY(auto dek, co_await open_data_key(key_params, config_.password, !read_only_));
  ZF_CO_TRY(auto compression, zcrypt::Compression::parse(config_.compression));
  ZF_CO_TRY(auto transformer, ZcryptBlockTransformer::for_data_key(dek, compression));
  // WAL objects are encrypted but not compressed: lz4 would cost more CPU on the write path
  // than the bytes it saves are worth for an object read only by recovery.
  ZF_CO_TRY(auto wal_transformer,
            ZcryptBlockTransformer::for_data_key(dek, zcrypt::Compression::none()));
  lsm::OpenParams params(store_, config_.db_prefix, database_options(config_.lsm),
                         std::move(transformer), std::move(wal_store));
  params.wal_transformer = std::move(wal_transformer);
  ZF_CO_TRY(db_, co_await lsm::Db::open(std::move(params)));
  co_return Result<void>{};
}

// The first start writes the format record, the root and the counters in one durable
// batch; every later start checks the format record.
Task<Result<void>> FsCore::bootstrap() {
  ZF_CO_TRY(auto format, co_await db_->get(keys::format_key()));
  if (format) {
    ZF_CO_TRY(auto f, decode_format(*format));
    if (f.version != kFormatVersion || f.chunk_size != kChunkSize) {
      co_return zerofs::fail(Errc::corrupt, "unsupported filesystem format {} (chunk size {})",
                             f.version, f.chunk_size);
    }
    co_return Result<void>{};
  }
  if (read_only_) {
    co_return zerofs::fail(Errc::not_found, "no filesystem in {} to open read-only", config_.url);
  }
  const std::int64_t t = now();
  Inode root;
  root.ino = kRootIno;
  root.type = FileType::directory;
  root.mode = 0755;
  root.nlink = 2;
  root.parent = kRootIno;
  root.atime_ns = root.mtime_ns = root.ctime_ns = t;
  FormatRecord f;
  f.created_ns = t;
  UsageRecord u;
  u.inodes = 1;
  lsm::WriteBatch batch;
  batch.put(keys::format_key(), encode_format(f));
  batch.put(keys::inode_key(kRootIno), encode_inode(root));
  batch.put(keys::ino_reservation_key(), encode_u64_record(kRootIno + 1));
  batch.put(keys::usage_key(0), encode_usage(u));
  lsm::WriteOptions durable;
  durable.await_durable = true;
  ZF_CO_CHECK(co_await db_->write(std::move(batch), durable));
  zerofs::log::info("created a new filesystem in {}", config_.url);
  co_return Result<void>{};
}

Task<Result<void>> FsCore::load_counters() {
  ZF_CO_TRY(auto reservation, co_await db_->get(keys::ino_reservation_key()));
  if (!reservation) co_return zerofs::fail(Errc::corrupt, "the inode id reservation is missing");
  ZF_CO_TRY(ino_limit_, decode_u64_record(*reservation));
  next_ino_ = ino_limit_;  // ids below the limit may have been handed out before a crash
  for (std::size_t i = 0; i < keys::kUsageShards; ++i) {
    ZF_CO_TRY(auto value, co_await db_->get(keys::usage_key(i)));
    if (!value) continue;
    ZF_CO_TRY(auto record, decode_usage(*value));
    usage_.load_shard(i, record);
  }
  co_return Result<void>{};
}

Task<Result<void>> FsCore::ensure_nbd_dir() {
  ZF_CO_TRY(auto entry, co_await find_entry(kRootIno, kNbdDirName));
  if (entry) co_return Result<void>{};
  const Credentials root = Credentials::root();
  auto made = co_await make_node(root, kRootIno, kNbdDirName, FileType::directory, 0755, 0, {});
  if (!made && made.error().code() != Errc::already_exists) co_return std::unexpected(made.error());
  co_return Result<void>{};
}

// Orphans are files that were unlinked while open. Opens do not survive a restart, so every
// orphan found at start is deleted now.
Task<Result<void>> FsCore::reclaim_orphans() {
  std::vector<Ino> orphans;
  {
    auto it = db_->new_iterator({}, keys::prefix_start(keys::Prefix::orphan).str(),
                                keys::prefix_end(keys::Prefix::orphan).str());
    ZF_CO_CHECK(co_await it->seek_to_first());
    while (it->valid()) {
      if (auto ino = keys::parse_id_key(keys::Prefix::orphan, it->key())) orphans.push_back(*ino);
      ZF_CO_CHECK(co_await it->next());
    }
  }
  for (const Ino ino : orphans) {
    auto guard = co_await locks_.lock(ino);
    Mutation m;
    auto inode = co_await load_locked(ino);
    if (!inode) {
      if (inode.error().code() != Errc::stale) co_return std::unexpected(inode.error());
      m.batch.del(keys::orphan_key(ino));  // a stray marker: the inode is already gone
    } else if (inode->nlink == 0) {
      ZF_CO_CHECK(co_await purge(m, *inode, true));
    } else {
      m.batch.del(keys::orphan_key(ino));
    }
    ZF_CO_CHECK(co_await commit(m));
  }
  if (!orphans.empty()) zerofs::log::info("reclaimed {} orphaned files", orphans.size());
  co_return Result<void>{};
}

Task<Result<void>> FsCore::close() {
  stopping_.store(true);
  // Wait for a running drain pass to stop at its next batch.
  co_await reaper_lock_.lock();
  reaper_lock_.unlock();
  if (!db_) co_return Result<void>{};
  co_return co_await db_->close();
}

void FsCore::abandon() { stopping_.store(true); }

Task<Result<void>> FsCore::change_password(std::string old_password, std::string new_password) {
  zcrypt::KdfParams kdf;
  kdf.opslimit = config_.kdf_opslimit;
  kdf.memlimit = config_.kdf_memlimit;
  const std::string url = config_.url.empty() ? store_->describe() : config_.url;
  KeyStoreParams params(store_, config_.key_object, url, kdf);
  co_return co_await change_key_password(params, std::move(old_password), std::move(new_password));
}

}  // namespace zvfs
