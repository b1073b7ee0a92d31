#include "gc/garbage_collector.h"

#include <fmt/format.h>

#include <algorithm>
#include <limits>
#include <optional>
#include <set>
#include <unordered_set>
#include <utility>

#include "base/log.h"
#include "manifest/checkpoints.h"
#include "manifest/manifest_codec.h"
#include "wal/wal_object.h"

namespace lsm {

using zerofs::Errc;
using zerofs::fail;

namespace {

constexpr std::string_view kSstDir = "sst/";

// The id of "sst/<ulid>.sst" exactly as SstId::object_key() prints it; nullopt otherwise.
std::optional<SstId> parse_sst_relative_key(std::string_view key) {
  constexpr std::string_view kSuffix = ".sst";
  if (!key.starts_with(kSstDir) || !key.ends_with(kSuffix)) return std::nullopt;
  SstId id;
  const std::string_view text =
      key.substr(kSstDir.size(), key.size() - kSstDir.size() - kSuffix.size());
  if (!SstId::parse(text, &id) || id.object_key() != key) return std::nullopt;
  return id;
}

}  // namespace

GarbageCollector::GarbageCollector(GcParams params)
    : params_(std::move(params)),
      wal_store_(params_.wal_store ? *params_.wal_store : *params_.store) {}

std::shared_ptr<const GarbageCollector::ManifestRefs> GarbageCollector::refs_of(
    const ManifestState& state) {
  auto refs = std::make_shared<ManifestRefs>();
  refs->replay_after_wal_id = state.replay_after_wal_id;
  for (const SstInfo& t : state.l0) refs->ssts.push_back(t.id);
  for (const SortedRun& run : state.sorted_runs) {
    for (const SstInfo& t : run.ssts) refs->ssts.push_back(t.id);
  }
  return refs;
}

zerofs::Task<zerofs::Result<std::vector<GarbageCollector::ListedManifest>>>
GarbageCollector::list_manifests() {
  ZF_CO_TRY(const auto objects,
            co_await zobj::list_all(*params_.store, params_.prefix + std::string(kManifestDir)));
  std::vector<ListedManifest> listed;
  for (const zobj::ObjectMeta& meta : objects) {
    const auto id =
        parse_manifest_relative_key(std::string_view(meta.key).substr(params_.prefix.size()));
    if (id) listed.push_back(ListedManifest{*id, meta.modified_unix_ms});
  }
  std::sort(listed.begin(), listed.end(),
            [](const ListedManifest& a, const ListedManifest& b) { return a.id < b.id; });
  co_return listed;
}

zerofs::Task<zerofs::Result<std::shared_ptr<const GarbageCollector::ManifestRefs>>>
GarbageCollector::load_refs(std::uint64_t id) {
  if (auto it = cache_.find(id); it != cache_.end()) co_return it->second;
  auto loaded = co_await params_.manifests->load(id);
  if (!loaded) {
    co_return fail(loaded.error().with_context(
        fmt::format("garbage collection: reading live manifest {}", id)));
  }
  auto refs = refs_of(loaded->state);
  cache_.emplace(id, refs);
  co_return refs;
}

zerofs::Task<zerofs::Result<GcCounts>> GarbageCollector::collect(const GcOptions& options) {
  const std::int64_t now = options.now_ms != 0 ? options.now_ms : unix_now_ms();
  const std::int64_t cutoff = now - options.min_age.count();
  GcCounts counts;

  std::size_t expired = 0;
  ZF_CO_TRY(const StoredManifest latest,
            co_await params_.manifests->update([&](ManifestState& state) -> Result<bool> {
              expired = remove_expired_checkpoints(state, now);
              return expired > 0;
            }));
  counts.checkpoints = expired;

  // The live manifests: latest, pinned, and recently superseded.
  ZF_CO_TRY(const auto listed, co_await list_manifests());
  std::set<std::uint64_t> live{latest.id};
  for (const Checkpoint& c : latest.state.checkpoints) {
    if (!c.expired_at(now)) live.insert(c.manifest_id);
  }
  for (std::size_t i = 0; i < listed.size() && listed[i].id < latest.id; ++i) {
    const bool successor_known = i + 1 < listed.size() && listed[i + 1].id == listed[i].id + 1;
    if (!successor_known || listed[i + 1].modified_ms > cutoff) live.insert(listed[i].id);
  }

  std::vector<std::shared_ptr<const ManifestRefs>> refs;
  std::map<std::uint64_t, std::shared_ptr<const ManifestRefs>> still_cached;
  std::uint64_t wal_boundary = std::numeric_limits<std::uint64_t>::max();
  for (const std::uint64_t id : live) {
    std::shared_ptr<const ManifestRefs> r;
    if (id == latest.id) {
      r = refs_of(latest.state);
    } else {
      ZF_CO_TRY(r, co_await load_refs(id));
    }
    wal_boundary = std::min(wal_boundary, r->replay_after_wal_id);
    still_cached.emplace(id, r);
    refs.push_back(std::move(r));
  }
  cache_ = std::move(still_cached);

  ZF_CO_TRY(counts.ssts, co_await delete_ssts(refs, cutoff, options));
  ZF_CO_TRY(counts.wal_objects, co_await delete_wal(wal_boundary));

  // Ascending, and never past a live one: the live ids stay one contiguous range.
  for (const ListedManifest& m : listed) {
    if (m.id >= latest.id || live.contains(m.id)) break;
    ZF_CO_CHECK(co_await params_.manifests->delete_manifest(m.id));
    ++counts.manifests;
  }
  if (counts.objects() != 0 || counts.checkpoints != 0) {
    zerofs::log::debug(
        "gc: deleted {} tables, {} WAL objects, {} manifests; {} checkpoints expired", counts.ssts,
        counts.wal_objects, counts.manifests, counts.checkpoints);
  }
  co_return counts;
}

zerofs::Task<zerofs::Result<std::size_t>> GarbageCollector::delete_ssts(
    const std::vector<std::shared_ptr<const ManifestRefs>>& live, std::int64_t cutoff_ms,
    const GcOptions& options) {
  std::unordered_set<SstId, SstIdHash> referenced;
  for (const auto& r : live) referenced.insert(r->ssts.begin(), r->ssts.end());
  ZF_CO_TRY(const auto objects,
            co_await zobj::list_all(*params_.store, params_.prefix + std::string(kSstDir)));
  std::size_t deleted = 0;
  for (const zobj::ObjectMeta& meta : objects) {
    const auto id =
        parse_sst_relative_key(std::string_view(meta.key).substr(params_.prefix.size()));
    if (!id || referenced.contains(*id) || meta.modified_unix_ms > cutoff_ms) continue;
    if (options.in_use && options.in_use(*id)) continue;
    ZF_CO_CHECK(co_await params_.store->del(meta.key));
    ++deleted;
  }
  co_return deleted;
}

zerofs::Task<zerofs::Result<std::size_t>> GarbageCollector::delete_wal(std::uint64_t through_id) {
  ZF_CO_TRY(const auto objects,
            co_await zobj::list_all(wal_store_, params_.prefix + std::string(kWalKeyPrefix)));
  std::size_t deleted = 0;
  for (const zobj::ObjectMeta& meta : objects) {
    const auto id = parse_wal_object_key(std::string_view(meta.key).substr(params_.prefix.size()));
    if (!id || *id > through_id) continue;
    if (meta.size == 0) continue;  // a fence: never deleted (see the header)
    ZF_CO_CHECK(co_await wal_store_.del(meta.key));
    ++deleted;
  }
  co_return deleted;
}

}  // namespace lsm
