#include "nfs3/proc_table.h"

#include <array>

#include "proc_runner.h"

namespace nfs3 {

namespace {

using namespace wire;
using detail::decode_only;
using detail::run_mount;
using detail::run_nfs3;
using detail::run_null;

constexpr std::uint32_t kWrite = kMakesWrite | kCanBeDup;

template <typename Args, typename Res, auto Method>
constexpr ProcEntry nfs(std::string_view name, std::uint32_t flags) {
  return {name, flags, &run_nfs3<Args, Res, Method>, &decode_only<Args>};
}

template <typename Args, typename Res, auto Method>
constexpr ProcEntry mount(std::string_view name) {
  return {name, 0, &run_mount<Args, Res, Method>, &decode_only<Args>};
}

using H = Nfs3Handlers;
const std::array<ProcEntry, kNfs3ProcCount> kNfs3Procs = {{
    {"NULL", 0, &run_null, &decode_only<Void>},
    nfs<GetattrArgs, GetattrRes, &H::getattr>("GETATTR", 0),
    nfs<SetattrArgs, SetattrRes, &H::setattr>("SETATTR", kWrite),
    nfs<LookupArgs, LookupRes, &H::lookup>("LOOKUP", 0),
    nfs<AccessArgs, AccessRes, &H::access>("ACCESS", 0),
    nfs<ReadlinkArgs, ReadlinkRes, &H::readlink>("READLINK", 0),
    nfs<ReadArgs, ReadRes, &H::read>("READ", 0),
    nfs<WriteArgs, WriteRes, &H::write>("WRITE", kWrite),
    nfs<CreateArgs, CreateRes, &H::create>("CREATE", kWrite),
    nfs<MkdirArgs, MkdirRes, &H::mkdir>("MKDIR", kWrite),
    nfs<SymlinkArgs, SymlinkRes, &H::symlink>("SYMLINK", kWrite),
    nfs<MknodArgs, MknodRes, &H::mknod>("MKNOD", kWrite),
    nfs<RemoveArgs, RemoveRes, &H::remove>("REMOVE", kWrite),
    nfs<RmdirArgs, RmdirRes, &H::rmdir>("RMDIR", kWrite),
    nfs<RenameArgs, RenameRes, &H::rename>("RENAME", kWrite),
    nfs<LinkArgs, LinkRes, &H::link>("LINK", kWrite),
    nfs<ReaddirArgs, ReaddirRes, &H::readdir>("READDIR", 0),
    nfs<ReaddirplusArgs, ReaddirplusRes, &H::readdirplus>("READDIRPLUS", 0),
    nfs<FsstatArgs, FsstatRes, &H::fsstat>("FSSTAT", 0),
    nfs<FsinfoArgs, FsinfoRes, &H::fsinfo>("FSINFO", 0),
    nfs<PathconfArgs, PathconfRes, &H::pathconf>("PATHCONF", 0),
    // COMMIT is idempotent but only meaningful after writes: read-only mode refuses it.
    nfs<CommitArgs, CommitRes, &H::commit>("COMMIT", kMakesWrite),
}};

using M = MountHandlers;
const std::array<ProcEntry, kMountProcCount> kMountProcs = {{
    {"MOUNT_NULL", 0, &run_null, &decode_only<Void>},
    mount<MntArgs, MntRes, &M::mnt>("MNT"),
    mount<Void, DumpRes, &M::dump>("DUMP"),
    mount<UmntArgs, Void, &M::umnt>("UMNT"),
    mount<Void, Void, &M::umntall>("UMNTALL"),
    mount<Void, ExportRes, &M::exports>("EXPORT"),
}};

// The portmapper knows only the programs of this server, all on one TCP port.
std::uint32_t portmap_port(const Mapping& m, std::uint16_t port) {
  if (m.prot != kIpprotoTcp) return 0;
  for (const Program& p : programs()) {
    if (p.prog == m.prog && p.version == m.vers) return port;
  }
  return 0;
}

Task<bool> run_pmap_refuse(const ProcEntry&, const Services&, const CallContext& ctx,
                           XdrDecoder& in, XdrEncoder& out) {
  Mapping m;
  if (!decode(in, m)) co_return false;
  detail::encode_success_header(out, ctx.xid);
  encode(out, PortmapBool{false});
  co_return true;
}

Task<bool> run_pmap_getport(const ProcEntry&, const Services& services, const CallContext& ctx,
                            XdrDecoder& in, XdrEncoder& out) {
  Mapping m;
  if (!decode(in, m)) co_return false;
  detail::encode_success_header(out, ctx.xid);
  encode(out, PortmapPort{portmap_port(m, services.port)});
  co_return true;
}

Task<bool> run_pmap_dump(const ProcEntry&, const Services& services, const CallContext& ctx,
                         XdrDecoder&, XdrEncoder& out) {
  PortmapList list;
  for (const Program& p : programs()) {
    list.mappings.push_back({p.prog, p.version, kIpprotoTcp, services.port});
  }
  detail::encode_success_header(out, ctx.xid);
  encode(out, list);
  co_return true;
}

const std::array<ProcEntry, kPortmapProcCount> kPortmapProcs = {{
    {"PMAP_NULL", 0, &run_null, &decode_only<Void>},
    {"PMAP_SET", 0, &run_pmap_refuse, &decode_only<Mapping>},
    {"PMAP_UNSET", 0, &run_pmap_refuse, &decode_only<Mapping>},
    {"PMAP_GETPORT", 0, &run_pmap_getport, &decode_only<Mapping>},
    {"PMAP_DUMP", 0, &run_pmap_dump, &decode_only<Void>},
}};

const std::array<Program, 3> kPrograms = {{
    {kNfsProgram, kNfsVersion, "nfs", kNfs3Procs},
    {kMountProgram, kMountVersion, "mount", kMountProcs},
    {kPortmapProgram, kPortmapVersion, "portmap", kPortmapProcs},
}};

}  // namespace

std::span<const Program> programs() noexcept { return kPrograms; }

ProcLookup find_procedure(std::uint32_t prog, std::uint32_t vers, std::uint32_t proc) noexcept {
  ProcLookup r;
  for (const Program& p : kPrograms) {
    if (p.prog != prog) continue;
    r.low = r.high = p.version;
    if (vers != p.version) {
      r.result = ProcLookup::Result::prog_mismatch;
    } else if (proc >= p.procs.size()) {
      r.result = ProcLookup::Result::proc_unavail;
    } else {
      r.result = ProcLookup::Result::found;
      r.entry = &p.procs[proc];
    }
    return r;
  }
  return r;
}

}  // namespace nfs3
