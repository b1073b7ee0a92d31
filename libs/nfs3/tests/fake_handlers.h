// Fake NFS and MOUNT handlers for dispatcher and server tests: canned results, call counts,
// and hooks to hold a request (Gate), make one throw, or watch concurrency.
#pragma once

#include <boost/asio/steady_timer.hpp>
#include <map>
#include <stdexcept>
#include <string>

#include "nfs3/handlers.h"
#include "samples.h"

namespace nfs3::testing {

namespace asio = zerofs::asio;

// Holds any number of coroutines until open(). Single-threaded use.
class Gate {
 public:
  explicit Gate(asio::any_io_executor ex)
      : timer_(std::move(ex), std::chrono::steady_clock::time_point::max()) {}
  Task<void> wait() {
    if (open_) co_return;
    co_await timer_.async_wait(asio::as_tuple(asio::use_awaitable));
  }
  void open() {
    open_ = true;
    timer_.cancel();
  }

 private:
  bool open_ = false;
  asio::steady_timer timer_;
};

// READ with offset kHoldOffset waits for `hold`; REMOVE waits for `hold_remove`; SETATTR with
// mode kThrowMode throws; CREATE and REMOVE fail when run a second time.
class FakeNfs : public Nfs3Handlers {
 public:
  static constexpr std::uint64_t kHoldOffset = 0xdead0000;
  static constexpr std::uint32_t kThrowMode = 0xbad;

  explicit FakeNfs(asio::any_io_executor ex) : hold(ex), hold_remove(ex) {}

  Gate hold;         // held READs
  Gate hold_remove;  // every REMOVE
  std::map<std::string, int> calls;
  int running_reads = 0;
  int max_running_reads = 0;
  CallContext last_ctx;

  Task<wire::GetattrRes> getattr(const CallContext& ctx, const wire::GetattrArgs& a) override {
    note("GETATTR", ctx);
    wire::GetattrRes r;
    r.obj_attributes = sample_fattr(static_cast<int>(a.object.size()));
    co_return r;
  }
  Task<wire::SetattrRes> setattr(const CallContext& ctx, const wire::SetattrArgs& a) override {
    note("SETATTR", ctx);
    if (a.new_attributes.mode == kThrowMode) throw std::runtime_error("fake failure");
    wire::SetattrRes r;
    r.obj_wcc = sample_wcc(1);
    co_return r;
  }
  Task<wire::LookupRes> lookup(const CallContext& ctx, const wire::LookupArgs& a) override {
    note("LOOKUP", ctx);
    wire::LookupRes r;
    if (a.what.name == "missing") {
      r.status = wire::Nfsstat3::noent;
    } else {
      r.object = sample_fh(static_cast<int>(a.what.name.size()));
    }
    co_return r;
  }
  Task<wire::AccessRes> access(const CallContext& ctx, const wire::AccessArgs& a) override {
    note("ACCESS", ctx);
    wire::AccessRes r;
    r.access = a.access;
    co_return r;
  }
  Task<wire::ReadlinkRes> readlink(const CallContext& ctx, const wire::ReadlinkArgs&) override {
    note("READLINK", ctx);
    wire::ReadlinkRes r;
    r.data = "target";
    co_return r;
  }
  Task<wire::ReadRes> read(const CallContext& ctx, const wire::ReadArgs& a) override {
    note("READ", ctx);
    ++running_reads;
    max_running_reads = std::max(max_running_reads, running_reads);
    if (a.offset == kHoldOffset) co_await hold.wait();
    --running_reads;
    wire::ReadRes r;
    r.count = a.count;
    r.eof = true;
    r.data = zerofs::Buffer(a.count);
    for (std::uint32_t i = 0; i < a.count; ++i)
      r.data[i] = std::byte(static_cast<unsigned char>(i));
    co_return r;
  }
  Task<wire::WriteRes> write(const CallContext& ctx, const wire::WriteArgs& a) override {
    note("WRITE", ctx);
    wire::WriteRes r;
    r.count = static_cast<std::uint32_t>(a.data.size());
    co_return r;
  }
  Task<wire::CreateRes> create(const CallContext& ctx, const wire::CreateArgs&) override {
    note("CREATE", ctx);
    wire::CreateRes r;
    // The second CREATE of a name fails: a retransmission must not reach the handler.
    if (calls["CREATE"] > 1) {
      r.status = wire::Nfsstat3::exist;
    } else {
      r.obj = sample_fh(77);
    }
    co_return r;
  }
  Task<wire::MkdirRes> mkdir(const CallContext& ctx, const wire::MkdirArgs&) override {
    note("MKDIR", ctx);
    co_return wire::MkdirRes{};
  }
  Task<wire::SymlinkRes> symlink(const CallContext& ctx, const wire::SymlinkArgs&) override {
    note("SYMLINK", ctx);
    co_return wire::SymlinkRes{};
  }
  Task<wire::MknodRes> mknod(const CallContext& ctx, const wire::MknodArgs&) override {
    note("MKNOD", ctx);
    co_return wire::MknodRes{};
  }
  Task<wire::RemoveRes> remove(const CallContext& ctx, const wire::RemoveArgs&) override {
    note("REMOVE", ctx);
    wire::RemoveRes r;
    // Held removes let a test retransmit while the original is still running.
    co_await hold_remove.wait();
    if (calls["REMOVE"] > 1) r.status = wire::Nfsstat3::noent;
    co_return r;
  }
  Task<wire::RmdirRes> rmdir(const CallContext& ctx, const wire::RmdirArgs&) override {
    note("RMDIR", ctx);
    co_return wire::RmdirRes{};
  }
  Task<wire::RenameRes> rename(const CallContext& ctx, const wire::RenameArgs&) override {
    note("RENAME", ctx);
    co_return wire::RenameRes{};
  }
  Task<wire::LinkRes> link(const CallContext& ctx, const wire::LinkArgs&) override {
    note("LINK", ctx);
    co_return wire::LinkRes{};
  }
  Task<wire::ReaddirRes> readdir(const CallContext& ctx, const wire::ReaddirArgs&) override {
    note("READDIR", ctx);
    co_return wire::ReaddirRes{};
  }
  Task<wire::ReaddirplusRes> readdirplus(const CallContext& ctx,
                                         const wire::ReaddirplusArgs&) override {
    note("READDIRPLUS", ctx);
    co_return wire::ReaddirplusRes{};
  }
  Task<wire::FsstatRes> fsstat(const CallContext& ctx, const wire::FsstatArgs&) override {
    note("FSSTAT", ctx);
    co_return wire::FsstatRes{};
  }
  Task<wire::FsinfoRes> fsinfo(const CallContext& ctx, const wire::FsinfoArgs&) override {
    note("FSINFO", ctx);
    wire::FsinfoRes r;
    r.rtmax = r.wtmax = 1u << 20;
    co_return r;
  }
  Task<wire::PathconfRes> pathconf(const CallContext& ctx, const wire::PathconfArgs&) override {
    note("PATHCONF", ctx);
    co_return wire::PathconfRes{};
  }
  Task<wire::CommitRes> commit(const CallContext& ctx, const wire::CommitArgs&) override {
    note("COMMIT", ctx);
    co_return wire::CommitRes{};
  }

 private:
  void note(const char* name, const CallContext& ctx) {
    ++calls[name];
    last_ctx = ctx;
  }
};

class FakeMount : public MountHandlers {
 public:
  std::map<std::string, int> calls;

  Task<wire::MntRes> mnt(const CallContext&, const wire::MntArgs& a) override {
    ++calls["MNT"];
    wire::MntRes r;
    if (a.dirpath != "/") {
      r.status = wire::Mountstat3::noent;
    } else {
      r.fhandle = sample_fh(0);
      r.auth_flavors = {1};
    }
    co_return r;
  }
  Task<wire::DumpRes> dump(const CallContext&, const wire::Void&) override {
    ++calls["DUMP"];
    wire::DumpRes r;
    r.mounts = {{"client", "/"}};
    co_return r;
  }
  Task<wire::Void> umnt(const CallContext&, const wire::UmntArgs&) override {
    ++calls["UMNT"];
    co_return wire::Void{};
  }
  Task<wire::Void> umntall(const CallContext&, const wire::Void&) override {
    ++calls["UMNTALL"];
    co_return wire::Void{};
  }
  Task<wire::ExportRes> exports(const CallContext&, const wire::Void&) override {
    ++calls["EXPORT"];
    wire::ExportRes r;
    r.exports = {{"/", {}}};
    co_return r;
  }
};

}  // namespace nfs3::testing
