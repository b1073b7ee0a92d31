#include "libnfs_client.h"

#include <poll.h>

#include <chrono>
#include <cstring>

#include "test_support/catch.h"

namespace nfs3::testing {

namespace {

struct Pending {
  bool done = false;
  int status = RPC_STATUS_SUCCESS;
  std::string error;
  const std::function<void(void*)>* consume = nullptr;
};

void on_reply(rpc_context*, int status, void* data, void* private_data) {
  auto* p = static_cast<Pending*>(private_data);
  p->done = true;
  p->status = status;
  if (status == RPC_STATUS_SUCCESS) {
    if (p->consume != nullptr && data != nullptr) (*p->consume)(data);
  } else if (data != nullptr && status == RPC_STATUS_ERROR) {
    p->error = static_cast<const char*>(data);
  }
}

// Runs the context's event loop until `p` completes.
void pump(rpc_context* rpc, Pending& p) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (!p.done) {
    REQUIRE(std::chrono::steady_clock::now() < deadline);
    pollfd pfd{rpc_get_fd(rpc), static_cast<short>(rpc_which_events(rpc)), 0};
    const int n = poll(&pfd, 1, 1000);
    REQUIRE(n >= 0);
    if (rpc_service(rpc, n == 0 ? 0 : pfd.revents) < 0) {
      FAIL("rpc_service: " << rpc_get_error(rpc));
    }
  }
}

}  // namespace

LibnfsClient::LibnfsClient(std::uint16_t port, const Identity& who) {
  rpc_ = rpc_init_context();
  REQUIRE(rpc_ != nullptr);
  if (who.none) {
    rpc_set_auth(rpc_, libnfs_authnone_create());
  } else {
    std::vector<std::uint32_t> groups = who.groups;
    rpc_set_auth(rpc_,
                 libnfs_authunix_create("zerofs-test", who.uid, who.gid,
                                        static_cast<std::uint32_t>(groups.size()), groups.data()));
  }
  Pending p;
  REQUIRE(rpc_connect_async(rpc_, "127.0.0.1", port, on_reply, &p) == 0);
  pump(rpc_, p);
  INFO(p.error);
  REQUIRE(p.status == RPC_STATUS_SUCCESS);
}

LibnfsClient::~LibnfsClient() {
  if (rpc_ != nullptr) rpc_destroy_context(rpc_);
}

void LibnfsClient::wait(const std::function<int(rpc_cb, void*)>& start,
                        const std::function<void(void*)>& consume) {
  Pending p;
  p.consume = &consume;
  REQUIRE(start(on_reply, &p) == 0);
  pump(rpc_, p);
  INFO(p.error);
  REQUIRE(p.status == RPC_STATUS_SUCCESS);
}

void LibnfsClient::call_void(const std::function<int(rpc_cb, void*)>& start) {
  const std::function<void(void*)> ignore = [](void*) {};
  wait(start, ignore);
}

Fh LibnfsClient::mount(const std::string& path) {
  Fh root;
  int status = -1;
  call<mountres3>(
      [&](rpc_cb cb, void* p) {
        return rpc_mount3_mnt_async(rpc_, cb, const_cast<char*>(path.c_str()), p);
      },
      [&](mountres3& r) {
        status = r.fhs_status;
        if (r.fhs_status == MNT3_OK) {
          const auto& fh = r.mountres3_u.mountinfo.fhandle;
          root.bytes.assign(fh.fhandle3_val, fh.fhandle3_len);
        }
      });
  REQUIRE(status == MNT3_OK);
  return root;
}

}  // namespace nfs3::testing

namespace nfs3::testing {

namespace {

char* cstr(const std::string& s) { return const_cast<char*>(s.c_str()); }

void fill_created(Created& out, int status, const post_op_fh3& obj, const post_op_attr& attr,
                  const wcc_data& wcc) {
  out.status = status;
  out.wcc_before = wcc.before.attributes_follow != 0;
  out.wcc_after = wcc.after.attributes_follow != 0;
  if (status != NFS3_OK) return;
  if (obj.handle_follows) out.fh = Fh::from(obj.post_op_fh3_u.handle);
  out.has_attr = attr.attributes_follow != 0;
  if (out.has_attr) out.attr = attr.post_op_attr_u.attributes;
}

}  // namespace

sattr3 no_change() {
  sattr3 s{};
  s.atime.set_it = DONT_CHANGE;
  s.mtime.set_it = DONT_CHANGE;
  return s;
}

sattr3 with_mode(std::uint32_t mode) {
  sattr3 s = no_change();
  s.mode.set_it = 1;
  s.mode.set_mode3_u.mode = mode;
  return s;
}

int getattr(LibnfsClient& c, const Fh& fh, fattr3* out) {
  GETATTR3args args{fh.nfs()};
  int status = -1;
  c.call<GETATTR3res>(
      [&](rpc_cb cb, void* p) { return rpc_nfs3_getattr_async(c.rpc(), cb, &args, p); },
      [&](GETATTR3res& r) {
        status = r.status;
        if (r.status == NFS3_OK && out != nullptr) *out = r.GETATTR3res_u.resok.obj_attributes;
      });
  return status;
}

int lookup(LibnfsClient& c, const Fh& dir, const std::string& name, Fh* out) {
  LOOKUP3args args{{dir.nfs(), cstr(name)}};
  int status = -1;
  c.call<LOOKUP3res>(
      [&](rpc_cb cb, void* p) { return rpc_nfs3_lookup_async(c.rpc(), cb, &args, p); },
      [&](LOOKUP3res& r) {
        status = r.status;
        if (r.status == NFS3_OK && out != nullptr) *out = Fh::from(r.LOOKUP3res_u.resok.object);
      });
  return status;
}

int access(LibnfsClient& c, const Fh& fh, std::uint32_t want, std::uint32_t* granted) {
  ACCESS3args args{fh.nfs(), want};
  int status = -1;
  c.call<ACCESS3res>(
      [&](rpc_cb cb, void* p) { return rpc_nfs3_access_async(c.rpc(), cb, &args, p); },
      [&](ACCESS3res& r) {
        status = r.status;
        if (r.status == NFS3_OK) *granted = r.ACCESS3res_u.resok.access;
      });
  return status;
}

Created create(LibnfsClient& c, const Fh& dir, const std::string& name, std::uint32_t mode,
               createmode3 how) {
  CREATE3args args{};
  args.where = {dir.nfs(), cstr(name)};
  args.how.mode = how;
  if (how == EXCLUSIVE) {
    std::memcpy(args.how.createhow3_u.verf, "verifier", NFS3_CREATEVERFSIZE);
  } else {
    args.how.createhow3_u.obj_attributes = with_mode(mode);
  }
  Created out;
  c.call<CREATE3res>(
      [&](rpc_cb cb, void* p) { return rpc_nfs3_create_async(c.rpc(), cb, &args, p); },
      [&](CREATE3res& r) {
        if (r.status == NFS3_OK) {
          const auto& ok = r.CREATE3res_u.resok;
          fill_created(out, r.status, ok.obj, ok.obj_attributes, ok.dir_wcc);
        } else {
          fill_created(out, r.status, {}, {}, r.CREATE3res_u.resfail.dir_wcc);
        }
      });
  return out;
}

Created mkdir(LibnfsClient& c, const Fh& dir, const std::string& name, std::uint32_t mode) {
  MKDIR3args args{{dir.nfs(), cstr(name)}, with_mode(mode)};
  Created out;
  c.call<MKDIR3res>([&](rpc_cb cb, void* p) { return rpc_nfs3_mkdir_async(c.rpc(), cb, &args, p); },
                    [&](MKDIR3res& r) {
                      if (r.status == NFS3_OK) {
                        const auto& ok = r.MKDIR3res_u.resok;
                        fill_created(out, r.status, ok.obj, ok.obj_attributes, ok.dir_wcc);
                      } else {
                        fill_created(out, r.status, {}, {}, r.MKDIR3res_u.resfail.dir_wcc);
                      }
                    });
  return out;
}

int setattr(LibnfsClient& c, const Fh& fh, const sattr3& attrs, const nfstime3* guard) {
  SETATTR3args args{};
  args.object = fh.nfs();
  args.new_attributes = attrs;
  if (guard != nullptr) {
    args.guard.check = 1;
    args.guard.sattrguard3_u.obj_ctime = *guard;
  }
  int status = -1;
  c.call<SETATTR3res>(
      [&](rpc_cb cb, void* p) { return rpc_nfs3_setattr_async(c.rpc(), cb, &args, p); },
      [&](SETATTR3res& r) { status = r.status; });
  return status;
}

WriteReply write(LibnfsClient& c, const Fh& fh, std::uint64_t offset, const std::string& data,
                 stable_how stable) {
  WRITE3args args{};
  args.file = fh.nfs();
  args.offset = offset;
  args.count = static_cast<count3>(data.size());
  args.stable = stable;
  args.data.data_len = static_cast<u_int>(data.size());
  args.data.data_val = const_cast<char*>(data.data());
  WriteReply out;
  c.call<WRITE3res>([&](rpc_cb cb, void* p) { return rpc_nfs3_write_async(c.rpc(), cb, &args, p); },
                    [&](WRITE3res& r) {
                      out.status = r.status;
                      if (r.status != NFS3_OK) return;
                      out.count = r.WRITE3res_u.resok.count;
                      out.committed = r.WRITE3res_u.resok.committed;
                      out.verf.assign(r.WRITE3res_u.resok.verf, NFS3_WRITEVERFSIZE);
                    });
  return out;
}

int read(LibnfsClient& c, const Fh& fh, std::uint64_t offset, std::uint32_t count,
         std::string* data, bool* eof) {
  READ3args args{fh.nfs(), offset, count};
  int status = -1;
  c.call<READ3res>([&](rpc_cb cb, void* p) { return rpc_nfs3_read_async(c.rpc(), cb, &args, p); },
                   [&](READ3res& r) {
                     status = r.status;
                     if (r.status != NFS3_OK) return;
                     const auto& ok = r.READ3res_u.resok;
                     data->assign(ok.data.data_val, ok.data.data_len);
                     if (eof != nullptr) *eof = ok.eof != 0;
                   });
  return status;
}

int commit(LibnfsClient& c, const Fh& fh, std::string* verf) {
  COMMIT3args args{fh.nfs(), 0, 0};
  int status = -1;
  c.call<COMMIT3res>(
      [&](rpc_cb cb, void* p) { return rpc_nfs3_commit_async(c.rpc(), cb, &args, p); },
      [&](COMMIT3res& r) {
        status = r.status;
        if (r.status == NFS3_OK) verf->assign(r.COMMIT3res_u.resok.verf, NFS3_WRITEVERFSIZE);
      });
  return status;
}

int remove(LibnfsClient& c, const Fh& dir, const std::string& name) {
  REMOVE3args args{{dir.nfs(), cstr(name)}};
  int status = -1;
  c.call<REMOVE3res>(
      [&](rpc_cb cb, void* p) { return rpc_nfs3_remove_async(c.rpc(), cb, &args, p); },
      [&](REMOVE3res& r) { status = r.status; });
  return status;
}

int rmdir(LibnfsClient& c, const Fh& dir, const std::string& name) {
  RMDIR3args args{{dir.nfs(), cstr(name)}};
  int status = -1;
  c.call<RMDIR3res>([&](rpc_cb cb, void* p) { return rpc_nfs3_rmdir_async(c.rpc(), cb, &args, p); },
                    [&](RMDIR3res& r) { status = r.status; });
  return status;
}

int rename(LibnfsClient& c, const Fh& from, const std::string& from_name, const Fh& to,
           const std::string& to_name) {
  RENAME3args args{{from.nfs(), cstr(from_name)}, {to.nfs(), cstr(to_name)}};
  int status = -1;
  c.call<RENAME3res>(
      [&](rpc_cb cb, void* p) { return rpc_nfs3_rename_async(c.rpc(), cb, &args, p); },
      [&](RENAME3res& r) { status = r.status; });
  return status;
}

int link(LibnfsClient& c, const Fh& file, const Fh& dir, const std::string& name) {
  LINK3args args{file.nfs(), {dir.nfs(), cstr(name)}};
  int status = -1;
  c.call<LINK3res>([&](rpc_cb cb, void* p) { return rpc_nfs3_link_async(c.rpc(), cb, &args, p); },
                   [&](LINK3res& r) { status = r.status; });
  return status;
}

}  // namespace nfs3::testing
