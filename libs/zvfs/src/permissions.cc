#include "permissions.h"

namespace zvfs {

using zerofs::Errc;
using zerofs::fail;

bool may_access(const Credentials& cred, const Inode& inode, std::uint32_t mask) noexcept {
  mask &= 7;
  if (cred.is_root()) {
    if ((mask & kMayExec) != 0 && !inode.is_dir() && (inode.mode & 0111) == 0) return false;
    return true;
  }
  std::uint32_t bits;
  if (cred.uid() == inode.uid) {
    bits = (inode.mode >> 6) & 7;
  } else if (cred.in_group(inode.gid)) {
    bits = (inode.mode >> 3) & 7;
  } else {
    bits = inode.mode & 7;
  }
  return (bits & mask) == mask;
}

zerofs::Result<void> check_access(const Credentials& cred, const Inode& inode, std::uint32_t mask) {
  if (may_access(cred, inode, mask)) return {};
  return fail(Errc::access_denied, "permission denied on inode {}", inode.ino);
}

zerofs::Result<void> check_data_access(const Credentials& cred, const Inode& inode,
                                       std::uint32_t mask) {
  if (cred.owner_override() && cred.uid() == inode.uid) return {};
  return check_access(cred, inode, mask);
}

bool owns_or_root(const Credentials& cred, const Inode& inode) noexcept {
  return cred.is_root() || cred.uid() == inode.uid;
}

zerofs::Result<void> check_delete(const Credentials& cred, const Inode& dir, const Inode& victim) {
  ZF_CHECK(check_access(cred, dir, kMayWrite | kMayExec));
  if ((dir.mode & kSticky) != 0 && !cred.is_root() && cred.uid() != victim.uid &&
      cred.uid() != dir.uid) {
    return fail(Errc::not_permitted, "sticky directory {}: inode {} belongs to someone else",
                dir.ino, victim.ino);
  }
  return {};
}

std::uint32_t mode_after_write(const Credentials& cred, const Inode& inode) noexcept {
  std::uint32_t mode = inode.mode;
  if (cred.is_root() || !inode.is_regular()) return mode;
  mode &= ~kSetUid;
  if ((mode & 0010) != 0) mode &= ~kSetGid;
  return mode;
}

std::uint32_t mode_after_chown(const Inode& inode) noexcept {
  std::uint32_t mode = inode.mode;
  if (inode.is_dir()) return mode;
  mode &= ~kSetUid;
  if ((mode & 0010) != 0) mode &= ~kSetGid;
  return mode;
}

namespace {
zerofs::Result<void> check_name_chars(std::string_view name) {
  if (name.size() > kMaxNameBytes) {
    return fail(Errc::name_too_long, "name of {} bytes exceeds {}", name.size(), kMaxNameBytes);
  }
  if (name.find('/') != std::string_view::npos || name.find('\0') != std::string_view::npos) {
    return fail(Errc::invalid_argument, "a name may not contain '/' or NUL");
  }
  return {};
}
}  // namespace

zerofs::Result<void> check_new_name(std::string_view name) {
  ZF_CHECK(check_name_chars(name));
  if (name.empty()) return fail(Errc::invalid_argument, "empty name");
  if (name == "." || name == "..") return fail(Errc::already_exists, "'{}' exists", name);
  return {};
}

zerofs::Result<void> check_lookup_name(std::string_view name) {
  ZF_CHECK(check_name_chars(name));
  if (name.empty()) return fail(Errc::not_found, "empty name");
  return {};
}

}  // namespace zvfs
