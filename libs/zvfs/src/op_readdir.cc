// lookup and readdir.
#include "fs_core.h"
#include "keys.h"
#include "permissions.h"

namespace zvfs {

Task<Result<Attr>> FsCore::lookup(const Credentials& cred, Ino parent, std::string_view name) {
  ZF_CO_CHECK(check_lookup_name(name));
  ZF_CO_TRY(auto dir, co_await load_unlocked(parent));
  if (!dir.is_dir()) {
    co_return zerofs::fail(Errc::not_a_directory, "inode {} is not a directory", parent);
  }
  ZF_CO_CHECK(check_access(cred, dir, kMayExec));
  if (name == ".") co_return dir.attr();
  if (name == "..") {
    ZF_CO_TRY(auto up, co_await load_unlocked(dir.parent));
    co_return up.attr();
  }
  ZF_CO_TRY(auto entry, co_await find_entry(parent, name));
  if (!entry) co_return zerofs::fail(Errc::not_found, "no entry '{}' in {}", name, parent);
  auto child = co_await load_unlocked(entry->child);
  if (!child && child.error().code() == Errc::stale) {
    // Unlinked between the two reads.
    co_return zerofs::fail(Errc::not_found, "no entry '{}' in {}", name, parent);
  }
  if (!child) co_return std::unexpected(child.error());
  co_return child->attr();
}

Task<Result<DirPage>> FsCore::readdir(const Credentials& cred, Ino dir_ino, std::uint64_t cookie,
                                      std::size_t max_entries, bool plus) {
  ZF_CO_TRY(auto dir, co_await load_unlocked(dir_ino));
  if (!dir.is_dir()) {
    co_return zerofs::fail(Errc::not_a_directory, "inode {} is not a directory", dir_ino);
  }
  ZF_CO_CHECK(check_access(cred, dir, kMayRead));
  DirPage page;
  if (max_entries == 0) co_return page;
  auto add_dot = [&](std::string name, Ino ino, std::uint64_t c) {
    DirEntry e;
    e.name = std::move(name);
    e.ino = ino;
    e.type = FileType::directory;
    e.cookie = c;
    page.entries.push_back(std::move(e));
  };
  if (cookie < 1) add_dot(".", dir.ino, 1);
  // Full after "." alone: ".." is still to come, so this page is not the end.
  bool full = cookie < 2 && page.entries.size() >= max_entries;
  if (cookie < 2 && !full) add_dot("..", dir.parent, 2);

  if (!full) {
    const std::uint64_t from = cookie + 1 < kFirstCookie ? kFirstCookie : cookie + 1;
    auto it = db_->new_iterator({}, keys::dirscan_key(dir_ino, from).str(),
                                keys::id_prefix(keys::Prefix::dirscan, dir_ino + 1).str());
    ZF_CO_CHECK(co_await it->seek_to_first());
    while (it->valid()) {
      if (page.entries.size() >= max_entries) {
        full = true;
        break;
      }
      const auto key = keys::parse_dirscan_key(it->key());
      if (!key) co_return zerofs::fail(Errc::corrupt, "bad readdir key in directory {}", dir_ino);
      ZF_CO_TRY(auto value, decode_dirscan(it->value()));
      DirEntry e;
      e.name = std::string(value.name);
      e.ino = value.child;
      e.type = value.type;
      e.cookie = key->cookie;
      page.entries.push_back(std::move(e));
      ZF_CO_CHECK(co_await it->next());
    }
  }
  page.eof = !full;
  if (plus) {
    for (DirEntry& e : page.entries) {
      auto inode = co_await load_unlocked(e.ino);
      if (inode) {
        e.attr = inode->attr();
      } else if (inode.error().code() != Errc::stale) {
        co_return std::unexpected(inode.error());
      }
    }
  }
  co_return page;
}

}  // namespace zvfs
