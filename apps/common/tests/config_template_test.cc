#include "appcommon/config_template.h"

#include <fmt/format.h>

#include "test_env.h"
#include "test_support/catch.h"

using namespace zerofs;
using namespace zerofs::app;
using zerofs::app::test_env::fake_env;

TEST_CASE("the init template parses back into the documented values") {
  const auto env = fake_env({{"HOME", "/home/op"}, {"ZEROFS_PASSWORD", "correct horse"}});
  auto config = parse_config(init_template(), "zerofs.toml", env);
  REQUIRE(config);
  CHECK(config->storage.url == "file:///home/op/.local/share/zerofs/data");
  CHECK(config->storage.encryption_password == "correct horse");
  CHECK(config->cache.dir == "/home/op/.cache/zerofs");
  CHECK(config->cache.disk_size_bytes == 10'000'000'000u);
  CHECK(config->cache.memory_size_bytes == 250'000'000u);
  CHECK(config->filesystem.max_size_bytes == kUnlimitedBytes);
  CHECK(config->filesystem.compression.to_string() == "lz4");

  const auto only = [](const std::optional<ServerConfig>& server, std::uint16_t port) {
    REQUIRE(server);
    REQUIRE(server->addresses.size() == 1);
    CHECK(server->addresses[0] == ListenAddress{"127.0.0.1", port, false});
    CHECK_FALSE(server->unix_socket);
  };
  only(config->servers.nfs, 2049);
  only(config->servers.ninep, 5564);
  only(config->servers.nbd, 10809);
  only(config->servers.rpc, 7000);

  // The [lsm] section is all comments: the defaults apply.
  const LsmConfig defaults;
  CHECK(config->lsm.wal_enabled == defaults.wal_enabled);
  CHECK(config->lsm.flush_interval == defaults.flush_interval);
  CHECK(config->lsm.l0_max_ssts == defaults.l0_max_ssts);
  CHECK_FALSE(config->wal);
  CHECK_FALSE(config->aws);
  CHECK_FALSE(config->azure);
  CHECK_FALSE(config->gcp);
}

TEST_CASE("the init template needs ZEROFS_PASSWORD") {
  auto config = parse_config(init_template(), "zerofs.toml", fake_env({{"HOME", "/h"}}));
  REQUIRE_FALSE(config);
  CHECK(config.error().message().find(
            "storage.encryption_password: environment variable ZEROFS_PASSWORD is not set") !=
        std::string::npos);
}

namespace {
// "# [section]" or "# key = value": a commented-out example rather than prose.
bool is_example(std::string_view line) {
  if (!line.starts_with("# ")) return false;
  line.remove_prefix(2);
  if (line.starts_with('[')) return true;
  const std::size_t key_end = line.find_first_not_of("abcdefghijklmnopqrstuvwxyz_");
  return key_end > 0 && key_end != std::string_view::npos &&
         line.substr(key_end).starts_with(" = ");
}
}  // namespace

TEST_CASE("every commented example in the template is valid when uncommented") {
  // Uncomment "# key = value" and "# [section]" lines (not prose); the result must parse.
  std::string uncommented;
  std::string_view text = init_template();
  while (!text.empty()) {
    const std::size_t end = text.find('\n');
    std::string_view line = text.substr(0, end);
    text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
    if (is_example(line)) line.remove_prefix(2);
    uncommented.append(line).push_back('\n');
  }
  const auto env = fake_env({{"HOME", "/h"},
                             {"ZEROFS_PASSWORD", "p"},
                             {"AWS_ACCESS_KEY_ID", "a"},
                             {"AWS_SECRET_ACCESS_KEY", "s"},
                             {"AWS_SESSION_TOKEN", "t"},
                             {"AZURE_STORAGE_ACCOUNT_NAME", "n"},
                             {"AZURE_STORAGE_ACCOUNT_KEY", "k"},
                             {"GCS_SERVICE_ACCOUNT", "/g.json"},
                             {"WAL_AWS_ACCESS_KEY_ID", "wa"},
                             {"WAL_AWS_SECRET_ACCESS_KEY", "ws"}});
  auto config = parse_config(uncommented, "uncommented.toml", env);
  INFO(uncommented);
  REQUIRE(config);
  CHECK(config->filesystem.max_size_bytes == 100'000'000'000u);
  CHECK(config->servers.ninep->unix_socket == "/tmp/zerofs.9p.sock");
  CHECK(config->aws->conditional_put == "redis://localhost:6379");
  CHECK(config->aws->allow_http);
  CHECK(config->azure->storage_account_key == "k");
  CHECK(config->gcp->service_account == "/g.json");
  REQUIRE(config->wal);
  CHECK(config->wal->url == "file:///mnt/nvme/zerofs-wal");
  CHECK(config->wal->aws->access_key_id == "wa");
}

TEST_CASE("the summary shows effective values and masks every secret") {
  auto config = zerofs::app::test_env::parse(R"([storage]
url = "s3://bucket/data"
encryption_password = "PASSWORD-VALUE"
[servers.nfs]
addresses = ["[::1]:2049"]
unix_socket = "/tmp/nfs.sock"
[aws]
access_key_id = "ACCESS-KEY-VALUE"
secret_access_key = "SECRET-KEY-VALUE"
session_token = "SESSION-TOKEN-VALUE"
allow_http = true
endpoint = "http://minio:9000"
conditional_put = "redis://:REDIS-PASSWORD@redis:6379"
[azure]
storage_account_name = "acct"
storage_account_key = "AZURE-KEY-VALUE"
[wal]
url = "s3://wal-bucket/w"
[wal.aws]
access_key_id = "WAL-ACCESS-VALUE"
secret_access_key = "WAL-SECRET-VALUE"
)");
  REQUIRE(config);
  const std::string summary = render_summary(*config);
  INFO(summary);
  for (const char* secret :
       {"PASSWORD-VALUE", "ACCESS-KEY-VALUE", "SECRET-KEY-VALUE", "SESSION-TOKEN-VALUE",
        "REDIS-PASSWORD", "AZURE-KEY-VALUE", "WAL-ACCESS-VALUE", "WAL-SECRET-VALUE"}) {
    CHECK(summary.find(secret) == std::string::npos);
  }
  const auto has_line = [&](std::string_view key, std::string_view value) {
    const std::string line = fmt::format("  {:<34} {}\n", key, value);
    return summary.find(line) != std::string::npos;
  };
  CHECK(has_line("storage.url", "s3://bucket/data"));
  CHECK(has_line("storage.encryption_password", "******** (set)"));
  CHECK(has_line("aws.secret_access_key", "******** (set)"));
  CHECK(has_line("aws.conditional_put", "redis://***@redis:6379"));
  CHECK(has_line("azure.storage_account_name", "acct"));
  CHECK(has_line("wal.url", "s3://wal-bucket/w"));
  CHECK(has_line("wal.aws.secret_access_key", "******** (set)"));
  CHECK(has_line("servers.nfs", "[::1]:2049, unix:/tmp/nfs.sock"));
  CHECK(has_line("servers.nbd", "disabled"));
  CHECK(has_line("cache.disk_size_gb", "10 (10000000000 bytes)"));
  CHECK(has_line("cache.memory_size_gb", "0.25 (250000000 bytes)"));
  CHECK(has_line("filesystem.max_size_gb", "unlimited (16 EiB)"));
  CHECK(has_line("lsm.flush_interval_secs", "0.1"));
  CHECK(has_line("lsm.memtable_size_mb", "64"));
}
