#include "zobj/caching_store.h"

#include "cache/cache_engine.h"

namespace zobj {

Result<std::shared_ptr<CachingStore>> CachingStore::open(std::shared_ptr<ObjectStore> inner,
                                                         CachingStoreOptions options) {
  ZF_TRY(std::unique_ptr<cache::CacheEngine> engine, cache::CacheEngine::open(inner, options));
  return std::shared_ptr<CachingStore>(
      new CachingStore(std::move(inner), std::move(options), std::move(engine)));
}

CachingStore::CachingStore(std::shared_ptr<ObjectStore> inner, CachingStoreOptions options,
                           std::unique_ptr<cache::CacheEngine> engine)
    : inner_(std::move(inner)), options_(std::move(options)), engine_(std::move(engine)) {}

CachingStore::~CachingStore() = default;

bool CachingStore::cacheable(std::string_view key) const noexcept {
  if (options_.cacheable_prefixes.empty()) return true;
  for (const std::string& prefix : options_.cacheable_prefixes) {
    if (key.starts_with(prefix)) return true;
  }
  return false;
}

Task<Result<GetResult>> CachingStore::get(std::string key, std::optional<ByteRange> range) {
  // Zero-length ranges and keys the store will reject need no cache.
  if (!cacheable(key) || !validate_key(key) || (range && range->length == 0)) {
    co_return co_await inner_->get(std::move(key), range);
  }
  co_return co_await engine_->get(std::move(key), range);
}

Task<Result<ObjectMeta>> CachingStore::head(std::string key) {
  co_return co_await inner_->head(std::move(key));
}

// A write through this handle invalidates before (so no stale part outlives it) and after
// (so a GET racing with it cannot cache the old bytes) the inner call.
Task<Result<ObjectMeta>> CachingStore::put(std::string key, ByteView data, PutOptions options) {
  if (!cacheable(key)) co_return co_await inner_->put(std::move(key), data, std::move(options));
  co_await engine_->invalidate(key);
  Result<ObjectMeta> result = co_await inner_->put(key, data, std::move(options));
  co_await engine_->invalidate(key);
  co_return result;
}

Task<Result<void>> CachingStore::del(std::string key) {
  if (!cacheable(key)) co_return co_await inner_->del(std::move(key));
  co_await engine_->invalidate(key);
  Result<void> result = co_await inner_->del(key);
  co_await engine_->invalidate(key);
  co_return result;
}

Task<Result<ListPage>> CachingStore::list(std::string prefix, std::string start_after,
                                          std::size_t max_keys) {
  co_return co_await inner_->list(std::move(prefix), std::move(start_after), max_keys);
}

std::string CachingStore::describe() const { return "cache(" + inner_->describe() + ")"; }

CacheStats CachingStore::stats() const { return engine_->stats(); }

const std::filesystem::path& CachingStore::directory() const noexcept {
  return engine_->directory();
}

void CachingStore::wait_for_writes() { engine_->wait_for_writes(); }

}  // namespace zobj
