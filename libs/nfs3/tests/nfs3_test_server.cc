// nfs3_test_server: serves a zvfs filesystem over NFSv3 for script tests (libnfs-utils).
//
//   nfs3_test_server [--url memory://x | file:///dir] [--port N] [--read-only]
//                    [--flush-interval-ms N]
//
// Binds 127.0.0.1 (port 0: an ephemeral one), prints "port N" on stdout once it accepts
// connections, and serves until SIGINT or SIGTERM; then closes the filesystem durably and
// exits 0.
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "zvfs_server.h"

int main(int argc, char** argv) {
  nfs3::testing::ZvfsServerOptions options;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--url" && i + 1 < argc) {
      options.url = argv[++i];
    } else if (arg == "--port" && i + 1 < argc) {
      options.port = static_cast<std::uint16_t>(std::strtoul(argv[++i], nullptr, 10));
    } else if (arg == "--flush-interval-ms" && i + 1 < argc) {
      options.flush_interval = std::chrono::milliseconds(std::strtoul(argv[++i], nullptr, 10));
    } else if (arg == "--read-only") {
      options.read_only = true;
    } else {
      std::fprintf(stderr,
                   "usage: %s [--url URL] [--port N] [--read-only] [--flush-interval-ms N]\n",
                   argv[0]);
      return 2;
    }
  }
  // Block the signals before any thread starts, so only sigwait() below receives them.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  auto server = nfs3::testing::ZvfsServer::start(options);
  if (!server) {
    std::fprintf(stderr, "nfs3_test_server: %s\n", server.error().to_string().c_str());
    return 1;
  }
  std::printf("port %u\n", static_cast<unsigned>((*server)->port()));
  std::fflush(stdout);

  int signal = 0;
  sigwait(&stop_signals, &signal);
  auto stopped = (*server)->stop();
  if (!stopped) {
    std::fprintf(stderr, "nfs3_test_server: %s\n", stopped.error().to_string().c_str());
    return 1;
  }
  return 0;
}
