// RedisClient: Redis commands for the conditional-put coordinator, over hiredis.
//
// hiredis is synchronous, so commands run on a small private thread pool (never on the
// caller's io_context thread) and resume the caller on its own executor. Connections are
// pooled (one per concurrent command), reconnected after any I/O error, and each new
// connection reads the server's uptime: a server that started less than `restart_guard`
// ago may have lost leases that are still running (it keeps nothing on disk), so ready_at()
// tells the lease code to wait that out.
//
// Errors: Errc::transient when Redis cannot be reached or times out; Errc::permanent for
// an error reply (bad script, wrong password); invalid_argument for a malformed URL.
// Thread safety: every method may be called concurrently.
#pragma once

#include <boost/asio/thread_pool.hpp>
#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "base/async.h"
#include "base/result.h"

struct redisContext;

namespace zobj::s3 {

struct RedisReply {
  enum class Type { nil, integer, string, status, array };
  Type type = Type::nil;
  long long integer = 0;
  std::string str;
  std::vector<RedisReply> elements;
};

struct RedisAddress {
  std::string host;
  int port = 6379;
  int db = 0;
  std::string user;
  std::string password;
};
// "redis://[[user]:password@]host[:port][/db]".
zerofs::Result<RedisAddress> parse_redis_url(std::string_view url);

class RedisClient {
 public:
  struct Options {
    std::string url;
    std::chrono::milliseconds timeout{5'000};
    std::chrono::milliseconds restart_guard{0};
    std::size_t threads = 2;
  };

  static zerofs::Result<std::unique_ptr<RedisClient>> create(Options options);
  ~RedisClient();

  zerofs::Task<zerofs::Result<RedisReply>> command(std::vector<std::string> argv);

  // Leases may be granted from this instant on (see the header comment).
  std::chrono::steady_clock::time_point ready_at() const;
  const std::string& url() const noexcept { return options_.url; }

 private:
  RedisClient(Options options, RedisAddress address);
  // On a pool thread.
  zerofs::Result<RedisReply> run(const std::vector<std::string>& argv);
  zerofs::Result<redisContext*> connect();

  const Options options_;
  const RedisAddress address_;
  boost::asio::thread_pool pool_;

  mutable std::mutex mutex_;
  std::vector<redisContext*> idle_;                   // guarded by mutex_
  std::chrono::steady_clock::time_point ready_at_{};  // guarded by mutex_
};

}  // namespace zobj::s3
