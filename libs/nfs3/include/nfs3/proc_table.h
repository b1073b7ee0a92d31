// The procedure table (nfs-ganesha style): for each (program, version, procedure) its name,
// how to decode its arguments, the handler to run, how to encode its result, and flags that
// drive shared policy in the dispatcher.
//
// Served: NFS 100003 v3 (22 procedures), MOUNT 100005 v3 (6), portmapper 100000 v2 (5;
// CALLIT is not served). The tables are constant and safe to read from any thread.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

#include "base/async.h"
#include "nfs3/handlers.h"
#include "nfs3/wire/xdr.h"

namespace nfs3 {

enum ProcFlag : std::uint32_t {
  kMakesWrite = 1u << 0,  // changes the file system: NFS3ERR_ROFS in read-only mode
  // 1u << 1 was kNeedsCred: NFS now accepts AUTH_NONE callers (the handlers map them to
  // nobody), as the Linux and macOS clients may send it for some calls.
  kCanBeDup = 1u << 2,  // not idempotent: retransmissions are served from the DRC
};

// What the procedures run against.
struct Services {
  Nfs3Handlers* nfs = nullptr;
  MountHandlers* mount = nullptr;
  std::uint16_t port = 0;  // where NFS and MOUNT are served (portmapper GETPORT/DUMP)
  bool read_only = false;
};

struct ProcEntry {
  std::string_view name;
  std::uint32_t flags = 0;
  // Decodes the arguments from `args`. If they do not decode, returns false having written
  // nothing (the caller answers GARBAGE_ARGS). Otherwise runs the procedure (or answers
  // NFS3ERR_ROFS, see kMakesWrite) and appends the accepted-SUCCESS reply header for
  // ctx.xid and the encoded result to `reply`.
  Task<bool> (*run)(const ProcEntry& self, const Services& services, const CallContext& ctx,
                    wire::XdrDecoder& args, wire::XdrEncoder& reply) = nullptr;
  // Decodes the arguments and discards them: for fuzzing and tests.
  bool (*decode_args)(wire::XdrDecoder& args) = nullptr;
};

struct Program {
  std::uint32_t prog = 0;
  std::uint32_t version = 0;  // the one version served
  std::string_view name;
  std::span<const ProcEntry> procs;  // indexed by procedure number
};

std::span<const Program> programs() noexcept;

struct ProcLookup {
  enum class Result { found, prog_unavail, prog_mismatch, proc_unavail };
  Result result = Result::prog_unavail;
  const ProcEntry* entry = nullptr;  // when found
  std::uint32_t low = 0;             // versions served, for prog_mismatch
  std::uint32_t high = 0;
};
ProcLookup find_procedure(std::uint32_t prog, std::uint32_t vers, std::uint32_t proc) noexcept;

}  // namespace nfs3
