// The procedure handlers the RPC layer calls: one virtual coroutine per NFSv3 and MOUNT v3
// procedure, taking the decoded arguments and returning the result to encode.
//
// The zvfs-backed implementation lives with the ops; tests use fakes. The RPC layer has
// already decoded the arguments, accepted only AUTH_NONE and AUTH_SYS credentials (an
// AUTH_NONE caller is to be treated as nobody) and, in read-only mode, answered NFS3ERR_ROFS for
// procedures that write without calling the handler. Handlers report failures in the result's
// status (see to_nfsstat3); an exception escaping a handler becomes an RPC SYSTEM_ERR reply.
//
// Concurrency: calls for many requests run at once, including several from one connection,
// on the server's executor. `ctx` and `args` stay valid until the returned task completes.
// The handlers object must outlive the server and every task it runs (i.e. the executor).
#pragma once

#include <array>
#include <cstdint>
#include <string>

#include "base/async.h"
#include "nfs3/wire/mount.h"
#include "nfs3/wire/nfs3_messages.h"
#include "nfs3/wire/rpc.h"

namespace nfs3 {

// Where a call came from, as plain data (no Asio types in the handler interface).
struct PeerAddress {
  bool is_v6 = false;
  std::array<std::uint8_t, 16> bytes{};  // IPv4 uses the first 4
  std::uint16_t port = 0;

  // "192.0.2.1" or "2001:db8::1", without the port.
  std::string host() const;
  friend bool operator==(const PeerAddress&, const PeerAddress&) = default;
};

struct CallContext {
  std::uint32_t xid = 0;
  std::uint32_t prog = 0;
  std::uint32_t vers = 0;
  std::uint32_t proc = 0;
  wire::AuthFlavor flavor = wire::AuthFlavor::none;
  wire::AuthSys cred;  // the caller's identity when flavor == AuthFlavor::sys
  PeerAddress peer;
};

template <typename T>
using Task = zerofs::Task<T>;

class Nfs3Handlers {
 public:
  virtual ~Nfs3Handlers() = default;

  // NULL is answered by the RPC layer.
  virtual Task<wire::GetattrRes> getattr(const CallContext& ctx, const wire::GetattrArgs& args) = 0;
  virtual Task<wire::SetattrRes> setattr(const CallContext& ctx, const wire::SetattrArgs& args) = 0;
  virtual Task<wire::LookupRes> lookup(const CallContext& ctx, const wire::LookupArgs& args) = 0;
  virtual Task<wire::AccessRes> access(const CallContext& ctx, const wire::AccessArgs& args) = 0;
  virtual Task<wire::ReadlinkRes> readlink(const CallContext& ctx,
                                           const wire::ReadlinkArgs& args) = 0;
  virtual Task<wire::ReadRes> read(const CallContext& ctx, const wire::ReadArgs& args) = 0;
  virtual Task<wire::WriteRes> write(const CallContext& ctx, const wire::WriteArgs& args) = 0;
  virtual Task<wire::CreateRes> create(const CallContext& ctx, const wire::CreateArgs& args) = 0;
  virtual Task<wire::MkdirRes> mkdir(const CallContext& ctx, const wire::MkdirArgs& args) = 0;
  virtual Task<wire::SymlinkRes> symlink(const CallContext& ctx, const wire::SymlinkArgs& args) = 0;
  virtual Task<wire::MknodRes> mknod(const CallContext& ctx, const wire::MknodArgs& args) = 0;
  virtual Task<wire::RemoveRes> remove(const CallContext& ctx, const wire::RemoveArgs& args) = 0;
  virtual Task<wire::RmdirRes> rmdir(const CallContext& ctx, const wire::RmdirArgs& args) = 0;
  virtual Task<wire::RenameRes> rename(const CallContext& ctx, const wire::RenameArgs& args) = 0;
  virtual Task<wire::LinkRes> link(const CallContext& ctx, const wire::LinkArgs& args) = 0;
  virtual Task<wire::ReaddirRes> readdir(const CallContext& ctx, const wire::ReaddirArgs& args) = 0;
  virtual Task<wire::ReaddirplusRes> readdirplus(const CallContext& ctx,
                                                 const wire::ReaddirplusArgs& args) = 0;
  virtual Task<wire::FsstatRes> fsstat(const CallContext& ctx, const wire::FsstatArgs& args) = 0;
  virtual Task<wire::FsinfoRes> fsinfo(const CallContext& ctx, const wire::FsinfoArgs& args) = 0;
  virtual Task<wire::PathconfRes> pathconf(const CallContext& ctx,
                                           const wire::PathconfArgs& args) = 0;
  virtual Task<wire::CommitRes> commit(const CallContext& ctx, const wire::CommitArgs& args) = 0;
};

class MountHandlers {
 public:
  virtual ~MountHandlers() = default;

  // NULL is answered by the RPC layer. UMNT and UMNTALL have no result.
  virtual Task<wire::MntRes> mnt(const CallContext& ctx, const wire::MntArgs& args) = 0;
  virtual Task<wire::DumpRes> dump(const CallContext& ctx, const wire::Void& args) = 0;
  virtual Task<wire::Void> umnt(const CallContext& ctx, const wire::UmntArgs& args) = 0;
  virtual Task<wire::Void> umntall(const CallContext& ctx, const wire::Void& args) = 0;
  virtual Task<wire::ExportRes> exports(const CallContext& ctx, const wire::Void& args) = 0;
};

}  // namespace nfs3
