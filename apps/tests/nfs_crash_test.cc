// `zerofs run` as a process, driven by libnfs: what COMMIT and a clean stop promise holds
// after SIGKILL / SIGTERM and a restart, and the write verifier tells a client when
// uncommitted writes were lost (ARCHITECTURE §10).
#include <fmt/format.h>
#include <signal.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include "nfs_test_client.h"
#include "server_process.h"
#include "test_support/catch.h"
#include "test_support/pattern.h"
#include "test_support/temp_dir.h"

using zerofs::testing::pattern;

namespace {

using zerofs::apptest::NfsTestClient;
using zerofs::apptest::ServerProcess;
using zerofs::apptest::Stable;
using zerofs::apptest::WriteVerifier;

constexpr std::chrono::seconds kTimeout{60};
constexpr const char* kPassword = "crash-test-password";

// A file:// store in `dir`, NFS on an ephemeral port of 127.0.0.1, no other server; with
// `separate_wal`, the WAL in a file:// store of its own ([wal]).
std::string write_config(const zerofs::testing::TempDir& dir, bool separate_wal = false) {
  const std::string path = dir.path() / "zerofs.toml";
  std::ofstream(path) << fmt::format(
      R"([cache]
dir = "{0}/cache"

[storage]
url = "file://{0}/store"
encryption_password = "${{ZEROFS_PASSWORD}}"

[servers.nfs]
addresses = ["127.0.0.1:0"]
{1})",
      dir.path().string(),
      separate_wal ? fmt::format("\n[wal]\nurl = \"file://{}/wal\"\n", dir.path().string()) : "");
  return path;
}

// Objects the file:// store at `root` holds under "<dir>/" (its layout: zobj/file_store.h).
std::size_t objects_in(const std::filesystem::path& root, const std::string& dir) {
  const std::filesystem::path path = root / (dir + "%");
  if (!std::filesystem::is_directory(path)) return 0;
  return static_cast<std::size_t>(std::distance(std::filesystem::directory_iterator(path),
                                                std::filesystem::directory_iterator()));
}

std::unique_ptr<ServerProcess> start_server(const std::string& config) {
  return ServerProcess::start(ZEROFS_BINARY, config, kPassword, kTimeout);
}

}  // namespace

TEST_CASE("committed UNSTABLE writes survive SIGKILL and the verifier changes") {
  zerofs::testing::TempDir dir;
  const std::string config = write_config(dir);
  const std::string first = pattern(1 << 20, 'a');
  const std::string second = pattern(300'000, 'q');

  auto server = start_server(config);
  WriteVerifier before{};
  zerofs::apptest::FileHandle file;
  {
    auto client = NfsTestClient::mount(server->nfs_port());
    file = client->create("committed");
    auto w1 = client->write(file, 0, first, Stable::unstable);
    auto w2 = client->write(file, first.size(), second, Stable::unstable);
    REQUIRE(w1.count == first.size());
    REQUIRE(w2.count == second.size());
    REQUIRE(w1.committed == Stable::unstable);
    REQUIRE(w1.verifier == w2.verifier);
    before = client->commit(file);
    REQUIRE(before == w1.verifier);
  }
  server->send_signal(SIGKILL);
  REQUIRE(server->wait_exit(kTimeout) == 128 + SIGKILL);

  auto restarted = start_server(config);
  auto client = NfsTestClient::mount(restarted->nfs_port());
  // The handle from before the crash still names the file.
  REQUIRE(client->read(file, 0, 1 << 20) == first);
  REQUIRE(client->read(file, first.size(), 1 << 20) == second);
  const auto after = client->write(file, 0, "X", Stable::unstable);
  INFO("a client compares verifiers to learn that uncommitted writes must be re-sent");
  REQUIRE(after.verifier != before);
  REQUIRE(client->commit(file) == after.verifier);

  // A file too large to delete in one batch leaves a tombstone for the background reaper.
  const auto big = client->create("big");
  const std::string chunk = pattern(1 << 20, 'z');
  for (std::uint64_t i = 0; i < 8; ++i) {
    REQUIRE(client->write(big, i * chunk.size(), chunk, Stable::unstable).count == chunk.size());
  }
  client->commit(big);
  client->remove("big");
  client->remove("committed");
  restarted->send_signal(SIGTERM);
  const int status = restarted->wait_exit(kTimeout);
  INFO(restarted->log());
  REQUIRE(status == 0);
}

TEST_CASE("SIGTERM drains, makes uncommitted writes durable and exits 0") {
  zerofs::testing::TempDir dir;
  const std::string config = write_config(dir);
  const std::string data = pattern(700'000, 'k');

  auto server = start_server(config);
  auto connected = NfsTestClient::mount(server->nfs_port());
  const auto file = connected->create("unstable");
  REQUIRE(connected->write(file, 0, data, Stable::unstable).count == data.size());
  // The client stays connected: the server closes idle connections itself.
  server->send_signal(SIGTERM);
  const int status = server->wait_exit(kTimeout);
  INFO(server->log());
  REQUIRE(status == 0);
  REQUIRE(server->log().find("everything is durable") != std::string::npos);
  connected.reset();

  auto restarted = start_server(config);
  auto client = NfsTestClient::mount(restarted->nfs_port());
  REQUIRE(client->read(file, 0, 1 << 20) == data);
  // A second clean stop, without clients, is clean too.
  restarted->send_signal(SIGINT);
  REQUIRE(restarted->wait_exit(kTimeout) == 0);
}

TEST_CASE("a separate [wal] store receives the WAL, and the setting is fixed at creation") {
  zerofs::testing::TempDir dir;
  const std::string config = write_config(dir, true);
  const std::string data = pattern(200'000, 'w');

  auto server = start_server(config);
  zerofs::apptest::FileHandle file;
  {
    auto client = NfsTestClient::mount(server->nfs_port());
    file = client->create("through-the-wal");
    REQUIRE(client->write(file, 0, data, Stable::unstable).count == data.size());
    client->commit(file);
  }
  REQUIRE(server->log().find("with its WAL at file://") != std::string::npos);
  server->send_signal(SIGTERM);
  REQUIRE(server->wait_exit(kTimeout) == 0);
  CHECK(objects_in(dir.path() / "wal", "wal") > 0);
  CHECK(objects_in(dir.path() / "store", "wal") == 0);
  CHECK(objects_in(dir.path() / "store", "manifest") > 0);

  auto restarted = start_server(config);
  {
    auto client = NfsTestClient::mount(restarted->nfs_port());
    REQUIRE(client->read(file, 0, 1 << 20) == data);
  }
  restarted->send_signal(SIGTERM);
  REQUIRE(restarted->wait_exit(kTimeout) == 0);

  // Without the [wal] section the WAL tail would be missed: zerofs refuses to start.
  const std::string without = write_config(dir, false);
  REQUIRE_THROWS_WITH(start_server(without),
                      Catch::Matchers::Contains("restore the [wal] section"));
}
