#include "s3_test_env.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <mutex>
#include <thread>

#include "test_support/npm_package.h"

extern char** environ;

namespace zobj::testing {

namespace fs = std::filesystem;

namespace {

bool on_path(const std::string& tool) {
  return std::system(fmt::format("command -v {} >/dev/null 2>&1", tool).c_str()) == 0;
}

[[noreturn]] void skip(const std::string& why) {
  std::fprintf(stderr, "SKIPPED: %s\n", why.c_str());
  std::exit(kSkipExitCode);
}

}  // namespace

ChildProcess::ChildProcess(const std::vector<std::string>& argv, const std::string& log_path) {
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND,
                                   0644);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  pid_t pid = -1;
  if (posix_spawnp(&pid, args[0], &actions, nullptr, args.data(), environ) == 0) pid_ = pid;
  posix_spawn_file_actions_destroy(&actions);
}

ChildProcess::~ChildProcess() { stop(); }

void ChildProcess::stop() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGTERM);
  for (int i = 0; i < 200; ++i) {
    if (::waitpid(pid_, nullptr, WNOHANG) == pid_) {
      pid_ = -1;
      return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ::kill(pid_, SIGKILL);
  ::waitpid(pid_, nullptr, 0);
  pid_ = -1;
}

std::uint16_t free_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  return ntohs(addr.sin_port);
}

bool wait_for_port(std::uint16_t port, int timeout_ms) {
  const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (std::chrono::steady_clock::now() < until) {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(port);
    const bool up = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
    ::close(fd);
    if (up) return true;
    // A starting server gives no other signal to wait on than its port.
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return false;
}

S3rver::S3rver(std::string package_dir) {
  port_ = free_port();
  const std::string data = (dir_.path() / "data").string();
  process_ = std::make_unique<ChildProcess>(
      std::vector<std::string>{"node", "--openssl-legacy-provider", ZOBJ_S3RVER_FIXTURE,
                               package_dir, "-d", data, "-a", "127.0.0.1", "-p",
                               std::to_string(port_), "--configure-bucket", kBucket, "--silent"},
      (dir_.path() / "s3rver.log").string());
  ok_ = process_->running() && wait_for_port(port_, 20'000);
}

std::string S3rver::bucket_dir() const { return (dir_.path() / "data" / kBucket).string(); }

std::size_t S3rver::uploads_in_progress() const {
  const std::filesystem::path uploads = std::filesystem::path(bucket_dir()) / "._S3rver_uploads";
  std::error_code ec;
  std::size_t n = 0;
  for (auto it = std::filesystem::directory_iterator(uploads, ec);
       !ec && it != std::filesystem::directory_iterator(); it.increment(ec)) {
    ++n;
  }
  return n;
}

std::string S3rver::endpoint() const { return fmt::format("http://127.0.0.1:{}", port_); }

S3Settings S3rver::settings() const {
  S3Settings s;
  s.endpoint = endpoint();
  s.region = "us-east-1";
  s.access_key_id = "S3RVER";  // s3rver knows this key; it does not check V4 signatures
  s.secret_access_key = "S3RVER";
  s.allow_http = true;
  s.virtual_hosted_style = false;
  return s;
}

RedisServer::RedisServer() {
  port_ = free_port();
  process_ = std::make_unique<ChildProcess>(
      std::vector<std::string>{"redis-server", "--port", std::to_string(port_), "--bind",
                               "127.0.0.1", "--save", "", "--appendonly", "no", "--dir",
                               dir_.str()},
      (dir_.path() / "redis.log").string());
  ok_ = process_->running() && wait_for_port(port_, 10'000);
}

std::string RedisServer::url() const { return fmt::format("redis://127.0.0.1:{}", port_); }

S3rver& shared_s3rver() {
  static std::unique_ptr<S3rver> server;
  static std::mutex mutex;
  std::lock_guard lock(mutex);
  if (!server) {
    std::string why;
    const std::string package = zerofs::testing::npm_package("s3rver", &why);
    if (package.empty()) skip(why);
    server = std::make_unique<S3rver>(package);
    if (!server->ok()) skip("s3rver did not start (node --openssl-legacy-provider s3rver)");
  }
  return *server;
}

RedisServer& shared_redis() {
  static std::unique_ptr<RedisServer> server;
  static std::mutex mutex;
  std::lock_guard lock(mutex);
  if (!server) {
    if (!on_path("redis-server"))
      skip("redis-server is not installed (apt-get install redis-server)");
    server = std::make_unique<RedisServer>();
    if (!server->ok()) skip("redis-server did not start");
  }
  return *server;
}

std::string unique_prefix(const std::string& tag) {
  static std::atomic<int> counter{0};
  return fmt::format("{}-{}-{}", tag, ::getpid(), counter++);
}

}  // namespace zobj::testing
