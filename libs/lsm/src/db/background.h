// BackgroundTasks: the loops a Db owns, started at open and joined at close.
//
// spawn() starts a Task<void> on an executor; join() resolves once every spawned task has
// returned. Tasks learn to stop from their own signals; this only counts them. The counters
// live in shared state held by each task's completion, because the last task to finish may
// be the one that destroys the Db (and with it this object).
// Thread safety: spawn()/join() from any thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>

#include "base/async.h"
#include "util/sequence_waiter.h"

namespace lsm {

class BackgroundTasks {
 public:
  void spawn(zerofs::asio::any_io_executor executor, zerofs::Task<void> task) {
    state_->spawned.fetch_add(1);
    zerofs::asio::co_spawn(executor, std::move(task), [state = state_](std::exception_ptr) {
      state->finished.advance(state->finished_count.fetch_add(1) + 1);
    });
  }

  zerofs::Task<void> join() {
    auto state = state_;
    co_await state->finished.wait_for(state->spawned.load());
  }
  std::uint64_t running() const { return state_->spawned.load() - state_->finished_count.load(); }

 private:
  struct State {
    std::atomic<std::uint64_t> spawned{0};
    std::atomic<std::uint64_t> finished_count{0};
    SequenceWaiter finished;
  };
  std::shared_ptr<State> state_ = std::make_shared<State>();
};

}  // namespace lsm
