// Permission checks through libnfs with two different uids (alice 1000, bob 1001), plus a
// group member, root and AUTH_NONE (nobody): the server applies POSIX permissions to the
// AUTH_SYS identity of each call.
#include "libnfs_client.h"
#include "test_support/catch.h"
#include "zvfs_server.h"

using namespace nfs3::testing;

namespace {

constexpr std::uint32_t kAlice = 1000;
constexpr std::uint32_t kBob = 1001;
constexpr std::uint32_t kAliceGroup = 1000;

}  // namespace

TEST_CASE("libnfs: two uids, owner/group/other permissions and ownership rules") {
  auto started = ZvfsServer::start(ZvfsServerOptions());
  REQUIRE(started);
  auto& server = *started;
  LibnfsClient root(server->port(), Identity::sys(0, 0));
  LibnfsClient alice(server->port(), Identity::sys(kAlice, kAliceGroup));
  LibnfsClient bob(server->port(), Identity::sys(kBob, kBob));
  LibnfsClient bob_in_group(server->port(), Identity::sys(kBob, kBob, {kAliceGroup}));
  LibnfsClient nobody(server->port(), Identity::anonymous());
  const Fh top = root.mount("/");

  // A shared sticky directory, as /tmp.
  const Created shared = mkdir(root, top, "shared", 01777);
  REQUIRE(shared.status == NFS3_OK);
  CHECK(shared.attr.mode == 01777);

  // alice's private file.
  const Created secret = create(alice, shared.fh, "secret", 0600);
  REQUIRE(secret.status == NFS3_OK);
  CHECK(secret.attr.uid == kAlice);
  CHECK(secret.attr.gid == kAliceGroup);
  REQUIRE(write(alice, secret.fh, 0, "alice's data").status == NFS3_OK);
  std::string data;
  REQUIRE(read(alice, secret.fh, 0, 100, &data) == NFS3_OK);
  CHECK(data == "alice's data");
  CHECK(read(bob, secret.fh, 0, 100, &data) == NFS3ERR_ACCES);
  CHECK(write(bob, secret.fh, 0, "bob was here").status == NFS3ERR_ACCES);
  std::uint32_t granted = 0;
  REQUIRE(access(bob, secret.fh, ACCESS3_READ | ACCESS3_MODIFY, &granted) == NFS3_OK);
  CHECK(granted == 0);
  REQUIRE(access(alice, secret.fh, ACCESS3_READ | ACCESS3_MODIFY, &granted) == NFS3_OK);
  CHECK(granted == (ACCESS3_READ | ACCESS3_MODIFY));
  // Only the owner (or root) changes the mode; nobody but root gives a file away.
  CHECK(setattr(bob, secret.fh, with_mode(0666)) == NFS3ERR_PERM);
  sattr3 give = no_change();
  give.uid.set_it = 1;
  give.uid.set_uid3_u.uid = kBob;
  CHECK(setattr(alice, secret.fh, give) == NFS3ERR_PERM);
  // root reads anything.
  REQUIRE(read(root, secret.fh, 0, 100, &data) == NFS3_OK);
  CHECK(data == "alice's data");

  // Group read: 0640 lets a member of alice's group read, not write.
  REQUIRE(setattr(alice, secret.fh, with_mode(0640)) == NFS3_OK);
  REQUIRE(read(bob_in_group, secret.fh, 0, 100, &data) == NFS3_OK);
  CHECK(write(bob_in_group, secret.fh, 0, "x").status == NFS3ERR_ACCES);
  CHECK(read(bob, secret.fh, 0, 100, &data) == NFS3ERR_ACCES);
  REQUIRE(access(bob_in_group, secret.fh, ACCESS3_READ | ACCESS3_MODIFY, &granted) == NFS3_OK);
  CHECK(granted == ACCESS3_READ);

  // The owner may still write a file whose mode forbids it (knfsd's owner override: NFS
  // has no open, so a file created 0444 stays writable for its creator).
  const Created readonly = create(alice, shared.fh, "ro", 0444);
  REQUIRE(readonly.status == NFS3_OK);
  CHECK(write(alice, readonly.fh, 0, "still mine").status == NFS3_OK);
  CHECK(write(bob, readonly.fh, 0, "not mine").status == NFS3ERR_ACCES);

  // Sticky directory: bob cannot remove or rename alice's files, but his own (EPERM, as
  // Linux answers for the sticky bit).
  const Created bobs = create(bob, shared.fh, "bobs", 0644);
  REQUIRE(bobs.status == NFS3_OK);
  CHECK(bobs.attr.uid == kBob);
  CHECK(remove(bob, shared.fh, "secret") == NFS3ERR_PERM);
  CHECK(rename(bob, shared.fh, "secret", shared.fh, "stolen") == NFS3ERR_PERM);
  CHECK(remove(alice, shared.fh, "bobs") == NFS3ERR_PERM);
  REQUIRE(remove(bob, shared.fh, "bobs") == NFS3_OK);

  // alice's private directory: bob can neither list nor create in it.
  const Created home = mkdir(alice, shared.fh, "alice", 0700);
  REQUIRE(home.status == NFS3_OK);
  CHECK(create(bob, home.fh, "intruder", 0644).status == NFS3ERR_ACCES);
  CHECK(lookup(bob, home.fh, "anything") == NFS3ERR_ACCES);
  CHECK(mkdir(bob, home.fh, "sub", 0755).status == NFS3ERR_ACCES);
  REQUIRE(access(bob, home.fh, ACCESS3_LOOKUP | ACCESS3_MODIFY | ACCESS3_DELETE, &granted) ==
          NFS3_OK);
  CHECK(granted == 0);
  REQUIRE(access(alice, home.fh, ACCESS3_LOOKUP | ACCESS3_MODIFY | ACCESS3_DELETE, &granted) ==
          NFS3_OK);
  CHECK(granted == (ACCESS3_LOOKUP | ACCESS3_MODIFY | ACCESS3_DELETE));

  // root gives the file to bob; then bob owns it.
  REQUIRE(setattr(root, secret.fh, give) == NFS3_OK);
  fattr3 a{};
  REQUIRE(getattr(bob, secret.fh, &a) == NFS3_OK);
  CHECK(a.uid == kBob);
  REQUIRE(setattr(bob, secret.fh, with_mode(0600)) == NFS3_OK);
  CHECK(read(alice, secret.fh, 0, 100, &data) == NFS3ERR_ACCES);

  // AUTH_NONE is nobody (65534): it may create in the sticky 1777 directory only.
  const Created anon = create(nobody, shared.fh, "anon", 0644);
  REQUIRE(anon.status == NFS3_OK);
  CHECK(anon.attr.uid == 65534);
  CHECK(anon.attr.gid == 65534);
  CHECK(create(nobody, top, "anon", 0644).status == NFS3ERR_ACCES);
}
