// Extended attributes: flags, limits, namespaces and permissions, ERANGE sizes, deletion.
#include "test_util.h"

using namespace zvfs;
using namespace zvfs::testing;

TEST_CASE("xattr: set, get, list, remove, with CREATE/REPLACE") {
  FsFixture t;
  const Attr f = t.file(kRootIno, "f");
  CHECK(code_of(t->getxattr(root_cred(), f.ino, "user.a")) == Errc::no_data);
  REQUIRE(t->setxattr(root_cred(), f.ino, "user.a", bytes("1")));
  REQUIRE(t->setxattr(root_cred(), f.ino, "user.b", bytes(std::string("\0bin\xff", 5))));
  REQUIRE(t->setxattr(root_cred(), f.ino, "user.empty", bytes("")));
  CHECK(t->getxattr(root_cred(), f.ino, "user.a").value() == "1");
  CHECK(t->getxattr(root_cred(), f.ino, "user.b").value() == std::string("\0bin\xff", 5));
  CHECK(t->getxattr(root_cred(), f.ino, "user.empty").value().empty());
  CHECK(code_of(t->setxattr(root_cred(), f.ino, "user.a", bytes("2"), kXattrCreate)) ==
        Errc::already_exists);
  CHECK(code_of(t->setxattr(root_cred(), f.ino, "user.c", bytes("2"), kXattrReplace)) ==
        Errc::no_data);
  REQUIRE(t->setxattr(root_cred(), f.ino, "user.a", bytes("22"), kXattrReplace));
  REQUIRE(t->setxattr(root_cred(), f.ino, "user.c", bytes("3"), kXattrCreate));
  CHECK(t->getxattr(root_cred(), f.ino, "user.a").value() == "22");
  CHECK(t->listxattr(root_cred(), f.ino).value() ==
        std::vector<std::string>{"user.a", "user.b", "user.c", "user.empty"});
  REQUIRE(t->removexattr(root_cred(), f.ino, "user.b"));
  CHECK(code_of(t->removexattr(root_cred(), f.ino, "user.b")) == Errc::no_data);
  t.reopen();
  CHECK(t->listxattr(root_cred(), f.ino).value() ==
        std::vector<std::string>{"user.a", "user.c", "user.empty"});
  t.expect_clean();
}

TEST_CASE("xattr: limits and ERANGE") {
  FsFixture t;
  const Attr f = t.file(kRootIno, "f");
  const std::string name255 = "user." + std::string(250, 'n');
  const std::string name256 = "user." + std::string(251, 'n');
  CHECK(t->setxattr(root_cred(), f.ino, name255, bytes("v")));
  CHECK(code_of(t->setxattr(root_cred(), f.ino, name256, bytes("v"))) == Errc::range);
  CHECK(code_of(t->setxattr(root_cred(), f.ino, "", bytes("v"))) == Errc::range);
  const std::string max_value(kMaxXattrValueBytes, 'v');
  CHECK(t->setxattr(root_cred(), f.ino, "user.max", bytes(max_value)));
  CHECK(t->getxattr(root_cred(), f.ino, "user.max").value() == max_value);
  CHECK(code_of(t->setxattr(root_cred(), f.ino, "user.big", bytes(max_value + "v"))) ==
        Errc::too_big);
  CHECK(code_of(t->getxattr(root_cred(), f.ino, "user.max", 100)) == Errc::range);
  CHECK(t->getxattr(root_cred(), f.ino, "user.max", kMaxXattrValueBytes));
  // listxattr's size: names with NUL terminators.
  const std::size_t list_size = name255.size() + 1 + std::string("user.max").size() + 1;
  CHECK(code_of(t->listxattr(root_cred(), f.ino, list_size - 1)) == Errc::range);
  CHECK(t->listxattr(root_cred(), f.ino, list_size)->size() == 2);
  CHECK(code_of(t->setxattr(root_cred(), f.ino, "user.x", bytes("v"), 3)) ==
        Errc::invalid_argument);
}

TEST_CASE("xattr: namespaces and permissions") {
  FsFixture t;
  const Attr pub = t.dir(kRootIno, "pub", root_cred(), 0777);
  auto created = t->create(alice(), pub.ino, "f", 0644, true);
  REQUIRE(created);
  const Ino f = created->attr.ino;
  CHECK(t->setxattr(alice(), f, "user.mine", bytes("1")));
  CHECK(t->getxattr(bob(), f, "user.mine").value() == "1");  // r for the group
  CHECK(code_of(t->setxattr(bob(), f, "user.theirs", bytes("1"))) == Errc::access_denied);
  CHECK(code_of(t->removexattr(bob(), f, "user.mine")) == Errc::access_denied);
  // trusted.* is root's: others can neither set nor see it.
  CHECK(code_of(t->setxattr(alice(), f, "trusted.t", bytes("1"))) == Errc::not_permitted);
  CHECK(t->setxattr(root_cred(), f, "trusted.t", bytes("1")));
  CHECK(code_of(t->getxattr(alice(), f, "trusted.t")) == Errc::no_data);
  CHECK(t->getxattr(root_cred(), f, "trusted.t").value() == "1");
  CHECK(t->listxattr(alice(), f).value() == std::vector<std::string>{"user.mine"});
  CHECK(t->listxattr(root_cred(), f)->size() == 2);
  // security.* readable by all, writable by root.
  CHECK(code_of(t->setxattr(alice(), f, "security.s", bytes("1"))) == Errc::not_permitted);
  CHECK(t->setxattr(root_cred(), f, "security.s", bytes("label")));
  CHECK(t->getxattr(carol(), f, "security.s").value() == "label");
  // Unknown and system namespaces are not supported.
  CHECK(code_of(t->setxattr(root_cred(), f, "system.posix_acl_access", bytes("1"))) ==
        Errc::unsupported);
  CHECK(code_of(t->setxattr(root_cred(), f, "other.x", bytes("1"))) == Errc::unsupported);
  // user.* only on files and directories.
  auto fifo = t->mknod(root_cred(), pub.ino, "p", FileType::fifo, 0666, 0);
  REQUIRE(fifo);
  CHECK(code_of(t->setxattr(root_cred(), fifo->ino, "user.x", bytes("1"))) == Errc::not_permitted);
  CHECK(code_of(t->getxattr(root_cred(), fifo->ino, "user.x")) == Errc::no_data);
  // A sticky directory's user attributes belong to its owner.
  const Attr sticky = t.dir(pub.ino, "sticky", alice(), 01777);
  CHECK(code_of(t->setxattr(bob(), sticky.ino, "user.x", bytes("1"))) == Errc::not_permitted);
  CHECK(t->setxattr(alice(), sticky.ino, "user.x", bytes("1")));
  t.expect_clean();
}

TEST_CASE("xattr: attributes go with their inode") {
  FsFixture t;
  const Attr f = t.file(kRootIno, "f");
  for (int i = 0; i < 5; ++i) {
    REQUIRE(t->setxattr(root_cred(), f.ino, "user." + std::to_string(i), bytes("v")));
  }
  const Attr before = t.attr(f.ino);
  REQUIRE(t->unlink(root_cred(), kRootIno, "f"));
  auto report = t->check();
  REQUIRE(report);
  CHECK(report->xattrs == 0);
  CHECK(report->clean());
  (void)before;
}
