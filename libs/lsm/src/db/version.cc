#include "db/version.h"

#include <algorithm>

#include "compaction/compaction_planner.h"
#include "db/run_iterator.h"

namespace lsm {

std::shared_ptr<const Version> Version::from_manifest(std::uint64_t id, const ManifestState& m) {
  auto v = std::make_shared<Version>();
  v->manifest_id = id;
  v->l0 = m.l0;
  v->l0_depth = lsm::l0_depth(m.l0);
  v->runs = m.sorted_runs;
  v->last_l0_seq = m.last_l0_seq;
  return v;
}

std::size_t Version::table_count() const {
  std::size_t n = l0.size();
  for (const auto& r : runs) n += r.ssts.size();
  return n;
}

std::uint64_t Version::total_bytes() const {
  std::uint64_t n = 0;
  for (const auto& t : l0) n += t.file_size;
  for (const auto& r : runs) {
    for (const auto& t : r.ssts) n += t.file_size;
  }
  return n;
}

namespace {

bool covers(const SstInfo& info, std::string_view user_key) {
  return info.smallest_user_key() <= user_key && user_key <= info.largest_user_key();
}

// Turns a table's answer into the version's: *done when the table holds the key.
zerofs::Result<VersionLookup> classify(zerofs::Result<TableLookup> found, bool* done) {
  if (!found) return std::unexpected(found.error());
  VersionLookup out;
  *done = found->kind != TableLookup::Kind::absent;
  if (found->kind == TableLookup::Kind::value) {
    out.kind = VersionLookup::Kind::value;
    out.value.assign(found->value);
  } else if (found->kind == TableLookup::Kind::deletion) {
    out.kind = VersionLookup::Kind::deletion;
  }
  return out;
}

// The slow path of one table probe: open the table and/or fetch its data block.
zerofs::Task<zerofs::Result<VersionLookup>> table_get(TableCache& tables, const SstInfo& info,
                                                      std::string_view lookup_key, bool fill_cache,
                                                      bool* done) {
  ZF_CO_TRY(auto reader, co_await tables.find(info));
  co_return classify(co_await reader->get(lookup_key, fill_cache), done);
}

// Probes one table; the common case (table open, block cached or filtered out) runs without
// a coroutine frame. Returns nullopt when the slow path is needed.
std::optional<zerofs::Result<VersionLookup>> table_get_cached(TableCache& tables,
                                                              const SstInfo& info,
                                                              std::string_view lookup_key,
                                                              bool* done) {
  auto reader = tables.lookup(info.id);
  if (!reader) return std::nullopt;
  auto hit = reader->get_cached(lookup_key);
  if (!hit) return std::nullopt;
  return classify(std::move(*hit), done);
}

}  // namespace

zerofs::Task<zerofs::Result<VersionLookup>> version_get(const Version& version, TableCache& tables,
                                                        std::string_view lookup_key,
                                                        bool fill_cache) {
  const std::string_view user_key = extract_user_key(lookup_key);
  // The tables to probe, newest first: overlapping L0 tables, then one table per run.
  // A probe runs without a coroutine frame when the table is open and its block cached.
  // (Written with if/else: GCC 12 miscompiles co_await inside ?:.)
  bool done = false;
  zerofs::Result<VersionLookup> r;
  for (const SstInfo& t : version.l0) {
    if (!covers(t, user_key)) continue;
    if (auto fast = table_get_cached(tables, t, lookup_key, &done)) {
      r = std::move(*fast);
    } else {
      r = co_await table_get(tables, t, lookup_key, fill_cache, &done);
    }
    if (!r || done) co_return r;
  }
  for (const SortedRun& run : version.runs) {
    auto it = std::partition_point(run.ssts.begin(), run.ssts.end(), [&](const SstInfo& s) {
      return s.largest_user_key() < user_key;
    });
    if (it == run.ssts.end() || !covers(*it, user_key)) continue;
    if (auto fast = table_get_cached(tables, *it, lookup_key, &done)) {
      r = std::move(*fast);
    } else {
      r = co_await table_get(tables, *it, lookup_key, fill_cache, &done);
    }
    if (!r || done) co_return r;
  }
  co_return VersionLookup{};
}

void add_version_iterators(const Version& version, TableCache& tables,
                           const TableReadOptions& options,
                           std::vector<std::unique_ptr<InternalIterator>>& out) {
  for (const SstInfo& t : version.l0) {
    out.push_back(std::make_unique<RunIterator>(tables, std::vector<SstInfo>{t}, options));
  }
  for (const SortedRun& run : version.runs) {
    out.push_back(std::make_unique<RunIterator>(tables, run.ssts, options));
  }
}

}  // namespace lsm
