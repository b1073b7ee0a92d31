// The handlers object itself and MOUNT v3 (RFC 1813 Appendix I): MNT resolves a path below
// the export to a handle; DUMP/UMNT/UMNTALL keep the advisory list of mounts.
#include <algorithm>
#include <chrono>
#include <random>

#include "base/coding.h"
#include "nfs3/file_handle.h"
#include "op_support.h"

namespace nfs3 {

using namespace ops;
using wire::Mountstat3;

namespace {

// A verifier no earlier server start used: random, mixed with the clock in case the random
// device is deterministic.
wire::WriteVerf3 new_write_verifier() {
  std::random_device rd;
  const std::uint64_t random = (std::uint64_t{rd()} << 32) ^ rd();
  const auto now =
      static_cast<std::uint64_t>(std::chrono::system_clock::now().time_since_epoch().count());
  wire::WriteVerf3 v;
  zerofs::encode_u64_be(v.data(), random ^ now);
  return v;
}

// "/a//b/" → {"a", "b"}.
std::vector<std::string_view> components(std::string_view path) {
  std::vector<std::string_view> out;
  std::size_t i = 0;
  while (i < path.size()) {
    const std::size_t end = std::min(path.find('/', i), path.size());
    if (end > i) out.push_back(path.substr(i, end - i));
    i = end + 1;
  }
  return out;
}

}  // namespace

ZvfsHandlers::ZvfsHandlers(zvfs::Filesystem& fs, ZvfsHandlersOptions options)
    : fs_(fs), options_(std::move(options)), write_verifier_(new_write_verifier()) {}

std::unique_ptr<ZvfsHandlers> make_zvfs_handlers(zvfs::Filesystem& fs,
                                                 ZvfsHandlersOptions options) {
  return std::make_unique<ZvfsHandlers>(fs, std::move(options));
}

Task<wire::MntRes> ZvfsHandlers::mnt(const CallContext& ctx, const wire::MntArgs& args) {
  wire::MntRes res;
  const std::vector<std::string_view> exported = components(options_.export_path);
  std::vector<std::string_view> wanted = components(args.dirpath);
  // An empty path is the export itself (libnfs asks for "" given nfs://host/file URLs).
  if (args.dirpath.empty()) wanted = exported;
  if ((!args.dirpath.empty() && args.dirpath.front() != '/') || wanted.size() < exported.size() ||
      !std::equal(exported.begin(), exported.end(), wanted.begin())) {
    res.status = Mountstat3::noent;
    co_return res;
  }
  const zvfs::Credentials cred = credentials(ctx, options_, false);
  zvfs::Ino ino = zvfs::kRootIno;
  for (std::string_view name : wanted) {
    if (name == "..") {
      res.status = Mountstat3::acces;  // never above the export
      co_return res;
    }
    auto found = co_await fs_.lookup(cred, ino, name);
    if (!found) {
      res.status = to_mountstat3(found.error().code());
      co_return res;
    }
    ino = found->ino;
    if (found->type != zvfs::FileType::directory) {
      res.status = Mountstat3::notdir;
      co_return res;
    }
  }
  res.fhandle = file_handle(ino);
  res.auth_flavors = {static_cast<std::uint32_t>(wire::AuthFlavor::sys),
                      static_cast<std::uint32_t>(wire::AuthFlavor::none)};
  const std::string host = ctx.peer.host();
  std::lock_guard lock(mounts_mutex_);
  const auto known = std::find_if(mounts_.begin(), mounts_.end(), [&](const wire::MountBody& m) {
    return m.hostname == host && m.directory == args.dirpath;
  });
  if (known == mounts_.end()) mounts_.push_back({host, args.dirpath});
  co_return res;
}

Task<wire::DumpRes> ZvfsHandlers::dump(const CallContext&, const wire::Void&) {
  wire::DumpRes res;
  {
    std::lock_guard lock(mounts_mutex_);
    res.mounts = mounts_;
  }
  co_return res;
}

Task<wire::Void> ZvfsHandlers::umnt(const CallContext& ctx, const wire::UmntArgs& args) {
  const std::string host = ctx.peer.host();
  {
    std::lock_guard lock(mounts_mutex_);
    std::erase_if(mounts_, [&](const wire::MountBody& m) {
      return m.hostname == host && m.directory == args.dirpath;
    });
  }
  co_return wire::Void{};
}

Task<wire::Void> ZvfsHandlers::umntall(const CallContext& ctx, const wire::Void&) {
  const std::string host = ctx.peer.host();
  {
    std::lock_guard lock(mounts_mutex_);
    std::erase_if(mounts_, [&](const wire::MountBody& m) { return m.hostname == host; });
  }
  co_return wire::Void{};
}

Task<wire::ExportRes> ZvfsHandlers::exports(const CallContext&, const wire::Void&) {
  wire::ExportRes res;
  res.exports.push_back({options_.export_path, {}});
  co_return res;
}

}  // namespace nfs3
