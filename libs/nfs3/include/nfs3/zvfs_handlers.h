// ZvfsHandlers: the NFSv3 and MOUNT v3 procedures (RFC 1813) served from a zvfs::Filesystem
// (ARCHITECTURE §8, §10). Give it to RpcServer::listen as both handler objects:
//
//   auto fs = (co_await zvfs::Filesystem::open(config)).value();
//   nfs3::ZvfsHandlers handlers(*fs, {.read_only = fs->read_only()});
//   auto server = nfs3::RpcServer::listen(ex, server_options, handlers, handlers).value();
//
// What clients get:
// - Handles are nfs3/file_handle.h's (16 bytes, valid across restarts): BADHANDLE for a
//   handle we never made, STALE for an inode that was deleted.
// - Every reply carries the post-op attributes and wcc data RFC 1813 allows. The "before"
//   half of wcc data is read just before the change, not atomically with it.
// - Identity: AUTH_SYS uid/gid/groups; AUTH_NONE is `anonymous_uid`/`anonymous_gid`. The
//   owner of a regular file may READ and WRITE it whatever its mode (knfsd's owner
//   override: NFS has no open, so a file created 0444 must stay writable by its creator).
// - WRITE with UNSTABLE answers UNSTABLE and the server's write verifier, which is new for
//   every ZvfsHandlers (i.e. every server start). COMMIT returns once the file's data is
//   durable (zvfs fsync) and returns the verifier, so a client that sees it change re-sends
//   what it had not committed. DATA_SYNC and FILE_SYNC writes are made durable before the
//   reply and answer FILE_SYNC.
// - READDIR/READDIRPLUS: cookies are zvfs's (stable for as long as an entry exists and
//   across restarts), so the cookie verifier is a constant; a foreign non-zero verifier
//   gets NFS3ERR_BAD_COOKIE. Replies never exceed `count` / `maxcount`, and READDIRPLUS
//   entries never exceed `dircount` bytes of directory information.
// - FSINFO announces `max_io_size` for reads and writes (rtmax/wtmax/rtpref/wtpref); READ
//   and WRITE larger than it are clamped (WRITE answers the count it wrote).
// - `read_only` (or a read-only filesystem) clears MODIFY/EXTEND/DELETE from ACCESS
//   answers; the RPC layer answers ROFS for the writing procedures when its
//   ServerOptions::read_only is set, so set both.
// - MOUNT: MNT of `export_path` or any directory below it (resolved with the caller's
//   identity) answers its handle and AUTH_SYS/AUTH_NONE; DUMP lists the MNTs not yet
//   UMNTed; EXPORT lists `export_path` for everyone.
// Errors from zvfs reach the client through to_nfsstat3 (nfs3/errors.h).
//
// Thread safety: all procedures may run concurrently; the mount list is locked. Lifetime:
// the filesystem must outlive the handlers, and the handlers every task they run.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "nfs3/handlers.h"
#include "zvfs/filesystem.h"

namespace nfs3 {

struct ZvfsHandlersOptions {
  std::string export_path = "/";
  bool read_only = false;
  std::uint64_t fsid = 0x7a65726f6673;  // fattr3.fsid of every file ("zerofs")
  std::uint32_t anonymous_uid = 65534;  // AUTH_NONE callers ("nobody")
  std::uint32_t anonymous_gid = 65534;
  std::uint32_t max_io_size = std::uint32_t{1} << 20;  // READ/WRITE bytes per call
};

class ZvfsHandlers final : public Nfs3Handlers, public MountHandlers {
 public:
  explicit ZvfsHandlers(zvfs::Filesystem& fs, ZvfsHandlersOptions options = {});
  ZvfsHandlers(const ZvfsHandlers&) = delete;
  ZvfsHandlers& operator=(const ZvfsHandlers&) = delete;

  // This instance's WRITE/COMMIT verifier (random, different for every instance).
  const wire::WriteVerf3& write_verifier() const noexcept { return write_verifier_; }
  const ZvfsHandlersOptions& options() const noexcept { return options_; }

  // --- Nfs3Handlers (ops_attr.cc, ops_data.cc, ops_names.cc, ops_readdir.cc)
  Task<wire::GetattrRes> getattr(const CallContext& ctx, const wire::GetattrArgs& args) override;
  Task<wire::SetattrRes> setattr(const CallContext& ctx, const wire::SetattrArgs& args) override;
  Task<wire::LookupRes> lookup(const CallContext& ctx, const wire::LookupArgs& args) override;
  Task<wire::AccessRes> access(const CallContext& ctx, const wire::AccessArgs& args) override;
  Task<wire::ReadlinkRes> readlink(const CallContext& ctx, const wire::ReadlinkArgs& args) override;
  Task<wire::ReadRes> read(const CallContext& ctx, const wire::ReadArgs& args) override;
  Task<wire::WriteRes> write(const CallContext& ctx, const wire::WriteArgs& args) override;
  Task<wire::CreateRes> create(const CallContext& ctx, const wire::CreateArgs& args) override;
  Task<wire::MkdirRes> mkdir(const CallContext& ctx, const wire::MkdirArgs& args) override;
  Task<wire::SymlinkRes> symlink(const CallContext& ctx, const wire::SymlinkArgs& args) override;
  Task<wire::MknodRes> mknod(const CallContext& ctx, const wire::MknodArgs& args) override;
  Task<wire::RemoveRes> remove(const CallContext& ctx, const wire::RemoveArgs& args) override;
  Task<wire::RmdirRes> rmdir(const CallContext& ctx, const wire::RmdirArgs& args) override;
  Task<wire::RenameRes> rename(const CallContext& ctx, const wire::RenameArgs& args) override;
  Task<wire::LinkRes> link(const CallContext& ctx, const wire::LinkArgs& args) override;
  Task<wire::ReaddirRes> readdir(const CallContext& ctx, const wire::ReaddirArgs& args) override;
  Task<wire::ReaddirplusRes> readdirplus(const CallContext& ctx,
                                         const wire::ReaddirplusArgs& args) override;
  Task<wire::FsstatRes> fsstat(const CallContext& ctx, const wire::FsstatArgs& args) override;
  Task<wire::FsinfoRes> fsinfo(const CallContext& ctx, const wire::FsinfoArgs& args) override;
  Task<wire::PathconfRes> pathconf(const CallContext& ctx, const wire::PathconfArgs& args) override;
  Task<wire::CommitRes> commit(const CallContext& ctx, const wire::CommitArgs& args) override;

  // --- MountHandlers (ops_mount.cc)
  Task<wire::MntRes> mnt(const CallContext& ctx, const wire::MntArgs& args) override;
  Task<wire::DumpRes> dump(const CallContext& ctx, const wire::Void& args) override;
  Task<wire::Void> umnt(const CallContext& ctx, const wire::UmntArgs& args) override;
  Task<wire::Void> umntall(const CallContext& ctx, const wire::Void& args) override;
  Task<wire::ExportRes> exports(const CallContext& ctx, const wire::Void& args) override;

 private:
  // Constant after construction.
  zvfs::Filesystem& fs_;
  const ZvfsHandlersOptions options_;
  const wire::WriteVerf3 write_verifier_;

  std::mutex mounts_mutex_;
  std::vector<wire::MountBody> mounts_;  // GUARDED_BY(mounts_mutex_)
};

// The same, on the heap (for owners that keep it beside the server).
std::unique_ptr<ZvfsHandlers> make_zvfs_handlers(zvfs::Filesystem& fs,
                                                 ZvfsHandlersOptions options = {});

}  // namespace nfs3
