#include "table/table_cache.h"

#include <boost/asio/append.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/post.hpp>
#include <functional>
#include <optional>
#include <utility>
#include <vector>

namespace lsm {

namespace asio = zerofs::asio;
using OpenResult = zerofs::Result<std::shared_ptr<TableReader>>;

// One open in progress and the callers waiting for it.
struct TableCache::Flight {
  std::mutex mutex;
  using Waiter = std::move_only_function<void(const OpenResult&)>;
  std::optional<OpenResult> result;  // guarded by mutex
  std::vector<Waiter> waiters;       // guarded by mutex

  // Records the result and wakes every waiter on its own executor.
  void complete(const OpenResult& r) {
    std::vector<Waiter> woken;
    {
      std::lock_guard lock(mutex);
      if (result) return;
      result = r;
      woken.swap(waiters);
    }
    for (auto& waiter : woken) waiter(r);
  }

  // Completes with the result, at once if it is already known.
  template <typename Token>
  auto wait(Token&& token) {
    return asio::async_initiate<Token, void(OpenResult)>(
        [this](auto handler) {
          std::unique_lock lock(mutex);
          if (!result) {
            // Each waiter resumes on its own executor, never inside complete()'s caller.
            waiters.emplace_back([h = std::move(handler)](const OpenResult& r) mutable {
              asio::post(asio::append(std::move(h), r));
            });
            return;
          }
          OpenResult r = *result;
          lock.unlock();
          asio::post(asio::append(std::move(handler), std::move(r)));
        },
        token);
  }
};

TableCache::TableCache(zobj::ObjectStore& store, std::string object_prefix,
                       const BlockTransformer& transformer, BlockCache* data_cache,
                       std::uint64_t capacity_bytes, zerofs::metrics::Registry* registry)
    : store_(store),
      object_prefix_(std::move(object_prefix)),
      transformer_(transformer),
      data_cache_(data_cache),
      lru_(capacity_bytes),
      counters_("table", registry) {}

TableCache::~TableCache() = default;

zerofs::Task<OpenResult> TableCache::find(const SstInfo& info) {
  if (auto reader = lru_.lookup(info.id)) {
    counters_.hit();
    co_return reader;
  }
  counters_.miss();
  std::shared_ptr<Flight> flight;
  bool leader = false;
  {
    std::lock_guard lock(flights_mutex_);
    // A leader publishes to the LRU before it leaves flights_, so this re-check under the
    // lock cannot miss a reader that was just opened.
    if (auto reader = lru_.lookup(info.id)) co_return reader;
    auto [it, inserted] = flights_.try_emplace(info.id);
    if (inserted) it->second = std::make_shared<Flight>();
    flight = it->second;
    leader = inserted;
  }
  if (!leader) co_return co_await flight->wait(asio::use_awaitable);
  co_return co_await lead(std::move(flight), info);
}

zerofs::Task<OpenResult> TableCache::lead(std::shared_ptr<Flight> flight, SstInfo info) {
  // Publishes the result; if this coroutine is torn down before the open finishes (shutdown),
  // wakes the waiters with Errc::cancelled so none of them hangs.
  struct Finisher {
    TableCache& cache;
    std::shared_ptr<Flight> flight;
    SstId id;
    void finish(const OpenResult& r) {
      {
        std::lock_guard lock(cache.flights_mutex_);
        if (r) cache.lru_.insert(id, *r, (*r)->meta_bytes());
        cache.flights_.erase(id);
      }
      flight->complete(r);
    }
    ~Finisher() {
      if (flight) finish(zerofs::fail(zerofs::Errc::cancelled, "table open was abandoned"));
    }
  } finisher{*this, std::move(flight), info.id};

  auto opened = co_await TableReader::open(store_, object_prefix_, std::move(info), transformer_,
                                           data_cache_);
  finisher.finish(opened);
  finisher.flight.reset();
  co_return opened;
}

}  // namespace lsm
