// Helpers shared by the compaction and GC tests: a store wrapper that fakes object ages and
// records deletes, hooks on PUTs, and internal-key shorthands.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "base/async.h"
#include "format/internal_key.h"
#include "zobj/object_store.h"

namespace lsm::testing {

// Forwards to an inner store. list() reports the modification time set by set_modified()
// for a key (objects are otherwise as young as the test), del() calls are recorded in order,
// and an optional hook runs before each PUT whose key contains `put_hook_infix`.
class AgedStore final : public zobj::ObjectStore {
 public:
  explicit AgedStore(std::shared_ptr<zobj::ObjectStore> inner) : inner_(std::move(inner)) {}

  void set_modified(const std::string& key, std::int64_t unix_ms) {
    std::lock_guard lock(mutex_);
    modified_[key] = unix_ms;
  }
  std::vector<std::string> deleted() const {
    std::lock_guard lock(mutex_);
    return deleted_;
  }
  void on_put(std::string infix, std::function<zerofs::Task<void>(const std::string& key)> hook) {
    std::lock_guard lock(mutex_);
    put_hook_infix_ = std::move(infix);
    put_hook_ = std::move(hook);
  }
  std::uint64_t gets() const { return gets_.load(); }

  zerofs::Task<zerofs::Result<zobj::GetResult>> get(std::string key,
                                                    std::optional<zobj::ByteRange> range) override {
    gets_.fetch_add(1);
    co_return co_await inner_->get(std::move(key), range);
  }
  zerofs::Task<zerofs::Result<zobj::ObjectMeta>> head(std::string key) override {
    co_return co_await inner_->head(std::move(key));
  }
  zerofs::Task<zerofs::Result<zobj::ObjectMeta>> put(std::string key, zerofs::ByteView data,
                                                     zobj::PutOptions options) override {
    std::function<zerofs::Task<void>(const std::string&)> hook;
    {
      std::lock_guard lock(mutex_);
      if (put_hook_ && key.find(put_hook_infix_) != std::string::npos) hook = put_hook_;
    }
    if (hook) co_await hook(key);
    co_return co_await inner_->put(std::move(key), data, std::move(options));
  }
  zerofs::Task<zerofs::Result<void>> del(std::string key) override {
    {
      std::lock_guard lock(mutex_);
      deleted_.push_back(key);
    }
    co_return co_await inner_->del(std::move(key));
  }
  zerofs::Task<zerofs::Result<zobj::ListPage>> list(std::string prefix, std::string start_after,
                                                    std::size_t max_keys) override {
    auto page = co_await inner_->list(std::move(prefix), std::move(start_after), max_keys);
    if (page) {
      std::lock_guard lock(mutex_);
      for (zobj::ObjectMeta& meta : page->objects) {
        if (auto it = modified_.find(meta.key); it != modified_.end()) {
          meta.modified_unix_ms = it->second;
        }
      }
    }
    co_return page;
  }
  std::string describe() const override { return "aged(" + inner_->describe() + ")"; }

 private:
  std::shared_ptr<zobj::ObjectStore> inner_;
  std::atomic<std::uint64_t> gets_{0};
  mutable std::mutex mutex_;
  std::map<std::string, std::int64_t> modified_;                    // guarded by mutex_
  std::vector<std::string> deleted_;                                // guarded by mutex_
  std::string put_hook_infix_;                                      // guarded by mutex_
  std::function<zerofs::Task<void>(const std::string&)> put_hook_;  // guarded by mutex_
};

inline std::string ikey(std::string_view user_key, SequenceNumber seq,
                        ValueType type = ValueType::value) {
  return make_internal_key(user_key, seq, type);
}

}  // namespace lsm::testing
