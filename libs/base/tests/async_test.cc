#include "base/async.h"

#include <boost/asio/steady_timer.hpp>

#include "base/result.h"
#include "test_support/catch.h"

using namespace zerofs;

namespace {
Task<Result<int>> slow_double(int v) {
  asio::steady_timer timer(co_await asio::this_coro::executor, std::chrono::milliseconds(1));
  co_await timer.async_wait(asio::use_awaitable);
  if (v < 0) co_return fail(Errc::invalid_argument, "negative");
  co_return v * 2;
}
Task<Result<int>> quadruple(int v) {
  ZF_CO_TRY(int twice, co_await slow_double(v));
  co_return twice * 2;
}
}  // namespace

TEST_CASE("run_blocking drives coroutines and ZF_CO_TRY propagates errors") {
  asio::io_context io;
  CHECK(run_blocking(io, quadruple(5)).value() == 20);
  auto r = run_blocking(io, quadruple(-5));
  REQUIRE_FALSE(r);
  CHECK(r.error().code() == Errc::invalid_argument);
}
