#include "manifest/checkpoints.h"

#include <algorithm>
#include <limits>
#include <tuple>
#include <utility>

namespace lsm {

using zerofs::Errc;
using zerofs::fail;

namespace {

Result<void> check_name(std::string_view name) {
  if (name.empty() || name.size() > kMaxCheckpointNameBytes) {
    return fail(Errc::invalid_argument, "a checkpoint name has 1..{} bytes",
                kMaxCheckpointNameBytes);
  }
  if (parse_checkpoint_id(name)) {
    return fail(Errc::invalid_argument, "checkpoint name '{}' looks like a checkpoint id", name);
  }
  return {};
}

Result<std::int64_t> expiry(std::int64_t now_ms, std::chrono::milliseconds lifetime) {
  if (lifetime.count() <= 0) {
    return fail(Errc::invalid_argument, "a checkpoint lifetime must be positive");
  }
  if (now_ms > std::numeric_limits<std::int64_t>::max() - lifetime.count()) {
    return fail(Errc::invalid_argument, "checkpoint lifetime too long");
  }
  return now_ms + lifetime.count();
}

Checkpoint* find_by_id(ManifestState& state, const CheckpointId& id) {
  for (Checkpoint& c : state.checkpoints) {
    if (c.id == id) return &c;
  }
  return nullptr;
}

// Shared by the const and the mutable lookup.
template <typename State>
auto* find_in(State& state, std::string_view name_or_id) {
  decltype(&state.checkpoints.front()) found = nullptr;
  if (const auto id = parse_checkpoint_id(name_or_id)) {
    for (auto& c : state.checkpoints) {
      if (c.id == *id) return &c;
    }
  }
  for (auto& c : state.checkpoints) {
    if (c.name && *c.name == name_or_id) return &c;
  }
  return found;
}

}  // namespace

const Checkpoint* find_checkpoint(const ManifestState& state, std::string_view name_or_id) {
  return find_in(state, name_or_id);
}

std::vector<Checkpoint> list_checkpoints(const ManifestState& state, std::int64_t now_ms) {
  std::vector<Checkpoint> live;
  for (const Checkpoint& c : state.checkpoints) {
    if (!c.expired_at(now_ms)) live.push_back(c);
  }
  std::sort(live.begin(), live.end(), [](const Checkpoint& a, const Checkpoint& b) {
    return std::tie(a.create_time_ms, a.id) < std::tie(b.create_time_ms, b.id);
  });
  return live;
}

std::size_t remove_expired_checkpoints(ManifestState& state, std::int64_t now_ms) {
  return std::erase_if(state.checkpoints,
                       [now_ms](const Checkpoint& c) { return c.expired_at(now_ms); });
}

Task<Result<Checkpoint>> create_checkpoint(ManifestStore& store, CheckpointOptions options,
                                           std::int64_t now_ms) {
  if (options.name) ZF_CO_CHECK(check_name(*options.name));
  std::optional<std::int64_t> expire_time_ms;
  if (options.lifetime) {
    ZF_CO_TRY(expire_time_ms, expiry(now_ms, *options.lifetime));
  }
  // Generated once: a re-applied delta recognises the checkpoint its earlier attempt added.
  const CheckpointId id = new_checkpoint_id();
  auto add = [&](const StoredManifest& base, ManifestState& state) -> Result<bool> {
    if (find_by_id(state, id) != nullptr) return false;
    remove_expired_checkpoints(state, now_ms);
    if (options.name && find_checkpoint(state, *options.name) != nullptr) {
      return fail(Errc::already_exists, "checkpoint '{}' already exists", *options.name);
    }
    state.checkpoints.push_back(Checkpoint{id, options.name, base.id, now_ms, expire_time_ms});
    return true;
  };
  ZF_CO_TRY(StoredManifest committed, co_await store.update_with_base(add));
  const Checkpoint* made = find_by_id(committed.state, id);
  if (made == nullptr) {
    co_return fail(Errc::not_found, "checkpoint {} vanished right after its commit",
                   checkpoint_id_to_hex(id));
  }
  co_return *made;
}

Task<Result<void>> delete_checkpoint(ManifestStore& store, std::string name_or_id) {
  // Once seen, absence on a re-application means the delete already happened (maybe ours).
  bool seen = false;
  auto remove = [&](ManifestState& state) -> Result<bool> {
    const Checkpoint* c = find_in(state, name_or_id);
    if (c == nullptr) {
      if (seen) return false;
      return fail(Errc::not_found, "no checkpoint '{}'", name_or_id);
    }
    seen = true;
    state.checkpoints.erase(state.checkpoints.begin() + (c - state.checkpoints.data()));
    return true;
  };
  ZF_CO_CHECK(co_await store.update(remove));
  co_return Result<void>{};
}

Task<Result<Checkpoint>> refresh_checkpoint(ManifestStore& store, std::string name_or_id,
                                            std::chrono::milliseconds lifetime,
                                            std::int64_t now_ms) {
  ZF_CO_TRY(const std::int64_t expire_time_ms, expiry(now_ms, lifetime));
  CheckpointId id{};
  auto extend = [&](ManifestState& state) -> Result<bool> {
    Checkpoint* c = find_in(state, name_or_id);
    if (c == nullptr || c->expired_at(now_ms)) {
      return fail(Errc::not_found, "no live checkpoint '{}'", name_or_id);
    }
    id = c->id;
    if (c->expire_time_ms == expire_time_ms) return false;
    c->expire_time_ms = expire_time_ms;
    return true;
  };
  ZF_CO_TRY(StoredManifest committed, co_await store.update(extend));
  const Checkpoint* refreshed = find_by_id(committed.state, id);
  if (refreshed == nullptr) {
    co_return fail(Errc::not_found, "checkpoint '{}' vanished right after its commit", name_or_id);
  }
  co_return *refreshed;
}

Task<Result<std::size_t>> expire_checkpoints(ManifestStore& store, std::int64_t now_ms) {
  std::size_t removed = 0;
  auto expire = [&](ManifestState& state) -> Result<bool> {
    removed = remove_expired_checkpoints(state, now_ms);
    return removed != 0;
  };
  ZF_CO_CHECK(co_await store.update(expire));
  co_return removed;
}

}  // namespace lsm
