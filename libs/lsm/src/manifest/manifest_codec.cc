#include "manifest/manifest_codec.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <limits>
#include <nlohmann/json.hpp>
#include <span>
#include <vector>

#include "base/coding.h"

namespace lsm {

using json = nlohmann::json;
using zerofs::Errc;
using zerofs::fail;

namespace {

// ---- encoding ----------------------------------------------------------------------------

json byte_string(const std::uint8_t* data, std::size_t size) {
  return json::binary(std::vector<std::uint8_t>(data, data + size));
}
json byte_string(std::string_view s) {
  return byte_string(reinterpret_cast<const std::uint8_t*>(s.data()), s.size());
}

json table_to_json(const SstInfo& t) {
  json j = json::object();
  j["id"] = byte_string(t.id.bytes.data(), t.id.bytes.size());
  j["file_size"] = t.file_size;
  j["smallest"] = byte_string(t.smallest);
  j["largest"] = byte_string(t.largest);
  j["index"] = json::array({t.index.offset, t.index.size});
  j["filter"] = json::array({t.filter.offset, t.filter.size});
  j["num_entries"] = t.num_entries;
  j["num_deletions"] = t.num_deletions;
  j["min_seq"] = t.min_seq;
  j["max_seq"] = t.max_seq;
  j["raw_key_bytes"] = t.raw_key_bytes;
  j["raw_value_bytes"] = t.raw_value_bytes;
  return j;
}

json tables_to_json(const std::vector<SstInfo>& tables) {
  json a = json::array();
  for (const SstInfo& t : tables) a.push_back(table_to_json(t));
  return a;
}

json state_to_json(const ManifestState& s) {
  json j = json::object();
  j["create_time_ms"] = s.create_time_ms;
  j["separate_wal_store"] = s.separate_wal_store;
  j["writer_epoch"] = s.writer_epoch;
  j["replay_after_wal_id"] = s.replay_after_wal_id;
  j["last_l0_seq"] = s.last_l0_seq;
  j["snapshot_min_seq"] = s.snapshot_min_seq;
  j["l0"] = tables_to_json(s.l0);
  j["compactor_epoch"] = s.compactor_epoch;
  j["next_run_id"] = s.next_run_id;
  json runs = json::array();
  for (const SortedRun& r : s.sorted_runs) {
    runs.push_back(json{{"id", r.id}, {"ssts", tables_to_json(r.ssts)}});
  }
  j["sorted_runs"] = std::move(runs);
  json checkpoints = json::array();
  for (const Checkpoint& c : s.checkpoints) {
    json cj = json::object();
    cj["id"] = byte_string(c.id.data(), c.id.size());
    if (c.name) cj["name"] = *c.name;
    cj["manifest_id"] = c.manifest_id;
    cj["create_time_ms"] = c.create_time_ms;
    if (c.expire_time_ms) cj["expire_time_ms"] = *c.expire_time_ms;
    checkpoints.push_back(std::move(cj));
  }
  j["checkpoints"] = std::move(checkpoints);
  return j;
}

Result<std::vector<std::uint8_t>> to_cbor_bytes(const ManifestState& state) {
  ZF_CHECK(validate_manifest_state(state));
  try {
    return json::to_cbor(state_to_json(state));
  } catch (const json::exception& e) {
    return fail(Errc::invalid_argument, "manifest: cannot encode: {}", e.what());
  }
}

// ---- decoding ----------------------------------------------------------------------------

// Reads the fields of one CBOR map. The first problem is kept in `error` (sticky, as in diod's
// decoders): callers read every field and check once; later reads return zero values.
class FieldReader {
 public:
  static constexpr std::size_t kNoIndex = static_cast<std::size_t>(-1);

  FieldReader(const json& map, std::string_view path, std::size_t index, std::string& error)
      : map_(map), path_(path), index_(index), error_(error) {
    if (!map.is_object()) problem(nullptr, "expected a map");
  }

  std::uint64_t u64(const char* key) {
    const json* v = find(key);
    if (v == nullptr) return 0;
    if (!v->is_number_unsigned()) return problem(key, "expected an unsigned integer"), 0;
    return v->get<std::uint64_t>();
  }

  std::int64_t i64(const char* key) {
    const json* v = find(key);
    return v == nullptr ? 0 : to_i64(key, *v);
  }

  std::optional<std::int64_t> optional_i64(const char* key) {
    const json* v = find(key, /*required=*/false);
    if (v == nullptr) return std::nullopt;
    return to_i64(key, *v);
  }

  bool boolean(const char* key) {
    const json* v = find(key);
    if (v == nullptr) return false;
    if (!v->is_boolean()) return problem(key, "expected a boolean"), false;
    return v->get<bool>();
  }

  std::string bytes(const char* key) {
    const json* v = find(key);
    if (v == nullptr) return {};
    if (!v->is_binary()) return problem(key, "expected a byte string"), std::string();
    const auto& bin = v->get_binary();
    return std::string(bin.begin(), bin.end());
  }

  std::array<std::uint8_t, 16> id16(const char* key) {
    std::array<std::uint8_t, 16> out{};
    const json* v = find(key);
    if (v == nullptr) return out;
    if (!v->is_binary() || v->get_binary().size() != out.size()) {
      return problem(key, "expected a 16-byte byte string"), out;
    }
    std::copy(v->get_binary().begin(), v->get_binary().end(), out.begin());
    return out;
  }

  std::optional<std::string> optional_text(const char* key) {
    const json* v = find(key, /*required=*/false);
    if (v == nullptr) return std::nullopt;
    if (!v->is_string()) return problem(key, "expected a text string"), std::nullopt;
    return v->get<std::string>();
  }

  BlockHandle handle(const char* key) {
    const json* v = find(key);
    if (v == nullptr) return {};
    if (!v->is_array() || v->size() != 2 || !(*v)[0].is_number_unsigned() ||
        !(*v)[1].is_number_unsigned()) {
      return problem(key, "expected [offset, size]"), BlockHandle{};
    }
    return BlockHandle{(*v)[0].get<std::uint64_t>(), (*v)[1].get<std::uint64_t>()};
  }

  // The elements of an array field; null when absent or mistyped (and noted).
  const json* array(const char* key) {
    const json* v = find(key);
    if (v != nullptr && !v->is_array()) return problem(key, "expected an array"), nullptr;
    return v;
  }

 private:
  const json* find(const char* key, bool required = true) {
    if (!error_.empty()) return nullptr;
    const auto it = map_.find(key);
    if (it == map_.end()) {
      if (required) problem(key, "missing");
      return nullptr;
    }
    return &*it;
  }

  std::int64_t to_i64(const char* key, const json& v) {
    if (v.is_number_unsigned()) {
      if (v.get<std::uint64_t>() <= std::numeric_limits<std::int64_t>::max()) {
        return v.get<std::int64_t>();
      }
    } else if (v.is_number_integer()) {
      return v.get<std::int64_t>();
    }
    problem(key, "expected a 64-bit signed integer");
    return 0;
  }

  void problem(const char* key, std::string_view what) {
    if (!error_.empty()) return;
    std::string where(path_);
    if (index_ != kNoIndex) where += fmt::format("[{}]", index_);
    if (key != nullptr) where += fmt::format("{}{}", where.empty() ? "" : ".", key);
    error_ = fmt::format("{}: {}", where.empty() ? "manifest" : where, what);
  }

  const json& map_;
  std::string_view path_;
  std::size_t index_;
  std::string& error_;
};

SstInfo table_from_json(const json& j, std::string_view path, std::size_t index,
                        std::string& error) {
  FieldReader f(j, path, index, error);
  SstInfo t;
  t.id.bytes = f.id16("id");
  t.file_size = f.u64("file_size");
  t.smallest = f.bytes("smallest");
  t.largest = f.bytes("largest");
  t.index = f.handle("index");
  t.filter = f.handle("filter");
  t.num_entries = f.u64("num_entries");
  t.num_deletions = f.u64("num_deletions");
  t.min_seq = f.u64("min_seq");
  t.max_seq = f.u64("max_seq");
  t.raw_key_bytes = f.u64("raw_key_bytes");
  t.raw_value_bytes = f.u64("raw_value_bytes");
  return t;
}

std::vector<SstInfo> tables_from_json(const json* a, std::string_view path, std::string& error) {
  std::vector<SstInfo> out;
  if (a == nullptr || !error.empty()) return out;
  out.reserve(a->size());
  for (std::size_t i = 0; i < a->size() && error.empty(); ++i) {
    out.push_back(table_from_json((*a)[i], path, i, error));
  }
  return out;
}

ManifestState state_from_json(const json& j, std::string& error) {
  FieldReader f(j, "", FieldReader::kNoIndex, error);
  ManifestState s;
  s.create_time_ms = f.i64("create_time_ms");
  s.separate_wal_store = f.boolean("separate_wal_store");
  s.writer_epoch = f.u64("writer_epoch");
  s.replay_after_wal_id = f.u64("replay_after_wal_id");
  s.last_l0_seq = f.u64("last_l0_seq");
  s.snapshot_min_seq = f.u64("snapshot_min_seq");
  s.l0 = tables_from_json(f.array("l0"), "l0", error);
  s.compactor_epoch = f.u64("compactor_epoch");
  s.next_run_id = f.u64("next_run_id");
  if (const json* runs = f.array("sorted_runs")) {
    for (std::size_t i = 0; i < runs->size() && error.empty(); ++i) {
      FieldReader rf((*runs)[i], "sorted_runs", i, error);
      SortedRun run;
      run.id = rf.u64("id");
      const std::string path = fmt::format("sorted_runs[{}].ssts", i);
      run.ssts = tables_from_json(rf.array("ssts"), path, error);
      s.sorted_runs.push_back(std::move(run));
    }
  }
  if (const json* cps = f.array("checkpoints")) {
    for (std::size_t i = 0; i < cps->size() && error.empty(); ++i) {
      FieldReader cf((*cps)[i], "checkpoints", i, error);
      Checkpoint c;
      c.id = cf.id16("id");
      c.name = cf.optional_text("name");
      c.manifest_id = cf.u64("manifest_id");
      c.create_time_ms = cf.i64("create_time_ms");
      c.expire_time_ms = cf.optional_i64("expire_time_ms");
      s.checkpoints.push_back(std::move(c));
    }
  }
  return s;
}

}  // namespace

std::string manifest_relative_key(std::uint64_t id) {
  return fmt::format("{}{:020}", kManifestDir, id);
}

std::optional<std::uint64_t> parse_manifest_relative_key(std::string_view key) {
  if (!key.starts_with(kManifestDir) || key.size() != kManifestDir.size() + kManifestIdDigits) {
    return std::nullopt;
  }
  const std::string_view digits = key.substr(kManifestDir.size());
  std::uint64_t id = 0;
  const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), id);
  if (ec != std::errc() || end != digits.data() + digits.size()) return std::nullopt;
  return id;
}

Result<Buffer> encode_manifest_cbor(const ManifestState& state) {
  ZF_TRY(const std::vector<std::uint8_t> cbor, to_cbor_bytes(state));
  return Buffer::copy_of(std::as_bytes(std::span(cbor)));
}

Result<ManifestState> decode_manifest_cbor(ByteView cbor) {
  std::string error;
  ManifestState state;
  try {
    const auto* first = reinterpret_cast<const std::uint8_t*>(cbor.data());
    const json j = json::from_cbor(first, first + cbor.size(), /*strict=*/true,
                                   /*allow_exceptions=*/false);
    if (j.is_discarded()) return fail(Errc::corrupt, "manifest: malformed CBOR");
    state = state_from_json(j, error);
  } catch (const json::exception& e) {
    return fail(Errc::corrupt, "manifest: {}", e.what());
  }
  if (!error.empty()) return fail(Errc::corrupt, "{}", error);
  if (auto valid = validate_manifest_state(state); !valid) {
    return fail(Errc::corrupt, "manifest: {}", valid.error().message());
  }
  return state;
}

Result<Buffer> encode_manifest(const ManifestState& state, std::uint64_t id,
                               const BlockTransformer& transformer) {
  ZF_TRY(const std::vector<std::uint8_t> cbor, to_cbor_bytes(state));
  const std::string ad = manifest_relative_key(id);
  Buffer out;
  out.reserve(cbor.size() + 64);
  zerofs::put_u8(out, static_cast<std::uint8_t>(kManifestFormatVersion));
  ZF_CHECK(transformer.encode(std::as_bytes(std::span(cbor)), zerofs::as_bytes(ad), out));
  return out;
}

Result<ManifestState> decode_manifest(ByteView stored, std::uint64_t id,
                                      const BlockTransformer& transformer) {
  if (stored.empty()) return fail(Errc::corrupt, "manifest {}: empty object", id);
  const auto version = static_cast<std::uint32_t>(stored[0]);
  if (version != kManifestFormatVersion) {
    return fail(Errc::corrupt, "manifest {}: unsupported format version {}", id, version);
  }
  const std::string ad = manifest_relative_key(id);
  auto plain = transformer.decode(stored.subspan(1), zerofs::as_bytes(ad));
  if (!plain) return fail(plain.error().with_context(fmt::format("manifest {}", id)));
  auto state = decode_manifest_cbor(plain->view());
  if (!state) return fail(state.error().with_context(fmt::format("manifest {}", id)));
  return state;
}

}  // namespace lsm
