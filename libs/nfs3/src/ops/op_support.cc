#include "op_support.h"

namespace nfs3::ops {

using wire::Ftype3;
using zvfs::FileType;

Ftype3 to_ftype3(FileType type) noexcept {
  switch (type) {
    case FileType::regular:
      return Ftype3::reg;
    case FileType::directory:
      return Ftype3::dir;
    case FileType::symlink:
      return Ftype3::lnk;
    case FileType::fifo:
      return Ftype3::fifo;
    case FileType::socket:
      return Ftype3::sock;
    case FileType::char_device:
      return Ftype3::chr;
    case FileType::block_device:
      return Ftype3::blk;
  }
  return Ftype3::reg;
}

wire::NfsTime3 to_nfstime3(std::int64_t ns) noexcept {
  constexpr std::int64_t kBillion = 1'000'000'000;
  std::int64_t seconds = ns / kBillion;
  std::int64_t rest = ns % kBillion;
  if (rest < 0) {
    rest += kBillion;
    --seconds;
  }
  // nfstime3 seconds are 32 bits; times before 1970 wrap as Linux's client expects
  // (it reads them as signed).
  return {static_cast<std::uint32_t>(seconds), static_cast<std::uint32_t>(rest)};
}

std::int64_t to_ns(const wire::NfsTime3& t) noexcept {
  const auto seconds = static_cast<std::int64_t>(static_cast<std::int32_t>(t.seconds));
  return seconds * 1'000'000'000 + std::min<std::int64_t>(t.nseconds, 999'999'999);
}

std::uint64_t to_rdev(const wire::SpecData3& spec) noexcept {
  const std::uint64_t major = spec.specdata1;
  const std::uint64_t minor = spec.specdata2;
  return ((major & 0xfffff000) << 32) | ((major & 0xfff) << 8) | ((minor & 0xffffff00) << 12) |
         (minor & 0xff);
}

wire::SpecData3 to_specdata3(std::uint64_t rdev) noexcept {
  const auto major =
      static_cast<std::uint32_t>(((rdev >> 32) & 0xfffff000) | ((rdev >> 8) & 0xfff));
  const auto minor = static_cast<std::uint32_t>(((rdev >> 12) & 0xffffff00) | (rdev & 0xff));
  return {major, minor};
}

wire::Fattr3 to_fattr3(const zvfs::Attr& a, std::uint64_t fsid) noexcept {
  wire::Fattr3 f;
  f.type = to_ftype3(a.type);
  f.mode = a.mode & zvfs::kPermMask;
  f.nlink = a.nlink;
  f.uid = a.uid;
  f.gid = a.gid;
  f.size = a.size;
  f.used = a.blocks() * 512;
  if (a.type == FileType::char_device || a.type == FileType::block_device) {
    f.rdev = to_specdata3(a.rdev);
  }
  f.fsid = fsid;
  f.fileid = a.ino;
  f.atime = to_nfstime3(a.atime_ns);
  f.mtime = to_nfstime3(a.mtime_ns);
  f.ctime = to_nfstime3(a.ctime_ns);
  return f;
}

wire::WccAttr to_wcc_attr(const zvfs::Attr& a) noexcept {
  return {a.size, to_nfstime3(a.mtime_ns), to_nfstime3(a.ctime_ns)};
}

namespace {

void set_time(const wire::SetTime& in, zvfs::TimeUpdate& how, std::int64_t& ns) noexcept {
  switch (in.how) {
    case wire::TimeHow::dont_change:
      how = zvfs::TimeUpdate::omit;
      break;
    case wire::TimeHow::set_to_server_time:
      how = zvfs::TimeUpdate::now;
      break;
    case wire::TimeHow::set_to_client_time:
      how = zvfs::TimeUpdate::set;
      ns = to_ns(in.time);
      break;
  }
}

}  // namespace

zvfs::SetAttr to_setattr(const wire::Sattr3& s) noexcept {
  zvfs::SetAttr out;
  if (s.mode) out.mode = *s.mode & zvfs::kPermMask;
  out.uid = s.uid;
  out.gid = s.gid;
  out.size = s.size;
  set_time(s.atime, out.atime, out.atime_ns);
  set_time(s.mtime, out.mtime, out.mtime_ns);
  return out;
}

bool changes_anything(const zvfs::SetAttr& s) noexcept {
  return s.mode || s.uid || s.gid || s.size || s.atime != zvfs::TimeUpdate::omit ||
         s.mtime != zvfs::TimeUpdate::omit;
}

zvfs::Credentials credentials(const CallContext& ctx, const ZvfsHandlersOptions& options,
                              bool owner_override) {
  if (ctx.flavor != wire::AuthFlavor::sys) {
    zvfs::Credentials anonymous(options.anonymous_uid, options.anonymous_gid);
    anonymous.with_owner_override(owner_override);
    return anonymous;
  }
  const auto groups = ctx.cred.groups();
  zvfs::Credentials cred(ctx.cred.uid, ctx.cred.gid,
                         std::vector<std::uint32_t>(groups.begin(), groups.end()));
  cred.with_owner_override(owner_override);
  return cred;
}

Task<wire::PostOpAttr> post_op_attr(zvfs::Filesystem& fs, const zvfs::Credentials& cred,
                                    zvfs::Ino ino, std::uint64_t fsid) {
  auto attr = co_await fs.getattr(cred, ino);
  wire::PostOpAttr out;
  if (attr) out = to_fattr3(*attr, fsid);
  co_return out;
}

Task<wire::PreOpAttr> pre_op_attr(zvfs::Filesystem& fs, const zvfs::Credentials& cred,
                                  zvfs::Ino ino) {
  auto attr = co_await fs.getattr(cred, ino);
  wire::PreOpAttr out;
  if (attr) out = to_wcc_attr(*attr);
  co_return out;
}

wire::Nfsstat3 handle_status(const zerofs::Error& error) noexcept {
  if (error.code() == zerofs::Errc::not_found) return wire::Nfsstat3::stale;
  return to_nfsstat3(error);
}

}  // namespace nfs3::ops
