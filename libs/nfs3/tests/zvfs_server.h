// An NFSv3 server on a real zvfs filesystem, in this process, on 127.0.0.1 and an
// ephemeral port: what the libnfs tests and nfs3_test_server talk to.
//
// It owns an io_context run by its own thread; the filesystem, handlers and RpcServer live
// on it. Methods are called from other threads (the test's), never from the loop.
#pragma once

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>

#include "base/result.h"
#include "nfs3/server.h"
#include "nfs3/zvfs_handlers.h"
#include "zvfs/filesystem.h"

namespace nfs3::testing {

struct ZvfsServerOptions {
  std::string url;  // "memory://..." (default: a fresh one) or "file:///dir"
  bool read_only = false;
  std::string password = "nfs3 test password";
  std::string address = "127.0.0.1";
  std::uint16_t port = 0;
  // How soon unsynced writes become durable on their own (lsm.flush_interval). Crash tests
  // make it long, so only COMMIT/fsync can be what made data durable.
  std::chrono::milliseconds flush_interval{20};
  ZvfsServerOptions() {}
};

class ZvfsServer {
 public:
  static zerofs::Result<std::unique_ptr<ZvfsServer>> start(ZvfsServerOptions options);
  ~ZvfsServer();
  ZvfsServer(const ZvfsServer&) = delete;
  ZvfsServer& operator=(const ZvfsServer&) = delete;

  std::uint16_t port() const noexcept { return port_; }
  zvfs::Filesystem& fs() noexcept { return *fs_; }
  ZvfsHandlers& handlers() noexcept { return *handlers_; }

  // Runs `task` on the server's loop and waits for its value.
  template <typename T>
  T run(Task<T> task) {
    return zerofs::asio::co_spawn(io_, std::move(task), zerofs::asio::use_future).get();
  }

  // Stops accepting, closes connections, closes the filesystem (durably) and the loop.
  // Idempotent; the destructor calls it.
  zerofs::Result<void> stop();

 private:
  ZvfsServer();

  zerofs::asio::io_context io_;
  zerofs::asio::executor_work_guard<zerofs::asio::io_context::executor_type> work_;
  std::thread thread_;
  std::unique_ptr<zvfs::Filesystem> fs_;
  std::unique_ptr<ZvfsHandlers> handlers_;
  std::unique_ptr<RpcServer> server_;
  std::uint16_t port_ = 0;
  bool stopped_ = false;
};

}  // namespace nfs3::testing
