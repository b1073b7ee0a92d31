// COMMIT is honest: data a libnfs client wrote UNSTABLE and then COMMITted survives a
// SIGKILL of the server (nfs3_test_server on a file:// store), and the restarted server
// answers another write verifier, so a client would re-send what it had not committed.
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <string>

#include "libnfs_client.h"
#include "test_support/catch.h"
#include "test_support/temp_dir.h"

extern char** environ;

using namespace nfs3::testing;

namespace {

// nfs3_test_server as a child process; SIGKILLed by kill() or the destructor.
class ServerProcess {
 public:
  explicit ServerProcess(const std::string& url) {
    int fds[2];
    REQUIRE(pipe(fds) == 0);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO);
    posix_spawn_file_actions_addclose(&actions, fds[0]);
    std::string bin = NFS3_TEST_SERVER;
    std::string flag = "--url";
    std::string where = url;
    // An hour: nothing becomes durable by itself during the test, only through COMMIT.
    std::string flush_flag = "--flush-interval-ms";
    std::string hour = "3600000";
    char* argv[] = {bin.data(), flag.data(), where.data(), flush_flag.data(), hour.data(), nullptr};
    REQUIRE(posix_spawn(&pid_, bin.c_str(), &actions, nullptr, argv, environ) == 0);
    posix_spawn_file_actions_destroy(&actions);
    close(fds[1]);
    FILE* out = fdopen(fds[0], "r");
    REQUIRE(out != nullptr);
    unsigned port = 0;
    REQUIRE(std::fscanf(out, "port %u", &port) == 1);  // blocks until the server listens
    std::fclose(out);
    port_ = static_cast<std::uint16_t>(port);
  }
  ~ServerProcess() { kill(); }

  std::uint16_t port() const { return port_; }
  void kill() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGKILL);
    int status = 0;
    waitpid(pid_, &status, 0);
    pid_ = -1;
  }

 private:
  pid_t pid_ = -1;
  std::uint16_t port_ = 0;
};

}  // namespace

TEST_CASE("libnfs: COMMITted data survives SIGKILL and the write verifier changes") {
  zerofs::testing::TempDir dir;
  const std::string url = "file://" + dir.str() + "/store";
  std::string committed_verf;
  std::string data(3 << 20, '\0');
  for (std::size_t i = 0; i < data.size(); ++i) data[i] = static_cast<char>((i * 131) >> 3);
  {
    ServerProcess server(url);
    LibnfsClient c(server.port(), Identity::sys(0, 0));
    const Fh root = c.mount("/");
    const Created file = create(c, root, "durable.bin", 0644);
    REQUIRE(file.status == NFS3_OK);
    const std::size_t chunk = 1 << 20;
    for (std::size_t off = 0; off < data.size(); off += chunk) {
      const WriteReply w = write(c, file.fh, off, data.substr(off, chunk), UNSTABLE);
      REQUIRE(w.status == NFS3_OK);
      REQUIRE(w.committed == UNSTABLE);
    }
    REQUIRE(commit(c, file.fh, &committed_verf) == NFS3_OK);
    server.kill();
  }
  ServerProcess restarted(url);
  LibnfsClient c(restarted.port(), Identity::sys(0, 0));
  const Fh root = c.mount("/");
  Fh fh;
  REQUIRE(lookup(c, root, "durable.bin", &fh) == NFS3_OK);
  std::string back;
  std::string part;
  bool eof = false;
  while (!eof) {
    REQUIRE(read(c, fh, back.size(), 1 << 20, &part, &eof) == NFS3_OK);
    REQUIRE((eof || !part.empty()));
    back += part;
  }
  CHECK(back.size() == data.size());
  CHECK(back == data);
  const WriteReply w = write(c, fh, 0, "x", UNSTABLE);
  REQUIRE(w.status == NFS3_OK);
  CHECK(w.verf != committed_verf);
}
