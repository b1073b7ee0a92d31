// The per-section readers behind parse_config(). Each reads one section of the document
// (given the reader of its parent table) into the Config, checks its keys and values, and
// appends absent required keys (dotted) to `missing` so they are reported together.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "appcommon/config.h"
#include "base/result.h"
#include "toml_reader.h"

namespace zerofs::app::detail {

using MissingKeys = std::vector<std::string>;

Result<void> read_cache(const TableReader& root, CacheConfig& out);
Result<void> read_storage(const TableReader& root, StorageConfig& out, MissingKeys& missing);
Result<void> read_filesystem(const TableReader& root, FilesystemConfig& out);
Result<void> read_lsm(const TableReader& root, LsmConfig& out);
Result<void> read_servers(const TableReader& root, ServersConfig& out);
Result<void> read_wal(const TableReader& root, std::optional<WalConfig>& out, MissingKeys& missing);

// [aws], [azure], [gcp] under `parent` (the root, or [wal]).
Result<std::optional<AwsConfig>> read_aws(const TableReader& parent);
Result<std::optional<AzureConfig>> read_azure(const TableReader& parent);
Result<std::optional<GcpConfig>> read_gcp(const TableReader& parent);

// A `*_gb` key converted to bytes; nullopt when absent.
Result<std::optional<std::uint64_t>> read_gigabytes(const TableReader& table, std::string_view key);

// A URL key that must name a supported object store; nullopt when absent.
Result<std::optional<std::string>> read_store_url(const TableReader& table, std::string_view key);

}  // namespace zerofs::app::detail
