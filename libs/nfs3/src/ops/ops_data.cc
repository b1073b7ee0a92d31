// READ, WRITE, COMMIT: the data path and its durability (ARCHITECTURE §10).
#include <algorithm>

#include "nfs3/file_handle.h"
#include "op_support.h"

namespace nfs3 {

using namespace ops;
using wire::Nfsstat3;

Task<wire::ReadRes> ZvfsHandlers::read(const CallContext& ctx, const wire::ReadArgs& args) {
  wire::ReadRes res;
  const auto ino = inode_of(args.file, res);
  if (!ino) co_return res;
  const zvfs::Credentials cred = credentials(ctx, options_, true);
  const std::uint32_t count = std::min(args.count, options_.max_io_size);
  auto got = co_await fs_.read(cred, *ino, args.offset, count);
  res.file_attributes = co_await post_op_attr(fs_, cred, *ino, options_.fsid);
  if (!got) {
    res.status = handle_status(got.error());
    co_return res;
  }
  res.count = static_cast<std::uint32_t>(got->data.size());
  res.eof = got->eof;
  res.data = std::move(got->data);
  co_return res;
}

Task<wire::WriteRes> ZvfsHandlers::write(const CallContext& ctx, const wire::WriteArgs& args) {
  wire::WriteRes res;
  const auto ino = inode_of(args.file, res);
  if (!ino) co_return res;
  // RFC 1813 §3.3.7: `count` bytes of `data` are written; a count beyond the data sent is
  // a malformed request.
  if (args.count > args.data.size()) {
    res.status = Nfsstat3::inval;
    co_return res;
  }
  const zvfs::Credentials cred = credentials(ctx, options_, true);
  const std::uint32_t count = std::min(args.count, options_.max_io_size);
  res.file_wcc.before = co_await pre_op_attr(fs_, cred, *ino);
  auto after = co_await fs_.write(cred, *ino, args.offset, args.data.first(count));
  if (!after) {
    res.status = handle_status(after.error());
    res.file_wcc.after = co_await post_op_attr(fs_, cred, *ino, options_.fsid);
    co_return res;
  }
  res.file_wcc.after = to_fattr3(*after, options_.fsid);
  res.count = count;
  res.verf = write_verifier_;
  res.committed = wire::StableHow::unstable;
  if (args.stable != wire::StableHow::unstable) {
    // The client asked for stable storage: it will not COMMIT this write.
    auto synced = co_await fs_.fsync(*ino);
    if (!synced) {
      res.status = to_nfsstat3(synced.error());
      co_return res;
    }
    res.committed = wire::StableHow::file_sync;
  }
  co_return res;
}

Task<wire::CommitRes> ZvfsHandlers::commit(const CallContext& ctx, const wire::CommitArgs& args) {
  wire::CommitRes res;
  const auto ino = inode_of(args.file, res);
  if (!ino) co_return res;
  const zvfs::Credentials cred = credentials(ctx, options_, false);
  auto before = co_await fs_.getattr(cred, *ino);
  if (!before) {
    res.status = handle_status(before.error());
    co_return res;
  }
  res.file_wcc.before = to_wcc_attr(*before);
  // The whole file is made durable whatever range was asked: zvfs has no cheaper
  // per-range sync, and committing more than asked is allowed (RFC 1813 §3.3.21).
  auto synced = co_await fs_.fsync(*ino);
  res.file_wcc.after = co_await post_op_attr(fs_, cred, *ino, options_.fsid);
  if (!synced) {
    res.status = to_nfsstat3(synced.error());
    co_return res;
  }
  res.verf = write_verifier_;
  co_return res;
}

}  // namespace nfs3
