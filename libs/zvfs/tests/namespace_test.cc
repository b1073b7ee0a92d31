// Names: lookup, create, mkdir, mknod, symlink/readlink, link, unlink, rmdir, and their
// errors.
#include <set>

#include "test_util.h"

using namespace zvfs;
using namespace zvfs::testing;

TEST_CASE("namespace: a fresh filesystem has the root and /.nbd") {
  FsFixture t;
  const Attr root = t.attr(kRootIno);
  CHECK(root.type == FileType::directory);
  CHECK(root.mode == 0755);
  CHECK(root.nlink == 3);  // ".", its own "..", and /.nbd's ".."
  auto nbd = t->lookup(root_cred(), kRootIno, ".nbd");
  REQUIRE(nbd);
  CHECK(nbd->type == FileType::directory);
  CHECK(nbd->mode == 0755);
  CHECK(nbd->uid == 0);
  CHECK(nbd->gid == 0);
  t.expect_clean();
}

TEST_CASE("namespace: create, lookup, getattr") {
  FsFixture t;
  auto created = t->create(alice(), kRootIno, "x", 0640, true);
  REQUIRE(code_of(created) == Errc::access_denied);  // root dir is 0755 root:root
  REQUIRE(t->setattr(root_cred(), kRootIno, [] {
    SetAttr s;
    s.mode = 0777;
    return s;
  }()));
  created = t->create(alice(), kRootIno, "x", 0640, true);
  REQUIRE(created);
  CHECK(created->created);
  const Attr a = created->attr;
  CHECK(a.type == FileType::regular);
  CHECK(a.mode == 0640);
  CHECK(a.uid == 1000);
  CHECK(a.gid == 1000);
  CHECK(a.nlink == 1);
  CHECK(a.size == 0);
  CHECK(a.ino > kRootIno);
  auto found = t->lookup(alice(), kRootIno, "x");
  REQUIRE(found);
  CHECK(found->ino == a.ino);
  // Exclusive create of an existing name fails; non-exclusive returns the file.
  CHECK(code_of(t->create(alice(), kRootIno, "x", 0600, true)) == Errc::already_exists);
  auto again = t->create(alice(), kRootIno, "x", 0600, false);
  REQUIRE(again);
  CHECK_FALSE(again->created);
  CHECK(again->attr.ino == a.ino);
  CHECK(again->attr.mode == 0640);
  CHECK(code_of(t->lookup(alice(), kRootIno, "missing")) == Errc::not_found);
  CHECK(code_of(t->getattr(root_cred(), 999999)) == Errc::stale);
  t.expect_clean();
}

TEST_CASE("namespace: name rules") {
  FsFixture t;
  const std::string long_name(256, 'n');
  const std::string max_name(255, 'm');
  CHECK(code_of(t->create(root_cred(), kRootIno, long_name, 0644, true)) == Errc::name_too_long);
  CHECK(code_of(t->lookup(root_cred(), kRootIno, long_name)) == Errc::name_too_long);
  CHECK(t->create(root_cred(), kRootIno, max_name, 0644, true));
  CHECK(t->lookup(root_cred(), kRootIno, max_name));
  CHECK(code_of(t->create(root_cred(), kRootIno, "a/b", 0644, true)) == Errc::invalid_argument);
  CHECK(code_of(t->create(root_cred(), kRootIno, std::string("a\0b", 3), 0644, true)) ==
        Errc::invalid_argument);
  CHECK(code_of(t->create(root_cred(), kRootIno, "", 0644, true)) == Errc::invalid_argument);
  CHECK(code_of(t->mkdir(root_cred(), kRootIno, ".", 0755)) == Errc::already_exists);
  CHECK(code_of(t->mkdir(root_cred(), kRootIno, "..", 0755)) == Errc::already_exists);
  CHECK(code_of(t->lookup(root_cred(), kRootIno, "")) == Errc::not_found);
  // Bytes are bytes: any name without '/' and NUL works, including UTF-8 and spaces.
  CHECK(t->create(root_cred(), kRootIno, "h\xC3\xA9llo w\xC3\xB6rld", 0644, true));
  t.expect_clean();
}

TEST_CASE("namespace: mkdir, '.' and '..', nlink counting") {
  FsFixture t;
  const Attr a = t.dir(kRootIno, "a");
  CHECK(a.nlink == 2);
  CHECK(a.size == 4096);
  const Attr b = t.dir(a.ino, "b");
  t.file(a.ino, "f");
  CHECK(t.attr(a.ino).nlink == 3);
  CHECK(t->lookup(root_cred(), a.ino, ".")->ino == a.ino);
  CHECK(t->lookup(root_cred(), a.ino, "..")->ino == kRootIno);
  CHECK(t->lookup(root_cred(), b.ino, "..")->ino == a.ino);
  CHECK(t->lookup(root_cred(), kRootIno, "..")->ino == kRootIno);
  CHECK(code_of(t->mkdir(root_cred(), a.ino, "b", 0755)) == Errc::already_exists);
  CHECK(code_of(t->mkdir(root_cred(), 999999, "x", 0755)) == Errc::stale);
  const Attr f = *t->lookup(root_cred(), a.ino, "f");
  CHECK(code_of(t->mkdir(root_cred(), f.ino, "x", 0755)) == Errc::not_a_directory);
  CHECK(code_of(t->lookup(root_cred(), f.ino, "x")) == Errc::not_a_directory);
  t.expect_clean();
}

TEST_CASE("namespace: mknod of fifo, socket and devices") {
  FsFixture t;
  auto fifo = t->mknod(root_cred(), kRootIno, "fifo", FileType::fifo, 0600, 0);
  REQUIRE(fifo);
  CHECK(fifo->type == FileType::fifo);
  CHECK(fifo->posix_mode() == 0010600);
  auto sock = t->mknod(root_cred(), kRootIno, "sock", FileType::socket, 0600, 0);
  REQUIRE(sock);
  CHECK(sock->type == FileType::socket);
  auto chr = t->mknod(root_cred(), kRootIno, "null", FileType::char_device, 0666, 0x0103);
  REQUIRE(chr);
  CHECK(chr->rdev == 0x0103);
  auto blk = t->mknod(root_cred(), kRootIno, "sda", FileType::block_device, 0660, 0x0800);
  REQUIRE(blk);
  CHECK(blk->type == FileType::block_device);
  CHECK(blk->rdev == 0x0800);
  // Devices need root; fifos do not.
  const Attr open_dir = t.dir(kRootIno, "pub", root_cred(), 0777);
  CHECK(code_of(t->mknod(alice(), open_dir.ino, "d", FileType::char_device, 0600, 1)) ==
        Errc::not_permitted);
  CHECK(t->mknod(alice(), open_dir.ino, "p", FileType::fifo, 0600, 0));
  // Data calls reject special files.
  CHECK(code_of(t->read(root_cred(), fifo->ino, 0, 10)) == Errc::invalid_argument);
  CHECK(code_of(t->write(root_cred(), chr->ino, 0, bytes("x"))) == Errc::invalid_argument);
  t.reopen();
  CHECK(t->lookup(root_cred(), kRootIno, "sda")->rdev == 0x0800);
  t.expect_clean();
}

TEST_CASE("namespace: symlink and readlink") {
  FsFixture t;
  auto link = t->symlink(root_cred(), kRootIno, "l", "../some/where");
  REQUIRE(link);
  CHECK(link->type == FileType::symlink);
  CHECK(link->size == 13);
  CHECK(link->mode == 0777);
  CHECK(t->readlink(root_cred(), link->ino).value() == "../some/where");
  CHECK(code_of(t->readlink(root_cred(), kRootIno)) == Errc::invalid_argument);
  CHECK(code_of(t->symlink(root_cred(), kRootIno, "empty", "")) == Errc::not_found);
  CHECK(code_of(t->symlink(root_cred(), kRootIno, "long", std::string(4096, 'x'))) ==
        Errc::name_too_long);
  CHECK(t->symlink(root_cred(), kRootIno, "max", std::string(4095, 'x')));
  CHECK(code_of(t->symlink(root_cred(), kRootIno, "l", "x")) == Errc::already_exists);
  t.reopen();
  CHECK(t->readlink(root_cred(), link->ino).value() == "../some/where");
  t.expect_clean();
}

TEST_CASE("namespace: hard links share the inode and count links") {
  FsFixture t;
  const Attr d = t.dir(kRootIno, "d");
  const Attr f = t.file(kRootIno, "f", "shared data");
  auto linked = t->link(root_cred(), f.ino, d.ino, "g");
  REQUIRE(linked);
  CHECK(linked->ino == f.ino);
  CHECK(linked->nlink == 2);
  CHECK(t.attr(d.ino).nlink == 2);  // links to files do not count in a directory's nlink
  CHECK(t->lookup(root_cred(), d.ino, "g")->ino == f.ino);
  CHECK(code_of(t->link(root_cred(), f.ino, d.ino, "g")) == Errc::already_exists);
  CHECK(code_of(t->link(root_cred(), d.ino, kRootIno, "dlink")) == Errc::not_permitted);
  CHECK(code_of(t->link(root_cred(), f.ino, f.ino, "x")) == Errc::not_a_directory);
  REQUIRE(t->unlink(root_cred(), kRootIno, "f"));
  CHECK(t.attr(f.ino).nlink == 1);
  CHECK(t.content(f.ino) == "shared data");
  REQUIRE(t->unlink(root_cred(), d.ino, "g"));
  CHECK(code_of(t->getattr(root_cred(), f.ino)) == Errc::stale);
  CHECK(code_of(t->link(root_cred(), f.ino, kRootIno, "again")) == Errc::stale);
  t.expect_clean();
}

TEST_CASE("namespace: unlink and rmdir errors") {
  FsFixture t;
  const Attr d = t.dir(kRootIno, "d");
  t.file(d.ino, "f");
  CHECK(code_of(t->unlink(root_cred(), kRootIno, "missing")) == Errc::not_found);
  CHECK(code_of(t->unlink(root_cred(), kRootIno, "d")) == Errc::is_a_directory);
  CHECK(code_of(t->rmdir(root_cred(), d.ino, "f")) == Errc::not_a_directory);
  CHECK(code_of(t->rmdir(root_cred(), kRootIno, "d")) == Errc::not_empty);
  CHECK(code_of(t->rmdir(root_cred(), d.ino, ".")) == Errc::invalid_argument);
  CHECK(code_of(t->rmdir(root_cred(), d.ino, "..")) == Errc::not_empty);
  CHECK(code_of(t->unlink(root_cred(), d.ino, ".")) == Errc::is_a_directory);
  const Attr f = *t->lookup(root_cred(), d.ino, "f");
  CHECK(code_of(t->unlink(root_cred(), f.ino, "x")) == Errc::not_a_directory);
  REQUIRE(t->unlink(root_cred(), d.ino, "f"));
  const Attr root_before = t.attr(kRootIno);
  REQUIRE(t->rmdir(root_cred(), kRootIno, "d"));
  CHECK(t.attr(kRootIno).nlink == root_before.nlink - 1);
  CHECK(code_of(t->getattr(root_cred(), d.ino)) == Errc::stale);
  CHECK(code_of(t->create(root_cred(), d.ino, "late", 0644, true)) == Errc::stale);
  t.expect_clean();
}

TEST_CASE("namespace: inode ids are never reused, also across restarts") {
  FsFixture t;
  std::set<Ino> seen;
  for (int round = 0; round < 3; ++round) {
    for (int i = 0; i < 20; ++i) {
      const Attr f = t.file(kRootIno, "f" + std::to_string(i));
      CHECK(seen.insert(f.ino).second);
      REQUIRE(t->unlink(root_cred(), kRootIno, "f" + std::to_string(i)));
    }
    t.reopen();
  }
  t.expect_clean();
}
