// A synchronous driver for Debian's libnfs raw RPC API (an independent NFSv3 client): one
// TCP connection to 127.0.0.1:port carrying NFS, MOUNT and portmapper calls, with the
// identity given (AUTH_SYS uid/gid/groups, or AUTH_NONE).
//
//   LibnfsClient c(port, Identity::sys(1000, 1000));
//   GETATTR3args args{fh.nfs()};
//   c.call<GETATTR3res>([&](rpc_cb cb, void* p) { return rpc_nfs3_getattr_async(c.rpc(), cb, &args,
//   p); },
//                       [&](GETATTR3res& r) { status = r.status; });
//
// The reply is only valid inside the callback (libnfs frees it after): copy what you need.
// A transport failure, a timeout (30 s) or an RPC-level error fails the test.
#pragma once

// libnfs.h defines the macros the raw headers use: keep this order.
// clang-format off
#include <cstring>
#include <nfsc/libnfs.h>
#include <nfsc/libnfs-raw.h>
#include <nfsc/libnfs-raw-mount.h>
#include <nfsc/libnfs-raw-nfs.h>
#include <nfsc/libnfs-raw-portmap.h>
// clang-format on

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

// libnfs decodes lists into a 4-byte-aligned arena, so a node with 8-byte members may sit at
// an address its type does not allow: read each node through an aligned copy.
template <typename T>
T aligned_copy(const T* node) {
  T copy;
  std::memcpy(&copy, node, sizeof copy);
  return copy;
}

namespace nfs3::testing {

struct Identity {
  bool none = false;
  std::uint32_t uid = 0;
  std::uint32_t gid = 0;
  std::vector<std::uint32_t> groups;
  static Identity sys(std::uint32_t uid, std::uint32_t gid, std::vector<std::uint32_t> g = {}) {
    Identity i;
    i.uid = uid;
    i.gid = gid;
    i.groups = std::move(g);
    return i;
  }
  static Identity anonymous() {
    Identity i;
    i.none = true;
    return i;
  }
};

// A file handle as bytes, convertible to libnfs's nfs_fh3 (which points into it).
struct Fh {
  std::string bytes;
  nfs_fh3 nfs() const {
    nfs_fh3 fh;
    fh.data.data_len = static_cast<u_int>(bytes.size());
    fh.data.data_val = const_cast<char*>(bytes.data());
    return fh;
  }
  static Fh from(const nfs_fh3& fh) { return {std::string(fh.data.data_val, fh.data.data_len)}; }
  friend bool operator==(const Fh&, const Fh&) = default;
};

class LibnfsClient {
 public:
  LibnfsClient(std::uint16_t port, const Identity& who);
  ~LibnfsClient();
  LibnfsClient(const LibnfsClient&) = delete;
  LibnfsClient& operator=(const LibnfsClient&) = delete;

  rpc_context* rpc() noexcept { return rpc_; }

  // Starts a call (`start(cb, private_data)` returns libnfs's queueing result), waits for its
  // reply and hands it to `on_reply`.
  template <typename Res, typename OnReply>
  void call(const std::function<int(rpc_cb, void*)>& start, OnReply&& on_reply) {
    std::function<void(void*)> consume = [&](void* data) { on_reply(*static_cast<Res*>(data)); };
    wait(start, consume);
  }
  // For calls whose reply carries nothing (UMNT, UMNTALL, NULL).
  void call_void(const std::function<int(rpc_cb, void*)>& start);

  // MNT of `path`: the root handle (fails the test unless MNT3_OK).
  Fh mount(const std::string& path = "/");

 private:
  void wait(const std::function<int(rpc_cb, void*)>& start,
            const std::function<void(void*)>& consume);

  rpc_context* rpc_ = nullptr;
};

// Shortcuts for the common procedures. Each returns the nfsstat3 and fills what the reply
// carried; they fail the test only on transport errors.
sattr3 no_change();
sattr3 with_mode(std::uint32_t mode);
struct Created {
  int status = -1;
  Fh fh;
  bool has_attr = false;
  fattr3 attr{};
  bool wcc_before = false;
  bool wcc_after = false;
};
int getattr(LibnfsClient& c, const Fh& fh, fattr3* out = nullptr);
int lookup(LibnfsClient& c, const Fh& dir, const std::string& name, Fh* out = nullptr);
int access(LibnfsClient& c, const Fh& fh, std::uint32_t want, std::uint32_t* granted);
Created create(LibnfsClient& c, const Fh& dir, const std::string& name, std::uint32_t mode,
               createmode3 how = GUARDED);
Created mkdir(LibnfsClient& c, const Fh& dir, const std::string& name, std::uint32_t mode);
int setattr(LibnfsClient& c, const Fh& fh, const sattr3& attrs, const nfstime3* guard = nullptr);
struct WriteReply {
  int status = -1;
  std::uint32_t count = 0;
  int committed = -1;
  std::string verf;
};
WriteReply write(LibnfsClient& c, const Fh& fh, std::uint64_t offset, const std::string& data,
                 stable_how stable = UNSTABLE);
int read(LibnfsClient& c, const Fh& fh, std::uint64_t offset, std::uint32_t count,
         std::string* data, bool* eof = nullptr);
int commit(LibnfsClient& c, const Fh& fh, std::string* verf);
int remove(LibnfsClient& c, const Fh& dir, const std::string& name);
int rmdir(LibnfsClient& c, const Fh& dir, const std::string& name);
int rename(LibnfsClient& c, const Fh& from, const std::string& from_name, const Fh& to,
           const std::string& to_name);
int link(LibnfsClient& c, const Fh& file, const Fh& dir, const std::string& name);

}  // namespace nfs3::testing
