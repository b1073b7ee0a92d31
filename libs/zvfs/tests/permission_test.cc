// The permission matrix and the special bits: owner/group/other x r/w/x, root, search
// permission along paths, sticky directories, setgid inheritance, suid/sgid clearing, chown
// and chmod rules, utimens rules.
#include "test_util.h"

using namespace zvfs;
using namespace zvfs::testing;

namespace {

SetAttr chmod_to(std::uint32_t mode) {
  SetAttr s;
  s.mode = mode;
  return s;
}
SetAttr chown_to(std::optional<std::uint32_t> uid, std::optional<std::uint32_t> gid) {
  SetAttr s;
  s.uid = uid;
  s.gid = gid;
  return s;
}

// A file owned by alice:1000 with `mode`, in a world-writable directory.
Attr alice_file(FsFixture& t, Ino dir, const std::string& name, std::uint32_t mode) {
  auto created = t->create(alice(), dir, name, 0600, true);
  REQUIRE(created);
  REQUIRE(t->setattr(alice(), created->attr.ino, chmod_to(mode)));
  return t.attr(created->attr.ino);
}

}  // namespace

TEST_CASE("permissions: owner/group/other x r/w/x matrix") {
  FsFixture t;
  const Attr pub = t.dir(kRootIno, "pub", root_cred(), 0777);
  const Credentials users[3] = {alice(), bob(), carol()};  // owner, group member, other
  int n = 0;
  for (int cls = 0; cls < 3; ++cls) {
    for (const std::uint32_t bit : {kMayRead, kMayWrite, kMayExec}) {
      const std::uint32_t mode = bit << (3 * (2 - cls));
      const Attr f = alice_file(t, pub.ino, "f" + std::to_string(n++), mode);
      for (int who = 0; who < 3; ++who) {
        for (const std::uint32_t mask : {kMayRead, kMayWrite, kMayExec}) {
          INFO("mode " << std::oct << mode << " user " << who << " mask " << mask);
          const bool expect = who == cls && mask == bit;
          CHECK(t->access(users[who], f.ino, mask).has_value() == expect);
        }
      }
      // The operations themselves agree with access().
      const bool can_read = bit == kMayRead;
      const bool can_write = bit == kMayWrite;
      CHECK(t->read(users[cls], f.ino, 0, 1).has_value() == can_read);
      CHECK(t->write(users[cls], f.ino, 0, bytes("x")).has_value() == can_write);
      CHECK(t->open_file(users[cls], f.ino, kOpenReadWrite).has_value() == false);
    }
  }
  // The owner's class decides even when group/other would allow more.
  const Attr f = alice_file(t, pub.ino, "owner-none", 0077);
  CHECK(code_of(t->access(alice(), f.ino, kMayRead)) == Errc::access_denied);
  CHECK(t->access(bob(), f.ino, kMayRead | kMayWrite | kMayExec));
  CHECK(t->access(carol(), f.ino, 0));  // existence only
  t.expect_clean();
}

TEST_CASE("permissions: root bypasses rwx, but exec needs some x bit on files") {
  FsFixture t;
  const Attr pub = t.dir(kRootIno, "pub", root_cred(), 0777);
  const Attr f = t.file(pub.ino, "f", "data");
  REQUIRE(t->setattr(root_cred(), f.ino, chown_to(1000, 1000)));
  REQUIRE(t->setattr(root_cred(), f.ino, chmod_to(0000)));
  CHECK(t->access(root_cred(), f.ino, kMayRead | kMayWrite));
  CHECK(code_of(t->access(root_cred(), f.ino, kMayExec)) == Errc::access_denied);
  REQUIRE(t->setattr(root_cred(), f.ino, chmod_to(0001)));
  CHECK(t->access(root_cred(), f.ino, kMayExec));
  const Attr d = t.dir(pub.ino, "d", alice(), 0000);
  CHECK(t->access(root_cred(), d.ino, kMayRead | kMayWrite | kMayExec));
  CHECK(t->read(root_cred(), f.ino, 0, 4));
  CHECK(t->readdir(root_cred(), d.ino, 0, 10));
  CHECK(t->create(root_cred(), d.ino, "x", 0644, true));
}

TEST_CASE("permissions: search permission along a path") {
  FsFixture t;
  const Attr home = t.dir(kRootIno, "home", root_cred(), 0777);
  const Attr priv = t.dir(home.ino, "alice", alice(), 0700);
  t.file(priv.ino, "secret", "s", alice());
  CHECK(t->lookup(alice(), priv.ino, "secret"));
  CHECK(code_of(t->lookup(bob(), priv.ino, "secret")) == Errc::access_denied);
  CHECK(code_of(t->readdir(bob(), priv.ino, 0, 10)) == Errc::access_denied);
  CHECK(code_of(t->create(bob(), priv.ino, "x", 0644, true)) == Errc::access_denied);
  // x without r: names can be looked up but not listed.
  REQUIRE(t->setattr(alice(), priv.ino, chmod_to(0711)));
  CHECK(t->lookup(bob(), priv.ino, "secret"));
  CHECK(code_of(t->readdir(bob(), priv.ino, 0, 10)) == Errc::access_denied);
  // r without x: listed but not searched.
  REQUIRE(t->setattr(alice(), priv.ino, chmod_to(0744)));
  CHECK(t->readdir(bob(), priv.ino, 0, 10));
  CHECK(code_of(t->lookup(bob(), priv.ino, "secret")) == Errc::access_denied);
  // Deleting needs w+x on the directory.
  CHECK(code_of(t->unlink(bob(), priv.ino, "secret")) == Errc::access_denied);
}

TEST_CASE("permissions: sticky directories protect other users' entries") {
  FsFixture t;
  const Attr tmp = t.dir(kRootIno, "tmp", root_cred(), 01777);
  t.file(tmp.ino, "a", "", alice());
  t.file(tmp.ino, "a2", "", alice());
  t.file(tmp.ino, "a3", "", alice());
  t.file(tmp.ino, "b", "", bob());
  CHECK(code_of(t->unlink(bob(), tmp.ino, "a")) == Errc::not_permitted);
  CHECK(code_of(t->rename(bob(), tmp.ino, "a", tmp.ino, "stolen")) == Errc::not_permitted);
  // Replacing someone else's entry is deleting it too.
  CHECK(code_of(t->rename(bob(), tmp.ino, "b", tmp.ino, "a")) == Errc::not_permitted);
  CHECK(t->unlink(alice(), tmp.ino, "a"));
  CHECK(t->unlink(root_cred(), tmp.ino, "a2"));
  CHECK(t->rename(alice(), tmp.ino, "a3", tmp.ino, "a4"));
  // The directory's owner may delete anything in it.
  const Attr pub = t.dir(kRootIno, "pub", root_cred(), 0777);
  const Attr owned = t.dir(pub.ino, "owned", carol(), 01777);
  t.file(owned.ino, "x", "", alice());
  CHECK(t->unlink(carol(), owned.ino, "x"));
  t.expect_clean();
}

TEST_CASE("permissions: setgid directories pass their group on") {
  FsFixture t;
  const Attr shared = t.dir(kRootIno, "shared", root_cred(), 0777);
  REQUIRE(t->setattr(root_cred(), shared.ino, chown_to(1000, 1000)));
  REQUIRE(t->setattr(root_cred(), shared.ino, chmod_to(02777)));
  const Attr f = t.file(shared.ino, "f", "", carol(), 0644);
  CHECK(f.gid == 1000);
  CHECK(f.uid == 1002);
  CHECK((f.mode & kSetGid) == 0);
  const Attr sub = t.dir(shared.ino, "sub", carol(), 0755);
  CHECK(sub.gid == 1000);
  CHECK((sub.mode & kSetGid) != 0);
  const Attr subsub = t.dir(sub.ino, "subsub", carol(), 0755);
  CHECK(subsub.gid == 1000);
  CHECK((subsub.mode & kSetGid) != 0);
  // A non-member cannot create a group-executable setgid file in it.
  auto g = t->create(carol(), shared.ino, "g", 02755, true);
  REQUIRE(g);
  CHECK(g->attr.mode == 0755);
  // A member can.
  auto h = t->create(bob(), shared.ino, "h", 02755, true);
  REQUIRE(h);
  CHECK(h->attr.mode == 02755);
  // Outside a setgid directory a file gets the creator's primary group.
  const Attr plain = t.dir(kRootIno, "plain", root_cred(), 0777);
  CHECK(t.file(plain.ino, "p", "", bob()).gid == 1001);
  t.expect_clean();
}

TEST_CASE("permissions: writes and truncates by non-root clear suid/sgid") {
  FsFixture t;
  const Attr pub = t.dir(kRootIno, "pub", root_cred(), 0777);
  const Attr f = alice_file(t, pub.ino, "f", 06775);
  REQUIRE(t->write(bob(), f.ino, 0, bytes("x")));
  CHECK(t.attr(f.ino).mode == 0775);
  // Without group-exec, sgid means mandatory locking and stays.
  const Attr g = alice_file(t, pub.ino, "g", 06664);
  REQUIRE(t->write(alice(), g.ino, 0, bytes("x")));
  CHECK(t.attr(g.ino).mode == 02664);
  // Root keeps the bits.
  const Attr r = alice_file(t, pub.ino, "r", 06775);
  REQUIRE(t->write(root_cred(), r.ino, 0, bytes("x")));
  CHECK(t.attr(r.ino).mode == 06775);
  // Truncation counts as a write.
  const Attr tr = alice_file(t, pub.ino, "tr", 04755);
  SetAttr to_zero;
  to_zero.size = 0;
  REQUIRE(t->setattr(alice(), tr.ino, to_zero));
  CHECK(t.attr(tr.ino).mode == 0755);
}

TEST_CASE("permissions: chown rules and the bits a chown clears") {
  FsFixture t;
  const Attr pub = t.dir(kRootIno, "pub", root_cred(), 0777);
  const Attr f = alice_file(t, pub.ino, "f", 06755);
  CHECK(code_of(t->setattr(alice(), f.ino, chown_to(1001, std::nullopt))) == Errc::not_permitted);
  CHECK(code_of(t->setattr(alice(), f.ino, chown_to(std::nullopt, 2000))) == Errc::not_permitted);
  CHECK(code_of(t->setattr(carol(), f.ino, chown_to(std::nullopt, 1000))) == Errc::not_permitted);
  // The owner may change the group to one of hers; suid and sgid (group-exec) go.
  REQUIRE(t->setattr(alice(), f.ino, chown_to(1000, 1000)));
  CHECK(t.attr(f.ino).mode == 0755);
  // Root may give files away; Linux clears suid on any chown of a non-directory.
  REQUIRE(t->setattr(root_cred(), f.ino, chmod_to(04755)));
  REQUIRE(t->setattr(root_cred(), f.ino, chown_to(1001, 1001)));
  const Attr after = t.attr(f.ino);
  CHECK(after.uid == 1001);
  CHECK(after.gid == 1001);
  CHECK(after.mode == 0755);
  // Directories keep their bits.
  const Attr d = t.dir(pub.ino, "d", alice(), 0755);
  REQUIRE(t->setattr(alice(), d.ino, chmod_to(02755)));
  REQUIRE(t->setattr(root_cred(), d.ino, chown_to(1002, std::nullopt)));
  CHECK(t.attr(d.ino).mode == 02755);
}

TEST_CASE("permissions: chmod by the owner only, sgid dropped for a non-member") {
  FsFixture t;
  const Attr pub = t.dir(kRootIno, "pub", root_cred(), 0777);
  const Attr f = alice_file(t, pub.ino, "f", 0644);
  CHECK(code_of(t->setattr(bob(), f.ino, chmod_to(0777))) == Errc::not_permitted);
  REQUIRE(t->setattr(root_cred(), f.ino, chown_to(std::nullopt, 2000)));
  REQUIRE(t->setattr(alice(), f.ino, chmod_to(02755)));
  CHECK(t.attr(f.ino).mode == 0755);  // alice is not in group 2000
  REQUIRE(t->setattr(root_cred(), f.ino, chmod_to(02755)));
  CHECK(t.attr(f.ino).mode == 02755);
  REQUIRE(t->setattr(alice(), f.ino, chmod_to(01644)));
  CHECK(t.attr(f.ino).mode == 01644);
}

TEST_CASE("permissions: utimens rules") {
  FsFixture t;
  const Attr pub = t.dir(kRootIno, "pub", root_cred(), 0777);
  const Attr f = alice_file(t, pub.ino, "f", 0664);
  SetAttr now;
  now.atime = TimeUpdate::now;
  now.mtime = TimeUpdate::now;
  SetAttr set;
  set.mtime = TimeUpdate::set;
  set.mtime_ns = 1'000'000'000;
  CHECK(t->setattr(bob(), f.ino, now));  // group write permission suffices for "now"
  CHECK(code_of(t->setattr(bob(), f.ino, set)) == Errc::not_permitted);
  CHECK(code_of(t->setattr(carol(), f.ino, now)) == Errc::access_denied);
  CHECK(t->setattr(alice(), f.ino, set));
  CHECK(t.attr(f.ino).mtime_ns == 1'000'000'000);
}

TEST_CASE("permissions: open checks the access it asks for, owner override for NFS") {
  FsFixture t;
  const Attr pub = t.dir(kRootIno, "pub", root_cred(), 0777);
  const Attr f = alice_file(t, pub.ino, "f", 0444);
  CHECK(t->open_file(alice(), f.ino, kOpenReadOnly));
  CHECK(code_of(t->open_file(alice(), f.ino, kOpenWriteOnly)) == Errc::access_denied);
  CHECK(code_of(t->open_file(alice(), f.ino, kOpenReadOnly | kOpenTruncate)) ==
        Errc::access_denied);
  CHECK(code_of(t->write(alice(), f.ino, 0, bytes("x"))) == Errc::access_denied);
  Credentials nfs_alice = alice();
  nfs_alice.with_owner_override();
  CHECK(t->write(nfs_alice, f.ino, 0, bytes("x")));
  Credentials nfs_bob = bob();
  nfs_bob.with_owner_override();
  CHECK(code_of(t->write(nfs_bob, f.ino, 0, bytes("x"))) == Errc::access_denied);
  CHECK(code_of(t->open_file(root_cred(), pub.ino, kOpenWriteOnly)) == Errc::is_a_directory);
  REQUIRE(t->release(f.ino));
  CHECK(code_of(t->release(f.ino)) == Errc::bad_handle);
}
