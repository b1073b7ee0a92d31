// Turns one RPC record into its reply: parses the call header, applies the shared policy
// (RPC version, credentials, program/version/procedure lookup, duplicate-request cache) and runs
// the procedure from the table. No I/O: the connection hands it records and writes what it returns,
// so it is testable and fuzzable without sockets.
//
// What a call gets:
//   unreadable xid or message type, or a reply message  → nothing (dropped)
//   rpcvers != 2                                        → MSG_DENIED RPC_MISMATCH(2, 2)
//   malformed or unsupported credential / verifier      → MSG_DENIED AUTH_ERROR BADCRED/BADVERF
//   unknown program / other version / unknown procedure → PROG_UNAVAIL / PROG_MISMATCH /
//                                                         PROC_UNAVAIL
//   arguments that do not decode, truncated header      → GARBAGE_ARGS
//   handler threw                                       → SYSTEM_ERR
// AUTH_NONE and AUTH_SYS calls both reach the handlers (CallContext::flavor tells them
// apart; the NFS handlers treat AUTH_NONE as nobody).
// Replies carry an AUTH_NONE verifier and are framed with a record mark.
//
// Thread safety: process() may run concurrently from many connections; the dispatcher is
// immutable after construction and the DRC is internally locked.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>

#include "base/async.h"
#include "base/buffer.h"
#include "nfs3/duplicate_request_cache.h"
#include "nfs3/handlers.h"
#include "nfs3/proc_table.h"
#include "nfs3/wire/record.h"
#include "nfs3/wire/rpc.h"

namespace nfs3 {

// What to do with a record: the first, synchronous half of Dispatcher::process(). Pure:
// parses the call header and applies the RPC-level policy above (no handler runs).
struct CallAdmission {
  enum class Kind { drop, reply, call };
  Kind kind = Kind::drop;
  zerofs::Buffer reply;              // kind == reply: the framed reply
  const ProcEntry* entry = nullptr;  // kind == call
  CallContext ctx;                   // kind == call (peer left empty)
  zerofs::ByteView args;             // kind == call: the argument bytes (view of the record)
};
CallAdmission admit_call(zerofs::ByteView record,
                         std::size_t max_fragment = wire::kMaxFragmentSize);

// A framed reply consisting of `header` alone (errors; also used by tests).
zerofs::Buffer framed_reply(const wire::ReplyHeader& header,
                            std::size_t max_fragment = wire::kMaxFragmentSize);

class Dispatcher {
 public:
  struct Options {
    bool read_only = false;
    std::uint16_t port = 0;  // the server's port, announced by the portmapper
    std::size_t max_fragment = wire::kMaxFragmentSize;
    // How long a retransmission waits for the original call still running.
    std::chrono::milliseconds drc_wait{30000};
  };

  // The handlers (and `drc`, when not null) must outlive the dispatcher and its tasks.
  Dispatcher(Nfs3Handlers& nfs, MountHandlers& mount, DuplicateRequestCache* drc, Options options);

  // The framed reply to `record`, or nullopt when nothing is to be sent. `record` must
  // stay valid until the task completes.
  Task<std::optional<zerofs::Buffer>> process(zerofs::ByteView record, const PeerAddress& peer);

  const Services& services() const noexcept { return services_; }

 private:
  Task<zerofs::Buffer> run(const CallAdmission& call);

  Services services_;
  DuplicateRequestCache* drc_;
  Options options_;
};

}  // namespace nfs3
