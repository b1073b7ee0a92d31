#include "nfs3/duplicate_request_cache.h"

#include <xxhash.h>

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

namespace nfs3 {

namespace asio = zerofs::asio;
using zerofs::Buffer;

// A coroutine parked in wait(): finish()/abandon() cancel its timer on its own executor,
// so the wake-up never races with the coroutine arming the timer.
struct DuplicateRequestCache::Waiter {
  explicit Waiter(asio::any_io_executor ex) : timer(std::move(ex)) {}
  asio::steady_timer timer;
};

DrcKey DrcKey::make(const CallContext& ctx, zerofs::ByteView args) noexcept {
  DrcKey k;
  k.host = ctx.peer;
  k.host.port = 0;
  k.xid = ctx.xid;
  k.prog = ctx.prog;
  k.vers = ctx.vers;
  k.proc = ctx.proc;
  k.args_checksum = XXH3_64bits(args.data(), args.size());
  return k;
}

std::size_t DuplicateRequestCache::KeyHash::operator()(const DrcKey& k) const noexcept {
  std::uint64_t h = k.args_checksum ^ (std::uint64_t{k.xid} << 32) ^ (k.proc * 0x9e3779b97f4a7c15u);
  h ^= XXH3_64bits(k.host.bytes.data(), k.host.bytes.size()) + k.prog + k.vers;
  return static_cast<std::size_t>(h);
}

DuplicateRequestCache::DuplicateRequestCache(Options options) : options_(options) {}

DuplicateRequestCache::~DuplicateRequestCache() = default;

DuplicateRequestCache::Start DuplicateRequestCache::start(const DrcKey& key, Buffer* reply) {
  std::lock_guard lock(mutex_);
  auto [it, inserted] = entries_.try_emplace(key);
  if (inserted) return Start::started;
  Entry& e = it->second;
  if (!e.done) {
    ++stats_.waits;
    return Start::in_progress;
  }
  ++stats_.hits;
  lru_.splice(lru_.begin(), lru_, e.lru);
  *reply = e.reply.clone();
  return Start::completed;
}

void DuplicateRequestCache::finish(const DrcKey& key, const Buffer& reply) {
  std::vector<std::shared_ptr<Waiter>> waiters;
  {
    std::lock_guard lock(mutex_);
    auto it = entries_.find(key);
    if (it == entries_.end() || it->second.done) return;
    Entry& e = it->second;
    e.done = true;
    e.reply = reply.clone();
    waiters = std::move(e.waiters);
    lru_.push_front(key);
    e.lru = lru_.begin();
    ++stats_.entries;
    stats_.bytes += e.reply.size();
    evict_locked();
  }
  wake(std::move(waiters));
}

void DuplicateRequestCache::abandon(const DrcKey& key) {
  std::vector<std::shared_ptr<Waiter>> waiters;
  {
    std::lock_guard lock(mutex_);
    auto it = entries_.find(key);
    if (it == entries_.end() || it->second.done) return;
    waiters = std::move(it->second.waiters);
    entries_.erase(it);
  }
  wake(std::move(waiters));
}

void DuplicateRequestCache::evict_locked() {
  while (!lru_.empty() &&
         (stats_.entries > options_.max_entries || stats_.bytes > options_.max_bytes)) {
    auto it = entries_.find(lru_.back());
    stats_.bytes -= it->second.reply.size();
    --stats_.entries;
    ++stats_.evictions;
    entries_.erase(it);
    lru_.pop_back();
  }
}

void DuplicateRequestCache::wake(std::vector<std::shared_ptr<Waiter>> waiters) {
  for (auto& w : waiters) {
    asio::post(w->timer.get_executor(), [w] { w->timer.cancel(); });
  }
}

Task<std::optional<Buffer>> DuplicateRequestCache::wait(DrcKey key,
                                                        std::chrono::milliseconds timeout) {
  asio::any_io_executor executor = co_await asio::this_coro::executor;
  auto waiter = std::make_shared<Waiter>(std::move(executor));
  waiter->timer.expires_after(timeout);
  {
    std::lock_guard lock(mutex_);
    auto it = entries_.find(key);
    if (it == entries_.end()) co_return std::nullopt;
    if (it->second.done) co_return it->second.reply.clone();
    it->second.waiters.push_back(waiter);
  }
  co_await waiter->timer.async_wait(asio::as_tuple(asio::use_awaitable));
  std::lock_guard lock(mutex_);
  auto it = entries_.find(key);
  if (it == entries_.end() || !it->second.done) co_return std::nullopt;
  co_return it->second.reply.clone();
}

DuplicateRequestCache::Stats DuplicateRequestCache::stats() const {
  std::lock_guard lock(mutex_);
  return stats_;
}

}  // namespace nfs3
