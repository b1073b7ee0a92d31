#include "nfs3/dispatcher.h"

#include <exception>

#include "base/log.h"

namespace nfs3 {

using wire::AcceptStat;
using wire::AuthFlavor;
using wire::AuthStat;
using wire::ReplyHeader;
using zerofs::Buffer;
using zerofs::ByteView;

Dispatcher::Dispatcher(Nfs3Handlers& nfs, MountHandlers& mount, DuplicateRequestCache* drc,
                       Options options)
    : services_{&nfs, &mount, options.port, options.read_only}, drc_(drc), options_(options) {}

Buffer framed_reply(const ReplyHeader& header, std::size_t max_fragment) {
  Buffer out;
  const std::size_t mark = wire::begin_record(out);
  wire::XdrEncoder enc(out);
  wire::encode(enc, header);
  wire::end_record(out, mark, max_fragment);
  return out;
}

CallAdmission admit_call(ByteView record, std::size_t max_fragment) {
  using Admission = CallAdmission;
  Admission a;
  wire::XdrDecoder dec(record);
  const std::uint32_t xid = dec.u32();
  const std::uint32_t type = dec.u32();
  if (!dec.ok() || type != static_cast<std::uint32_t>(wire::MsgType::call)) return a;

  auto reply = [&](const ReplyHeader& h) {
    a.kind = Admission::Kind::reply;
    a.reply = framed_reply(h, max_fragment);
    return std::move(a);
  };
  const std::uint32_t rpcvers = dec.u32();
  if (!dec.ok()) return reply(ReplyHeader::accepted(xid, AcceptStat::garbage_args));
  if (rpcvers != wire::kRpcVersion) return reply(ReplyHeader::rpc_mismatch(xid));

  CallContext& ctx = a.ctx;
  ctx.xid = xid;
  ctx.prog = dec.u32();
  ctx.vers = dec.u32();
  ctx.proc = dec.u32();
  if (!dec.ok()) return reply(ReplyHeader::accepted(xid, AcceptStat::garbage_args));

  ctx.flavor = static_cast<AuthFlavor>(dec.u32());
  const ByteView cred = dec.opaque(wire::kMaxAuthBytes);
  if (!dec.ok()) return reply(ReplyHeader::auth_error(xid, AuthStat::badcred));
  if (ctx.flavor == AuthFlavor::sys) {
    if (!wire::decode_auth_sys(cred, ctx.cred)) {
      return reply(ReplyHeader::auth_error(xid, AuthStat::badcred));
    }
  } else if (ctx.flavor != AuthFlavor::none) {
    return reply(ReplyHeader::auth_error(xid, AuthStat::badcred));
  }
  dec.u32();  // verifier flavor: AUTH_NONE and AUTH_SYS calls carry no checked verifier
  dec.opaque(wire::kMaxAuthBytes);
  if (!dec.ok()) return reply(ReplyHeader::auth_error(xid, AuthStat::badverf));

  const ProcLookup found = find_procedure(ctx.prog, ctx.vers, ctx.proc);
  switch (found.result) {
    case ProcLookup::Result::prog_unavail:
      return reply(ReplyHeader::accepted(xid, AcceptStat::prog_unavail));
    case ProcLookup::Result::prog_mismatch:
      return reply(ReplyHeader::prog_mismatch(xid, found.low, found.high));
    case ProcLookup::Result::proc_unavail:
      return reply(ReplyHeader::accepted(xid, AcceptStat::proc_unavail));
    case ProcLookup::Result::found:
      break;
  }
  a.kind = Admission::Kind::call;
  a.entry = found.entry;
  a.args = dec.rest();
  return a;
}

Task<Buffer> Dispatcher::run(const CallAdmission& call) {
  Buffer out;
  const std::size_t mark = wire::begin_record(out);
  wire::XdrEncoder enc(out);
  wire::XdrDecoder args(call.args);
  bool decoded = false;
  try {
    decoded = co_await call.entry->run(*call.entry, services_, call.ctx, args, enc);
  } catch (const std::exception& e) {
    zerofs::log::error("nfs3: {} (xid {:#x}) failed: {}", call.entry->name, call.ctx.xid, e.what());
    co_return framed_reply(ReplyHeader::accepted(call.ctx.xid, AcceptStat::system_err),
                           options_.max_fragment);
  }
  if (!decoded) {
    co_return framed_reply(ReplyHeader::accepted(call.ctx.xid, AcceptStat::garbage_args),
                           options_.max_fragment);
  }
  wire::end_record(out, mark, options_.max_fragment);
  co_return out;
}

Task<std::optional<Buffer>> Dispatcher::process(ByteView record, const PeerAddress& peer) {
  CallAdmission call = admit_call(record, options_.max_fragment);
  if (call.kind == CallAdmission::Kind::drop) co_return std::nullopt;
  if (call.kind == CallAdmission::Kind::reply) co_return std::move(call.reply);
  call.ctx.peer = peer;
  if (drc_ == nullptr || (call.entry->flags & kCanBeDup) == 0) {
    Buffer reply = co_await run(call);
    co_return std::move(reply);
  }
  const DrcKey key = DrcKey::make(call.ctx, call.args);
  Buffer cached;
  switch (drc_->start(key, &cached)) {
    case DuplicateRequestCache::Start::completed:
      co_return std::move(cached);
    case DuplicateRequestCache::Start::in_progress: {
      std::optional<Buffer> original = co_await drc_->wait(key, options_.drc_wait);
      co_return std::move(original);
    }
    case DuplicateRequestCache::Start::started:
      break;
  }
  std::optional<Buffer> reply;
  try {
    reply = co_await run(call);
  } catch (...) {
    drc_->abandon(key);
    throw;
  }
  drc_->finish(key, *reply);
  co_return std::move(reply);
}

}  // namespace nfs3
