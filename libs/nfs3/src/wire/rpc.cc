#include "nfs3/wire/rpc.h"

namespace nfs3::wire {

namespace {

template <typename X>
void xdr_auth(X& x, XdrRef<X, OpaqueAuth> a) {
  x.enumeration(a.flavor);
  x.opaque(a.body, kMaxAuthBytes);
}

template <typename X>
void xdr_call(X& x, XdrRef<X, CallHeader> h) {
  x.u32(h.xid);
  MsgType type = MsgType::call;
  if (x.enumeration(type) != MsgType::call) return x.invalid();
  x.u32(h.rpcvers);
  x.u32(h.prog);
  x.u32(h.vers);
  x.u32(h.proc);
  xdr_auth(x, h.cred);
  xdr_auth(x, h.verf);
}

template <typename X>
void xdr_reply(X& x, XdrRef<X, ReplyHeader> h) {
  x.u32(h.xid);
  MsgType type = MsgType::reply;
  if (x.enumeration(type) != MsgType::reply) return x.invalid();
  switch (x.enumeration(h.stat)) {
    case ReplyStat::accepted:
      xdr_auth(x, h.verf);
      if (x.enumeration(h.accept) == AcceptStat::prog_mismatch) {
        x.u32(h.mismatch_low);
        x.u32(h.mismatch_high);
      }
      return;
    case ReplyStat::denied:
      switch (x.enumeration(h.reject)) {
        case RejectStat::rpc_mismatch:
          x.u32(h.mismatch_low);
          x.u32(h.mismatch_high);
          return;
        case RejectStat::auth_error:
          x.enumeration(h.auth);
          return;
      }
      return x.invalid();
  }
  x.invalid();
}

template <typename X>
void xdr_auth_sys(X& x, XdrRef<X, AuthSys> a) {
  x.u32(a.stamp);
  x.string(a.machinename, kMaxMachineName);
  x.u32(a.uid);
  x.u32(a.gid);
  x.u32(a.gid_count);
  if (a.gid_count > kMaxAuthGroups) return x.invalid();
  for (std::uint32_t i = 0; i < a.gid_count; ++i) x.u32(a.gids[i]);
}

}  // namespace

ReplyHeader ReplyHeader::accepted(std::uint32_t xid, AcceptStat s) noexcept {
  ReplyHeader h;
  h.xid = xid;
  h.accept = s;
  return h;
}

ReplyHeader ReplyHeader::prog_mismatch(std::uint32_t xid, std::uint32_t low,
                                       std::uint32_t high) noexcept {
  ReplyHeader h = accepted(xid, AcceptStat::prog_mismatch);
  h.mismatch_low = low;
  h.mismatch_high = high;
  return h;
}

ReplyHeader ReplyHeader::rpc_mismatch(std::uint32_t xid) noexcept {
  ReplyHeader h;
  h.xid = xid;
  h.stat = ReplyStat::denied;
  h.reject = RejectStat::rpc_mismatch;
  h.mismatch_low = kRpcVersion;
  h.mismatch_high = kRpcVersion;
  return h;
}

ReplyHeader ReplyHeader::auth_error(std::uint32_t xid, AuthStat s) noexcept {
  ReplyHeader h;
  h.xid = xid;
  h.stat = ReplyStat::denied;
  h.reject = RejectStat::auth_error;
  h.auth = s;
  return h;
}

void encode(XdrEncoder& enc, const CallHeader& h) { xdr_call(enc, h); }
bool decode(XdrDecoder& dec, CallHeader& h) {
  xdr_call(dec, h);
  return dec.ok();
}

void encode(XdrEncoder& enc, const ReplyHeader& h) { xdr_reply(enc, h); }
bool decode(XdrDecoder& dec, ReplyHeader& h) {
  xdr_reply(dec, h);
  return dec.ok();
}

void encode(XdrEncoder& enc, const AuthSys& a) { xdr_auth_sys(enc, a); }
bool decode(XdrDecoder& dec, AuthSys& a) {
  xdr_auth_sys(dec, a);
  return dec.ok();
}

bool decode_auth_sys(ByteView body, AuthSys& out) {
  // Trailing bytes are tolerated, as the common servers do.
  XdrDecoder dec(body);
  return decode(dec, out);
}

}  // namespace nfs3::wire
