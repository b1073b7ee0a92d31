// Extended attributes in the user., trusted. and security. namespaces, with Linux's rules
// (xattr_permission, cap_inode_setxattr): user.* only on regular files and directories and
// by file permission (sticky directories: owner only), trusted.* for root only (others see
// none), security.* readable by all and writable by root.
#include "fs_core.h"
#include "keys.h"
#include "permissions.h"

namespace zvfs {

namespace {

enum class Space { user, trusted, security };

Result<Space> classify(std::string_view name) {
  if (name.empty() || name.size() > kMaxXattrNameBytes) {
    return zerofs::fail(Errc::range, "xattr name of {} bytes", name.size());
  }
  if (name.starts_with("user.")) return Space::user;
  if (name.starts_with("trusted.")) return Space::trusted;
  if (name.starts_with("security.")) return Space::security;
  return zerofs::fail(Errc::unsupported, "xattr namespace of '{}' is not supported", name);
}

Result<void> may_write_xattr(const Credentials& cred, const Inode& n, Space space) {
  if (space != Space::user) {
    if (cred.is_root()) return {};
    return zerofs::fail(Errc::not_permitted, "only root may set this attribute");
  }
  if (!n.is_regular() && !n.is_dir()) {
    return zerofs::fail(Errc::not_permitted, "user attributes need a file or directory");
  }
  if (n.is_dir() && (n.mode & kSticky) != 0 && !owns_or_root(cred, n)) {
    return zerofs::fail(Errc::not_permitted, "sticky directory: owner only");
  }
  return check_access(cred, n, kMayWrite);
}

// Reading: absent (no_data) where Linux pretends there is nothing to see.
Result<void> may_read_xattr(const Credentials& cred, const Inode& n, Space space) {
  if (space == Space::security) return {};
  if (space == Space::trusted) {
    if (cred.is_root()) return {};
    return zerofs::fail(Errc::no_data, "no such attribute");
  }
  if (!n.is_regular() && !n.is_dir()) return zerofs::fail(Errc::no_data, "no such attribute");
  return check_access(cred, n, kMayRead);
}

}  // namespace

Task<Result<std::string>> FsCore::getxattr(const Credentials& cred, Ino ino, std::string_view name,
                                           std::size_t max_size) {
  ZF_CO_TRY(const Space space, classify(name));
  ZF_CO_TRY(auto inode, co_await load_unlocked(ino));
  ZF_CO_CHECK(may_read_xattr(cred, inode, space));
  const std::string key = keys::xattr_key(ino, name);
  ZF_CO_TRY(auto stored, co_await db_->get(key));
  if (!stored) co_return zerofs::fail(Errc::no_data, "no attribute '{}'", name);
  ZF_CO_TRY(auto value, decode_xattr(*stored));
  if (max_size > 0 && value.size() > max_size) {
    co_return zerofs::fail(Errc::range, "attribute of {} bytes, buffer of {}", value.size(),
                           max_size);
  }
  co_return std::string(value);
}

Task<Result<void>> FsCore::setxattr(const Credentials& cred, Ino ino, std::string_view name,
                                    zerofs::ByteView value, int flags) {
  ZF_CO_CHECK(check_writable());
  ZF_CO_TRY(const Space space, classify(name));
  if ((flags & ~(kXattrCreate | kXattrReplace)) != 0 || flags == (kXattrCreate | kXattrReplace)) {
    co_return zerofs::fail(Errc::invalid_argument, "bad setxattr flags {}", flags);
  }
  if (value.size() > kMaxXattrValueBytes) {
    co_return zerofs::fail(Errc::too_big, "attribute value of {} bytes", value.size());
  }
  auto guard = co_await locks_.lock(ino);
  ZF_CO_TRY(auto inode, co_await load_locked(ino));
  ZF_CO_CHECK(may_write_xattr(cred, inode, space));
  const std::string key = keys::xattr_key(ino, name);
  ZF_CO_TRY(auto existing, co_await db_->get(key));
  if (existing && (flags & kXattrCreate) != 0) {
    co_return zerofs::fail(Errc::already_exists, "attribute '{}' exists", name);
  }
  if (!existing && (flags & kXattrReplace) != 0) {
    co_return zerofs::fail(Errc::no_data, "no attribute '{}'", name);
  }
  Mutation m;
  m.batch.put(key, encode_xattr(zerofs::as_chars(value)));
  if (!existing) ++inode.xattr_count;
  inode.ctime_ns = now();
  m.put_inode(inode);
  ZF_CO_CHECK(co_await commit(m));
  co_return Result<void>{};
}

Task<Result<std::vector<std::string>>> FsCore::listxattr(const Credentials& cred, Ino ino,
                                                         std::size_t max_size) {
  ZF_CO_TRY(auto inode, co_await load_unlocked(ino));
  std::vector<std::string> names;
  if (inode.xattr_count == 0) co_return names;
  auto it = db_->new_iterator({}, keys::id_prefix(keys::Prefix::xattr, ino).str(),
                              keys::id_prefix(keys::Prefix::xattr, ino + 1).str());
  ZF_CO_CHECK(co_await it->seek_to_first());
  std::size_t total = 0;
  while (it->valid()) {
    const auto key = keys::parse_named_key(keys::Prefix::xattr, it->key());
    if (!key) co_return zerofs::fail(Errc::corrupt, "bad xattr key of inode {}", ino);
    if (cred.is_root() || !key->name.starts_with("trusted.")) {
      names.emplace_back(key->name);
      total += key->name.size() + 1;
    }
    ZF_CO_CHECK(co_await it->next());
  }
  if (max_size > 0 && total > max_size) {
    co_return zerofs::fail(Errc::range, "attribute names need {} bytes, buffer of {}", total,
                           max_size);
  }
  co_return names;
}

Task<Result<void>> FsCore::removexattr(const Credentials& cred, Ino ino, std::string_view name) {
  ZF_CO_CHECK(check_writable());
  ZF_CO_TRY(const Space space, classify(name));
  auto guard = co_await locks_.lock(ino);
  ZF_CO_TRY(auto inode, co_await load_locked(ino));
  ZF_CO_CHECK(may_write_xattr(cred, inode, space));
  const std::string key = keys::xattr_key(ino, name);
  ZF_CO_TRY(auto existing, co_await db_->get(key));
  if (!existing) co_return zerofs::fail(Errc::no_data, "no attribute '{}'", name);
  Mutation m;
  m.batch.del(key);
  --inode.xattr_count;
  inode.ctime_ns = now();
  m.put_inode(inode);
  ZF_CO_CHECK(co_await commit(m));
  co_return Result<void>{};
}

}  // namespace zvfs
