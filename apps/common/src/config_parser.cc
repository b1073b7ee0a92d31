// parse_config() and the sections that configure the engine itself: [cache], [storage],
// [filesystem], [lsm]. Servers and cloud credentials live in their own files.
#include "appcommon/config_parser.h"

#include <fmt/format.h>
#include <toml++/toml.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>

#include "appcommon/config_values.h"
#include "config_sections.h"

namespace zerofs::app {

namespace detail {

namespace {
constexpr std::string_view kDefaultCacheDir = "${HOME}/.cache/zerofs";
}  // namespace

Result<std::optional<std::uint64_t>> read_gigabytes(const TableReader& table,
                                                    std::string_view key) {
  ZF_TRY(auto gigabytes, table.number(key));
  if (!gigabytes) return std::nullopt;
  auto bytes = gigabytes_to_bytes(*gigabytes);
  if (!bytes) return fail(table.error_at(key, bytes.error().message()));
  return *bytes;
}

Result<std::optional<std::string>> read_store_url(const TableReader& table, std::string_view key) {
  ZF_TRY(auto url, table.string(key));
  if (!url) return std::nullopt;
  if (auto checked = check_store_url(*url); !checked) {
    return fail(table.error_at(key, checked.error().message()));
  }
  return url;
}

Result<void> read_cache(const TableReader& root, CacheConfig& out) {
  ZF_TRY(auto cache, root.table("cache"));
  std::optional<std::string> dir;
  if (cache) {
    ZF_CHECK(cache->check_keys({"dir", "disk_size_gb", "memory_size_gb"}));
    ZF_TRY(dir, cache->string("dir"));
    if (dir && dir->empty()) return fail(cache->error_at("dir", "must not be empty"));
    ZF_TRY(auto disk, read_gigabytes(*cache, "disk_size_gb"));
    if (disk) out.disk_size_bytes = *disk;
    ZF_TRY(auto memory, read_gigabytes(*cache, "memory_size_gb"));
    if (memory) out.memory_size_bytes = *memory;
  }
  if (!dir) {
    const ParseContext& context = root.context();
    auto expanded = substitute_env(kDefaultCacheDir, *context.env);
    if (!expanded) {
      return fail(Errc::invalid_argument,
                  "{}: cache.dir is not set and its default \"{}\" cannot be used: {}",
                  context.origin, kDefaultCacheDir, expanded.error().message());
    }
    dir = std::move(*expanded);
  }
  out.dir = std::move(*dir);
  return {};
}

Result<void> read_storage(const TableReader& root, StorageConfig& out, MissingKeys& missing) {
  ZF_TRY(auto storage, root.table("storage"));
  if (!storage) {
    missing.insert(missing.end(), {"storage.url", "storage.encryption_password"});
    return {};
  }
  ZF_CHECK(storage->check_keys({"url", "encryption_password"}));
  ZF_TRY(auto url, read_store_url(*storage, "url"));
  if (url) {
    out.url = std::move(*url);
  } else {
    missing.push_back("storage.url");
  }
  ZF_TRY(auto password, storage->string("encryption_password"));
  if (!password) {
    missing.push_back("storage.encryption_password");
  } else if (password->empty()) {
    return fail(storage->error_at("encryption_password", "must not be empty"));
  } else {
    out.encryption_password = std::move(*password);
  }
  return {};
}

Result<void> read_filesystem(const TableReader& root, FilesystemConfig& out) {
  ZF_TRY(auto filesystem, root.table("filesystem"));
  if (!filesystem) return {};
  ZF_CHECK(filesystem->check_keys({"max_size_gb", "compression"}));
  ZF_TRY(auto max_size, read_gigabytes(*filesystem, "max_size_gb"));
  if (max_size) {
    if (*max_size == 0) return fail(filesystem->error_at("max_size_gb", "must be more than 0"));
    out.max_size_bytes = *max_size;
  }
  ZF_TRY(auto compression, filesystem->string("compression"));
  if (compression) {
    auto parsed = CompressionSetting::parse(*compression);
    if (!parsed) return fail(filesystem->error_at("compression", parsed.error().message()));
    out.compression = *parsed;
  }
  return {};
}

Result<void> read_lsm(const TableReader& root, LsmConfig& out) {
  ZF_TRY(auto lsm, root.table("lsm"));
  if (!lsm) return {};
  ZF_CHECK(lsm->check_keys({"wal_enabled", "flush_interval_secs", "l0_max_ssts", "max_unflushed_gb",
                            "max_concurrent_compactions", "memtable_size_mb", "block_size_kb",
                            "bloom_bits_per_key", "gc_min_age_secs"}));
  ZF_TRY(auto wal_enabled, lsm->boolean("wal_enabled"));
  if (wal_enabled) out.wal_enabled = *wal_enabled;
  ZF_TRY(auto flush_interval, lsm->number("flush_interval_secs"));
  if (flush_interval) {
    auto micros = seconds_to_micros(*flush_interval);
    if (!micros) return fail(lsm->error_at("flush_interval_secs", micros.error().message()));
    out.flush_interval = std::chrono::microseconds(*micros);
  }
  ZF_TRY(auto l0_max_ssts, lsm->integer("l0_max_ssts", 1, 1024));
  if (l0_max_ssts) out.l0_max_ssts = static_cast<std::uint32_t>(*l0_max_ssts);
  ZF_TRY(auto max_unflushed, read_gigabytes(*lsm, "max_unflushed_gb"));
  if (max_unflushed) {
    if (*max_unflushed == 0) return fail(lsm->error_at("max_unflushed_gb", "must be more than 0"));
    out.max_unflushed_bytes = *max_unflushed;
  }
  ZF_TRY(auto compactions, lsm->integer("max_concurrent_compactions", 1, 256));
  if (compactions) out.max_concurrent_compactions = static_cast<std::uint32_t>(*compactions);
  ZF_TRY(auto memtable_mb, lsm->integer("memtable_size_mb", 1, 65536));
  if (memtable_mb) out.memtable_size_bytes = static_cast<std::uint64_t>(*memtable_mb) << 20;
  ZF_TRY(auto block_kb, lsm->integer("block_size_kb", 1, 1024));
  if (block_kb) out.block_size_bytes = static_cast<std::uint32_t>(*block_kb) << 10;
  ZF_TRY(auto bloom_bits, lsm->integer("bloom_bits_per_key", 1, 64));
  if (bloom_bits) out.bloom_bits_per_key = static_cast<std::uint32_t>(*bloom_bits);
  constexpr std::int64_t kTenYears = 10LL * 365 * 24 * 3600;
  ZF_TRY(auto gc_age, lsm->integer("gc_min_age_secs", 0, kTenYears));
  if (gc_age) out.gc_min_age = std::chrono::seconds(*gc_age);
  return {};
}

}  // namespace detail

Result<Config> parse_config(std::string_view text, std::string_view origin_name,
                            const EnvLookup& env) {
  toml::table document;
  try {
    document = toml::parse(text, std::string_view(origin_name));
  } catch (const toml::parse_error& error) {
    const toml::source_position where = error.source().begin;
    return fail(Errc::invalid_argument, "{}:{}:{}: TOML syntax error: {}", origin_name, where.line,
                where.column, error.description());
  }

  const detail::ParseContext context{origin_name, &env};
  const detail::TableReader root(document, "", context);
  ZF_CHECK(root.check_keys(
      {"cache", "storage", "filesystem", "servers", "lsm", "wal", "aws", "azure", "gcp"}));

  Config config;
  detail::MissingKeys missing;
  ZF_CHECK(detail::read_storage(root, config.storage, missing));
  ZF_CHECK(detail::read_cache(root, config.cache));
  ZF_CHECK(detail::read_filesystem(root, config.filesystem));
  ZF_CHECK(detail::read_servers(root, config.servers));
  ZF_CHECK(detail::read_lsm(root, config.lsm));
  ZF_CHECK(detail::read_wal(root, config.wal, missing));
  ZF_TRY(config.aws, detail::read_aws(root));
  ZF_TRY(config.azure, detail::read_azure(root));
  ZF_TRY(config.gcp, detail::read_gcp(root));

  if (!missing.empty()) {
    return fail(Errc::invalid_argument, "{}: missing required key{} {}", origin_name,
                missing.size() == 1 ? "" : "s", fmt::join(missing, ", "));
  }
  return config;
}

Result<Config> load_config(const std::filesystem::path& path, const EnvLookup& env) {
  const std::string name = path.string();
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> file(std::fopen(name.c_str(), "rb"),
                                                       &std::fclose);
  if (!file) {
    const int error = errno;
    return fail(error == ENOENT ? Errc::not_found : Errc::permanent, "cannot open {}: {}", name,
                std::strerror(error));
  }
  std::string text;
  char chunk[16384];
  std::size_t got = 0;
  while ((got = std::fread(chunk, 1, sizeof chunk, file.get())) > 0) text.append(chunk, got);
  if (std::ferror(file.get())) {
    return fail(Errc::permanent, "cannot read {}: {}", name, std::strerror(errno));
  }
  return parse_config(text, name, env);
}

}  // namespace zerofs::app
