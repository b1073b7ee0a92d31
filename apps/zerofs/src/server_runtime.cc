#include "server_runtime.h"

#include <fmt/format.h>
#include <pthread.h>

#include <boost/asio/detached.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/signal_set.hpp>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <memory>
#include <optional>
#include <thread>
#include <vector>

#include "base/async.h"
#include "base/log.h"
#include "nfs3/server.h"
#include "nfs3/zvfs_handlers.h"
#include "zobj/open_store.h"
#include "zvfs/filesystem.h"

namespace zerofs::app::cli {

namespace {

namespace asio = zerofs::asio;

// How long connections may take to finish the requests they started once we stop.
constexpr std::chrono::milliseconds kDrainDeadline{10'000};

const char* signal_name(int signo) {
  return signo == SIGINT ? "SIGINT" : signo == SIGTERM ? "SIGTERM" : "a signal";
}

// Signals after the first one only get logged: stopping is already under way, and a signal
// sent to a whole process group (as `timeout` does) may arrive twice.
void keep_catching_signals(asio::signal_set& signals) {
  signals.async_wait([&signals](const boost::system::error_code& ec, int signo) {
    if (ec) return;
    zerofs::log::warn(
        "received {} again: already stopping (SIGKILL stops at once, without "
        "making everything durable)",
        signal_name(signo));
    keep_catching_signals(signals);
  });
}

// What lives for the whole run. Declared before the io_context in serve(): tasks the
// io_context still holds (handlers a drain gave up on) may reference the filesystem and the
// handlers until they end, while the filesystem's timers and channels must be destroyed
// before the io_context they belong to (see the end of serve()).
struct Services {
  std::unique_ptr<zvfs::Filesystem> fs;
  std::unique_ptr<nfs3::ZvfsHandlers> nfs;                // NFSv3 and MOUNT
  std::vector<std::unique_ptr<nfs3::RpcServer>> servers;  // released inside the loop
  bool fs_open = false;
};

Result<void> describe_open_failure(const Error& error, const Config& config) {
  if (error.code() == Errc::wrong_password) {
    return fail(Errc::wrong_password, "storage.encryption_password: {}", error.message());
  }
  return fail(error.code(), "cannot open the filesystem at storage.url {}: {}", config.storage.url,
              error.message());
}

class Runner {
 public:
  Runner(const Config& config, const RunOptions& options, Services& services,
         asio::signal_set& signals)
      : config_(config), options_(options), services_(services), signals_(signals) {}

  Task<Result<void>> main() {
    Result<void> started = co_await start();
    if (!started) {
      services_.servers.clear();
      Result<void> closed = co_await close_filesystem();
      (void)closed;  // the startup error is the one to report
      co_return started;
    }
    for (auto& server : services_.servers) {
      asio::co_spawn(server_executor(), server->run(), asio::detached);
    }
    zerofs::log::info("zerofs is ready ({}); SIGINT or SIGTERM stops it",
                      options_.read_only ? "read-only" : "read-write");

    auto [ec, signo] = co_await signals_.async_wait(asio::as_tuple(asio::use_awaitable));
    if (ec) co_return fail(Errc::permanent, "waiting for signals failed: {}", ec.message());
    zerofs::log::info("received {}: draining connections, then making everything durable",
                      signal_name(signo));
    keep_catching_signals(signals_);

    for (auto& server : services_.servers) co_await server->shutdown(kDrainDeadline);
    services_.servers.clear();
    Result<void> closed = co_await close_filesystem();
    if (!closed) co_return closed;
    zerofs::log::info("everything is durable; exiting");
    co_return Result<void>{};
  }

 private:
  asio::any_io_executor server_executor() const { return signals_.get_executor(); }

  Task<Result<void>> start() {
    const zobj::StoreOptions store_options = store_options_for(config_);
    auto store = zobj::open_app_store(config_.storage.url, store_options);
    if (!store) {
      co_return fail(store.error().code(), "storage.url {}: {}", config_.storage.url,
                     store.error().message());
    }
    ZF_CO_TRY(auto fs_config, filesystem_config_for(config_, options_));
    fs_config.store = std::move(*store);
    if (config_.wal) {
      const zobj::StoreOptions wal_options = wal_store_options_for(*config_.wal);
      auto wal_store = zobj::open_app_store(config_.wal->url, wal_options);
      if (!wal_store) {
        co_return fail(wal_store.error().code(), "wal.url {}: {}", config_.wal->url,
                       wal_store.error().message());
      }
      fs_config.wal_store = std::move(*wal_store);
    }
    auto fs = co_await zvfs::Filesystem::open(std::move(fs_config));
    if (!fs) co_return describe_open_failure(fs.error(), config_);
    services_.fs = std::move(*fs);
    services_.fs_open = true;
    zerofs::log::info("opened the filesystem at {}{}{}", config_.storage.url,
                      config_.wal ? fmt::format(" with its WAL at {}", config_.wal->url) : "",
                      services_.fs->read_only() ? " (read-only)" : "");

    nfs3::ZvfsHandlersOptions handler_options;
    handler_options.read_only = services_.fs->read_only();
    services_.nfs = nfs3::make_zvfs_handlers(*services_.fs, handler_options);
    ZF_CO_CHECK(listen_nfs());
    co_return Result<void>{};
  }

  Result<void> listen_nfs() {
    if (!config_.servers.nfs) {
      return fail(Errc::invalid_argument,
                  "no server to run: add a [servers.nfs] section (zerofs init writes one)");
    }
    const ServerConfig& nfs = *config_.servers.nfs;
    if (nfs.unix_socket) {
      return fail(Errc::invalid_argument,
                  "servers.nfs.unix_socket: the NFS server listens on TCP addresses only");
    }
    for (const ListenAddress& address : nfs.addresses) {
      nfs3::ServerOptions server_options;
      server_options.address = address.host;
      server_options.port = address.port;
      server_options.read_only = services_.fs->read_only();
      auto server = nfs3::RpcServer::listen(server_executor(), server_options, *services_.nfs,
                                            *services_.nfs);
      if (!server) {
        return fail(server.error().code(), "servers.nfs: cannot listen on {}: {}",
                    address.to_string(), server.error().message());
      }
      ListenAddress bound = address;
      bound.port = (*server)->port();
      zerofs::log::info("NFS server listening on {}", bound.to_string());
      services_.servers.push_back(std::move(*server));
    }
    warn_unserved("servers.ninep", "9P", config_.servers.ninep.has_value());
    warn_unserved("servers.nbd", "NBD", config_.servers.nbd.has_value());
    warn_unserved("servers.rpc", "admin", config_.servers.rpc.has_value());
    return {};
  }

  static void warn_unserved(std::string_view section, std::string_view what, bool configured) {
    if (!configured) return;
    zerofs::log::warn("[{}]: this build has no {} server yet; not started", section, what);
  }

  Task<Result<void>> close_filesystem() {
    if (!services_.fs_open) co_return Result<void>{};
    services_.fs_open = false;
    Result<void> closed = co_await services_.fs->close();
    if (!closed) {
      co_return fail(closed.error().code(), "making everything durable failed: {}",
                     closed.error().message());
    }
    co_return Result<void>{};
  }

  const Config& config_;
  const RunOptions& options_;
  Services& services_;
  asio::signal_set& signals_;
};

// One thread runs the loop: the CPU-heavy work (sealing, SST building, compaction) and file
// I/O already run on pools, and a second loop thread only made requests hop between threads.
// nfs_bench (libnfs, one client, 2 cores): with one loop thread sequential reads and 4 KiB
// random reads went about 2x faster, creates and stats 1.2-2x, writes unchanged.
std::size_t io_threads() { return 1; }

}  // namespace

Result<void> serve(const Config& config, const RunOptions& options) {
  Services services;
  asio::io_context io;
  asio::signal_set signals(io, SIGINT, SIGTERM);
  auto work = asio::make_work_guard(io);

  std::optional<Result<void>> outcome;
  std::exception_ptr failure;
  Runner runner(config, options, services, signals);
  asio::co_spawn(io, runner.main(), [&](std::exception_ptr e, Result<void> result) {
    failure = e;
    if (!e) outcome.emplace(std::move(result));
    // Requests a drain gave up on may still be parked in the loop; they end with it.
    io.stop();
  });

  std::vector<std::thread> threads;
  for (std::size_t i = 1; i < io_threads(); ++i) {
    threads.emplace_back([&io] { io.run(); });
  }
  io.run();
  for (auto& thread : threads) thread.join();
  // `signals` restores the default actions when destroyed; a late signal must not turn a
  // clean exit into a death by signal, so this (now only) thread keeps it pending.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  services.servers.clear();  // normally done in the loop; sockets must go before `io`
  // Let what a drain left behind end now that the filesystem is closed (its calls fail at
  // once), so the filesystem can go while `io` is still alive.
  work.reset();
  signals.cancel();
  io.restart();
  io.run_for(std::chrono::seconds(2));
  if (io.stopped()) {
    services.nfs.reset();
    services.fs.reset();
  } else {
    // Tasks still parked may touch the filesystem when `io` destroys them: the process is
    // exiting, so leave it to the operating system rather than free it under them.
    (void)services.nfs.release();
    (void)services.fs.release();
    zerofs::log::warn("requests were still running at exit; they were abandoned");
  }
  if (failure) std::rethrow_exception(failure);
  return std::move(*outcome);
}

}  // namespace zerofs::app::cli
