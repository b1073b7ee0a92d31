// End to end over loopback TCP: a test client speaks ONC RPC to RpcServer backed by fakes.
#include "nfs3/server.h"

#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <map>
#include <set>

#include "fake_handlers.h"
#include "nfs3/wire/portmap.h"
#include "rpc_test_client.h"
#include "test_support/catch.h"

using namespace nfs3;
using namespace nfs3::wire;
using nfs3::testing::FakeMount;
using nfs3::testing::FakeNfs;
using nfs3::testing::make_call;
using nfs3::testing::make_call_with;
using nfs3::testing::Reply;
using nfs3::testing::TestClient;
using zerofs::Buffer;
namespace asio = zerofs::asio;

namespace {

struct ServerFixture {
  explicit ServerFixture(ServerOptions options = {}) : nfs(io.get_executor()) {
    options.port = 0;
    auto s = RpcServer::listen(io.get_executor(), options, nfs, mount);
    REQUIRE(s);
    server = std::move(*s);
    asio::co_spawn(io, server->run(), asio::detached);
  }

  // Runs the scenario, then releases held handlers and shuts the server down, also when
  // the scenario failed (so io.run() returns).
  void run(Task<void> scenario) { zerofs::run_blocking(io, guarded(std::move(scenario))); }

  Task<void> guarded(Task<void> scenario) {
    std::exception_ptr error;
    try {
      co_await std::move(scenario);
    } catch (...) {
      error = std::current_exception();
    }
    nfs.hold.open();
    nfs.hold_remove.open();
    co_await server->shutdown(std::chrono::seconds(5));
    if (error) std::rethrow_exception(error);
  }

  asio::io_context io;
  FakeNfs nfs;
  FakeMount mount;
  std::unique_ptr<RpcServer> server;
};

// Lets every ready handler on the (single-threaded) loop run once.
Task<void> yield() {
  auto ex = co_await asio::this_coro::executor;
  co_await asio::post(ex, asio::use_awaitable);
}

Task<TestClient> connected(ServerFixture& f) {
  TestClient c(f.io.get_executor());
  REQUIRE(co_await c.connect(f.server->port()));
  co_return c;
}

Buffer read_call(std::uint32_t xid, std::uint64_t offset, std::uint32_t count) {
  return make_call_with(xid, kNfsProgram, 3, 6,
                        ReadArgs{nfs3::testing::sample_fh(1), offset, count});
}

Task<void> all_programs_on_one_port(ServerFixture& f) {
  TestClient c = co_await connected(f);
  Buffer batch;
  batch.append(make_call(1, kNfsProgram, 3, 0, nullptr, {}).view());
  batch.append(make_call_with(2, kMountProgram, 3, 1, MntArgs{"/"}).view());
  batch.append(
      make_call_with(3, kNfsProgram, 3, 1, GetattrArgs{nfs3::testing::sample_fh(1)}).view());
  batch.append(
      make_call_with(4, kPortmapProgram, 2, 3, Mapping{kMountProgram, 3, kIpprotoTcp, 0}).view());
  REQUIRE(co_await c.send(batch.view()));
  std::map<std::uint32_t, Reply> replies;
  for (int i = 0; i < 4; ++i) {
    std::optional<Reply> r = co_await c.receive();
    REQUIRE(r);
    CHECK(r->header.accept == AcceptStat::success);
    replies[r->header.xid] = std::move(*r);
  }
  REQUIRE(replies.size() == 4);
  CHECK(replies[1].body().empty());
  MntRes mnt;
  REQUIRE(nfs3::testing::decode_result(replies[2], mnt));
  CHECK(mnt.status == Mountstat3::ok);
  GetattrRes attr;
  REQUIRE(nfs3::testing::decode_result(replies[3], attr));
  CHECK(attr.obj_attributes == nfs3::testing::sample_fattr(16));
  PortmapPort port;
  REQUIRE(nfs3::testing::decode_result(replies[4], port));
  CHECK(port.port == f.server->port());
  CHECK(f.nfs.last_ctx.peer.host() == "127.0.0.1");
}

Task<void> replies_out_of_order(ServerFixture& f) {
  TestClient c = co_await connected(f);
  REQUIRE(co_await c.send(read_call(1, FakeNfs::kHoldOffset, 3000).view()));
  REQUIRE(co_await c.send(make_call_with(2, kNfsProgram, 3, 1, GetattrArgs{}).view()));
  std::optional<Reply> first = co_await c.receive();
  REQUIRE(first);
  CHECK(first->header.xid == 2);
  f.nfs.hold.open();
  std::optional<Reply> second = co_await c.receive();
  REQUIRE(second);
  CHECK(second->header.xid == 1);
  ReadRes read;
  REQUIRE(nfs3::testing::decode_result(*second, read));
  CHECK(read.count == 3000);
  REQUIRE(read.data.size() == 3000);
  CHECK(read.data[2999] == std::byte(2999 & 0xff));
}

Task<void> rpc_errors(ServerFixture& f) {
  TestClient c = co_await connected(f);
  const auto cred = nfs3::testing::test_cred();
  const std::byte junk[2] = {};
  Buffer batch;
  batch.append(make_call(1, 200000, 1, 0, nullptr, {}).view());
  batch.append(make_call(2, kNfsProgram, 3, 99, &cred, {}).view());
  batch.append(make_call(3, kNfsProgram, 2, 0, nullptr, {}).view());
  batch.append(make_call(4, kNfsProgram, 3, 4, &cred, ByteView(junk, 2)).view());
  batch.append(make_call(5, kNfsProgram, 3, 1, nullptr, {}).view());
  REQUIRE(co_await c.send(batch.view()));
  std::map<std::uint32_t, ReplyHeader> h;
  for (int i = 0; i < 5; ++i) {
    std::optional<Reply> r = co_await c.receive();
    REQUIRE(r);
    h[r->header.xid] = r->header;
  }
  CHECK(h[1].accept == AcceptStat::prog_unavail);
  CHECK(h[2].accept == AcceptStat::proc_unavail);
  CHECK(h[3].accept == AcceptStat::prog_mismatch);
  CHECK(h[3].mismatch_low == 3);
  CHECK(h[3].mismatch_high == 3);
  CHECK(h[4].accept == AcceptStat::garbage_args);
  CHECK(h[5].accept == AcceptStat::garbage_args);  // AUTH_NONE is fine, no arguments is not
  // The connection is still usable.
  REQUIRE(co_await c.send(make_call(6, kNfsProgram, 3, 0, nullptr, {}).view()));
  std::optional<Reply> ok = co_await c.receive();
  REQUIRE(ok);
  CHECK(ok->header.accept == AcceptStat::success);
}

Task<void> duplicate_from_cache(ServerFixture& f) {
  TestClient c = co_await connected(f);
  const Buffer remove =
      make_call_with(50, kNfsProgram, 3, 12, RemoveArgs{{nfs3::testing::sample_fh(1), "x"}});
  // The original is held in the handler while the retransmission arrives.
  REQUIRE(co_await c.send(remove.view()));
  REQUIRE(co_await c.send(remove.view()));
  while (f.server->drc_stats().waits < 1) co_await yield();
  f.nfs.hold_remove.open();
  std::optional<Reply> a = co_await c.receive();
  std::optional<Reply> b = co_await c.receive();
  REQUIRE(a);
  REQUIRE(b);
  CHECK(a->record == b->record);
  RemoveRes res;
  REQUIRE(nfs3::testing::decode_result(*a, res));
  CHECK(res.status == Nfsstat3::ok);
  CHECK(f.nfs.calls["REMOVE"] == 1);

  // Later, from another connection of the same host: still the cached reply.
  TestClient other = co_await connected(f);
  REQUIRE(co_await other.send(remove.view()));
  std::optional<Reply> d = co_await other.receive();
  REQUIRE(d);
  CHECK(d->record == a->record);
  CHECK(f.nfs.calls["REMOVE"] == 1);
  CHECK(f.server->drc_stats().hits == 1);
}

Task<void> in_flight_limit(ServerFixture& f) {
  TestClient c = co_await connected(f);
  Buffer batch;
  for (std::uint32_t xid = 1; xid <= 10; ++xid) {
    batch.append(read_call(xid, FakeNfs::kHoldOffset, 8).view());
  }
  REQUIRE(co_await c.send(batch.view()));
  while (f.nfs.running_reads < 4) co_await yield();
  for (int i = 0; i < 100; ++i) co_await yield();
  CHECK(f.nfs.running_reads == 4);
  f.nfs.hold.open();
  std::set<std::uint32_t> xids;
  for (int i = 0; i < 10; ++i) {
    std::optional<Reply> r = co_await c.receive();
    REQUIRE(r);
    xids.insert(r->header.xid);
  }
  CHECK(xids.size() == 10);
  CHECK(f.nfs.max_running_reads == 4);
  CHECK(f.nfs.calls["READ"] == 10);
}

Task<void> oversized_record(ServerFixture& f) {
  TestClient c = co_await connected(f);
  Buffer big;
  zerofs::put_u32_be(big, kLastFragmentBit | 5000);
  big.append(std::string(100, 'x'));
  REQUIRE(co_await c.send(big.view()));
  CHECK(co_await c.expect_closed());
  CHECK(f.server->stats().oversized_records == 1);
  // Other clients are unaffected.
  TestClient d = co_await connected(f);
  REQUIRE(co_await d.send(make_call(1, kNfsProgram, 3, 0, nullptr, {}).view()));
  CHECK(co_await d.receive());
}

Task<void> fragmented_and_pipelined(ServerFixture& f) {
  TestClient c = co_await connected(f);
  // One call in three fragments.
  const Buffer whole =
      make_call_with(7, kNfsProgram, 3, 3, LookupArgs{{nfs3::testing::sample_fh(1), "name"}});
  const ByteView body = whole.view().subspan(4);
  Buffer fragmented;
  const std::size_t cuts[] = {0, 10, 30, body.size()};
  for (int i = 0; i < 3; ++i) {
    const std::size_t len = cuts[i + 1] - cuts[i];
    zerofs::put_u32_be(fragmented,
                       static_cast<std::uint32_t>(len) | (i == 2 ? kLastFragmentBit : 0));
    fragmented.append(body.subspan(cuts[i], len));
  }
  // ... followed by 50 GETATTRs in the same write.
  for (std::uint32_t xid = 100; xid < 150; ++xid) {
    fragmented.append(make_call_with(xid, kNfsProgram, 3, 1, GetattrArgs{}).view());
  }
  REQUIRE(co_await c.send(fragmented.view()));
  int answered = 0;
  bool lookup_ok = false;
  for (int i = 0; i < 51; ++i) {
    std::optional<Reply> r = co_await c.receive();
    REQUIRE(r);
    ++answered;
    if (r->header.xid == 7) {
      LookupRes res;
      REQUIRE(nfs3::testing::decode_result(*r, res));
      lookup_ok = res.object == nfs3::testing::sample_fh(4);
    }
  }
  CHECK(answered == 51);
  CHECK(lookup_ok);
}

Task<void> shutdown_finishes_in_flight(ServerFixture& f) {
  TestClient c = co_await connected(f);
  REQUIRE(co_await c.send(read_call(1, FakeNfs::kHoldOffset, 16).view()));
  while (f.nfs.running_reads < 1) co_await yield();
  bool shut = false;
  asio::co_spawn(f.io, f.server->shutdown(std::chrono::seconds(30)),
                 [&](std::exception_ptr) { shut = true; });
  for (int i = 0; i < 20; ++i) co_await yield();
  CHECK_FALSE(shut);  // waiting for the READ
  f.nfs.hold.open();
  std::optional<Reply> r = co_await c.receive();
  REQUIRE(r);
  CHECK(r->header.xid == 1);
  CHECK(co_await c.expect_closed());
  while (!shut) co_await yield();
  // No new connections are accepted.
  TestClient late(f.io.get_executor());
  CHECK_FALSE(co_await late.connect(f.server->port()));
}

Task<void> shutdown_deadline(ServerFixture& f) {
  TestClient c = co_await connected(f);
  REQUIRE(co_await c.send(read_call(1, FakeNfs::kHoldOffset, 16).view()));
  while (f.nfs.running_reads < 1) co_await yield();
  co_await f.server->shutdown(std::chrono::milliseconds(20));
  CHECK(co_await c.expect_closed());
  CHECK(f.server->stats().connections_open == 0);
}

}  // namespace

TEST_CASE("server: NFS, MOUNT and portmapper answer on one port") {
  ServerFixture f;
  f.run(all_programs_on_one_port(f));
  CHECK(f.server->stats().connections_accepted == 1);
}

TEST_CASE("server: replies leave in completion order") {
  ServerFixture f;
  f.run(replies_out_of_order(f));
}

TEST_CASE("server: RPC errors over the wire") {
  ServerFixture f;
  f.run(rpc_errors(f));
}

TEST_CASE("server: a retransmission is answered from the duplicate-request cache") {
  ServerFixture f;
  f.run(duplicate_from_cache(f));
}

TEST_CASE("server: in-flight limit per connection") {
  ServerOptions o;
  o.max_in_flight_per_connection = 4;
  ServerFixture f(o);
  f.run(in_flight_limit(f));
}

TEST_CASE("server: a record over the limit closes the connection") {
  ServerOptions o;
  o.max_record_size = 1024;
  ServerFixture f(o);
  f.run(oversized_record(f));
}

TEST_CASE("server: fragmented calls and pipelined calls") {
  ServerFixture f;
  f.run(fragmented_and_pipelined(f));
}

TEST_CASE("server: shutdown lets started requests finish") {
  ServerFixture f;
  f.run(shutdown_finishes_in_flight(f));
}

TEST_CASE("server: shutdown closes what misses the deadline") {
  ServerFixture f;
  f.run(shutdown_deadline(f));
}

TEST_CASE("server: IPv6 loopback and address validation") {
  asio::io_context io;
  FakeNfs nfs(io.get_executor());
  FakeMount mount;
  ServerOptions o;
  o.address = "localhost";  // names are not resolved
  auto bad = RpcServer::listen(io.get_executor(), o, nfs, mount);
  REQUIRE_FALSE(bad);
  CHECK(bad.error().code() == zerofs::Errc::invalid_argument);

  o.address = "::1";
  o.port = 0;
  auto v6 = RpcServer::listen(io.get_executor(), o, nfs, mount);
  if (!v6) {
    WARN("no IPv6 loopback here: " << v6.error().to_string());
    return;
  }
  RpcServer& server = **v6;
  // A second server on the same address and port: refused while the first listens.
  ServerOptions same = o;
  same.port = server.port();
  asio::io_context io2;
  auto clash = RpcServer::listen(io2.get_executor(), same, nfs, mount);
  REQUIRE_FALSE(clash);
  CHECK(clash.error().code() == zerofs::Errc::busy);

  asio::co_spawn(io, server.run(), asio::detached);
  auto scenario = [&]() -> Task<void> {
    TestClient c(io.get_executor());
    REQUIRE(co_await c.connect(server.port(), "::1"));
    REQUIRE(co_await c.send(make_call(1, kNfsProgram, 3, 0, nullptr, {}).view()));
    std::optional<Reply> r = co_await c.receive();
    CHECK(r);
    co_await server.shutdown(std::chrono::seconds(1));
  };
  zerofs::run_blocking(io, scenario());
}
