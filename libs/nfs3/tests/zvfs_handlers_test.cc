// ZvfsHandlers called directly (no sockets) on a real zvfs filesystem: the semantics that an
// ordinary client rarely exercises (stale and foreign handles, EXCLUSIVE create replays,
// write verifiers, readdir budgets and cookie verifiers, AUTH_NONE, read-only ACCESS).
#include <chrono>

#include "nfs3/file_handle.h"
#include "nfs3/wire/nfs3_codec.h"
#include "test_support/catch.h"
#include "zvfs_server.h"

using namespace nfs3;
using namespace nfs3::wire;
using nfs3::testing::ZvfsServer;

namespace {

CallContext user(std::uint32_t uid, std::uint32_t gid) {
  CallContext ctx;
  ctx.flavor = AuthFlavor::sys;
  ctx.cred.uid = uid;
  ctx.cred.gid = gid;
  return ctx;
}

std::unique_ptr<ZvfsServer> start(bool read_only = false) {
  nfs3::testing::ZvfsServerOptions o;
  o.read_only = read_only;
  auto s = ZvfsServer::start(o);
  REQUIRE(s);
  return std::move(*s);
}

CreateArgs create_args(std::string name, CreateMode mode,
                       const NfsFh3& dir = file_handle(zvfs::kRootIno)) {
  CreateArgs a;
  a.where = {dir, std::move(name)};
  a.how.mode = mode;
  a.how.obj_attributes.mode = 0640;
  return a;
}

}  // namespace

TEST_CASE("handles: BADHANDLE for foreign bytes, STALE once the inode is deleted") {
  auto s = start();
  auto& h = s->handlers();
  const CallContext root = user(0, 0);
  GetattrArgs junk{NfsFh3::from(zerofs::as_bytes(std::string_view("not a zerofs handle")))};
  CHECK(s->run(h.getattr(root, junk)).status == Nfsstat3::badhandle);

  const CreateArgs c = create_args("f", CreateMode::guarded);
  const CreateRes made = s->run(h.create(root, c));
  REQUIRE(made.status == Nfsstat3::ok);
  REQUIRE(made.obj);
  CHECK(made.obj_attributes->mode == 0640);
  CHECK(made.dir_wcc.before);
  CHECK(made.dir_wcc.after);
  const RemoveArgs rm{{file_handle(zvfs::kRootIno), "f"}};
  REQUIRE(s->run(h.remove(root, rm)).status == Nfsstat3::ok);
  const GetattrArgs gone{*made.obj};
  CHECK(s->run(h.getattr(root, gone)).status == Nfsstat3::stale);
  const ReadArgs read{*made.obj, 0, 10};
  CHECK(s->run(h.read(root, read)).status == Nfsstat3::stale);
  const WriteArgs write{*made.obj, 0, 1, StableHow::unstable, zerofs::as_bytes("x")};
  CHECK(s->run(h.write(root, write)).status == Nfsstat3::stale);
}

TEST_CASE("EXCLUSIVE create: a replay with the same verifier succeeds, another is EXIST") {
  auto s = start();
  auto& h = s->handlers();
  const CallContext ctx = user(1000, 1000);
  MkdirArgs mk{{file_handle(zvfs::kRootIno), "dir"}, {}};
  mk.attributes.mode = 0777;
  const MkdirRes dir = s->run(h.mkdir(user(0, 0), mk));
  REQUIRE(dir.obj);

  CreateArgs ex = create_args("x", CreateMode::exclusive, *dir.obj);
  ex.how.verf = {std::byte{1}, std::byte{2}, std::byte{3}, std::byte{4},
                 std::byte{5}, std::byte{6}, std::byte{7}, std::byte{8}};
  const CreateRes a = s->run(h.create(ctx, ex));
  REQUIRE(a.status == Nfsstat3::ok);
  const CreateRes b = s->run(h.create(ctx, ex));
  REQUIRE(b.status == Nfsstat3::ok);
  CHECK(*a.obj == *b.obj);
  ex.how.verf[0] = std::byte{9};
  CHECK(s->run(h.create(ctx, ex)).status == Nfsstat3::exist);
  CreateArgs guarded = create_args("x", CreateMode::guarded, *dir.obj);
  CHECK(s->run(h.create(ctx, guarded)).status == Nfsstat3::exist);
  CreateArgs unchecked = create_args("x", CreateMode::unchecked, *dir.obj);
  const CreateRes c = s->run(h.create(ctx, unchecked));
  CHECK(c.status == Nfsstat3::ok);
  CHECK(*c.obj == *a.obj);
}

TEST_CASE("WRITE: UNSTABLE with the instance's verifier, FILE_SYNC when asked, COMMIT") {
  auto s = start();
  auto& h = s->handlers();
  const CallContext root = user(0, 0);
  const CreateArgs c = create_args("w", CreateMode::guarded);
  const CreateRes made = s->run(h.create(root, c));
  REQUIRE(made.obj);
  const WriteArgs w{*made.obj, 0, 5, StableHow::unstable, zerofs::as_bytes("hello")};
  const WriteRes unstable = s->run(h.write(root, w));
  REQUIRE(unstable.status == Nfsstat3::ok);
  CHECK(unstable.committed == StableHow::unstable);
  CHECK(unstable.count == 5);
  CHECK(unstable.verf == h.write_verifier());
  CHECK(unstable.file_wcc.before->size == 0);
  CHECK(unstable.file_wcc.after->size == 5);
  WriteArgs stable = w;
  stable.stable = StableHow::data_sync;
  CHECK(s->run(h.write(root, stable)).committed == StableHow::file_sync);
  WriteArgs too_long = w;
  too_long.count = 6;
  CHECK(s->run(h.write(root, too_long)).status == Nfsstat3::inval);
  const CommitArgs commit{*made.obj, 0, 0};
  const CommitRes committed = s->run(h.commit(root, commit));
  CHECK(committed.status == Nfsstat3::ok);
  CHECK(committed.verf == h.write_verifier());

  // Another instance (a server restart) has another verifier.
  ZvfsHandlers again(s->fs());
  CHECK_FALSE(again.write_verifier() == h.write_verifier());
}

TEST_CASE("a fenced server answers WRITE and COMMIT with IO (never OK)") {
  nfs3::testing::ZvfsServerOptions o;
  o.url = "memory://nfs3-fenced-writer";
  // Only COMMIT makes data durable, so the old server learns of the fence from a COMMIT.
  o.flush_interval = std::chrono::hours(1);
  auto old = ZvfsServer::start(o);
  REQUIRE(old);
  auto& h = (*old)->handlers();
  const CallContext root = user(0, 0);
  const CreateRes made = (*old)->run(h.create(root, create_args("f", CreateMode::guarded)));
  REQUIRE(made.obj);
  const WriteArgs before{*made.obj, 0, 6, StableHow::unstable, zerofs::as_bytes("before")};
  REQUIRE((*old)->run(h.write(root, before)).status == Nfsstat3::ok);
  const CommitArgs commit{*made.obj, 0, 0};
  REQUIRE((*old)->run(h.commit(root, commit)).status == Nfsstat3::ok);

  auto newer = ZvfsServer::start(o);  // a second writer on the same store fences the first
  REQUIRE(newer);
  // Not heard of yet: an UNSTABLE write is only buffered, and acknowledged as such.
  const WriteArgs after{*made.obj, 6, 5, StableHow::unstable, zerofs::as_bytes("after")};
  const WriteRes buffered = (*old)->run(h.write(root, after));
  REQUIRE(buffered.status == Nfsstat3::ok);
  CHECK(buffered.committed == StableHow::unstable);
  // The COMMIT that would make it durable finds the fence (RFC 1813 §3.3.21 allows IO here).
  CHECK((*old)->run(h.commit(root, commit)).status == Nfsstat3::io);
  CHECK((*old)->run(h.write(root, after)).status == Nfsstat3::io);
  WriteArgs file_sync = after;
  file_sync.stable = StableHow::file_sync;
  CHECK((*old)->run(h.write(root, file_sync)).status == Nfsstat3::io);
  CHECK((*old)->run(h.commit(root, commit)).status == Nfsstat3::io);

  const ReadArgs read{*made.obj, 0, 100};
  const ReadRes got = (*newer)->run((*newer)->handlers().read(root, read));
  REQUIRE(got.status == Nfsstat3::ok);
  CHECK(got.data.chars() == "before");
}

TEST_CASE("READDIR: TOOSMALL, BAD_COOKIE, budgets respected") {
  auto s = start();
  auto& h = s->handlers();
  const CallContext root = user(0, 0);
  for (int i = 0; i < 50; ++i) {
    const CreateArgs c = create_args("file-" + std::to_string(i), CreateMode::guarded);
    REQUIRE(s->run(h.create(root, c)).status == Nfsstat3::ok);
  }
  ReaddirArgs tiny{file_handle(zvfs::kRootIno), 0, {}, 100};
  CHECK(s->run(h.readdir(root, tiny)).status == Nfsstat3::toosmall);

  ReaddirArgs page{file_handle(zvfs::kRootIno), 0, {}, 600};
  ReaddirRes first = s->run(h.readdir(root, page));
  REQUIRE(first.status == Nfsstat3::ok);
  CHECK(encoded_size(first) <= 600);
  REQUIRE(first.entries.size() >= 3);
  CHECK_FALSE(first.eof);
  page.cookie = first.entries.back().cookie;
  page.cookieverf = first.cookieverf;
  CHECK(s->run(h.readdir(root, page)).status == Nfsstat3::ok);
  page.cookieverf[0] ^= std::byte{1};
  CHECK(s->run(h.readdir(root, page)).status == Nfsstat3::bad_cookie);

  ReaddirplusArgs plus{file_handle(zvfs::kRootIno), 0, {}, 200, 100000};
  const ReaddirplusRes p = s->run(h.readdirplus(root, plus));
  REQUIRE(p.status == Nfsstat3::ok);
  std::size_t dir_bytes = 0;
  for (const EntryPlus3& e : p.entries) {
    dir_bytes += entryplus3_dircount_size(e.name.size());
    CHECK(e.name_attributes);
    CHECK(e.name_handle);
  }
  CHECK(dir_bytes <= 200);
  CHECK_FALSE(p.eof);
}

TEST_CASE("AUTH_NONE is nobody, read-only ACCESS grants no modification") {
  auto s = start();
  auto& h = s->handlers();
  CallContext anonymous;
  anonymous.flavor = AuthFlavor::none;
  MkdirArgs mk{{file_handle(zvfs::kRootIno), "open"}, {}};
  mk.attributes.mode = 0777;
  const MkdirRes dir = s->run(h.mkdir(user(0, 0), mk));
  REQUIRE(dir.obj);
  const CreateArgs c{{*dir.obj, "anon"}, {CreateMode::guarded, {}, {}}};
  const CreateRes made = s->run(h.create(anonymous, c));
  REQUIRE(made.status == Nfsstat3::ok);
  CHECK(made.obj_attributes->uid == 65534);
  CHECK(made.obj_attributes->gid == 65534);
  // Not allowed in the root directory (0755, owned by root).
  const CreateArgs denied = create_args("nope", CreateMode::guarded);
  CHECK(s->run(h.create(anonymous, denied)).status == Nfsstat3::acces);

  ZvfsHandlersOptions ro;
  ro.read_only = true;
  ZvfsHandlers read_only(s->fs(), ro);
  const std::uint32_t all =
      kAccessRead | kAccessLookup | kAccessModify | kAccessExtend | kAccessDelete | kAccessExecute;
  const AccessArgs a{file_handle(zvfs::kRootIno), all};
  CHECK(s->run(h.access(user(0, 0), a)).access ==
        (kAccessRead | kAccessLookup | kAccessModify | kAccessExtend | kAccessDelete));
  CHECK(s->run(read_only.access(user(0, 0), a)).access == (kAccessRead | kAccessLookup));
}
