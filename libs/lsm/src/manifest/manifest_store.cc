#include "manifest/manifest_store.h"

#include <algorithm>
#include <utility>

#include "base/log.h"
#include "manifest/manifest_codec.h"

namespace lsm {

using zerofs::Errc;
using zerofs::fail;

namespace {

bool is_not_found(const zerofs::Error& e) { return e.code() == Errc::not_found; }

// Creation-time fields never change, and epochs only grow: a commit that says otherwise is a
// bug in the caller, refused before it reaches storage.
Result<void> check_transition(const ManifestState& base, const ManifestState& next) {
  if (next.format_version != base.format_version || next.create_time_ms != base.create_time_ms ||
      next.separate_wal_store != base.separate_wal_store) {
    return fail(Errc::invalid_argument, "commit changes a field fixed at creation");
  }
  if (next.writer_epoch < base.writer_epoch || next.compactor_epoch < base.compactor_epoch) {
    return fail(Errc::invalid_argument, "commit lowers an epoch");
  }
  return {};
}

}  // namespace

ManifestStore::ManifestStore(std::shared_ptr<zobj::ObjectStore> store, std::string prefix,
                             const BlockTransformer& transformer, ManifestStoreOptions options)
    : store_(std::move(store)),
      prefix_(std::move(prefix)),
      transformer_(transformer),
      options_(options) {}

std::string ManifestStore::object_key(std::uint64_t id) const {
  return prefix_ + manifest_relative_key(id);
}

std::shared_ptr<const StoredManifest> ManifestStore::latest_known() const {
  std::lock_guard lock(mutex_);
  return latest_;
}

void ManifestStore::remember(const StoredManifest& m) {
  std::lock_guard lock(mutex_);
  if (!latest_ || m.id > latest_->id || (m.id == latest_->id && m.etag != latest_->etag)) {
    latest_ = std::make_shared<const StoredManifest>(m);
  }
}

Task<Result<std::optional<ManifestStore::RawManifest>>> ManifestStore::get_raw(std::uint64_t id) {
  auto object = co_await store_->get(object_key(id), std::nullopt);
  if (!object) {
    if (is_not_found(object.error())) co_return std::nullopt;
    co_return fail(object.error().with_context(fmt::format("reading manifest {}", id)));
  }
  co_return RawManifest{id, std::move(*object)};
}

Task<Result<std::optional<ManifestStore::RawManifest>>> ManifestStore::probe_after(
    std::uint64_t id) {
  std::optional<RawManifest> last;
  for (std::uint64_t next = id + 1;; ++next) {
    ZF_CO_TRY(auto raw, co_await get_raw(next));
    if (!raw) break;
    last = std::move(raw);
  }
  co_return last;
}

Result<StoredManifest> ManifestStore::decode(RawManifest raw) const {
  ZF_TRY(ManifestState state, decode_manifest(raw.object.data.view(), raw.id, transformer_));
  return StoredManifest{raw.id, std::move(raw.object.meta.etag), std::move(state)};
}

Task<Result<std::vector<std::uint64_t>>> ManifestStore::list_ids() {
  const std::string dir = prefix_ + std::string(kManifestDir);
  ZF_CO_TRY(const auto objects, co_await zobj::list_all(*store_, dir));
  std::vector<std::uint64_t> ids;
  ids.reserve(objects.size());
  for (const zobj::ObjectMeta& meta : objects) {
    // Other objects under manifest/ (none today) are not manifests and are skipped.
    if (auto id = parse_manifest_relative_key(std::string_view(meta.key).substr(prefix_.size()))) {
      ids.push_back(*id);
    }
  }
  std::sort(ids.begin(), ids.end());
  co_return ids;
}

Task<Result<bool>> ManifestStore::any_manifest_after(std::uint64_t id) {
  const std::string dir = prefix_ + std::string(kManifestDir);
  std::string after = object_key(id);
  for (;;) {
    ZF_CO_TRY(const zobj::ListPage page, co_await store_->list(dir, after, 1));
    for (const zobj::ObjectMeta& meta : page.objects) {
      if (parse_manifest_relative_key(std::string_view(meta.key).substr(prefix_.size()))) {
        co_return true;
      }
    }
    if (page.next_start_after.empty()) co_return false;
    after = page.next_start_after;
  }
}

Task<Result<std::optional<StoredManifest>>> ManifestStore::load_latest() {
  // A listing may be stale (or race with GC), so it only gives a starting point: the newest
  // version is the end of the chain of ids that exist above it.
  constexpr int kListings = 3;
  for (int listing = 0; listing < kListings; ++listing) {
    ZF_CO_TRY(const auto ids, co_await list_ids());
    const std::uint64_t highest = ids.empty() ? 0 : ids.back();
    std::optional<RawManifest> found;
    if (highest != 0) {
      ZF_CO_TRY(found, co_await get_raw(highest));
    }
    ZF_CO_TRY(auto newer, co_await probe_after(highest));
    if (newer) found = std::move(newer);
    if (!found) {
      if (highest == 0) co_return std::nullopt;
      continue;  // the listed manifest vanished and nothing newer exists yet: list again
    }
    ZF_CO_TRY(StoredManifest latest, decode(std::move(*found)));
    remember(latest);
    co_return std::optional<StoredManifest>(std::move(latest));
  }
  co_return fail(Errc::transient, "manifest listing keeps changing under {}", prefix_);
}

Task<Result<StoredManifest>> ManifestStore::refresh(const StoredManifest& known) {
  ZF_CO_TRY(auto newer, co_await probe_after(known.id));
  if (newer) {
    ZF_CO_TRY(StoredManifest m, decode(std::move(*newer)));
    remember(m);
    co_return m;
  }
  // Nothing after `known`: either it is still the newest, or it was garbage-collected after
  // newer versions appeared (and the probe started below the live range).
  auto head = co_await store_->head(object_key(known.id));
  if (head && head->etag == known.etag) co_return known;
  if (!head && !is_not_found(head.error())) co_return fail(head.error());
  ZF_CO_TRY(auto latest, co_await load_latest());
  if (!latest) co_return fail(Errc::not_found, "no manifest left under '{}'", prefix_);
  co_return std::move(*latest);
}

Task<Result<StoredManifest>> ManifestStore::load(std::uint64_t id) {
  ZF_CO_TRY(auto raw, co_await get_raw(id));
  if (!raw) co_return fail(Errc::not_found, "manifest {} does not exist", id);
  ZF_CO_TRY(StoredManifest m, decode(std::move(*raw)));
  remember(m);
  co_return m;
}

Task<Result<StoredManifest>> ManifestStore::create_initial(ManifestState state) {
  constexpr std::uint64_t kFirstId = 1;
  ZF_CO_TRY(const Buffer bytes, encode_manifest(state, kFirstId, transformer_));
  auto put = co_await store_->put(object_key(kFirstId), bytes.view(), zobj::PutOptions::create());
  if (!put) {
    if (put.error().code() == Errc::already_exists) {
      co_return fail(Errc::already_exists, "database under '{}' already has a manifest", prefix_);
    }
    co_return fail(put.error().with_context("creating manifest 1"));
  }
  // Manifest 1 may have been garbage-collected long ago: then our create resurrected it
  // beside newer versions, and the database was not new after all.
  ZF_CO_TRY(const bool newer, co_await any_manifest_after(kFirstId));
  if (newer) {
    auto undo = co_await store_->del(object_key(kFirstId));
    if (!undo) {
      zerofs::log::warn("cannot delete a resurrected manifest 1: {}", undo.error().to_string());
    }
    co_return fail(Errc::already_exists, "database under '{}' already has manifests", prefix_);
  }
  StoredManifest created{kFirstId, std::move(put->etag), std::move(state)};
  remember(created);
  co_return created;
}

Task<Result<StoredManifest>> ManifestStore::commit(const StoredManifest& base, ManifestState next) {
  ZF_CO_CHECK(check_transition(base.state, next));
  const std::uint64_t id = base.id + 1;
  ZF_CO_TRY(const Buffer bytes, encode_manifest(next, id, transformer_));
  auto put = co_await store_->put(object_key(id), bytes.view(), zobj::PutOptions::create());
  if (!put) {
    if (put.error().code() == Errc::already_exists) {
      co_return fail(Errc::precondition_failed, "manifest {} was committed by another process", id);
    }
    co_return fail(
        put.error().with_context(fmt::format("committing manifest {} (outcome unknown)", id)));
  }
  // The GC-boundary check (header comment): our base must still be there, unchanged.
  auto head = co_await store_->head(object_key(base.id));
  if (!head && !is_not_found(head.error())) {
    co_return fail(head.error().with_context(
        fmt::format("checking the base of manifest {} (outcome unknown)", id)));
  }
  if (!head || head->etag != base.etag) {
    // Best effort: GC would remove it later, as it lies below the live range.
    auto undo = co_await store_->del(object_key(id));
    if (!undo) {
      zerofs::log::warn("manifest {}: cannot delete a stale commit: {}", id,
                        undo.error().to_string());
    }
    co_return fail(Errc::fenced,
                   "stale manifest view: base manifest {} was garbage-collected, {} not committed",
                   base.id, id);
  }
  StoredManifest committed{id, std::move(put->etag), std::move(next)};
  remember(committed);
  co_return committed;
}

Task<Result<StoredManifest>> ManifestStore::newest_for_update() {
  if (auto cached = latest_known()) co_return co_await refresh(*cached);
  ZF_CO_TRY(auto latest, co_await load_latest());
  if (!latest) co_return fail(Errc::not_found, "no manifest under '{}'", prefix_);
  co_return std::move(*latest);
}

Task<Result<StoredManifest>> ManifestStore::update(Delta fn) {
  co_return co_await update_with_base(
      [&fn](const StoredManifest&, ManifestState& state) { return fn(state); });
}

Task<Result<StoredManifest>> ManifestStore::update_with_base(DeltaFromBase fn) {
  ZF_CO_TRY(StoredManifest base, co_await newest_for_update());
  for (int attempt = 0; attempt < options_.max_update_attempts; ++attempt) {
    ManifestState next = base.state;
    ZF_CO_TRY(const bool changed, fn(base, next));
    if (!changed) co_return base;
    auto committed = co_await commit(base, std::move(next));
    if (committed) co_return committed;
    switch (committed.error().code()) {
      case Errc::precondition_failed: {  // lost the race: merge onto the winner's state
        ZF_CO_TRY(base, co_await refresh(base));
        break;
      }
      case Errc::fenced: {  // our view predates GC: start again from the newest manifest
        ZF_CO_TRY(auto latest, co_await load_latest());
        if (!latest) co_return fail(Errc::not_found, "no manifest under '{}'", prefix_);
        base = std::move(*latest);
        break;
      }
      default:
        co_return fail(std::move(committed).error());
    }
  }
  co_return fail(Errc::busy, "manifest update lost {} commit races in a row; giving up",
                 options_.max_update_attempts);
}

Task<Result<void>> ManifestStore::delete_manifest(std::uint64_t id) {
  co_return co_await store_->del(object_key(id));
}

}  // namespace lsm
