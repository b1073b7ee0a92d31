// Object-store credentials ([aws], [azure], [gcp]) and the separate WAL store ([wal] with its
// own [wal.aws], [wal.azure], [wal.gcp]).
#include <fmt/format.h>

#include "appcommon/config_values.h"
#include "config_sections.h"

namespace zerofs::app::detail {

namespace {

// An endpoint must be an http(s) URL, and plain http must be allowed explicitly: object-store
// clients refuse it otherwise, and saying so here beats a connection error at start-up.
Result<void> check_endpoint(const TableReader& table, const std::optional<std::string>& endpoint,
                            bool allow_http) {
  if (!endpoint) return {};
  if (endpoint->starts_with("https://")) return {};
  if (endpoint->starts_with("http://")) {
    if (allow_http) return {};
    return fail(
        table.error_at("endpoint", fmt::format("\"{}\" is plain http; set {} = true to allow it",
                                               *endpoint, table.key_path("allow_http"))));
  }
  return fail(table.error_at("endpoint",
                             fmt::format("\"{}\" must start with https:// or http://", *endpoint)));
}

}  // namespace

Result<std::optional<AwsConfig>> read_aws(const TableReader& parent) {
  ZF_TRY(auto aws, parent.table("aws"));
  if (!aws) return std::nullopt;
  ZF_CHECK(aws->check_keys({"access_key_id", "secret_access_key", "session_token", "endpoint",
                            "default_region", "allow_http", "conditional_put",
                            "virtual_hosted_style", "ca_file"}));
  AwsConfig config;
  ZF_TRY(config.access_key_id, aws->string("access_key_id"));
  ZF_TRY(config.secret_access_key, aws->string("secret_access_key"));
  ZF_TRY(config.session_token, aws->string("session_token"));
  ZF_TRY(config.endpoint, aws->string("endpoint"));
  ZF_TRY(config.default_region, aws->string("default_region"));
  ZF_TRY(auto allow_http, aws->boolean("allow_http"));
  config.allow_http = allow_http.value_or(false);
  ZF_TRY(config.conditional_put, aws->string("conditional_put"));
  ZF_TRY(auto virtual_hosted, aws->boolean("virtual_hosted_style"));
  config.virtual_hosted_style = virtual_hosted.value_or(false);
  ZF_TRY(config.ca_file, aws->string("ca_file"));

  if (config.access_key_id.has_value() != config.secret_access_key.has_value()) {
    const char* present = config.access_key_id ? "access_key_id" : "secret_access_key";
    const char* absent = config.access_key_id ? "secret_access_key" : "access_key_id";
    return fail(aws->error_at(
        present, fmt::format("is set but {} is not; set both or neither", aws->key_path(absent))));
  }
  if (config.session_token && !config.access_key_id) {
    return fail(aws->error_at("session_token", "needs access_key_id and secret_access_key"));
  }
  ZF_CHECK(check_endpoint(*aws, config.endpoint, config.allow_http));
  if (config.conditional_put) {
    if (auto checked = check_redis_url(*config.conditional_put); !checked) {
      return fail(aws->error_at("conditional_put", checked.error().message()));
    }
  }
  return config;
}

Result<std::optional<AzureConfig>> read_azure(const TableReader& parent) {
  ZF_TRY(auto azure, parent.table("azure"));
  if (!azure) return std::nullopt;
  ZF_CHECK(
      azure->check_keys({"storage_account_name", "storage_account_key", "endpoint", "allow_http"}));
  AzureConfig config;
  ZF_TRY(config.storage_account_name, azure->string("storage_account_name"));
  ZF_TRY(config.storage_account_key, azure->string("storage_account_key"));
  ZF_TRY(config.endpoint, azure->string("endpoint"));
  ZF_TRY(auto allow_http, azure->boolean("allow_http"));
  config.allow_http = allow_http.value_or(false);
  if (config.storage_account_key && !config.storage_account_name) {
    return fail(azure->error_at(
        "storage_account_key",
        fmt::format("is set but {} is not", azure->key_path("storage_account_name"))));
  }
  ZF_CHECK(check_endpoint(*azure, config.endpoint, config.allow_http));
  return config;
}

Result<std::optional<GcpConfig>> read_gcp(const TableReader& parent) {
  ZF_TRY(auto gcp, parent.table("gcp"));
  if (!gcp) return std::nullopt;
  ZF_CHECK(gcp->check_keys({"service_account", "endpoint"}));
  GcpConfig config;
  ZF_TRY(config.service_account, gcp->string("service_account"));
  if (config.service_account && config.service_account->empty()) {
    return fail(gcp->error_at("service_account", "must not be empty"));
  }
  ZF_TRY(config.endpoint, gcp->string("endpoint"));
  // GCS emulators and in-repo fakes speak plain http; there is no allow_http key for GCP.
  if (config.endpoint && !config.endpoint->starts_with("https://") &&
      !config.endpoint->starts_with("http://")) {
    return fail(gcp->error_at(
        "endpoint", fmt::format("\"{}\" must start with https:// or http://", *config.endpoint)));
  }
  return config;
}

Result<void> read_wal(const TableReader& root, std::optional<WalConfig>& out,
                      MissingKeys& missing) {
  ZF_TRY(auto wal, root.table("wal"));
  if (!wal) return {};
  ZF_CHECK(wal->check_keys({"url", "aws", "azure", "gcp"}));
  WalConfig config;
  ZF_TRY(auto url, read_store_url(*wal, "url"));
  if (url) {
    config.url = std::move(*url);
  } else {
    missing.push_back("wal.url");
  }
  ZF_TRY(config.aws, read_aws(*wal));
  ZF_TRY(config.azure, read_azure(*wal));
  ZF_TRY(config.gcp, read_gcp(*wal));
  out = std::move(config);
  return {};
}

}  // namespace zerofs::app::detail
