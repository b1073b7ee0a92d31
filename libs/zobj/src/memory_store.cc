#include "zobj/memory_store.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cstring>

namespace zobj {

namespace {

std::int64_t now_unix_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

struct Registry {
  std::mutex mutex;
  std::map<std::string, std::shared_ptr<MemoryStore>> stores;  // guarded by mutex
};

Registry& registry() {
  static Registry instance;
  return instance;
}

}  // namespace

ObjectMeta MemoryStore::Object::meta(const std::string& key) const {
  return ObjectMeta{key, data->size(), etag, modified_unix_ms, put_id};
}

MemoryStore::MemoryStore(std::string name) : name_(std::move(name)) {}

std::shared_ptr<MemoryStore> MemoryStore::create() { return std::make_shared<MemoryStore>(""); }

std::shared_ptr<MemoryStore> MemoryStore::named(const std::string& name) {
  Registry& r = registry();
  std::lock_guard lock(r.mutex);
  auto& slot = r.stores[name];
  if (!slot) slot = std::make_shared<MemoryStore>(name);
  return slot;
}

void MemoryStore::forget(const std::string& name) {
  Registry& r = registry();
  std::lock_guard lock(r.mutex);
  r.stores.erase(name);
}

Task<Result<GetResult>> MemoryStore::get(std::string key, std::optional<ByteRange> range) {
  ZF_CO_CHECK(validate_key(key));
  GetResult result;
  std::shared_ptr<const Buffer> data;
  {
    std::lock_guard lock(mutex_);
    const auto it = objects_.find(key);
    if (it == objects_.end()) co_return zerofs::fail(Errc::not_found, "key '{}' not found", key);
    data = it->second.data;
    result.meta = it->second.meta(key);
  }
  std::uint64_t offset = 0;
  std::uint64_t length = data->size();
  if (range) {
    offset = std::min<std::uint64_t>(range->offset, data->size());
    length = std::min<std::uint64_t>(range->length, data->size() - offset);
  }
  result.data = Buffer::copy_of(data->view().subspan(offset, length));
  co_return result;
}

Task<Result<ObjectMeta>> MemoryStore::head(std::string key) {
  ZF_CO_CHECK(validate_key(key));
  std::lock_guard lock(mutex_);
  const auto it = objects_.find(key);
  if (it == objects_.end()) co_return zerofs::fail(Errc::not_found, "key '{}' not found", key);
  co_return it->second.meta(key);
}

Task<Result<ObjectMeta>> MemoryStore::put(std::string key, ByteView data, PutOptions options) {
  ZF_CO_CHECK(validate_key(key));
  if (options.put_id.empty()) {
    options.put_id = new_put_id();
  } else {
    ZF_CO_CHECK(validate_put_id(options.put_id));
  }
  // Copy outside the lock: the store owns its bytes, the caller keeps its buffer.
  auto copy = std::make_shared<const Buffer>(Buffer::copy_of(data));
  std::lock_guard lock(mutex_);
  co_return put_locked(key, std::move(copy), options);
}

Result<ObjectMeta> MemoryStore::put_locked(const std::string& key,
                                           std::shared_ptr<const Buffer> data,
                                           PutOptions& options) {
  const auto it = objects_.find(key);
  switch (options.mode) {
    case PutMode::overwrite:
      break;
    case PutMode::create_if_absent:
      if (it != objects_.end()) return zerofs::fail(Errc::already_exists, "key '{}' exists", key);
      break;
    case PutMode::if_match:
      if (it == objects_.end()) {
        return zerofs::fail(Errc::not_found, "if-match put of missing key '{}'", key);
      }
      if (it->second.etag != options.etag) {
        return zerofs::fail(Errc::precondition_failed, "key '{}' has etag {}, not {}", key,
                            it->second.etag, options.etag);
      }
      break;
  }
  Object object{std::move(data), fmt::format("m{:016x}", next_etag_++), std::move(options.put_id),
                now_unix_ms()};
  ObjectMeta meta = object.meta(key);
  objects_.insert_or_assign(key, std::move(object));
  return meta;
}

Task<Result<void>> MemoryStore::del(std::string key) {
  ZF_CO_CHECK(validate_key(key));
  std::shared_ptr<const Buffer> released;  // freed after the lock is dropped
  {
    std::lock_guard lock(mutex_);
    const auto it = objects_.find(key);
    if (it != objects_.end()) {
      released = std::move(it->second.data);
      objects_.erase(it);
    }
  }
  co_return Result<void>{};
}

Task<Result<ListPage>> MemoryStore::list(std::string prefix, std::string start_after,
                                         std::size_t max_keys) {
  if (max_keys == 0) co_return zerofs::fail(Errc::invalid_argument, "list with max_keys 0");
  ListPage page;
  std::lock_guard lock(mutex_);
  auto it = start_after < prefix ? objects_.lower_bound(prefix) : objects_.upper_bound(start_after);
  for (; it != objects_.end() && it->first.starts_with(prefix); ++it) {
    const Object& object = it->second;
    page.objects.push_back(
        ObjectMeta{it->first, object.data->size(), object.etag, object.modified_unix_ms, {}});
    if (page.objects.size() == max_keys) {
      page.next_start_after = it->first;
      break;
    }
  }
  co_return page;
}

std::string MemoryStore::describe() const { return "memory://" + name_; }

std::size_t MemoryStore::object_count() const {
  std::lock_guard lock(mutex_);
  return objects_.size();
}

std::uint64_t MemoryStore::total_bytes() const {
  std::lock_guard lock(mutex_);
  std::uint64_t total = 0;
  for (const auto& [key, object] : objects_) total += object.data->size();
  return total;
}

}  // namespace zobj
