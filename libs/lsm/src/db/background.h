// BackgroundTasks: the loops a Db owns, started at open and joined at close.
//
// spawn() starts a Task<void> on an executor; join() resolves once every spawned task has
// returned. Tasks learn to stop from their own signals; this only counts them.
// Thread safety: spawn()/join() from any thread.
#pragma once

#include <atomic>
#include <boost/asio/detached.hpp>
#include <cstdint>

#include "base/async.h"
#include "util/sequence_waiter.h"

namespace lsm {

class BackgroundTasks {
 public:
  void spawn(zerofs::asio::any_io_executor executor, zerofs::Task<void> task) {
    spawned_.fetch_add(1);
    zerofs::asio::co_spawn(executor, std::move(task), [this](std::exception_ptr) {
      finished_.advance(finished_count_.fetch_add(1) + 1);
    });
  }

  zerofs::Task<void> join() { co_await finished_.wait_for(spawned_.load()); }
  std::uint64_t running() const { return spawned_.load() - finished_count_.load(); }

 private:
  std::atomic<std::uint64_t> spawned_{0};
  std::atomic<std::uint64_t> finished_count_{0};
  SequenceWaiter finished_;
};

}  // namespace lsm
