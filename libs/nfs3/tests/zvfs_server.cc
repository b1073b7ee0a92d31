#include "zvfs_server.h"

#include <atomic>
#include <boost/asio/detached.hpp>
#include <chrono>

#include "base/log.h"

namespace nfs3::testing {

namespace asio = zerofs::asio;

namespace {

zvfs::FilesystemConfig test_config(const ZvfsServerOptions& options) {
  static std::atomic<int> counter{0};
  zvfs::FilesystemConfig c;
  c.url = options.url.empty() ? "memory://nfs3-zvfs-" + std::to_string(counter++) : options.url;
  c.password = options.password;
  c.kdf_opslimit = 1;  // Argon2id's minimum: tests open many filesystems
  c.kdf_memlimit = 8192;
  c.lsm.read_only = options.read_only;
  c.lsm.flush_interval = options.flush_interval;
  return c;
}

}  // namespace

ZvfsServer::ZvfsServer() : work_(asio::make_work_guard(io_)) {
  thread_ = std::thread([this] { io_.run(); });
}

zerofs::Result<std::unique_ptr<ZvfsServer>> ZvfsServer::start(ZvfsServerOptions options) {
  std::unique_ptr<ZvfsServer> s(new ZvfsServer());
  const zvfs::FilesystemConfig config = test_config(options);
  auto fs = s->run(zvfs::Filesystem::open(config));
  if (!fs) return std::unexpected(fs.error());
  s->fs_ = std::move(*fs);
  ZvfsHandlersOptions handler_options;
  handler_options.read_only = options.read_only;
  s->handlers_ = make_zvfs_handlers(*s->fs_, handler_options);
  ServerOptions server_options;
  server_options.address = options.address;
  server_options.port = options.port;
  server_options.read_only = options.read_only;
  auto server =
      RpcServer::listen(s->io_.get_executor(), server_options, *s->handlers_, *s->handlers_);
  if (!server) return std::unexpected(server.error());
  s->server_ = std::move(*server);
  s->port_ = s->server_->port();
  asio::co_spawn(s->io_, s->server_->run(), asio::detached);
  return s;
}

zerofs::Result<void> ZvfsServer::stop() {
  if (stopped_) return {};
  stopped_ = true;
  zerofs::Result<void> result;
  if (server_) run(server_->shutdown(std::chrono::seconds(5)));
  if (fs_) result = run(fs_->close());
  work_.reset();
  thread_.join();
  server_.reset();
  handlers_.reset();
  fs_.reset();
  return result;
}

ZvfsServer::~ZvfsServer() {
  if (stopped_) return;
  auto stopped = stop();
  if (!stopped)
    zerofs::log::error("nfs3 test server: close failed: {}", stopped.error().to_string());
}

}  // namespace nfs3::testing
