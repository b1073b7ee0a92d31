// Dispatcher policy without sockets: RPC errors, credentials, read-only mode, the
// portmapper, handler failures and the duplicate-request cache.
#include "nfs3/dispatcher.h"

#include "base/log.h"
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
using zerofs::Buffer;
namespace asio = zerofs::asio;

namespace {

struct Fixture {
  explicit Fixture(Dispatcher::Options options = {}, bool with_drc = true)
      : nfs(io.get_executor()),
        drc(DuplicateRequestCache::Options{}),
        dispatcher(nfs, mount, with_drc ? &drc : nullptr, options) {}

  // Runs `record` (framed) through the dispatcher; the parsed reply, if any.
  std::optional<Reply> process(const Buffer& framed) {
    std::optional<Buffer> out =
        zerofs::run_blocking(io, dispatcher.process(nfs3::testing::unframe(framed), PeerAddress{}));
    if (!out) return std::nullopt;
    Buffer body = Buffer::copy_of(nfs3::testing::unframe(*out));
    Reply r;
    REQUIRE(nfs3::testing::parse_reply(std::move(body), r));
    return r;
  }

  asio::io_context io;
  FakeNfs nfs;
  FakeMount mount;
  DuplicateRequestCache drc;
  Dispatcher dispatcher;
};

Buffer raw_record(std::string_view hex_words) {
  Buffer body;
  std::uint32_t word = 0;
  int digits = 0;
  for (char c : hex_words) {
    if (c == ' ') continue;
    word = word * 16 + static_cast<std::uint32_t>(c <= '9' ? c - '0' : c - 'a' + 10);
    if (++digits == 8) {
      zerofs::put_u32_be(body, word);
      word = 0;
      digits = 0;
    }
  }
  Buffer framed;
  const std::size_t mark = begin_record(framed);
  framed.append(body.view());
  end_record(framed, mark);
  return framed;
}

}  // namespace

TEST_CASE("dispatcher answers NULL of every program") {
  Fixture f;
  for (auto [prog, vers] :
       {std::pair{kNfsProgram, 3u}, {kMountProgram, 3u}, {kPortmapProgram, 2u}}) {
    auto r = f.process(make_call(9, prog, vers, 0, nullptr, {}));
    REQUIRE(r);
    CHECK(r->header.xid == 9);
    CHECK(r->header.stat == ReplyStat::accepted);
    CHECK(r->header.accept == AcceptStat::success);
    CHECK(r->body().empty());
  }
}

TEST_CASE("dispatcher RPC-level errors") {
  Fixture f;
  SECTION("unknown program") {
    auto r = f.process(make_call(1, 100227, 3, 0, nullptr, {}));
    CHECK(r->header.accept == AcceptStat::prog_unavail);
  }
  SECTION("NFS version 4 → PROG_MISMATCH 3..3") {
    auto r = f.process(make_call(2, kNfsProgram, 4, 0, nullptr, {}));
    CHECK(r->header.accept == AcceptStat::prog_mismatch);
    CHECK(r->header.mismatch_low == 3);
    CHECK(r->header.mismatch_high == 3);
  }
  SECTION("MOUNT version 1 → PROG_MISMATCH 3..3") {
    auto r = f.process(make_call(2, kMountProgram, 1, 1, nullptr, {}));
    CHECK(r->header.accept == AcceptStat::prog_mismatch);
  }
  SECTION("procedure 22 of NFS, CALLIT of the portmapper") {
    const auto cred = nfs3::testing::test_cred();
    CHECK(f.process(make_call(3, kNfsProgram, 3, 22, &cred, {}))->header.accept ==
          AcceptStat::proc_unavail);
    CHECK(f.process(make_call(3, kPortmapProgram, 2, 5, nullptr, {}))->header.accept ==
          AcceptStat::proc_unavail);
  }
  SECTION("arguments that do not decode") {
    const auto cred = nfs3::testing::test_cred();
    const std::byte junk[3] = {};
    auto r = f.process(make_call(4, kNfsProgram, 3, 1, &cred, ByteView(junk, 3)));
    CHECK(r->header.accept == AcceptStat::garbage_args);
    CHECK(f.nfs.calls.empty());
  }
  SECTION("RPC version 3") {
    auto r = f.process(raw_record("00000005 00000000 00000003 000186a3 00000003 00000000"));
    CHECK(r->header.stat == ReplyStat::denied);
    CHECK(r->header.reject == RejectStat::rpc_mismatch);
    CHECK(r->header.mismatch_low == 2);
    CHECK(r->header.mismatch_high == 2);
  }
  SECTION("a reply message or a record too short for an xid is dropped") {
    CHECK_FALSE(f.process(raw_record("00000005 00000001 00000000")));
    CHECK_FALSE(f.process(raw_record("")));
    CHECK_FALSE(f.process(raw_record("00000005")));
  }
  SECTION("header truncated after the RPC version") {
    auto r = f.process(raw_record("00000006 00000000 00000002 000186a3"));
    CHECK(r->header.accept == AcceptStat::garbage_args);
    CHECK(r->header.xid == 6);
  }
  SECTION("malformed credentials and verifiers") {
    // AUTH_SYS whose body is too short.
    auto r = f.process(raw_record(
        "00000007 00000000 00000002 000186a3 00000003 00000001 00000001 00000004 00000000 "
        "00000000 00000000"));
    CHECK(r->header.reject == RejectStat::auth_error);
    CHECK(r->header.auth == AuthStat::badcred);
    // RPCSEC_GSS is not supported.
    r = f.process(raw_record(
        "00000008 00000000 00000002 000186a3 00000003 00000000 00000006 00000000 00000000 "
        "00000000"));
    CHECK(r->header.auth == AuthStat::badcred);
    // Verifier cut short.
    r = f.process(raw_record(
        "00000009 00000000 00000002 000186a3 00000003 00000000 00000000 00000000 00000000"));
    CHECK(r->header.auth == AuthStat::badverf);
  }
}

TEST_CASE("AUTH_NONE calls reach the NFS and MOUNT handlers as flavor none") {
  Fixture f;
  Buffer args;
  XdrEncoder enc(args);
  encode(enc, GetattrArgs{nfs3::testing::sample_fh(1)});
  auto r = f.process(make_call(1, kNfsProgram, 3, 1, nullptr, args.view()));
  CHECK(r->header.accept == AcceptStat::success);
  CHECK(f.nfs.calls["GETATTR"] == 1);
  CHECK(f.nfs.last_ctx.flavor == AuthFlavor::none);

  Buffer mnt;
  XdrEncoder menc(mnt);
  encode(menc, MntArgs{"/"});
  r = f.process(make_call(2, kMountProgram, 3, 1, nullptr, mnt.view()));
  CHECK(r->header.accept == AcceptStat::success);
  MntRes res;
  REQUIRE(nfs3::testing::decode_result(*r, res));
  CHECK(res.status == Mountstat3::ok);
  CHECK(res.fhandle == nfs3::testing::sample_fh(0));
}

TEST_CASE("handlers get the decoded arguments and the caller's identity") {
  Fixture f;
  auto r = f.process(
      make_call_with(11, kNfsProgram, 3, 3, LookupArgs{{nfs3::testing::sample_fh(2), "abc"}}));
  REQUIRE(r->header.accept == AcceptStat::success);
  LookupRes res;
  REQUIRE(nfs3::testing::decode_result(*r, res));
  CHECK(res.status == Nfsstat3::ok);
  CHECK(res.object == nfs3::testing::sample_fh(3));
  CHECK(f.nfs.last_ctx.xid == 11);
  CHECK(f.nfs.last_ctx.proc == 3);
  CHECK(f.nfs.last_ctx.flavor == AuthFlavor::sys);
  CHECK(f.nfs.last_ctx.cred == nfs3::testing::test_cred());
}

TEST_CASE("read-only mode answers NFS3ERR_ROFS for procedures that write") {
  Dispatcher::Options ro;
  ro.read_only = true;
  Fixture f(ro);
  for (const auto& c : nfs3::testing::samples<CreateArgs>()) {
    auto r = f.process(make_call_with(1, kNfsProgram, 3, 8, c));
    CreateRes res;
    REQUIRE(nfs3::testing::decode_result(*r, res));
    CHECK(res.status == Nfsstat3::rofs);
  }
  auto w = f.process(make_call_with(2, kNfsProgram, 3, 7, nfs3::testing::samples<WriteArgs>()[0]));
  WriteRes wres;
  REQUIRE(nfs3::testing::decode_result(*w, wres));
  CHECK(wres.status == Nfsstat3::rofs);
  CHECK(f.nfs.calls.empty());
  // Reads still reach the handler.
  auto g =
      f.process(make_call_with(3, kNfsProgram, 3, 1, GetattrArgs{nfs3::testing::sample_fh(1)}));
  GetattrRes gres;
  REQUIRE(nfs3::testing::decode_result(*g, gres));
  CHECK(gres.status == Nfsstat3::ok);
  CHECK(f.nfs.calls["GETATTR"] == 1);
}

TEST_CASE("a handler that throws gets SYSTEM_ERR") {
  Fixture f;
  SetattrArgs s;
  s.object = nfs3::testing::sample_fh(1);
  s.new_attributes.mode = FakeNfs::kThrowMode;
  // The failure is logged as an error; keep the test output clean.
  const zerofs::log::Level level = zerofs::log::level();
  zerofs::log::set_level(zerofs::log::Level::off);
  auto r = f.process(make_call_with(5, kNfsProgram, 3, 2, s));
  zerofs::log::set_level(level);
  CHECK(r->header.accept == AcceptStat::system_err);
  CHECK(r->header.xid == 5);
}

TEST_CASE("portmapper: GETPORT, DUMP, SET and UNSET") {
  Dispatcher::Options o;
  o.port = 2049;
  Fixture f(o);
  auto port_of = [&](Mapping m) {
    auto r = f.process(make_call_with(1, kPortmapProgram, 2, 3, m));
    PortmapPort p;
    REQUIRE(nfs3::testing::decode_result(*r, p));
    return p.port;
  };
  CHECK(port_of({kNfsProgram, 3, kIpprotoTcp, 0}) == 2049);
  CHECK(port_of({kMountProgram, 3, kIpprotoTcp, 0}) == 2049);
  CHECK(port_of({kPortmapProgram, 2, kIpprotoTcp, 0}) == 2049);
  CHECK(port_of({kNfsProgram, 3, kIpprotoUdp, 0}) == 0);
  CHECK(port_of({kNfsProgram, 4, kIpprotoTcp, 0}) == 0);
  CHECK(port_of({100021, 4, kIpprotoTcp, 0}) == 0);  // NLM: not served

  auto d = f.process(make_call(2, kPortmapProgram, 2, 4, nullptr, {}));
  PortmapList list;
  REQUIRE(nfs3::testing::decode_result(*d, list));
  CHECK(list.mappings.size() == 3);
  CHECK(list.mappings[0] == Mapping{kNfsProgram, 3, kIpprotoTcp, 2049});

  for (std::uint32_t proc : {1u, 2u}) {
    auto s = f.process(make_call_with(3, kPortmapProgram, 2, proc, Mapping{1, 1, 6, 1}));
    PortmapBool b{true};
    REQUIRE(nfs3::testing::decode_result(*s, b));
    CHECK_FALSE(b.value);
  }
}

TEST_CASE("MOUNT procedures reach the mount handlers") {
  Fixture f;
  auto dump = f.process(make_call(1, kMountProgram, 3, 2, nullptr, {}));
  DumpRes d;
  REQUIRE(nfs3::testing::decode_result(*dump, d));
  CHECK(d.mounts.size() == 1);
  auto ex = f.process(make_call(2, kMountProgram, 3, 5, nullptr, {}));
  ExportRes e;
  REQUIRE(nfs3::testing::decode_result(*ex, e));
  CHECK(e.exports.size() == 1);
  auto um = f.process(make_call_with(3, kMountProgram, 3, 3, MountArgs{"/"}));
  CHECK(um->header.accept == AcceptStat::success);
  CHECK(um->body().empty());
  CHECK(f.process(make_call(4, kMountProgram, 3, 4, nullptr, {}))->body().empty());
  CHECK(f.mount.calls["UMNT"] == 1);
  CHECK(f.mount.calls["UMNTALL"] == 1);
}

TEST_CASE("a retransmitted CREATE is answered from the duplicate-request cache") {
  Fixture f;
  const CreateArgs args = nfs3::testing::samples<CreateArgs>()[0];
  auto first = f.process(make_call_with(77, kNfsProgram, 3, 8, args));
  auto again = f.process(make_call_with(77, kNfsProgram, 3, 8, args));
  CHECK(f.nfs.calls["CREATE"] == 1);
  CHECK(again->record == first->record);
  CreateRes res;
  REQUIRE(nfs3::testing::decode_result(*again, res));
  CHECK(res.status == Nfsstat3::ok);
  CHECK(f.drc.stats().hits == 1);

  // Same xid, other arguments: a different call.
  CreateArgs other = args;
  other.where.name = "other";
  auto third = f.process(make_call_with(77, kNfsProgram, 3, 8, other));
  CHECK(f.nfs.calls["CREATE"] == 2);
  // Idempotent procedures are not cached.
  f.process(make_call_with(78, kNfsProgram, 3, 1, GetattrArgs{}));
  f.process(make_call_with(78, kNfsProgram, 3, 1, GetattrArgs{}));
  CHECK(f.nfs.calls["GETATTR"] == 2);
}

TEST_CASE("without a DRC a retransmission runs again") {
  Fixture f({}, false);
  const CreateArgs args = nfs3::testing::samples<CreateArgs>()[0];
  f.process(make_call_with(77, kNfsProgram, 3, 8, args));
  auto again = f.process(make_call_with(77, kNfsProgram, 3, 8, args));
  CreateRes res;
  REQUIRE(nfs3::testing::decode_result(*again, res));
  CHECK(res.status == Nfsstat3::exist);
}

TEST_CASE("every table entry decodes the arguments its codec encodes") {
  for (const Program& p : programs()) {
    for (std::size_t i = 0; i < p.procs.size(); ++i) {
      const ProcLookup l = find_procedure(p.prog, p.version, static_cast<std::uint32_t>(i));
      REQUIRE(l.result == ProcLookup::Result::found);
      CHECK(l.entry == &p.procs[i]);
      CHECK_FALSE(l.entry->name.empty());
    }
  }
  // Flags of a few procedures, as RFC semantics require.
  auto flags = [](std::uint32_t proc) { return find_procedure(kNfsProgram, 3, proc).entry->flags; };
  CHECK(flags(0) == 0);
  CHECK(flags(1) == 0);
  CHECK(flags(8) == (kMakesWrite | kCanBeDup));
  CHECK(flags(12) == (kMakesWrite | kCanBeDup));
  CHECK((flags(21) & kCanBeDup) == 0);
  Buffer b;
  XdrEncoder enc(b);
  encode(enc, nfs3::testing::samples<ReaddirplusArgs>()[0]);
  XdrDecoder dec(b.view());
  CHECK(find_procedure(kNfsProgram, 3, 17).entry->decode_args(dec));
  XdrDecoder short_dec(b.view().first(b.size() - 1));
  CHECK_FALSE(find_procedure(kNfsProgram, 3, 17).entry->decode_args(short_dec));
}

TEST_CASE("admit_call hands over the procedure, identity and argument bytes") {
  const Buffer call =
      make_call_with(21, kNfsProgram, 3, 6, ReadArgs{nfs3::testing::sample_fh(1), 4096, 512});
  const CallAdmission a = admit_call(nfs3::testing::unframe(call));
  REQUIRE(a.kind == CallAdmission::Kind::call);
  CHECK(a.entry->name == "READ");
  CHECK(a.ctx.xid == 21);
  CHECK(a.ctx.cred.uid == 1000);
  CHECK(a.ctx.cred.groups().size() == 2);
  ReadArgs args;
  XdrDecoder dec(a.args);
  REQUIRE(decode(dec, args));
  CHECK(args.offset == 4096);
  CHECK(dec.remaining() == 0);

  // Error replies are framed with the call's xid.
  const CallAdmission bad = admit_call(nfs3::testing::unframe(make_call(22, 1, 1, 0, nullptr, {})));
  REQUIRE(bad.kind == CallAdmission::Kind::reply);
  Reply r;
  REQUIRE(nfs3::testing::parse_reply(Buffer::copy_of(nfs3::testing::unframe(bad.reply)), r));
  CHECK(r.header.xid == 22);
  CHECK(r.header.accept == AcceptStat::prog_unavail);
}
