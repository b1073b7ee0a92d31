#include <boost/asio/steady_timer.hpp>

#include "nfs3/duplicate_request_cache.h"
#include "test_support/catch.h"

using namespace nfs3;
using zerofs::Buffer;
namespace asio = zerofs::asio;

namespace {
DrcKey key(std::uint32_t xid, std::string_view args = "args") {
  CallContext ctx;
  ctx.xid = xid;
  ctx.prog = 100003;
  ctx.vers = 3;
  ctx.proc = 8;
  ctx.peer.bytes[0] = 127;
  ctx.peer.bytes[3] = 1;
  ctx.peer.port = 700;
  return DrcKey::make(ctx, zerofs::as_bytes(args));
}
}  // namespace

TEST_CASE("DRC: a finished call is served again, abandoned calls are forgotten") {
  DuplicateRequestCache drc({});
  Buffer reply;
  CHECK(drc.start(key(1), &reply) == DuplicateRequestCache::Start::started);
  CHECK(drc.start(key(1), &reply) == DuplicateRequestCache::Start::in_progress);
  drc.finish(key(1), Buffer::copy_of(std::string_view("reply-1")));
  CHECK(drc.start(key(1), &reply) == DuplicateRequestCache::Start::completed);
  CHECK(reply.chars() == "reply-1");
  CHECK(drc.stats().hits == 1);
  CHECK(drc.stats().waits == 1);

  CHECK(drc.start(key(2), &reply) == DuplicateRequestCache::Start::started);
  drc.abandon(key(2));
  CHECK(drc.start(key(2), &reply) == DuplicateRequestCache::Start::started);
}

TEST_CASE("DRC: the key covers host, xid and arguments but not the client port") {
  DrcKey a = key(1);
  DrcKey other_port = a;
  CallContext ctx;
  ctx.xid = 1;
  ctx.prog = 100003;
  ctx.vers = 3;
  ctx.proc = 8;
  ctx.peer.bytes[0] = 127;
  ctx.peer.bytes[3] = 1;
  ctx.peer.port = 900;
  other_port = DrcKey::make(ctx, zerofs::as_bytes(std::string_view("args")));
  CHECK(other_port == a);
  CHECK_FALSE(key(1, "other args") == a);
  CHECK_FALSE(key(2) == a);
  ctx.peer.bytes[3] = 2;
  CHECK_FALSE(DrcKey::make(ctx, zerofs::as_bytes(std::string_view("args"))) == a);
}

TEST_CASE("DRC: eviction by count and by bytes, oldest first") {
  DuplicateRequestCache by_count({2, 1 << 20});
  Buffer reply;
  for (std::uint32_t x = 1; x <= 3; ++x) {
    REQUIRE(by_count.start(key(x), &reply) == DuplicateRequestCache::Start::started);
    by_count.finish(key(x), Buffer::copy_of(std::string_view("r")));
  }
  CHECK(by_count.stats().entries == 2);
  CHECK(by_count.stats().evictions == 1);
  CHECK(by_count.start(key(1), &reply) == DuplicateRequestCache::Start::started);
  CHECK(by_count.start(key(3), &reply) == DuplicateRequestCache::Start::completed);

  DuplicateRequestCache by_bytes({100, 10});
  REQUIRE(by_bytes.start(key(1), &reply) == DuplicateRequestCache::Start::started);
  by_bytes.finish(key(1), Buffer::copy_of(std::string_view("123456")));
  REQUIRE(by_bytes.start(key(2), &reply) == DuplicateRequestCache::Start::started);
  by_bytes.finish(key(2), Buffer::copy_of(std::string_view("123456")));
  CHECK(by_bytes.stats().entries == 1);
  CHECK(by_bytes.stats().bytes == 6);
}

TEST_CASE("DRC: a retransmission waits for the original's reply") {
  asio::io_context io;
  DuplicateRequestCache drc({});
  Buffer ignored;
  REQUIRE(drc.start(key(5), &ignored) == DuplicateRequestCache::Start::started);
  REQUIRE(drc.start(key(5), &ignored) == DuplicateRequestCache::Start::in_progress);

  std::optional<Buffer> got;
  asio::co_spawn(io, drc.wait(key(5), std::chrono::seconds(30)),
                 [&](std::exception_ptr, std::optional<Buffer> r) { got = std::move(r); });
  // The original finishes after the waiter parked.
  asio::post(io, [&] { drc.finish(key(5), Buffer::copy_of(std::string_view("original"))); });
  io.run();
  REQUIRE(got);
  CHECK(got->chars() == "original");
}

TEST_CASE("DRC: waiting gives up on an abandoned call or after the timeout") {
  asio::io_context io;
  DuplicateRequestCache drc({});
  Buffer ignored;
  REQUIRE(drc.start(key(6), &ignored) == DuplicateRequestCache::Start::started);
  REQUIRE(drc.start(key(7), &ignored) == DuplicateRequestCache::Start::started);
  int done = 0;
  asio::co_spawn(io, drc.wait(key(6), std::chrono::seconds(30)),
                 [&](std::exception_ptr, std::optional<Buffer> r) {
                   CHECK_FALSE(r);
                   ++done;
                 });
  asio::post(io, [&] { drc.abandon(key(6)); });
  asio::co_spawn(io, drc.wait(key(7), std::chrono::milliseconds(1)),
                 [&](std::exception_ptr, std::optional<Buffer> r) {
                   CHECK_FALSE(r);
                   ++done;
                 });
  io.run();
  CHECK(done == 2);
}
