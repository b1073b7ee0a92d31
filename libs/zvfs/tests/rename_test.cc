// rename: plain, replacing, RENAME_NOREPLACE, RENAME_EXCHANGE, directories, loops, no-ops.
#include "test_util.h"

using namespace zvfs;
using namespace zvfs::testing;

TEST_CASE("rename: within and across directories, replacing a file") {
  FsFixture t;
  const Attr d1 = t.dir(kRootIno, "d1");
  const Attr d2 = t.dir(kRootIno, "d2");
  const Attr a = t.file(d1.ino, "a", "A");
  const Attr b = t.file(d2.ino, "b", "B");
  REQUIRE(t->rename(root_cred(), d1.ino, "a", d1.ino, "a2"));
  CHECK(code_of(t->lookup(root_cred(), d1.ino, "a")) == Errc::not_found);
  CHECK(t->lookup(root_cred(), d1.ino, "a2")->ino == a.ino);
  // Replace b with a across directories: b's inode goes away with its data.
  REQUIRE(t->rename(root_cred(), d1.ino, "a2", d2.ino, "b"));
  CHECK(t->lookup(root_cred(), d2.ino, "b")->ino == a.ino);
  CHECK(t.content(a.ino) == "A");
  CHECK(code_of(t->getattr(root_cred(), b.ino)) == Errc::stale);
  CHECK(t.attr(d1.ino).nlink == 2);
  CHECK(code_of(t->rename(root_cred(), d1.ino, "nothing", d2.ino, "x")) == Errc::not_found);
  t.expect_clean();
}

TEST_CASE("rename: RENAME_NOREPLACE and bad flags") {
  FsFixture t;
  t.file(kRootIno, "a");
  t.file(kRootIno, "b");
  CHECK(code_of(t->rename(root_cred(), kRootIno, "a", kRootIno, "b", kRenameNoReplace)) ==
        Errc::already_exists);
  CHECK(t->rename(root_cred(), kRootIno, "a", kRootIno, "c", kRenameNoReplace));
  CHECK(code_of(t->rename(root_cred(), kRootIno, "c", kRootIno, "d",
                          kRenameNoReplace | kRenameExchange)) == Errc::invalid_argument);
  CHECK(code_of(t->rename(root_cred(), kRootIno, "c", kRootIno, "d", 0x80)) ==
        Errc::invalid_argument);
  CHECK(code_of(t->rename(root_cred(), kRootIno, ".", kRootIno, "d")) == Errc::busy);
  CHECK(code_of(t->rename(root_cred(), kRootIno, "c", kRootIno, "..")) == Errc::busy);
  t.expect_clean();
}

TEST_CASE("rename: directories over empty directories, ENOTEMPTY, type mismatches") {
  FsFixture t;
  const Attr src = t.dir(kRootIno, "src");
  t.file(src.ino, "inside", "x");
  const Attr empty = t.dir(kRootIno, "empty");
  const Attr full = t.dir(kRootIno, "full");
  t.file(full.ino, "f");
  t.file(kRootIno, "file");
  CHECK(code_of(t->rename(root_cred(), kRootIno, "src", kRootIno, "full")) == Errc::not_empty);
  CHECK(code_of(t->rename(root_cred(), kRootIno, "src", kRootIno, "file")) ==
        Errc::not_a_directory);
  CHECK(code_of(t->rename(root_cred(), kRootIno, "file", kRootIno, "empty")) ==
        Errc::is_a_directory);
  const std::uint32_t root_links = t.attr(kRootIno).nlink;
  REQUIRE(t->rename(root_cred(), kRootIno, "src", kRootIno, "empty"));
  CHECK(t->lookup(root_cred(), kRootIno, "empty")->ino == src.ino);
  CHECK(code_of(t->getattr(root_cred(), empty.ino)) == Errc::stale);
  CHECK(t.attr(kRootIno).nlink == root_links - 1);
  t.expect_clean();
}

TEST_CASE("rename: a directory moves with its subtree and its '..'") {
  FsFixture t;
  const Attr a = t.dir(kRootIno, "a");
  const Attr b = t.dir(kRootIno, "b");
  const Attr c = t.dir(a.ino, "c");
  t.file(c.ino, "deep", "data");
  REQUIRE(t->rename(root_cred(), a.ino, "c", b.ino, "c2"));
  CHECK(t.attr(a.ino).nlink == 2);
  CHECK(t.attr(b.ino).nlink == 3);
  CHECK(t->lookup(root_cred(), c.ino, "..")->ino == b.ino);
  CHECK(t.content(t->lookup(root_cred(), c.ino, "deep")->ino) == "data");
  t.reopen();
  CHECK(t->lookup(root_cred(), c.ino, "..")->ino == b.ino);
  t.expect_clean();
}

TEST_CASE("rename: EINVAL into its own subtree") {
  FsFixture t;
  const Attr a = t.dir(kRootIno, "a");
  const Attr b = t.dir(a.ino, "b");
  const Attr c = t.dir(b.ino, "c");
  CHECK(code_of(t->rename(root_cred(), kRootIno, "a", c.ino, "a")) == Errc::invalid_argument);
  CHECK(code_of(t->rename(root_cred(), kRootIno, "a", a.ino, "self")) == Errc::invalid_argument);
  CHECK(code_of(t->rename(root_cred(), a.ino, "b", b.ino, "x")) == Errc::invalid_argument);
  // Moving up is fine.
  REQUIRE(t->rename(root_cred(), b.ino, "c", kRootIno, "c"));
  t.expect_clean();
}

TEST_CASE("rename: the same inode under both names is a no-op") {
  FsFixture t;
  const Attr f = t.file(kRootIno, "f", "x");
  REQUIRE(t->link(root_cred(), f.ino, kRootIno, "g"));
  const Attr before = t.attr(f.ino);
  REQUIRE(t->rename(root_cred(), kRootIno, "f", kRootIno, "g"));
  CHECK(t->lookup(root_cred(), kRootIno, "f")->ino == f.ino);
  CHECK(t->lookup(root_cred(), kRootIno, "g")->ino == f.ino);
  CHECK(t.attr(f.ino).nlink == 2);
  CHECK(t.attr(f.ino).ctime_ns == before.ctime_ns);
  REQUIRE(t->rename(root_cred(), kRootIno, "f", kRootIno, "f"));
  t.expect_clean();
}

TEST_CASE("rename: RENAME_EXCHANGE swaps files and directories") {
  FsFixture t;
  const Attr d1 = t.dir(kRootIno, "d1");
  const Attr d2 = t.dir(kRootIno, "d2");
  const Attr f = t.file(d1.ino, "x", "file");
  const Attr sub = t.dir(d2.ino, "y");
  CHECK(code_of(t->rename(root_cred(), d1.ino, "x", d2.ino, "missing", kRenameExchange)) ==
        Errc::not_found);
  REQUIRE(t->rename(root_cred(), d1.ino, "x", d2.ino, "y", kRenameExchange));
  CHECK(t->lookup(root_cred(), d1.ino, "x")->ino == sub.ino);
  CHECK(t->lookup(root_cred(), d2.ino, "y")->ino == f.ino);
  CHECK(t->lookup(root_cred(), sub.ino, "..")->ino == d1.ino);
  CHECK(t.attr(d1.ino).nlink == 3);
  CHECK(t.attr(d2.ino).nlink == 2);
  // Cookies stay: readdir of d1 still lists one entry, now the directory.
  auto page = t->readdir(root_cred(), d1.ino, 2, 10);
  REQUIRE(page);
  REQUIRE(page->entries.size() == 1);
  CHECK(page->entries[0].type == FileType::directory);
  // Exchanging a directory into its own subtree is refused.
  const Attr inner = t.dir(sub.ino, "inner");
  CHECK(code_of(t->rename(root_cred(), d1.ino, "x", inner.ino, "..", kRenameExchange)) ==
        Errc::busy);
  t.file(inner.ino, "z");
  CHECK(code_of(t->rename(root_cred(), d1.ino, "x", inner.ino, "z", kRenameExchange)) ==
        Errc::invalid_argument);
  t.expect_clean();
}

TEST_CASE("rename: replacing the last link of an open file keeps its data until release") {
  FsFixture t;
  const Attr victim = t.file(kRootIno, "victim", "still here");
  t.file(kRootIno, "other", "new");
  REQUIRE(t->open_file(root_cred(), victim.ino, kOpenReadOnly));
  REQUIRE(t->rename(root_cred(), kRootIno, "other", kRootIno, "victim"));
  CHECK(t.content(victim.ino) == "still here");
  CHECK(t.attr(victim.ino).nlink == 0);
  t.expect_clean();
  REQUIRE(t->release(victim.ino));
  CHECK(code_of(t->getattr(root_cred(), victim.ino)) == Errc::stale);
  t.expect_clean();
}
