// render_summary(): the effective configuration as "key  value" lines, secrets masked.
#include <fmt/format.h>

#include "appcommon/config_template.h"
#include "appcommon/config_values.h"

namespace zerofs::app {

namespace {

constexpr std::string_view kMasked = "******** (set)";

class SummaryWriter {
 public:
  void line(std::string_view key, std::string_view value) {
    fmt::format_to(std::back_inserter(out_), "  {:<34} {}\n", key, value);
  }
  void secret(std::string_view key, const std::optional<std::string>& value) {
    if (value) line(key, kMasked);
  }
  void plain(std::string_view key, const std::optional<std::string>& value) {
    if (value) line(key, *value);
  }
  void url(std::string_view key, const std::optional<std::string>& value) {
    if (value) line(key, mask_url_credentials(*value));
  }
  void flag(std::string_view key, bool value) { line(key, value ? "true" : "false"); }
  void gigabytes(std::string_view key, std::uint64_t bytes) {
    line(key, fmt::format("{} ({} bytes)", static_cast<double>(bytes) / 1e9, bytes));
  }
  std::string take() { return std::move(out_); }

 private:
  std::string out_;
};

std::string describe_server(const std::optional<ServerConfig>& server) {
  if (!server) return "disabled";
  std::string text;
  for (const ListenAddress& address : server->addresses) {
    if (!text.empty()) text += ", ";
    text += address.to_string();
  }
  if (server->unix_socket) {
    if (!text.empty()) text += ", ";
    text += "unix:" + *server->unix_socket;
  }
  return text;
}

void write_aws(SummaryWriter& out, std::string_view prefix, const AwsConfig& aws) {
  const auto key = [&](std::string_view name) { return fmt::format("{}.{}", prefix, name); };
  out.secret(key("access_key_id"), aws.access_key_id);
  out.secret(key("secret_access_key"), aws.secret_access_key);
  out.secret(key("session_token"), aws.session_token);
  out.url(key("endpoint"), aws.endpoint);
  out.plain(key("default_region"), aws.default_region);
  out.flag(key("allow_http"), aws.allow_http);
  out.url(key("conditional_put"), aws.conditional_put);
  out.flag(key("virtual_hosted_style"), aws.virtual_hosted_style);
  out.plain(key("ca_file"), aws.ca_file);
}

void write_azure(SummaryWriter& out, std::string_view prefix, const AzureConfig& azure) {
  const auto key = [&](std::string_view name) { return fmt::format("{}.{}", prefix, name); };
  out.plain(key("storage_account_name"), azure.storage_account_name);
  out.secret(key("storage_account_key"), azure.storage_account_key);
  out.url(key("endpoint"), azure.endpoint);
  out.flag(key("allow_http"), azure.allow_http);
}

void write_gcp(SummaryWriter& out, std::string_view prefix, const GcpConfig& gcp) {
  const auto key = [&](std::string_view name) { return fmt::format("{}.{}", prefix, name); };
  out.plain(key("service_account"), gcp.service_account);
  out.url(key("endpoint"), gcp.endpoint);
}

void write_credentials(SummaryWriter& out, std::string_view prefix,
                       const std::optional<AwsConfig>& aws, const std::optional<AzureConfig>& azure,
                       const std::optional<GcpConfig>& gcp) {
  const auto name = [&](std::string_view section) {
    return prefix.empty() ? std::string(section) : fmt::format("{}.{}", prefix, section);
  };
  if (aws) write_aws(out, name("aws"), *aws);
  if (azure) write_azure(out, name("azure"), *azure);
  if (gcp) write_gcp(out, name("gcp"), *gcp);
}

}  // namespace

std::string render_summary(const Config& config) {
  SummaryWriter out;
  out.line("storage.url", mask_url_credentials(config.storage.url));
  out.line("storage.encryption_password", kMasked);
  out.line("cache.dir", config.cache.dir);
  out.gigabytes("cache.disk_size_gb", config.cache.disk_size_bytes);
  out.gigabytes("cache.memory_size_gb", config.cache.memory_size_bytes);
  if (config.filesystem.max_size_bytes == kUnlimitedBytes) {
    out.line("filesystem.max_size_gb", "unlimited (16 EiB)");
  } else {
    out.gigabytes("filesystem.max_size_gb", config.filesystem.max_size_bytes);
  }
  out.line("filesystem.compression", config.filesystem.compression.to_string());
  out.line("servers.nfs", describe_server(config.servers.nfs));
  out.line("servers.ninep", describe_server(config.servers.ninep));
  out.line("servers.nbd", describe_server(config.servers.nbd));
  out.line("servers.rpc", describe_server(config.servers.rpc));

  const LsmConfig& lsm = config.lsm;
  out.flag("lsm.wal_enabled", lsm.wal_enabled);
  out.line("lsm.flush_interval_secs",
           fmt::format("{}", static_cast<double>(lsm.flush_interval.count()) / 1e6));
  out.line("lsm.l0_max_ssts", fmt::format("{}", lsm.l0_max_ssts));
  out.gigabytes("lsm.max_unflushed_gb", lsm.max_unflushed_bytes);
  out.line("lsm.max_concurrent_compactions", fmt::format("{}", lsm.max_concurrent_compactions));
  out.line("lsm.memtable_size_mb", fmt::format("{}", lsm.memtable_size_bytes >> 20));
  out.line("lsm.block_size_kb", fmt::format("{}", lsm.block_size_bytes >> 10));
  out.line("lsm.bloom_bits_per_key", fmt::format("{}", lsm.bloom_bits_per_key));
  out.line("lsm.gc_min_age_secs", fmt::format("{}", lsm.gc_min_age.count()));

  if (config.wal) {
    out.line("wal.url", mask_url_credentials(config.wal->url));
    write_credentials(out, "wal", config.wal->aws, config.wal->azure, config.wal->gcp);
  } else {
    out.line("wal.url", "(the main store)");
  }
  write_credentials(out, "", config.aws, config.azure, config.gcp);
  return out.take();
}

}  // namespace zerofs::app
