// The type-erased runners the procedure tables point at: decode → policy → handler →
// encode, instantiated once per procedure.
#pragma once

#include "nfs3/proc_table.h"
#include "nfs3/wire/mount.h"
#include "nfs3/wire/nfs3_codec.h"
#include "nfs3/wire/portmap.h"
#include "nfs3/wire/rpc.h"

namespace nfs3::detail {

inline void encode_success_header(wire::XdrEncoder& out, std::uint32_t xid) {
  wire::encode(out, wire::ReplyHeader::accepted(xid, wire::AcceptStat::success));
}

template <typename Args>
bool decode_only(wire::XdrDecoder& in) {
  Args args{};
  return wire::decode(in, args);
}

// NULL of every program: no arguments, no result.
inline Task<bool> run_null(const ProcEntry&, const Services&, const CallContext& ctx,
                           wire::XdrDecoder&, wire::XdrEncoder& out) {
  encode_success_header(out, ctx.xid);
  co_return true;
}

template <typename Args, typename Res, auto Method>
Task<bool> run_nfs3(const ProcEntry& self, const Services& services, const CallContext& ctx,
                    wire::XdrDecoder& in, wire::XdrEncoder& out) {
  Args args{};
  if (!wire::decode(in, args)) co_return false;
  Res res{};
  if ((self.flags & kMakesWrite) != 0 && services.read_only) {
    res.status = wire::Nfsstat3::rofs;
  } else {
    res = co_await (services.nfs->*Method)(ctx, args);
  }
  encode_success_header(out, ctx.xid);
  wire::encode(out, res);
  co_return true;
}

template <typename Args, typename Res, auto Method>
Task<bool> run_mount(const ProcEntry&, const Services& services, const CallContext& ctx,
                     wire::XdrDecoder& in, wire::XdrEncoder& out) {
  Args args{};
  if (!wire::decode(in, args)) co_return false;
  Res res = co_await (services.mount->*Method)(ctx, args);
  encode_success_header(out, ctx.xid);
  wire::encode(out, res);
  co_return true;
}

}  // namespace nfs3::detail
