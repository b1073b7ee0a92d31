// The zerofs configuration model: a plain tree of structs filled by parse_config()
// (config_parser.h) from a TOML file. Every field carries its default, so a
// default-constructed Config is what an empty file (plus the required keys) yields.
//
// Units: `*_gb` keys are decimal gigabytes (1 GB = 10^9 bytes) and are stored here as byte
// counts; `*_mb` / `*_kb` keys are binary (MiB / KiB), matching the engine's block sizes.
// Strings have already had `${VAR}` substituted. A section that is absent from the file is
// an empty std::optional; for servers that means "this server is disabled".
#pragma once

#include <chrono>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "appcommon/compression_setting.h"
#include "appcommon/listen_address.h"

namespace zerofs::app {

// 16 EiB does not fit in 64 bits; the largest byte count stands for "no quota".
inline constexpr std::uint64_t kUnlimitedBytes = std::numeric_limits<std::uint64_t>::max();

// [cache]
struct CacheConfig {
  std::string dir;  // default: "${HOME}/.cache/zerofs", expanded when parsed
  std::uint64_t disk_size_bytes = 10'000'000'000;  // disk_size_gb = 10.0
  std::uint64_t memory_size_bytes = 250'000'000;   // memory_size_gb = 0.25
};

// [storage]
struct StorageConfig {
  std::string url;                  // required: file://, memory://, s3://, azure://, gs://
  std::string encryption_password;  // required, non-empty
};

// [filesystem]
struct FilesystemConfig {
  std::uint64_t max_size_bytes = kUnlimitedBytes;  // max_size_gb; ENOSPC beyond it
  CompressionSetting compression;                  // "lz4" unless set
};

// [servers.nfs], [servers.ninep], [servers.nbd], [servers.rpc]. `addresses` defaults to the
// protocol's usual port on 127.0.0.1 when the key is absent; `addresses = []` means "no TCP
// listener" and then unix_socket must be set.
struct ServerConfig {
  std::vector<ListenAddress> addresses;
  std::optional<std::string> unix_socket;
};

struct ServersConfig {
  std::optional<ServerConfig> nfs;
  std::optional<ServerConfig> ninep;
  std::optional<ServerConfig> nbd;
  std::optional<ServerConfig> rpc;  // admin HTTP/JSON server (checkpoints, status, metrics)
};

// Default TCP ports of the servers (also what `zerofs init` writes).
inline constexpr std::uint16_t kDefaultNfsPort = 2049;
inline constexpr std::uint16_t kDefaultNinepPort = 5564;
inline constexpr std::uint16_t kDefaultNbdPort = 10809;
inline constexpr std::uint16_t kDefaultRpcPort = 7000;

// [lsm]
struct LsmConfig {
  bool wal_enabled = true;
  // The longest a write waits in the WAL buffer before it is made durable.
  std::chrono::microseconds flush_interval{100'000};  // flush_interval_secs = 0.1
  std::uint32_t l0_max_ssts = 16;
  std::uint64_t max_unflushed_bytes = 1'000'000'000;  // max_unflushed_gb = 1.0
  std::uint32_t max_concurrent_compactions = 8;
  std::uint64_t memtable_size_bytes = 64ull << 20;  // memtable_size_mb = 64 (MiB)
  std::uint32_t block_size_bytes = 4u << 10;        // block_size_kb = 4 (KiB)
  std::uint32_t bloom_bits_per_key = 10;
  std::chrono::seconds gc_min_age{300};  // gc_min_age_secs
};

// [aws] and [wal.aws]
struct AwsConfig {
  std::optional<std::string> access_key_id;
  std::optional<std::string> secret_access_key;
  std::optional<std::string> session_token;
  std::optional<std::string> endpoint;
  std::optional<std::string> default_region;
  bool allow_http = false;
  std::optional<std::string> conditional_put;  // "redis://host:port" for stores without it
  bool virtual_hosted_style = false;           // false: path-style requests
  std::optional<std::string> ca_file;
};

// [azure] and [wal.azure]
struct AzureConfig {
  std::optional<std::string> storage_account_name;
  std::optional<std::string> storage_account_key;
  std::optional<std::string> endpoint;
  bool allow_http = false;
};

// [gcp] and [wal.gcp]
struct GcpConfig {
  std::optional<std::string> service_account;  // path to a service-account JSON key
  std::optional<std::string> endpoint;
};

// [wal]: a separate object store for the write-ahead log, with its own credentials.
struct WalConfig {
  std::string url;  // required when [wal] is present
  std::optional<AwsConfig> aws;
  std::optional<AzureConfig> azure;
  std::optional<GcpConfig> gcp;
};

struct Config {
  CacheConfig cache;
  StorageConfig storage;
  FilesystemConfig filesystem;
  ServersConfig servers;
  LsmConfig lsm;
  std::optional<WalConfig> wal;  // absent: the WAL lives in the main store
  std::optional<AwsConfig> aws;
  std::optional<AzureConfig> azure;
  std::optional<GcpConfig> gcp;
};

}  // namespace zerofs::app
