#include "util/signal.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/steady_timer.hpp>

namespace lsm {

zerofs::Task<void> Signal::wait(std::chrono::steady_clock::duration timeout) {
  using namespace boost::asio::experimental::awaitable_operators;
  namespace asio = zerofs::asio;
  if (!channel_.is_open()) co_return;
  asio::steady_timer timer(co_await asio::this_coro::executor, timeout);
  co_await (channel_.async_receive(asio::as_tuple(asio::use_awaitable)) ||
            timer.async_wait(asio::as_tuple(asio::use_awaitable)));
}

}  // namespace lsm
