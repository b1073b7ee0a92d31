#include "s3/redis_leases.h"

#include <fmt/format.h>

#include <boost/asio/steady_timer.hpp>

#include "base/log.h"
#include "zobj/object_store.h"

namespace zobj::s3 {

namespace asio = zerofs::asio;
using zerofs::Errc;
using zerofs::Result;
using zerofs::Task;
using Clock = std::chrono::steady_clock;

namespace {

// -1 when the lease was taken, else the remaining TTL (ms) of the current holder's lease.
constexpr std::string_view kAcquire = R"lua(
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return -1 end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then return 0 end
return ttl
)lua";

constexpr std::string_view kRelease = R"lua(
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
)lua";

Task<void> sleep_until(Clock::time_point at) {
  asio::steady_timer timer(co_await asio::this_coro::executor, at);
  co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
}

}  // namespace

RedisLeases::RedisLeases(std::unique_ptr<RedisClient> redis, std::string key_namespace,
                         LeaseOptions options)
    : redis_(std::move(redis)), namespace_(std::move(key_namespace)), options_(options) {}

Task<Result<Lease>> RedisLeases::acquire(std::string object_key) {
  Lease lease;
  lease.key = namespace_ + object_key;
  const Clock::time_point give_up = Clock::now() + options_.acquire_timeout;
  std::chrono::milliseconds poll{2};
  for (;;) {
    // A Redis server younger than one lease may have forgotten leases still running.
    const Clock::time_point ready = redis_->ready_at();
    if (Clock::now() < ready) co_await sleep_until(ready);
    lease.owner = new_put_id();
    const Clock::time_point sent = Clock::now();
    std::vector<std::string> argv = {"EVAL",      std::string(kAcquire),
                                     "1",         lease.key,
                                     lease.owner, std::to_string(options_.lease.count())};
    Result<RedisReply> reply = co_await redis_->command(std::move(argv));
    if (!reply) co_return std::unexpected(std::move(reply).error());
    if (reply->type != RedisReply::Type::integer) {
      co_return zerofs::fail(Errc::permanent, "Redis lease script gave an unexpected reply");
    }
    if (reply->integer < 0) {
      if (redis_->ready_at() > sent) {
        // The command ran on a new connection to a fresh server: wait that out first.
        co_await release(lease);
        continue;
      }
      lease.deadline = sent + options_.lease - options_.settle;
      co_return lease;
    }
    busy_waits_.fetch_add(1, std::memory_order_relaxed);
    const Clock::time_point now = Clock::now();
    if (now >= give_up) {
      co_return zerofs::fail(Errc::transient,
                             "object '{}' stayed locked by another writer for {} ms (Redis at {})",
                             object_key, options_.acquire_timeout.count(), redis_->url());
    }
    const auto wait = std::min<std::chrono::milliseconds>(
        poll, std::chrono::milliseconds(std::max<long long>(1, reply->integer)));
    poll = std::min<std::chrono::milliseconds>(poll * 2, std::chrono::milliseconds(100));
    co_await sleep_until(std::min(now + wait, give_up));
  }
}

Task<void> RedisLeases::release(const Lease& lease) {
  std::vector<std::string> argv = {"EVAL", std::string(kRelease), "1", lease.key, lease.owner};
  Result<RedisReply> reply = co_await redis_->command(std::move(argv));
  if (!reply) {
    zerofs::log::warn("releasing the lease on {} failed (it expires by itself): {}", lease.key,
                      reply.error().to_string());
  }
}

Task<Result<void>> RedisLeases::ping() {
  std::vector<std::string> argv = {"PING"};
  Result<RedisReply> reply = co_await redis_->command(std::move(argv));
  if (!reply) co_return std::unexpected(std::move(reply).error());
  co_return Result<void>{};
}

}  // namespace zobj::s3
