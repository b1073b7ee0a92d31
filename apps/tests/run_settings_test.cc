// How `zerofs run` turns a Config into store and filesystem options.
#include "run_settings.h"

#include "test_support/catch.h"

namespace {

using zerofs::app::Config;
using zerofs::app::cli::filesystem_config_for;
using zerofs::app::cli::RunOptions;
using zerofs::app::cli::wal_store_options_for;

Config base_config() {
  Config config;
  config.storage.url = "file:///tmp/zerofs-run-settings";
  config.storage.encryption_password = "pw";
  return config;
}

}  // namespace

TEST_CASE("filesystem_config_for carries storage, filesystem and lsm settings") {
  Config config = base_config();
  config.filesystem.max_size_bytes = 5'000'000'000;
  config.filesystem.compression = zerofs::app::CompressionSetting::parse("zstd-3").value();
  config.lsm.flush_interval = std::chrono::microseconds{1500};
  config.lsm.memtable_size_bytes = 8 << 20;
  config.lsm.l0_max_ssts = 7;
  config.cache.memory_size_bytes = 100'000'000;
  const auto fs = filesystem_config_for(config, RunOptions{}).value();
  REQUIRE(fs.url == config.storage.url);
  REQUIRE(fs.password == "pw");
  REQUIRE(fs.compression == "zstd-3");
  REQUIRE(fs.max_size_bytes == 5'000'000'000);
  REQUIRE(fs.lsm.flush_interval == std::chrono::milliseconds{2});  // rounded up
  REQUIRE(fs.lsm.memtable_size == std::size_t{8} << 20);
  REQUIRE(fs.lsm.l0_max_ssts == 7);
  REQUIRE(fs.lsm.meta_cache_bytes == 25'000'000);
  REQUIRE(fs.lsm.block_cache_bytes == 75'000'000);
  REQUIRE_FALSE(fs.lsm.read_only);
  REQUIRE(fs.lsm.compaction_enabled);
  REQUIRE_FALSE(fs.lsm.checkpoint.has_value());
}

TEST_CASE("filesystem_config_for maps the run options") {
  const Config config = base_config();
  RunOptions no_compactor;
  no_compactor.compactor = false;
  REQUIRE_FALSE(filesystem_config_for(config, no_compactor).value().lsm.compaction_enabled);

  RunOptions checkpoint;
  checkpoint.read_only = true;
  checkpoint.checkpoint = "snap";
  const auto fs = filesystem_config_for(config, checkpoint).value();
  REQUIRE(fs.lsm.read_only);
  REQUIRE(fs.lsm.checkpoint == "snap");
  REQUIRE_FALSE(fs.lsm.compaction_enabled);
}

TEST_CASE("filesystem_config_for takes the [wal] store's URL") {
  Config config = base_config();
  REQUIRE(filesystem_config_for(config, RunOptions{}).value().wal_url.empty());
  config.wal.emplace();
  config.wal->url = "file:///tmp/zerofs-run-settings-wal";
  const auto fs = filesystem_config_for(config, RunOptions{}).value();
  REQUIRE(fs.url == "file:///tmp/zerofs-run-settings");
  REQUIRE(fs.wal_url == "file:///tmp/zerofs-run-settings-wal");
  REQUIRE_FALSE(fs.wal_store);
  RunOptions read_only;
  read_only.read_only = true;  // a replica replays the WAL tail, so it needs the store too
  REQUIRE(filesystem_config_for(config, read_only).value().wal_url == fs.wal_url);
}

TEST_CASE("[wal.aws] configures the WAL store only, [aws] the main store only") {
  Config config = base_config();
  config.storage.url = "s3://main-bucket/zerofs";
  config.cache.dir = "/var/cache/zerofs-test";
  config.aws.emplace();
  config.aws->access_key_id = "main-key";
  config.aws->secret_access_key = "main-secret";
  config.aws->endpoint = "https://main.example";
  config.aws->conditional_put = "redis://127.0.0.1:6379";
  config.aws->ca_file = "/etc/zerofs/main-ca.pem";
  config.wal.emplace();
  config.wal->url = "s3://wal-bucket/zerofs";
  config.wal->aws.emplace();
  config.wal->aws->access_key_id = "wal-key";
  config.wal->aws->secret_access_key = "wal-secret";
  config.wal->aws->endpoint = "http://127.0.0.1:9000";
  config.wal->aws->allow_http = true;
  config.wal->aws->virtual_hosted_style = true;

  const auto main = zerofs::app::cli::store_options_for(config);
  const auto wal = wal_store_options_for(*config.wal);
  REQUIRE(main.s3.access_key_id == "main-key");
  REQUIRE(main.s3.secret_access_key == "main-secret");
  REQUIRE(main.s3.endpoint == "https://main.example");
  REQUIRE(main.s3.virtual_hosted_style == false);
  REQUIRE(wal.s3.access_key_id == "wal-key");
  REQUIRE(wal.s3.secret_access_key == "wal-secret");
  REQUIRE(wal.s3.endpoint == "http://127.0.0.1:9000");
  REQUIRE(wal.s3.allow_http);
  REQUIRE(wal.s3.virtual_hosted_style == true);
  // Keys the environment never fills: [aws]'s must not leak into the WAL store.
  REQUIRE(wal.s3.conditional_put.empty());
  REQUIRE(wal.s3.ca_file.empty());
  // WAL objects are read once: no disk cache; their requests are counted apart.
  REQUIRE(main.disk_cache.dir == "/var/cache/zerofs-test");
  REQUIRE(wal.disk_cache.dir.empty());
  REQUIRE(wal.metrics_name == "wal");
  REQUIRE(main.metrics_name.empty());
}

TEST_CASE("[wal.azure] and [wal.gcp] configure the WAL store") {
  Config config = base_config();
  config.azure.emplace();
  config.azure->storage_account_name = "mainaccount";
  config.azure->storage_account_key = "bWFpbg==";
  config.wal.emplace();
  config.wal->url = "azure://wal-container";
  config.wal->azure.emplace();
  config.wal->azure->storage_account_name = "walaccount";
  config.wal->azure->storage_account_key = "d2Fs";
  config.wal->azure->endpoint = "http://127.0.0.1:10000/walaccount";
  config.wal->azure->allow_http = true;
  config.wal->gcp.emplace();
  config.wal->gcp->service_account = "/etc/zerofs/wal-gcs.json";
  config.wal->gcp->endpoint = "http://127.0.0.1:4443";
  const auto wal = wal_store_options_for(*config.wal);
  REQUIRE(wal.azure.account_name == "walaccount");
  REQUIRE(wal.azure.account_key == "d2Fs");
  REQUIRE(wal.azure.endpoint == "http://127.0.0.1:10000/walaccount");
  REQUIRE(wal.azure.allow_http);
  REQUIRE(wal.gcs.service_account == "/etc/zerofs/wal-gcs.json");
  REQUIRE(wal.gcs.endpoint == "http://127.0.0.1:4443");
  REQUIRE(zerofs::app::cli::store_options_for(config).azure.account_name == "mainaccount");
}

TEST_CASE("store_options_for takes [aws] and keeps path-style requests by default") {
  Config config = base_config();
  config.aws.emplace();
  config.aws->endpoint = "http://127.0.0.1:9000";
  config.aws->allow_http = true;
  config.aws->access_key_id = "key";
  config.aws->secret_access_key = "secret";
  const auto options = zerofs::app::cli::store_options_for(config);
  REQUIRE(options.s3.endpoint == "http://127.0.0.1:9000");
  REQUIRE(options.s3.allow_http);
  REQUIRE(options.s3.access_key_id == "key");
  REQUIRE(options.s3.virtual_hosted_style == false);
}

TEST_CASE("store_options_for puts the [cache] disk cache in front of the SSTs") {
  Config config = base_config();
  config.storage.url = "s3://bucket/prefix";
  config.cache.dir = "/var/cache/zerofs-test";
  config.cache.disk_size_bytes = 2'500'000'000;
  const auto options = zerofs::app::cli::store_options_for(config);
  REQUIRE(options.disk_cache.dir == "/var/cache/zerofs-test");
  REQUIRE(options.disk_cache.capacity_bytes == 2'500'000'000);
  REQUIRE(options.disk_cache.cacheable_prefixes == std::vector<std::string>{"sst/"});
}

TEST_CASE("store_options_for keeps no disk cache in front of a local store") {
  for (const char* url : {"file:///srv/zerofs", "memory://bench"}) {
    Config config = base_config();
    config.storage.url = url;
    config.cache.dir = "/var/cache/zerofs-test";
    config.cache.disk_size_bytes = 2'500'000'000;
    const auto options = zerofs::app::cli::store_options_for(config);
    CHECK(options.disk_cache.dir.empty());
    CHECK(options.disk_cache.capacity_bytes == 0);
  }
}

TEST_CASE("store_options_for takes [azure] and [gcp]") {
  Config config = base_config();
  config.azure.emplace();
  config.azure->storage_account_name = "devstoreaccount1";
  config.azure->storage_account_key = "a2V5";
  config.azure->endpoint = "http://127.0.0.1:10000/devstoreaccount1";
  config.azure->allow_http = true;
  config.gcp.emplace();
  config.gcp->service_account = "/etc/zerofs/gcs.json";
  const auto options = zerofs::app::cli::store_options_for(config);
  REQUIRE(options.azure.account_name == "devstoreaccount1");
  REQUIRE(options.azure.account_key == "a2V5");
  REQUIRE(options.azure.endpoint == "http://127.0.0.1:10000/devstoreaccount1");
  REQUIRE(options.azure.allow_http);
  REQUIRE(options.gcs.service_account == "/etc/zerofs/gcs.json");
}
