#include "manifest/manifest_state.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <random>

namespace lsm {

using zerofs::Errc;
using zerofs::fail;

namespace {

bool handle_inside(const BlockHandle& h, std::uint64_t file_size) {
  return h.size <= file_size && h.offset <= file_size - h.size;
}

Result<void> validate_sst(const SstInfo& sst, std::string_view where, std::size_t index) {
  if (sst.smallest.size() < kTrailerSize || sst.largest.size() < kTrailerSize) {
    return fail(Errc::invalid_argument, "{}[{}]: key shorter than an internal-key trailer", where,
                index);
  }
  if (compare_internal_keys(sst.smallest, sst.largest) > 0) {
    return fail(Errc::invalid_argument, "{}[{}]: smallest key sorts after largest", where, index);
  }
  if (sst.min_seq > sst.max_seq) {
    return fail(Errc::invalid_argument, "{}[{}]: min_seq {} > max_seq {}", where, index,
                sst.min_seq, sst.max_seq);
  }
  if (!handle_inside(sst.index, sst.file_size) ||
      (sst.filter.size != 0 && !handle_inside(sst.filter, sst.file_size))) {
    return fail(Errc::invalid_argument, "{}[{}]: block handle beyond file size {}", where, index,
                sst.file_size);
  }
  return {};
}

Result<void> validate_tables(const ManifestState& state) {
  std::vector<SstId> ids;
  for (std::size_t i = 0; i < state.l0.size(); ++i) {
    ZF_CHECK(validate_sst(state.l0[i], "l0", i));
    ids.push_back(state.l0[i].id);
  }
  std::vector<std::uint64_t> run_ids;
  for (const SortedRun& run : state.sorted_runs) {
    if (run.id >= state.next_run_id) {
      return fail(Errc::invalid_argument, "sorted run {} is not below next_run_id {}", run.id,
                  state.next_run_id);
    }
    run_ids.push_back(run.id);
    const std::string where = fmt::format("sorted run {}", run.id);
    for (std::size_t i = 0; i < run.ssts.size(); ++i) {
      ZF_CHECK(validate_sst(run.ssts[i], where, i));
      if (i > 0 && compare_internal_keys(run.ssts[i - 1].largest, run.ssts[i].smallest) >= 0) {
        return fail(Errc::invalid_argument, "{}: tables {} and {} overlap or are out of order",
                    where, i - 1, i);
      }
      ids.push_back(run.ssts[i].id);
    }
  }
  std::sort(run_ids.begin(), run_ids.end());
  if (std::adjacent_find(run_ids.begin(), run_ids.end()) != run_ids.end()) {
    return fail(Errc::invalid_argument, "two sorted runs share an id");
  }
  std::sort(ids.begin(), ids.end());
  if (std::adjacent_find(ids.begin(), ids.end()) != ids.end()) {
    return fail(Errc::invalid_argument, "a table is listed twice");
  }
  return {};
}

Result<void> validate_checkpoints(const ManifestState& state) {
  std::vector<CheckpointId> ids;
  std::vector<std::string_view> names;
  for (const Checkpoint& c : state.checkpoints) {
    if (c.manifest_id == 0) {
      return fail(Errc::invalid_argument, "checkpoint {} pins manifest 0", c.id_hex());
    }
    ids.push_back(c.id);
    if (c.name) {
      if (c.name->empty()) {
        return fail(Errc::invalid_argument, "checkpoint {} has an empty name", c.id_hex());
      }
      names.push_back(*c.name);
    }
  }
  std::sort(ids.begin(), ids.end());
  if (std::adjacent_find(ids.begin(), ids.end()) != ids.end()) {
    return fail(Errc::invalid_argument, "two checkpoints share an id");
  }
  std::sort(names.begin(), names.end());
  if (auto dup = std::adjacent_find(names.begin(), names.end()); dup != names.end()) {
    return fail(Errc::invalid_argument, "two checkpoints are named '{}'", *dup);
  }
  return {};
}

}  // namespace

Result<void> validate_manifest_state(const ManifestState& state) {
  if (state.format_version != kManifestFormatVersion) {
    return fail(Errc::invalid_argument, "unsupported manifest format version {}",
                state.format_version);
  }
  ZF_CHECK(validate_tables(state));
  return validate_checkpoints(state);
}

std::string Checkpoint::id_hex() const { return checkpoint_id_to_hex(id); }

std::string checkpoint_id_to_hex(const CheckpointId& id) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out(id.size() * 2, '0');
  for (std::size_t i = 0; i < id.size(); ++i) {
    out[2 * i] = kDigits[id[i] >> 4];
    out[2 * i + 1] = kDigits[id[i] & 0xf];
  }
  return out;
}

std::optional<CheckpointId> parse_checkpoint_id(std::string_view hex) {
  CheckpointId id{};
  if (hex.size() != id.size() * 2) return std::nullopt;
  const auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  for (std::size_t i = 0; i < id.size(); ++i) {
    const int hi = nibble(hex[2 * i]);
    const int lo = nibble(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    id[i] = static_cast<std::uint8_t>(hi << 4 | lo);
  }
  return id;
}

CheckpointId new_checkpoint_id() {
  std::random_device rd;  // getrandom(2) on Linux
  CheckpointId id{};
  for (std::size_t i = 0; i < id.size(); i += 4) {
    const std::uint32_t word = rd();
    for (std::size_t j = 0; j < 4; ++j) id[i + j] = static_cast<std::uint8_t>(word >> (8 * j));
  }
  return id;
}

Result<void> check_wal_store_choice(const ManifestState& state, bool separate) {
  if (state.separate_wal_store == separate) return {};
  if (state.separate_wal_store) {
    return fail(Errc::invalid_argument,
                "this database was created with a separate WAL store ([wal]) and is opened "
                "without one; the WAL store is fixed at creation: restore the [wal] section");
  }
  return fail(Errc::invalid_argument,
              "this database was created without a separate WAL store and is opened with one "
              "([wal]); the WAL store is fixed at creation: remove the [wal] section");
}

std::int64_t unix_now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace lsm
