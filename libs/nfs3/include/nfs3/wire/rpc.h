// ONC RPC version 2 messages (RFC 5531): call and reply headers, AUTH_NONE and
// AUTH_SYS (AUTH_UNIX) credentials. Pure codec: no I/O.
//
// Frozen by RFC 5531; values below are the protocol's.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

#include "nfs3/wire/xdr.h"

namespace nfs3::wire {

inline constexpr std::uint32_t kRpcVersion = 2;
inline constexpr std::size_t kMaxAuthBytes = 400;    // opaque_auth body<400>
inline constexpr std::size_t kMaxMachineName = 255;  // authsys_parms machinename<255>
inline constexpr std::size_t kMaxAuthGroups = 16;    // authsys_parms gids<16>

enum class MsgType : std::uint32_t { call = 0, reply = 1 };
enum class AuthFlavor : std::uint32_t { none = 0, sys = 1, short_hand = 2, dh = 3, rpcsec_gss = 6 };
enum class ReplyStat : std::uint32_t { accepted = 0, denied = 1 };
enum class AcceptStat : std::uint32_t {
  success = 0,
  prog_unavail = 1,
  prog_mismatch = 2,
  proc_unavail = 3,
  garbage_args = 4,
  system_err = 5,
};
enum class RejectStat : std::uint32_t { rpc_mismatch = 0, auth_error = 1 };
enum class AuthStat : std::uint32_t {
  ok = 0,
  badcred = 1,
  rejectedcred = 2,
  badverf = 3,
  rejectedverf = 4,
  tooweak = 5,
  invalidresp = 6,
  failed = 7,
};

// opaque_auth; the body is a view into the message.
struct OpaqueAuth {
  AuthFlavor flavor = AuthFlavor::none;
  ByteView body;

  friend bool operator==(const OpaqueAuth& a, const OpaqueAuth& b) noexcept {
    return a.flavor == b.flavor && zerofs::bytes_equal(a.body, b.body);
  }
};

// authsys_parms: the caller's claimed identity. Groups are stored inline (at most 16).
struct AuthSys {
  std::uint32_t stamp = 0;
  std::string machinename;
  std::uint32_t uid = 0;
  std::uint32_t gid = 0;
  std::uint32_t gid_count = 0;
  std::array<std::uint32_t, kMaxAuthGroups> gids{};

  std::span<const std::uint32_t> groups() const noexcept { return {gids.data(), gid_count}; }
  void add_group(std::uint32_t g) noexcept {
    if (gid_count < kMaxAuthGroups) gids[gid_count++] = g;
  }
  friend bool operator==(const AuthSys&, const AuthSys&) = default;
};

struct CallHeader {
  std::uint32_t xid = 0;
  std::uint32_t rpcvers = kRpcVersion;
  std::uint32_t prog = 0;
  std::uint32_t vers = 0;
  std::uint32_t proc = 0;
  OpaqueAuth cred;
  OpaqueAuth verf;
  friend bool operator==(const CallHeader&, const CallHeader&) = default;
};

// A reply header. Fields past `stat` are meaningful only for the arm the stats select:
// accepted → verf, accept (and mismatch_* for prog_mismatch); denied → reject (and
// mismatch_* for rpc_mismatch, auth for auth_error). Results follow an accepted success.
struct ReplyHeader {
  std::uint32_t xid = 0;
  ReplyStat stat = ReplyStat::accepted;
  OpaqueAuth verf;
  AcceptStat accept = AcceptStat::success;
  RejectStat reject = RejectStat::rpc_mismatch;
  AuthStat auth = AuthStat::ok;
  std::uint32_t mismatch_low = 0;
  std::uint32_t mismatch_high = 0;

  static ReplyHeader accepted(std::uint32_t xid, AcceptStat s) noexcept;
  static ReplyHeader prog_mismatch(std::uint32_t xid, std::uint32_t low,
                                   std::uint32_t high) noexcept;
  static ReplyHeader rpc_mismatch(std::uint32_t xid) noexcept;
  static ReplyHeader auth_error(std::uint32_t xid, AuthStat s) noexcept;
  friend bool operator==(const ReplyHeader&, const ReplyHeader&) = default;
};

// Bytes of an accepted reply header with an AUTH_NONE verifier (xid, mtype, reply_stat,
// verifier flavor and length, accept_stat): what precedes the results of a successful call.
inline constexpr std::size_t kAcceptedReplyHeaderSize = 24;

// The whole call header, message type included. The decoder accepts any rpcvers and any
// flavor: the dispatcher decides what to answer. Returns dec.ok().
void encode(XdrEncoder& enc, const CallHeader& h);
bool decode(XdrDecoder& dec, CallHeader& h);

// The whole reply header, message type included. decode() refuses a call message.
void encode(XdrEncoder& enc, const ReplyHeader& h);
bool decode(XdrDecoder& dec, ReplyHeader& h);

// authsys_parms, the body of an AUTH_SYS credential.
void encode(XdrEncoder& enc, const AuthSys& a);
bool decode(XdrDecoder& dec, AuthSys& a);
// Decodes a credential body; false unless it starts with a well-formed authsys_parms.
bool decode_auth_sys(ByteView body, AuthSys& out);

}  // namespace nfs3::wire
