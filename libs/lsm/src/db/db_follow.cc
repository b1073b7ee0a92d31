// DbImpl as a follower (DbReader): refresh the manifest, tail new WAL objects, keep a lease.
#include "base/log.h"
#include "db/db_impl.h"
#include "manifest/checkpoints.h"
#include "wal/wal_object.h"

namespace lsm {

using zerofs::Errc;

namespace {
constexpr std::chrono::seconds kRepinEvery{10};

std::chrono::milliseconds lease_lifetime(const Options& o) {
  return std::max<std::chrono::milliseconds>(std::chrono::milliseconds(60'000),
                                             o.manifest_poll_interval * 10);
}
}  // namespace

Task<Result<void>> DbImpl::tail_wal() {
  while (true) {
    std::uint64_t id;
    SequenceNumber in_tables;
    {
      std::lock_guard lock(mutex_);
      id = next_wal_id_;
      in_tables = version_->last_l0_seq;
    }
    auto object = co_await wal_store().get(params_.prefix + wal_object_key(id), std::nullopt);
    if (!object) {
      if (object.error().code() == Errc::not_found) co_return Result<void>{};
      co_return std::unexpected(object.error());
    }
    ZF_CO_TRY(auto decoded, decode_wal_object(object->data.view(), id, *params_.transformer));
    std::lock_guard lock(mutex_);
    for (const WriteBatch& batch : decoded.batches) {
      const SequenceNumber last = batch.sequence() + batch.count() - 1;
      if (last <= last_seq_ || last <= in_tables) continue;
      ZF_CO_CHECK(mem_->add_batch(batch));
      last_seq_ = last;
      follower_mem_max_seq_ = last;
    }
    visible_seq_.store(last_seq_, std::memory_order_release);
    next_wal_id_ = id + 1;
  }
}

Task<Result<void>> DbImpl::catch_up() {
  // One catch-up at a time (the poll loop and callers may race); a concurrent call returns at
  // once: the running one covers it.
  if (catching_up_.exchange(true)) co_return Result<void>{};
  struct Done {
    std::atomic<bool>& flag;
    ~Done() { flag.store(false); }
  } done{catching_up_};
  auto known = manifests_->latest_known();
  if (!known) co_return zerofs::fail(Errc::not_found, "no manifest known");
  ZF_CO_TRY(StoredManifest newest, co_await manifests_->refresh(*known));
  std::uint64_t current_id;
  {
    std::lock_guard lock(mutex_);
    current_id = version_->manifest_id;
  }
  if (newest.id > current_id) {
    if (lease_ && std::chrono::steady_clock::now() - last_repin_ >= kRepinEvery) {
      // Move the lease forward so GC keeps what this reader now reads.
      const auto now = unix_now_ms();
      const auto lifetime = lease_lifetime(options_);
      const CheckpointId lease = *lease_;
      auto repinned = co_await manifests_->update_with_base(
          [&](const StoredManifest& base, ManifestState& s) -> Result<bool> {
            for (Checkpoint& cp : s.checkpoints) {
              if (cp.id != lease || cp.expired_at(now)) continue;
              cp.manifest_id = base.id;
              cp.expire_time_ms = now + lifetime.count();
              return true;
            }
            return zerofs::fail(Errc::not_found, "reader lease expired");
          });
      if (!repinned && repinned.error().code() == Errc::not_found) {
        CheckpointOptions fresh;
        fresh.lifetime = lifetime;
        ZF_CO_TRY(auto cp, co_await lsm::create_checkpoint(*manifests_, fresh));
        lease_ = cp.id;
        ZF_CO_TRY(newest, co_await manifests_->load(cp.manifest_id));
      } else if (!repinned) {
        co_return std::unexpected(repinned.error());
      } else {
        newest = std::move(*repinned);
      }
      last_repin_ = std::chrono::steady_clock::now();
    }
    auto v = Version::from_manifest(newest.id, newest.state);
    std::lock_guard lock(mutex_);
    if (version_->manifest_id < newest.id) {
      version_ = std::move(v);
      if (follower_mem_max_seq_ <= newest.state.last_l0_seq) {
        mem_ = MemTable::create();  // everything it held is in the tables now
        follower_mem_max_seq_ = 0;
      }
      last_seq_ = std::max(last_seq_, newest.state.last_l0_seq);
      next_wal_id_ = std::max(next_wal_id_, newest.state.replay_after_wal_id + 1);
      visible_seq_.store(last_seq_, std::memory_order_release);
    }
  } else if (lease_) {
    const auto lifetime = lease_lifetime(options_);
    if (std::chrono::steady_clock::now() - last_repin_ >= lifetime / 4) {
      ZF_CO_CHECK(
          co_await refresh_checkpoint(*manifests_, checkpoint_id_to_hex(*lease_), lifetime));
      last_repin_ = std::chrono::steady_clock::now();
    }
  }
  co_return co_await tail_wal();
}

Task<void> DbImpl::follow_loop() {
  while (!stopping_.load()) {
    co_await stop_signal_.wait(options_.manifest_poll_interval);
    if (stopping_.load()) break;
    auto r = co_await catch_up();
    if (!r) zerofs::log::warn("lsm reader: catching up failed: {}", r.error().to_string());
  }
}

Task<void> DbImpl::manifest_poll_loop() {
  while (!stopping_.load()) {
    co_await stop_signal_.wait(options_.manifest_poll_interval);
    if (stopping_.load() || fatal()) break;
    auto known = manifests_->latest_known();
    if (!known) continue;
    auto newest = co_await manifests_->refresh(*known);
    if (!newest) {
      zerofs::log::warn("lsm: manifest refresh failed: {}", newest.error().to_string());
      continue;
    }
    if (newest->state.writer_epoch != epoch_) {
      set_fatal(zerofs::Error(Errc::fenced, "another writer opened this database"));
      break;
    }
    install_version(*newest);
  }
}

}  // namespace lsm
