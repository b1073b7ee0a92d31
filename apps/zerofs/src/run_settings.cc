#include "run_settings.h"

#include <algorithm>
#include <chrono>

namespace zerofs::app::cli {

namespace {

void apply_aws(const AwsConfig& aws, zobj::S3Settings& s3) {
  s3.access_key_id = aws.access_key_id.value_or("");
  s3.secret_access_key = aws.secret_access_key.value_or("");
  s3.session_token = aws.session_token.value_or("");
  s3.endpoint = aws.endpoint.value_or("");
  s3.region = aws.default_region.value_or("");
  s3.allow_http = aws.allow_http;
  s3.conditional_put = aws.conditional_put.value_or("");
  s3.ca_file = aws.ca_file.value_or("");
  // The config's default (false) means path-style, which every S3-compatible store speaks.
  s3.virtual_hosted_style = aws.virtual_hosted_style;
}

void apply_azure(const AzureConfig& azure, zobj::AzureSettings& out) {
  out.account_name = azure.storage_account_name.value_or("");
  out.account_key = azure.storage_account_key.value_or("");
  out.endpoint = azure.endpoint.value_or("");
  out.allow_http = azure.allow_http;
}

void apply_gcp(const GcpConfig& gcp, zobj::GcsSettings& out) {
  out.service_account = gcp.service_account.value_or("");
  out.endpoint = gcp.endpoint.value_or("");
}

// cache.memory_size_gb is the LSM's memory budget for cached blocks: a quarter (at most
// 64 MiB) for index and filter blocks, which every lookup touches, the rest for data.
void apply_memory_budget(std::uint64_t bytes, lsm::Options& lsm) {
  constexpr std::uint64_t kMaxMeta = std::uint64_t{64} << 20;
  lsm.meta_cache_bytes = std::min(kMaxMeta, bytes / 4);
  lsm.block_cache_bytes = bytes - lsm.meta_cache_bytes;
}

// The config's credentials first; the environment (AWS_*, AZURE_STORAGE_*,
// GOOGLE_APPLICATION_CREDENTIALS) fills what they leave empty.
void apply_credentials(const std::optional<AwsConfig>& aws, const std::optional<AzureConfig>& azure,
                       const std::optional<GcpConfig>& gcp, zobj::StoreOptions& options) {
  if (aws) apply_aws(*aws, options.s3);
  options.s3.apply_environment();
  if (azure) apply_azure(*azure, options.azure);
  options.azure.apply_environment();
  if (gcp) apply_gcp(*gcp, options.gcs);
  options.gcs.apply_environment();
}

}  // namespace

zobj::StoreOptions store_options_for(const Config& config) {
  zobj::StoreOptions options;
  apply_credentials(config.aws, config.azure, config.gcp, options);
  // Only SSTs: they are immutable and read again and again; WAL and manifest objects are read
  // once per start. The filesystem's database sits at the store's root (db_prefix "").
  // A store that is itself local (file://, memory://) gains nothing from a disk cache: every
  // miss would be read from one local file and written to another.
  const auto url = zobj::parse_store_url(config.storage.url);
  const bool local = url && (url->scheme == "file" || url->scheme == "memory");
  if (!local) {
    options.disk_cache.dir = config.cache.dir;
    options.disk_cache.capacity_bytes = config.cache.disk_size_bytes;
    options.disk_cache.cacheable_prefixes = {"sst/"};
  }
  return options;
}

zobj::StoreOptions wal_store_options_for(const WalConfig& wal) {
  zobj::StoreOptions options;
  // Only [wal.*]: the main store's [aws] / [azure] / [gcp] are another account's credentials.
  apply_credentials(wal.aws, wal.azure, wal.gcp, options);
  // No disk cache: WAL objects are read once, at start, and deleted soon after.
  options.metrics_name = "wal";
  return options;
}

Result<zvfs::FilesystemConfig> filesystem_config_for(const Config& config,
                                                     const RunOptions& options) {
  zvfs::FilesystemConfig fs;
  fs.url = config.storage.url;
  if (config.wal) fs.wal_url = config.wal->url;
  fs.password = config.storage.encryption_password;
  fs.compression = config.filesystem.compression.to_string();
  fs.max_size_bytes = config.filesystem.max_size_bytes;  // kUnlimitedBytes == kNoQuota

  const LsmConfig& in = config.lsm;
  lsm::Options& lsm = fs.lsm;
  lsm.wal_enabled = in.wal_enabled;
  // Round up: a sub-millisecond interval must not become "flush continuously".
  lsm.flush_interval = std::max(std::chrono::milliseconds{1},
                                std::chrono::ceil<std::chrono::milliseconds>(in.flush_interval));
  lsm.l0_max_ssts = in.l0_max_ssts;
  lsm.max_unflushed_bytes = in.max_unflushed_bytes;
  lsm.max_concurrent_compactions = in.max_concurrent_compactions;
  lsm.memtable_size = in.memtable_size_bytes;
  lsm.block_size = in.block_size_bytes;
  lsm.bloom_bits_per_key = static_cast<int>(in.bloom_bits_per_key);
  lsm.gc_min_age = in.gc_min_age;
  apply_memory_budget(config.cache.memory_size_bytes, lsm);

  lsm.read_only = options.read_only;
  if (!options.checkpoint.empty()) lsm.checkpoint = options.checkpoint;
  lsm.compaction_enabled = options.compactor && !options.read_only;
  return fs;
}

}  // namespace zerofs::app::cli
