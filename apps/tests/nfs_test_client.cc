#include "nfs_test_client.h"

#include <poll.h>

// libnfs.h defines what the raw headers use, so it comes first.
#include <nfsc/libnfs.h>
// (the comment line keeps clang-format from sorting it after the raw headers)
#include <nfsc/libnfs-raw-nfs.h>
#include <nfsc/libnfs-raw.h>

#include <chrono>
#include <cstring>
#include <stdexcept>
#include <string_view>

namespace zerofs::apptest {

namespace {

// libnfs 4.0 keeps `struct nfs_fh` private (lib/libnfs-private.h); nfs_get_fh() is the
// documented way to reach a handle for raw calls, so its layout is mirrored here.
struct LibnfsFh {
  int len;
  char* val;
};

std::runtime_error error(std::string_view what, std::string_view detail) {
  return std::runtime_error(std::string(what) + ": " + std::string(detail));
}

std::string status_text(int status) { return "NFS status " + std::to_string(status); }

nfs_fh3 to_fh3(const FileHandle& file) {
  nfs_fh3 fh;
  fh.data.data_len = static_cast<u_int>(file.size());
  // libnfs only reads the handle bytes when encoding.
  fh.data.data_val = const_cast<char*>(reinterpret_cast<const char*>(file.data()));
  return fh;
}

template <typename Result>
struct Call {
  bool done = false;
  int rpc_status = 0;
  std::string rpc_error;
  Result result{};
  bool has_result = false;
};

}  // namespace

std::unique_ptr<NfsTestClient> NfsTestClient::mount(std::uint16_t port) {
  nfs_context* nfs = nfs_init_context();
  if (nfs == nullptr) throw std::runtime_error("nfs_init_context failed");
  std::unique_ptr<NfsTestClient> client(new NfsTestClient(nfs));
  const std::string url = "nfs://127.0.0.1/?version=3&nfsport=" + std::to_string(port) +
                          "&mountport=" + std::to_string(port);
  nfs_url* parsed = nfs_parse_url_dir(nfs, url.c_str());
  if (parsed == nullptr) throw error("nfs_parse_url_dir " + url, nfs_get_error(nfs));
  nfs_set_uid(nfs, 0);
  nfs_set_gid(nfs, 0);
  nfs_set_timeout(nfs, 30000);
  const int rc = nfs_mount(nfs, parsed->server, parsed->path);
  nfs_destroy_url(parsed);
  if (rc != 0) throw error("nfs_mount " + url, nfs_get_error(nfs));
  return client;
}

NfsTestClient::~NfsTestClient() { nfs_destroy_context(nfs_); }

void NfsTestClient::wait(const bool& done, const char* what) {
  rpc_context* rpc = nfs_get_rpc_context(nfs_);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (!done) {
    if (std::chrono::steady_clock::now() > deadline) throw error(what, "no reply within 30 s");
    pollfd pfd{rpc_get_fd(rpc), static_cast<short>(rpc_which_events(rpc)), 0};
    if (::poll(&pfd, 1, 100) < 0) throw error(what, "poll failed");
    if (rpc_service(rpc, pfd.revents) < 0) throw error(what, rpc_get_error(rpc));
  }
}

FileHandle NfsTestClient::create(const std::string& name) {
  nfsfh* fh = nullptr;
  const std::string path = "/" + name;
  if (nfs_creat(nfs_, path.c_str(), 0644, &fh) != 0) {
    throw error("create " + path, nfs_get_error(nfs_));
  }
  const auto* raw = reinterpret_cast<const LibnfsFh*>(nfs_get_fh(fh));
  FileHandle handle(raw->val, raw->val + raw->len);
  nfs_close(nfs_, fh);
  return handle;
}

void NfsTestClient::remove(const std::string& name) {
  const std::string path = "/" + name;
  if (nfs_unlink(nfs_, path.c_str()) != 0) throw error("remove " + path, nfs_get_error(nfs_));
}

WriteReply NfsTestClient::write(const FileHandle& file, std::uint64_t offset,
                                const std::string& data, Stable stable) {
  WRITE3args args{};
  args.file = to_fh3(file);
  args.offset = offset;
  args.count = static_cast<count3>(data.size());
  args.stable = static_cast<stable_how>(stable);
  args.data.data_len = static_cast<u_int>(data.size());
  args.data.data_val = const_cast<char*>(data.data());
  Call<WRITE3res> call;
  auto cb = [](rpc_context* rpc, int status, void* data_ptr, void* private_data) {
    auto* c = static_cast<Call<WRITE3res>*>(private_data);
    c->done = true;
    c->rpc_status = status;
    if (status != RPC_STATUS_SUCCESS) {
      c->rpc_error = rpc_get_error(rpc);
      return;
    }
    c->result = *static_cast<WRITE3res*>(data_ptr);  // only scalars are read below
    c->has_result = true;
  };
  rpc_context* rpc = nfs_get_rpc_context(nfs_);
  if (rpc_nfs3_write_async(rpc, cb, &args, &call) != 0) throw error("WRITE", rpc_get_error(rpc));
  wait(call.done, "WRITE");
  if (!call.has_result) throw error("WRITE", call.rpc_error);
  if (call.result.status != NFS3_OK) throw error("WRITE", status_text(call.result.status));
  const WRITE3resok& ok = call.result.WRITE3res_u.resok;
  WriteReply reply;
  reply.count = ok.count;
  reply.committed = static_cast<Stable>(ok.committed);
  std::memcpy(reply.verifier.data(), ok.verf, reply.verifier.size());
  return reply;
}

WriteVerifier NfsTestClient::commit(const FileHandle& file) {
  COMMIT3args args{};
  args.file = to_fh3(file);
  args.offset = 0;
  args.count = 0;  // to the end of the file
  Call<WriteVerifier> call;
  auto cb = [](rpc_context* rpc, int status, void* data_ptr, void* private_data) {
    auto* c = static_cast<Call<WriteVerifier>*>(private_data);
    c->done = true;
    if (status != RPC_STATUS_SUCCESS) {
      c->rpc_error = rpc_get_error(rpc);
      return;
    }
    const auto* res = static_cast<COMMIT3res*>(data_ptr);
    c->rpc_status = res->status;
    if (res->status == NFS3_OK) std::memcpy(c->result.data(), res->COMMIT3res_u.resok.verf, 8);
    c->has_result = true;
  };
  rpc_context* rpc = nfs_get_rpc_context(nfs_);
  if (rpc_nfs3_commit_async(rpc, cb, &args, &call) != 0) throw error("COMMIT", rpc_get_error(rpc));
  wait(call.done, "COMMIT");
  if (!call.has_result) throw error("COMMIT", call.rpc_error);
  if (call.rpc_status != NFS3_OK) throw error("COMMIT", status_text(call.rpc_status));
  return call.result;
}

std::string NfsTestClient::read(const FileHandle& file, std::uint64_t offset, std::uint32_t count) {
  READ3args args{};
  args.file = to_fh3(file);
  args.offset = offset;
  args.count = count;
  Call<std::string> call;
  auto cb = [](rpc_context* rpc, int status, void* data_ptr, void* private_data) {
    auto* c = static_cast<Call<std::string>*>(private_data);
    c->done = true;
    if (status != RPC_STATUS_SUCCESS) {
      c->rpc_error = rpc_get_error(rpc);
      return;
    }
    const auto* res = static_cast<READ3res*>(data_ptr);
    c->rpc_status = res->status;
    if (res->status == NFS3_OK) {
      const READ3resok& ok = res->READ3res_u.resok;
      c->result.assign(ok.data.data_val, ok.data.data_len);
    }
    c->has_result = true;
  };
  rpc_context* rpc = nfs_get_rpc_context(nfs_);
  if (rpc_nfs3_read_async(rpc, cb, &args, &call) != 0) throw error("READ", rpc_get_error(rpc));
  wait(call.done, "READ");
  if (!call.has_result) throw error("READ", call.rpc_error);
  if (call.rpc_status != NFS3_OK) throw error("READ", status_text(call.rpc_status));
  return call.result;
}

}  // namespace zerofs::apptest
