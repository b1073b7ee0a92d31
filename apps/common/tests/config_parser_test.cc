#include <fmt/format.h>

#include <cstdio>

#include "test_env.h"
#include "test_support/catch.h"
#include "test_support/temp_dir.h"

using namespace zerofs;
using namespace zerofs::app;
using zerofs::app::test_env::error_of;
using zerofs::app::test_env::parse;
using zerofs::app::test_env::parse_with_storage;

TEST_CASE("a minimal config gets every default") {
  auto config = parse_with_storage("");
  REQUIRE(config);
  CHECK(config->storage.url == "s3://bucket/prefix");
  CHECK(config->storage.encryption_password == "secret");
  CHECK(config->cache.dir == "/home/tester/.cache/zerofs");
  CHECK(config->cache.disk_size_bytes == 10'000'000'000u);
  CHECK(config->cache.memory_size_bytes == 250'000'000u);
  CHECK(config->filesystem.max_size_bytes == kUnlimitedBytes);
  CHECK(config->filesystem.compression == CompressionSetting{CompressionSetting::Codec::lz4, 0});
  CHECK_FALSE(config->servers.nfs);
  CHECK_FALSE(config->servers.ninep);
  CHECK_FALSE(config->servers.nbd);
  CHECK_FALSE(config->servers.rpc);
  CHECK(config->lsm.wal_enabled);
  CHECK(config->lsm.flush_interval == std::chrono::milliseconds(100));
  CHECK(config->lsm.l0_max_ssts == 16);
  CHECK(config->lsm.max_unflushed_bytes == 1'000'000'000u);
  CHECK(config->lsm.max_concurrent_compactions == 8);
  CHECK(config->lsm.memtable_size_bytes == 64u * 1024 * 1024);
  CHECK(config->lsm.block_size_bytes == 4096);
  CHECK(config->lsm.bloom_bits_per_key == 10);
  CHECK(config->lsm.gc_min_age == std::chrono::seconds(300));
  CHECK_FALSE(config->wal);
  CHECK_FALSE(config->aws);
  CHECK_FALSE(config->azure);
  CHECK_FALSE(config->gcp);
}

TEST_CASE("cache and filesystem and lsm keys parse with their types and units") {
  auto config = parse_with_storage(R"(
[cache]
dir = "/var/cache/zerofs"
disk_size_gb = 1.5
memory_size_gb = 2

[filesystem]
max_size_gb = 100.0
compression = "zstd-3"

[lsm]
wal_enabled = false
flush_interval_secs = 0.25
l0_max_ssts = 32
max_unflushed_gb = 0.5
max_concurrent_compactions = 2
memtable_size_mb = 128
block_size_kb = 16
bloom_bits_per_key = 12
gc_min_age_secs = 60
)");
  REQUIRE(config);
  CHECK(config->cache.dir == "/var/cache/zerofs");
  CHECK(config->cache.disk_size_bytes == 1'500'000'000u);
  CHECK(config->cache.memory_size_bytes == 2'000'000'000u);
  CHECK(config->filesystem.max_size_bytes == 100'000'000'000u);
  CHECK(config->filesystem.compression.to_string() == "zstd-3");
  CHECK_FALSE(config->lsm.wal_enabled);
  CHECK(config->lsm.flush_interval == std::chrono::milliseconds(250));
  CHECK(config->lsm.l0_max_ssts == 32);
  CHECK(config->lsm.max_unflushed_bytes == 500'000'000u);
  CHECK(config->lsm.max_concurrent_compactions == 2);
  CHECK(config->lsm.memtable_size_bytes == 128u << 20);
  CHECK(config->lsm.block_size_bytes == 16u << 10);
  CHECK(config->lsm.bloom_bits_per_key == 12);
  CHECK(config->lsm.gc_min_age == std::chrono::seconds(60));
}

TEST_CASE("integer seconds are accepted for flush_interval_secs") {
  auto config = parse_with_storage("[lsm]\nflush_interval_secs = 2\n");
  REQUIRE(config);
  CHECK(config->lsm.flush_interval == std::chrono::seconds(2));
}

TEST_CASE("unknown keys and sections are named with their dotted key and line") {
  CHECK(error_of(parse_with_storage("\n[lsm]\nfoo = 1\n")) == "test.toml:6: unknown key 'lsm.foo'");
  CHECK(error_of(parse_with_storage("[cachee]\ndir = \"x\"\n")) ==
        "test.toml:4: unknown section [cachee] (did you mean 'cache'?)");
  CHECK(error_of(parse_with_storage("[servers.nfs]\nadresses = [\"127.0.0.1:2049\"]\n")) ==
        "test.toml:5: unknown key 'servers.nfs.adresses' (did you mean 'addresses'?)");
  CHECK(error_of(parse_with_storage("[servers.smb]\n")) ==
        "test.toml:4: unknown section [servers.smb]");
  CHECK(error_of(parse("verbose = true\n" + std::string(test_env::kStorage))) ==
        "test.toml:1: unknown key 'verbose'");
  CHECK(error_of(parse_with_storage("[wal]\nurl = \"file:///w\"\n[wal.aws]\nregion = \"x\"\n")) ==
        "test.toml:7: unknown key 'wal.aws.region'");
  // Dotted keys and inline tables are reported as keys.
  CHECK(error_of(parse_with_storage("[lsm]\ntuning.x = 1\n")) ==
        "test.toml:5: unknown section [lsm.tuning]");
  CHECK(error_of(parse_with_storage("[lsm]\ntuning = { x = 1 }\n")) ==
        "test.toml:5: unknown key 'lsm.tuning'");
}

TEST_CASE("the first unknown key in file order is reported") {
  CHECK(error_of(parse_with_storage("[lsm]\nzzz = 1\naaa = 2\n")) ==
        "test.toml:5: unknown key 'lsm.zzz'");
}

TEST_CASE("wrong types name the key with the expected type and the line") {
  CHECK(error_of(parse_with_storage("[lsm]\nl0_max_ssts = \"16\"\n")) ==
        "test.toml:5: lsm.l0_max_ssts: expected an integer, found a string");
  CHECK(error_of(parse_with_storage("[lsm]\nl0_max_ssts = 16.5\n")) ==
        "test.toml:5: lsm.l0_max_ssts: expected an integer, found a float");
  CHECK(error_of(parse_with_storage("[cache]\ndisk_size_gb = \"10\"\n")) ==
        "test.toml:5: cache.disk_size_gb: expected a number, found a string");
  CHECK(error_of(parse_with_storage("[lsm]\nwal_enabled = 1\n")) ==
        "test.toml:5: lsm.wal_enabled: expected a boolean, found an integer");
  CHECK(error_of(parse_with_storage("[cache]\ndir = 5\n")) ==
        "test.toml:5: cache.dir: expected a string, found an integer");
  CHECK(error_of(parse("lsm = 3\n" + std::string(test_env::kStorage))) ==
        "test.toml:1: lsm: expected a table ([lsm]), found an integer");
  CHECK(error_of(parse_with_storage("[servers.nfs]\naddresses = \"127.0.0.1:2049\"\n")) ==
        "test.toml:5: servers.nfs.addresses: expected an array of strings, found a string");
  CHECK(error_of(parse_with_storage("[servers.nfs]\naddresses = [\n  \"127.0.0.1:1\",\n  2]\n")) ==
        "test.toml:7: servers.nfs.addresses[1]: expected a string, found an integer");
}

TEST_CASE("out-of-range values are rejected with the key") {
  CHECK(error_of(parse_with_storage("[lsm]\nl0_max_ssts = 0\n")) ==
        "test.toml:5: lsm.l0_max_ssts: must be 1 to 1024 (got 0)");
  CHECK(error_of(parse_with_storage("[cache]\ndisk_size_gb = -1.0\n")) ==
        "test.toml:5: cache.disk_size_gb: must not be negative (got -1)");
  CHECK(error_of(parse_with_storage("[cache]\nmemory_size_gb = nan\n")) ==
        "test.toml:5: cache.memory_size_gb: must be a finite number");
  CHECK(error_of(parse_with_storage("[filesystem]\nmax_size_gb = inf\n")) ==
        "test.toml:5: filesystem.max_size_gb: must be a finite number");
  CHECK(error_of(parse_with_storage("[filesystem]\nmax_size_gb = 0\n")) ==
        "test.toml:5: filesystem.max_size_gb: must be more than 0");
  CHECK(error_of(parse_with_storage("[lsm]\nflush_interval_secs = 0\n")) ==
        "test.toml:5: lsm.flush_interval_secs: must be more than 0 and at most 86400 seconds "
        "(got 0)");
  CHECK(error_of(parse_with_storage("[lsm]\nblock_size_kb = 4096\n")) ==
        "test.toml:5: lsm.block_size_kb: must be 1 to 1024 (got 4096)");
  CHECK_FALSE(parse_with_storage("[lsm]\nmax_unflushed_gb = 0\n"));
  CHECK_FALSE(parse_with_storage("[lsm]\nmax_concurrent_compactions = 0\n"));
  CHECK_FALSE(parse_with_storage("[lsm]\nbloom_bits_per_key = 65\n"));
  CHECK_FALSE(parse_with_storage("[lsm]\ngc_min_age_secs = -1\n"));
}

TEST_CASE("bad compression strings are rejected") {
  for (const char* bad : {"zstd", "zstd-0", "zstd-23", "zstd-x", "LZ4", "gzip", "", "zstd-3 "}) {
    INFO(bad);
    auto config = parse_with_storage(fmt::format("[filesystem]\ncompression = \"{}\"\n", bad));
    REQUIRE_FALSE(config);
    CHECK(config.error().code() == Errc::invalid_argument);
    CHECK(config.error().message().starts_with("test.toml:5: filesystem.compression: "));
  }
  auto none = parse_with_storage("[filesystem]\ncompression = \"none\"\n");
  REQUIRE(none);
  CHECK(none->filesystem.compression.codec == CompressionSetting::Codec::none);
}

TEST_CASE("missing required keys are all named") {
  CHECK(error_of(parse("")) ==
        "test.toml: missing required keys storage.url, storage.encryption_password");
  CHECK(error_of(parse("[storage]\nurl = \"file:///data\"\n")) ==
        "test.toml: missing required key storage.encryption_password");
  CHECK(error_of(parse_with_storage("[wal]\n")) == "test.toml: missing required key wal.url");
  CHECK(error_of(parse("[storage]\nurl = \"file:///d\"\nencryption_password = \"\"\n")) ==
        "test.toml:3: storage.encryption_password: must not be empty");
}

TEST_CASE("storage URLs must name a supported store") {
  CHECK(error_of(parse("[storage]\nurl = \"ftp://x\"\nencryption_password = \"p\"\n")) ==
        "test.toml:2: storage.url: \"ftp://x\" is not a supported object store URL (use "
        "file://, memory://, s3://, azure:// or gs://)");
  for (const char* good :
       {"file:///srv/zerofs", "memory://test", "s3://b/p", "azure://c/p", "gs://b/p"}) {
    INFO(good);
    CHECK(parse(fmt::format("[storage]\nurl = \"{}\"\nencryption_password = \"p\"\n", good)));
  }
}

TEST_CASE("TOML syntax errors carry line and column") {
  auto config = parse("[storage]\nurl = \"s3://b\"\nencryption_password = \n");
  REQUIRE_FALSE(config);
  CHECK(config.error().code() == Errc::invalid_argument);
  CHECK(config.error().message().starts_with("test.toml:3:"));
  CHECK(config.error().message().find("TOML syntax error") != std::string::npos);
  CHECK(error_of(parse("[lsm]\n[lsm]\n")).starts_with("test.toml:2:"));
}

TEST_CASE("load_config reads a file and reports a missing one") {
  zerofs::testing::TempDir dir;
  const auto path = dir.path() / "z.toml";
  {
    std::FILE* file = std::fopen(path.c_str(), "w");
    REQUIRE(file != nullptr);
    std::fputs("[storage]\nurl = \"file:///d\"\nencryption_password = \"p\"\n[bogus]\n", file);
    std::fclose(file);
  }
  auto config = load_config(path, test_env::default_env());
  REQUIRE_FALSE(config);
  CHECK(config.error().message() == path.string() + ":4: unknown section [bogus]");

  auto missing = load_config(dir.path() / "absent.toml", test_env::default_env());
  REQUIRE_FALSE(missing);
  CHECK(missing.error().code() == Errc::not_found);
  CHECK(missing.error().message() ==
        "cannot open " + (dir.path() / "absent.toml").string() + ": No such file or directory");
}
