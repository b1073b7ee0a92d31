// Helpers for Db-level tests: a memory store, small options that force flushes and
// compactions, and a synchronous driver for coroutines.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>

#include "base/async.h"
#include "lsm/db.h"
#include "lsm/reader.h"
#include "zobj/open_store.h"

namespace lsm::testing {

inline std::shared_ptr<zobj::ObjectStore> memory_store() {
  return zobj::open_store("memory://").value();
}

// Tiny sizes so a few hundred writes exercise flushes, L0 and compaction.
inline Options small_options() {
  Options o;
  o.memtable_size = 4 << 10;
  o.block_size = 256;
  o.sst_target_size = 8 << 10;
  o.l0_compaction_trigger = 2;
  o.l0_max_ssts = 64;
  o.flush_interval = std::chrono::milliseconds(5);
  o.wal_flush_bytes = 2 << 10;
  o.block_cache_bytes = 1 << 20;
  o.meta_cache_bytes = 1 << 20;
  o.gc_interval = std::chrono::hours(1);
  o.manifest_poll_interval = std::chrono::milliseconds(20);
  o.cpu_threads = 1;
  return o;
}

inline OpenParams params(std::shared_ptr<zobj::ObjectStore> store, Options o = small_options()) {
  OpenParams p;
  p.store = std::move(store);
  p.options = o;
  p.transformer = std::make_shared<IdentityTransformer>();
  return p;
}

// Runs a test coroutine to completion on its own io_context.
template <typename T>
T run(zerofs::Task<T> t) {
  zerofs::asio::io_context io;
  return zerofs::run_blocking(io, std::move(t));
}

// Every visible key/value, through an iterator.
inline zerofs::Task<Result<std::map<std::string, std::string>>> scan_all(Iterator& it) {
  std::map<std::string, std::string> out;
  ZF_CO_CHECK(co_await it.seek_to_first());
  while (it.valid()) {
    out.emplace(std::string(it.key()), std::string(it.value()));
    ZF_CO_CHECK(co_await it.next());
  }
  co_return out;
}

}  // namespace lsm::testing
