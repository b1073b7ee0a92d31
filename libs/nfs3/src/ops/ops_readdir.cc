// READDIR and READDIRPLUS: pages of a directory sized to the client's byte budgets.
//
// zvfs cookies are stable (an entry keeps its cookie until removed, across restarts, and
// new entries get larger ones), so a continuation from any cookie is valid and the cookie
// verifier never needs to change.
#include <algorithm>
#include <array>

#include "nfs3/file_handle.h"
#include "nfs3/wire/nfs3_codec.h"
#include "op_support.h"

namespace nfs3 {

using namespace ops;
using wire::Nfsstat3;

namespace {

constexpr wire::CookieVerf3 kCookieVerf = {std::byte{'z'}, std::byte{'e'}, std::byte{'r'},
                                           std::byte{'o'}, std::byte{'f'}, std::byte{'s'},
                                           std::byte{'c'}, std::byte{'1'}};
constexpr std::size_t kMaxBatch = 4096;

// A verifier is acceptable with cookie 0, when zero (clients that do not keep it), or when
// it is ours.
bool cookie_ok(std::uint64_t cookie, const wire::CookieVerf3& verf) noexcept {
  return cookie == 0 || verf == wire::CookieVerf3{} || verf == kCookieVerf;
}

// How many entries to ask zvfs for when `budget` bytes are left and entries take at least
// `min_entry` bytes: enough to fill the budget in one call, usually.
std::size_t batch_for(std::size_t budget, std::size_t min_entry) noexcept {
  return std::clamp<std::size_t>(budget / min_entry + 1, 1, kMaxBatch);
}

}  // namespace

Task<wire::ReaddirRes> ZvfsHandlers::readdir(const CallContext& ctx,
                                             const wire::ReaddirArgs& args) {
  wire::ReaddirRes res;
  const auto dir = inode_of(args.dir, res);
  if (!dir) co_return res;
  const zvfs::Credentials cred = credentials(ctx, options_, false);
  auto attr = co_await fs_.getattr(cred, *dir);
  if (!attr) {
    res.status = handle_status(attr.error());
    co_return res;
  }
  res.dir_attributes = to_fattr3(*attr, options_.fsid);
  if (!cookie_ok(args.cookie, args.cookieverf)) {
    res.status = Nfsstat3::bad_cookie;
    co_return res;
  }
  res.cookieverf = kCookieVerf;

  std::size_t size = wire::readdir_reply_base_size(true);
  std::uint64_t cookie = args.cookie;
  bool full = false;
  while (!full && !res.eof) {
    const std::size_t budget = args.count > size ? args.count - size : 0;
    auto page =
        co_await fs_.readdir(cred, *dir, cookie, batch_for(budget, wire::entry3_size(1)), false);
    if (!page) {
      res.status = to_nfsstat3(page.error());
      co_return res;
    }
    for (zvfs::DirEntry& e : page->entries) {
      const std::size_t entry_size = wire::entry3_size(e.name.size());
      if (size + entry_size > args.count) {
        full = true;
        break;
      }
      size += entry_size;
      cookie = e.cookie;
      res.entries.push_back({e.ino, std::move(e.name), e.cookie});
    }
    if (!full) res.eof = page->eof || page->entries.empty();
  }
  if (res.entries.empty() && !res.eof) {
    res.status = Nfsstat3::toosmall;
  }
  co_return res;
}

Task<wire::ReaddirplusRes> ZvfsHandlers::readdirplus(const CallContext& ctx,
                                                     const wire::ReaddirplusArgs& args) {
  wire::ReaddirplusRes res;
  const auto dir = inode_of(args.dir, res);
  if (!dir) co_return res;
  const zvfs::Credentials cred = credentials(ctx, options_, false);
  auto attr = co_await fs_.getattr(cred, *dir);
  if (!attr) {
    res.status = handle_status(attr.error());
    co_return res;
  }
  res.dir_attributes = to_fattr3(*attr, options_.fsid);
  if (!cookie_ok(args.cookie, args.cookieverf)) {
    res.status = Nfsstat3::bad_cookie;
    co_return res;
  }
  res.cookieverf = kCookieVerf;

  // dircount limits the directory information alone (fileid, name, cookie); 0 means the
  // client set no such limit.
  const std::size_t dircount = args.dircount == 0 ? args.maxcount : args.dircount;
  std::size_t size = wire::readdir_reply_base_size(true);
  std::size_t dir_size = 0;
  std::uint64_t cookie = args.cookie;
  bool full = false;
  const std::size_t min_entry = wire::entryplus3_size(1, true, kFileHandleSize);
  while (!full && !res.eof) {
    const std::size_t budget = args.maxcount > size ? args.maxcount - size : 0;
    auto page = co_await fs_.readdir(cred, *dir, cookie, batch_for(budget, min_entry), true);
    if (!page) {
      res.status = to_nfsstat3(page.error());
      co_return res;
    }
    for (zvfs::DirEntry& e : page->entries) {
      const std::size_t entry_size =
          wire::entryplus3_size(e.name.size(), e.attr.has_value(), kFileHandleSize);
      const std::size_t entry_dir_size = wire::entryplus3_dircount_size(e.name.size());
      if (size + entry_size > args.maxcount || dir_size + entry_dir_size > dircount) {
        full = true;
        break;
      }
      size += entry_size;
      dir_size += entry_dir_size;
      cookie = e.cookie;
      wire::EntryPlus3& out = res.entries.emplace_back();
      out.fileid = e.ino;
      out.name = std::move(e.name);
      out.cookie = e.cookie;
      if (e.attr) out.name_attributes = to_fattr3(*e.attr, options_.fsid);
      out.name_handle = file_handle(e.ino);
    }
    if (!full) res.eof = page->eof || page->entries.empty();
  }
  if (res.entries.empty() && !res.eof) {
    res.status = Nfsstat3::toosmall;
  }
  co_return res;
}

}  // namespace nfs3
