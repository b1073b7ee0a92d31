// XDR primitives, the sticky decoder, bounds, and golden bytes computed by hand from
// RFC 4506 / 5531 / 1813 / 1833 for a few messages.
#include "nfs3/wire/mount.h"
#include "nfs3/wire/nfs3_codec.h"
#include "nfs3/wire/portmap.h"
#include "nfs3/wire/rpc.h"
#include "rpc_test_client.h"
#include "samples.h"
#include "test_hex.h"
#include "test_support/catch.h"

using namespace nfs3::wire;
using nfs3::testing::compact;
using nfs3::testing::hex;
using nfs3::testing::unhex;

namespace {
template <typename T>
std::string encoded_hex(const T& v) {
  Buffer b;
  XdrEncoder enc(b);
  encode(enc, v);
  return hex(b.view());
}
NfsFh3 fh_of(std::string_view h) {
  const Buffer b = unhex(h);
  return NfsFh3::from(b.view());
}
}  // namespace

TEST_CASE("XDR primitives are big-endian and padded to 4 bytes") {
  Buffer b;
  XdrEncoder enc(b);
  enc.u32(0x01020304);
  enc.u64(0x1122334455667788ull);
  enc.boolean(true);
  enc.string("abcde", 10);
  enc.opaque(ByteView(), 10);
  std::array<std::byte, 3> fixed{std::byte{0xaa}, std::byte{0xbb}, std::byte{0xcc}};
  enc.fixed(fixed);
  CHECK(hex(b.view()) == compact("01020304 1122334455667788 00000001 00000005 6162636465000000 "
                                 "00000000 aabbcc00"));

  XdrDecoder dec(b.view());
  CHECK(dec.u32() == 0x01020304);
  CHECK(dec.u64() == 0x1122334455667788ull);
  CHECK(dec.boolean());
  CHECK(dec.string(10) == "abcde");
  CHECK(dec.opaque(10).empty());
  std::array<std::byte, 3> back{};
  dec.fixed(back);
  CHECK(back == fixed);
  CHECK(dec.ok());
  CHECK(dec.remaining() == 0);
}

TEST_CASE("the decoder's error is sticky and bounds come before allocation") {
  SECTION("truncated scalar") {
    const Buffer b = unhex("000000");
    XdrDecoder dec(b.view());
    CHECK(dec.u32() == 0);
    CHECK_FALSE(dec.ok());
    CHECK(dec.u64() == 0);
    CHECK(dec.string(100).empty());
    CHECK_FALSE(dec.ok());
  }
  SECTION("a boolean other than 0 or 1") {
    const Buffer b = unhex("00000002 00000001");
    XdrDecoder dec(b.view());
    dec.boolean();
    CHECK_FALSE(dec.ok());
    CHECK_FALSE(dec.boolean());  // the valid TRUE after it is not read
  }
  SECTION("a string over its maximum") {
    const Buffer b = unhex("00000005 6162636465000000");
    XdrDecoder dec(b.view());
    CHECK(dec.string(4).empty());
    CHECK_FALSE(dec.ok());
  }
  SECTION("a length beyond the input does not allocate it") {
    const Buffer b = unhex("7fffffff 00000000");
    XdrDecoder dec(b.view());
    Buffer out;
    dec.opaque(out, std::size_t{1} << 40);
    CHECK_FALSE(dec.ok());
    CHECK(out.capacity() == 0);
  }
  SECTION("a counted array longer than the input") {
    const Buffer b = unhex("00001000 00000001");
    XdrDecoder dec(b.view());
    std::vector<std::uint32_t> v;
    dec.array(v, 1 << 20, [&](std::uint32_t& x) { dec.u32(x); });
    CHECK_FALSE(dec.ok());
    CHECK(v.capacity() == 0);
  }
  SECTION("a list over its maximum") {
    const Buffer b = unhex("00000001 00000007 00000001 00000008 00000000");
    XdrDecoder dec(b.view());
    std::vector<std::uint32_t> v;
    dec.list(v, 1, [&](std::uint32_t& x) { dec.u32(x); });
    CHECK_FALSE(dec.ok());
  }
}

TEST_CASE("golden: GETATTR call with AUTH_NONE, framed") {
  Buffer args;
  XdrEncoder enc(args);
  encode(enc, GetattrArgs{fh_of("000102030405060708090a0b0c0d0e0f")});
  const Buffer call = nfs3::testing::make_call(0x01020304, kNfsProgram, 3, 1, nullptr, args.view());
  CHECK(hex(call.view()) ==
        compact("8000003c 01020304 00000000 00000002 000186a3 00000003 00000001 "
                "00000000 00000000 00000000 00000000 00000010 000102030405060708090a0b0c0d0e0f"));
}

TEST_CASE("golden: AUTH_SYS credential body") {
  AuthSys a;
  a.stamp = 0x11223344;
  a.machinename = "host";
  a.uid = 1000;
  a.gid = 100;
  a.add_group(10);
  a.add_group(20);
  CHECK(encoded_hex(a) ==
        compact("11223344 00000004 686f7374 000003e8 00000064 00000002 0000000a 00000014"));
  AuthSys back;
  CHECK(decode_auth_sys(unhex(encoded_hex(a)).view(), back));
  CHECK(back == a);
  CHECK(back.groups().size() == 2);
}

TEST_CASE("golden: NFSv3 arguments") {
  CHECK(encoded_hex(LookupArgs{{fh_of("01020304"), "abcde"}}) ==
        compact("00000004 01020304 00000005 6162636465000000"));

  SetattrArgs s;
  s.object = fh_of("aabb");
  s.new_attributes.mode = 0644u;
  s.new_attributes.mtime.how = TimeHow::set_to_server_time;
  s.guard = NfsTime3{5, 6};
  CHECK(encoded_hex(s) == compact("00000002 aabb0000 00000001 000001a4 00000000 00000000 "
                                  "00000000 00000000 00000001 00000001 00000005 00000006"));

  const std::string_view data = "xyz";
  WriteArgs w{NfsFh3{}, 0x100, 3, StableHow::file_sync, zerofs::as_bytes(data)};
  CHECK(encoded_hex(w) == compact("00000000 0000000000000100 00000003 00000002 00000003 78797a00"));
}

TEST_CASE("golden: READDIR result with one entry") {
  ReaddirRes r;
  r.cookieverf = {std::byte{1}, std::byte{2}, std::byte{3}, std::byte{4},
                  std::byte{5}, std::byte{6}, std::byte{7}, std::byte{8}};
  r.entries = {{0x10, "a", 0x20}};
  r.eof = true;
  CHECK(encoded_hex(r) ==
        compact("00000000 00000000 0102030405060708 00000001 0000000000000010 00000001 "
                "61000000 0000000000000020 00000000 00000001"));
}

TEST_CASE("golden: RPC reply headers") {
  CHECK(encoded_hex(ReplyHeader::prog_mismatch(42, 3, 3)) ==
        compact("0000002a 00000001 00000000 00000000 00000000 00000002 00000003 00000003"));
  CHECK(encoded_hex(ReplyHeader::auth_error(42, AuthStat::tooweak)) ==
        compact("0000002a 00000001 00000001 00000001 00000005"));
  CHECK(encoded_hex(ReplyHeader::rpc_mismatch(42)) ==
        compact("0000002a 00000001 00000001 00000000 00000002 00000002"));
  CHECK(encoded_hex(ReplyHeader::accepted(42, AcceptStat::garbage_args)) ==
        compact("0000002a 00000001 00000000 00000000 00000000 00000004"));
}

TEST_CASE("golden: MOUNT and portmapper messages") {
  MntRes m;
  m.fhandle = fh_of("000102030405060708090a0b0c0d0e0f");
  m.auth_flavors = {1};
  CHECK(encoded_hex(m) ==
        compact("00000000 00000010 000102030405060708090a0b0c0d0e0f 00000001 00000001"));
  CHECK(encoded_hex(Mapping{kNfsProgram, 3, kIpprotoTcp, 0}) ==
        compact("000186a3 00000003 00000006 00000000"));
  ExportRes e;
  e.exports = {{"/", {"g"}}};
  CHECK(encoded_hex(e) ==
        compact("00000001 00000001 2f000000 00000001 00000001 67000000 00000000 00000000"));
}

TEST_CASE("RPC call and reply headers round-trip") {
  const AuthSys cred = nfs3::testing::test_cred();
  Buffer body;
  XdrEncoder cred_enc(body);
  encode(cred_enc, cred);
  CallHeader h;
  h.xid = 0xfeedbeef;
  h.prog = kMountProgram;
  h.vers = 3;
  h.proc = 1;
  h.cred = {AuthFlavor::sys, body.view()};
  Buffer b;
  XdrEncoder enc(b);
  encode(enc, h);
  CallHeader back;
  XdrDecoder dec(b.view());
  REQUIRE(decode(dec, back));
  CHECK(back == h);
  for (std::size_t n = 0; n < b.size(); ++n) {
    CallHeader cut_h;
    XdrDecoder cut(b.view().first(n));
    CHECK_FALSE(decode(cut, cut_h));
  }
  ReplyHeader r;
  XdrDecoder as_reply(b.view());
  CHECK_FALSE(decode(as_reply, r));  // a call is not a reply

  for (const ReplyHeader& rh :
       {ReplyHeader::accepted(1, AcceptStat::success),
        ReplyHeader::accepted(2, AcceptStat::system_err), ReplyHeader::prog_mismatch(3, 2, 4),
        ReplyHeader::rpc_mismatch(4), ReplyHeader::auth_error(5, AuthStat::badcred)}) {
    Buffer rb;
    XdrEncoder renc(rb);
    encode(renc, rh);
    ReplyHeader rback;
    XdrDecoder rdec(rb.view());
    REQUIRE(decode(rdec, rback));
    CHECK(rback == rh);
    CHECK(rdec.remaining() == 0);
  }
  CHECK(kAcceptedReplyHeaderSize ==
        encoded_hex(ReplyHeader::accepted(1, AcceptStat::success)).size() / 2);
}

TEST_CASE("AUTH_SYS with more than 16 groups or a long machine name is refused") {
  SECTION("17 groups") {
    const Buffer b = unhex("00000000 00000000 00000000 00000000 00000011");
    AuthSys a;
    CHECK_FALSE(decode_auth_sys(b.view(), a));
  }
  SECTION("256-byte machine name") {
    Buffer b = unhex("00000000 00000100");
    b.append(std::string(256, 'm'));
    b.append(unhex("00000000 00000000 00000000").view());
    AuthSys a;
    CHECK_FALSE(decode_auth_sys(b.view(), a));
  }
}
