// Servers for the s3:// tests, started by the tests themselves on free loopback ports:
// s3rver (npm; installed on demand into ~/.cache/zerofs-npm) through s3rver_fixture.js, and
// redis-server (Debian). When node, npm or redis-server is missing the test binary prints
// why and exits with kSkipExitCode, which ctest reports as "skipped".
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "test_support/temp_dir.h"
#include "zobj/s3_store.h"

namespace zobj::testing {

inline constexpr int kSkipExitCode = 77;

// A child process; terminated (SIGTERM, then SIGKILL) and reaped on destruction.
class ChildProcess {
 public:
  ChildProcess(const std::vector<std::string>& argv, const std::string& log_path);
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;
  bool running() const noexcept { return pid_ > 0; }
  void stop();

 private:
  pid_t pid_ = -1;
};

std::uint16_t free_port();
// Polls until something accepts connections on 127.0.0.1:port (false after `timeout_ms`).
bool wait_for_port(std::uint16_t port, int timeout_ms);

class S3rver {
 public:
  static constexpr const char* kBucket = "zerofs-test";
  explicit S3rver(std::string package_dir);
  std::uint16_t port() const noexcept { return port_; }
  std::string endpoint() const;
  // Settings that reach this server (path-style, plain http, s3rver's built-in key).
  S3Settings settings() const;
  bool ok() const noexcept { return ok_; }
  // Where s3rver keeps the bucket's objects (for tests that look at the stored bytes).
  std::string bucket_dir() const;
  // Multipart uploads started and neither completed nor aborted, in the test bucket.
  std::size_t uploads_in_progress() const;

 private:
  zerofs::testing::TempDir dir_;
  std::uint16_t port_ = 0;
  std::unique_ptr<ChildProcess> process_;
  bool ok_ = false;
};

class RedisServer {
 public:
  RedisServer();
  std::uint16_t port() const noexcept { return port_; }
  std::string url() const;
  bool ok() const noexcept { return ok_; }

 private:
  zerofs::testing::TempDir dir_;
  std::uint16_t port_ = 0;
  std::unique_ptr<ChildProcess> process_;
  bool ok_ = false;
};

// The directory of the s3rver package, installing it with npm if needed; empty (with
// `why` set) when that is impossible.
std::string s3rver_package(std::string* why);

// Process-wide servers, started on first use; exits with kSkipExitCode when unavailable.
S3rver& shared_s3rver();
RedisServer& shared_redis();

// A fresh, empty key prefix for one test.
std::string unique_prefix(const std::string& tag);

}  // namespace zobj::testing
