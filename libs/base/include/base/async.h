// The async vocabulary shared by every layer: Boost.Asio C++20 coroutines.
//
// GCC 12 pitfall (seen under ASan): a temporary closure or aggregate with non-trivial members
// (e.g. a lambda capturing a std::string by value, or `Info{str}`) created inside a co_await
// expression, or passed by value into a coroutine, is destroyed twice. Name such objects in a
// local first (`auto fn = [s = std::move(s)] {...}; co_await offload(ex, std::move(fn));`).
// Classes with user-provided constructors (std::function, std::string itself) are not affected.
//
// Anything that may touch the network or the object store is a Task<T>
// (boost::asio::awaitable<T>). Asio is compiled once (BOOST_ASIO_SEPARATE_COMPILATION, see
// libs/base/src/asio_impl.cc), so including this header is cheap-ish; keep it out of headers
// that do not declare coroutines.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <exception>
#include <memory>
#include <optional>
#include <type_traits>
#include <utility>

namespace zerofs {

namespace asio = boost::asio;

template <typename T = void>
using Task = asio::awaitable<T>;

// Runs `task` on `io` until it finishes and returns its value; rethrows what it threw.
// For tests, tools and the blocking facades only: never call it from inside the loop.
template <typename T>
T run_blocking(asio::io_context& io, Task<T> task) {
  std::optional<T> value;
  std::exception_ptr error;
  asio::co_spawn(io, std::move(task), [&](std::exception_ptr e, T v) {
    error = e;
    if (!e) value.emplace(std::move(v));
  });
  io.restart();
  io.run();
  if (error) std::rethrow_exception(error);
  return std::move(*value);
}

inline void run_blocking(asio::io_context& io, Task<void> task) {
  std::exception_ptr error;
  asio::co_spawn(io, std::move(task), [&](std::exception_ptr e) { error = e; });
  io.restart();
  io.run();
  if (error) std::rethrow_exception(error);
}

namespace detail {
// GCC 12 mis-copies closures (and other aggregates with non-trivial members) passed by value
// into a coroutine: their members are copied bitwise and destroyed twice. So the closure
// travels into the coroutine frame inside a unique_ptr, whose move is user-provided.
template <typename Fn>
Task<std::invoke_result_t<Fn&>> invoke_boxed(std::unique_ptr<Fn> fn) {
  co_return (*fn)();
}
}  // namespace detail

// Runs fn() on `executor` (e.g. a CPU thread pool) and resumes the caller on its own
// executor with the result. For CPU-heavy work: compression, encryption, SST building.
template <typename Executor, typename Fn>
Task<std::invoke_result_t<Fn&>> offload(Executor executor, Fn fn) {
  return asio::co_spawn(executor, detail::invoke_boxed(std::make_unique<Fn>(std::move(fn))),
                        asio::use_awaitable);
}

}  // namespace zerofs
