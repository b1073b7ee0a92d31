// Runs a blocking function on a thread pool and resumes the awaiting coroutine on its own
// executor, so blocking file I/O never runs on (or stalls) the caller's io_context thread.
#pragma once

#include <boost/asio/async_result.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>
#include <type_traits>
#include <utility>

#include "base/async.h"

namespace zobj {

namespace asio = zerofs::asio;

// `fn` runs on `pool`; its result is delivered through the awaiting coroutine's executor.
// The work guard keeps the caller's io_context from running out of work meanwhile.
// REQUIRES: `fn` does not throw; `pool` outlives the call.
template <typename Fn>
zerofs::Task<std::invoke_result_t<Fn&>> offload(asio::thread_pool& pool, Fn fn) {
  using R = std::invoke_result_t<Fn&>;
  auto initiate = [&pool](auto handler, Fn work_fn) {
    auto caller = asio::make_work_guard(asio::get_associated_executor(handler));
    asio::post(pool, [handler = std::move(handler), work_fn = std::move(work_fn),
                      caller = std::move(caller)]() mutable {
      R result = work_fn();
      auto executor = caller.get_executor();
      asio::post(executor, [handler = std::move(handler), result = std::move(result)]() mutable {
        std::move(handler)(std::move(result));
      });
    });
  };
  co_return co_await asio::async_initiate<decltype(asio::use_awaitable), void(R)>(
      std::move(initiate), asio::use_awaitable, std::move(fn));
}

}  // namespace zobj
