#include "s3/redis_client.h"

#include <fmt/format.h>
#include <hiredis.h>
#include <sys/time.h>

#include <charconv>

#include "base/log.h"

namespace zobj::s3 {

using zerofs::Errc;
using zerofs::Result;
using zerofs::Task;
using Clock = std::chrono::steady_clock;

namespace {

RedisReply convert(const redisReply* r) {
  RedisReply out;
  switch (r->type) {
    case REDIS_REPLY_INTEGER:
      out.type = RedisReply::Type::integer;
      out.integer = r->integer;
      break;
    case REDIS_REPLY_STRING:
      out.type = RedisReply::Type::string;
      out.str.assign(r->str, r->len);
      break;
    case REDIS_REPLY_STATUS:
      out.type = RedisReply::Type::status;
      out.str.assign(r->str, r->len);
      break;
    case REDIS_REPLY_ARRAY:
      out.type = RedisReply::Type::array;
      for (std::size_t i = 0; i < r->elements; ++i) out.elements.push_back(convert(r->element[i]));
      break;
    default:
      out.type = RedisReply::Type::nil;
  }
  return out;
}

// Runs one command on `c`. `broken` is set when the connection must not be used again.
Result<RedisReply> execute(redisContext* c, const std::vector<std::string>& argv,
                           const std::string& url, bool& broken) {
  std::vector<const char*> args;
  std::vector<std::size_t> lengths;
  for (const auto& a : argv) {
    args.push_back(a.data());
    lengths.push_back(a.size());
  }
  auto* reply = static_cast<redisReply*>(
      redisCommandArgv(c, static_cast<int>(args.size()), args.data(), lengths.data()));
  if (reply == nullptr) {
    broken = true;  // broken, or timed out mid-reply
    return zerofs::fail(Errc::transient, "Redis at {}: {}", url, c->errstr);
  }
  Result<RedisReply> out = convert(reply);
  if (reply->type == REDIS_REPLY_ERROR) {
    out = zerofs::fail(Errc::permanent, "Redis at {}: {}", url,
                       std::string_view(reply->str, reply->len));
  }
  freeReplyObject(reply);
  return out;
}

bool parse_int(std::string_view s, int& out) {
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && end == s.data() + s.size();
}

}  // namespace

Result<RedisAddress> parse_redis_url(std::string_view url) {
  if (!url.starts_with("redis://")) {
    return zerofs::fail(Errc::invalid_argument, "'{}' is not a redis:// URL", url);
  }
  std::string_view rest = url.substr(8);
  RedisAddress address;
  if (const std::size_t at = rest.rfind('@'); at != std::string_view::npos) {
    const std::string_view auth = rest.substr(0, at);
    const std::size_t colon = auth.find(':');
    if (colon == std::string_view::npos) {
      address.password = auth;
    } else {
      address.user = auth.substr(0, colon);
      address.password = auth.substr(colon + 1);
    }
    rest = rest.substr(at + 1);
  }
  if (const std::size_t slash = rest.find('/'); slash != std::string_view::npos) {
    const std::string_view db = rest.substr(slash + 1);
    if (!db.empty() && (!parse_int(db, address.db) || address.db < 0)) {
      return zerofs::fail(Errc::invalid_argument, "'{}' has a bad database number", url);
    }
    rest = rest.substr(0, slash);
  }
  const std::size_t colon = rest.rfind(':');
  address.host = rest.substr(0, colon);
  if (colon != std::string_view::npos && (!parse_int(rest.substr(colon + 1), address.port) ||
                                          address.port <= 0 || address.port > 65535)) {
    return zerofs::fail(Errc::invalid_argument, "'{}' has a bad port", url);
  }
  if (address.host.empty()) return zerofs::fail(Errc::invalid_argument, "'{}' names no host", url);
  return address;
}

Result<std::unique_ptr<RedisClient>> RedisClient::create(Options options) {
  ZF_TRY(RedisAddress address, parse_redis_url(options.url));
  return std::unique_ptr<RedisClient>(new RedisClient(std::move(options), std::move(address)));
}

RedisClient::RedisClient(Options options, RedisAddress address)
    : options_(std::move(options)),
      address_(std::move(address)),
      pool_(std::max<std::size_t>(1, options_.threads)) {}

RedisClient::~RedisClient() {
  pool_.join();
  for (redisContext* c : idle_) redisFree(c);
}

Clock::time_point RedisClient::ready_at() const {
  std::lock_guard lock(mutex_);
  return ready_at_;
}

Result<redisContext*> RedisClient::connect() {
  const auto ms = options_.timeout.count();
  const timeval tv{static_cast<time_t>(ms / 1000), static_cast<suseconds_t>((ms % 1000) * 1000)};
  redisContext* c = redisConnectWithTimeout(address_.host.c_str(), address_.port, tv);
  if (c == nullptr || c->err != 0) {
    std::string why = c != nullptr ? c->errstr : "out of memory";
    if (c != nullptr) redisFree(c);
    return zerofs::fail(Errc::transient, "cannot reach Redis at {}: {}", options_.url, why);
  }
  redisSetTimeout(c, tv);
  bool broken = false;
  const auto call = [&](std::vector<std::string> argv) {
    return execute(c, argv, options_.url, broken);
  };
  Result<void> ready;
  if (!address_.password.empty()) {
    auto auth = address_.user.empty() ? call({"AUTH", address_.password})
                                      : call({"AUTH", address_.user, address_.password});
    if (!auth) ready = std::unexpected(auth.error());
  }
  if (ready && address_.db != 0) {
    auto select = call({"SELECT", std::to_string(address_.db)});
    if (!select) ready = std::unexpected(select.error());
  }
  if (ready && options_.restart_guard.count() > 0) {
    auto info = call({"INFO", "server"});
    if (!info) {
      ready = std::unexpected(info.error());
    } else {
      const std::size_t at = info->str.find("uptime_in_seconds:");
      int uptime = 0;
      if (at != std::string::npos) {
        const std::size_t start = at + 18;
        const std::size_t end = info->str.find_first_of("\r\n", start);
        parse_int(std::string_view(info->str).substr(start, end - start), uptime);
      }
      // Uptime has whole seconds: count one more to be safe.
      const auto fresh_for =
          options_.restart_guard - std::chrono::seconds(uptime) + std::chrono::seconds(1);
      if (fresh_for.count() > 0) {
        zerofs::log::info("Redis at {} started {} s ago; granting no lease for {} ms", options_.url,
                          uptime, fresh_for.count());
        std::lock_guard lock(mutex_);
        ready_at_ = std::max(ready_at_, Clock::now() + fresh_for);
      }
    }
  }
  if (!ready) {
    redisFree(c);
    return std::unexpected(ready.error());
  }
  return c;
}

Result<RedisReply> RedisClient::run(const std::vector<std::string>& argv) {
  redisContext* c = nullptr;
  {
    std::lock_guard lock(mutex_);
    if (!idle_.empty()) {
      c = idle_.back();
      idle_.pop_back();
    }
  }
  if (c == nullptr) {
    ZF_TRY(c, connect());
  }
  bool broken = false;
  Result<RedisReply> out = execute(c, argv, options_.url, broken);
  if (broken) {
    redisFree(c);
    return out;
  }
  std::lock_guard lock(mutex_);
  idle_.push_back(c);
  return out;
}

Task<Result<RedisReply>> RedisClient::command(std::vector<std::string> argv) {
  auto work = [this, argv = std::move(argv)]() { return run(argv); };
  co_return co_await zerofs::offload(pool_.get_executor(), std::move(work));
}

}  // namespace zobj::s3
