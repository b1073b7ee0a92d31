// readdir: "." and "..", stable cookies across changes, paging, readdirplus.
#include <set>

#include "test_util.h"

using namespace zvfs;
using namespace zvfs::testing;

namespace {

std::vector<DirEntry> read_all(FsFixture& t, Ino dir, std::size_t page_size, bool plus = false) {
  std::vector<DirEntry> all;
  std::uint64_t cookie = 0;
  for (;;) {
    auto page = t->readdir(root_cred(), dir, cookie, page_size, plus);
    REQUIRE(page);
    for (auto& e : page->entries) {
      cookie = e.cookie;
      all.push_back(std::move(e));
    }
    if (page->eof) break;
    REQUIRE_FALSE(page->entries.empty());
  }
  return all;
}

}  // namespace

TEST_CASE("readdir: dots first, then entries in creation order, paged by cookie") {
  FsFixture t;
  const Attr d = t.dir(kRootIno, "d");
  for (int i = 0; i < 25; ++i) t.file(d.ino, "f" + std::to_string(i));
  t.dir(d.ino, "sub");
  for (const std::size_t page : {1, 2, 7, 100}) {
    const auto all = read_all(t, d.ino, page);
    REQUIRE(all.size() == 28);
    CHECK(all[0].name == ".");
    CHECK(all[0].ino == d.ino);
    CHECK(all[0].cookie == 1);
    CHECK(all[1].name == "..");
    CHECK(all[1].ino == kRootIno);
    CHECK(all[2].name == "f0");
    CHECK(all[26].name == "f24");
    CHECK(all[27].name == "sub");
    CHECK(all[27].type == FileType::directory);
    CHECK(all[26].type == FileType::regular);
  }
  auto empty = t->readdir(root_cred(), d.ino, 0, 0);
  REQUIRE(empty);
  CHECK(empty->entries.empty());
  const Ino f0 = t->lookup(root_cred(), d.ino, "f0")->ino;
  CHECK(code_of(t->readdir(root_cred(), f0, 0, 10)) == Errc::not_a_directory);
}

TEST_CASE("readdir: cookies stay valid while entries come and go") {
  FsFixture t;
  const Attr d = t.dir(kRootIno, "d");
  for (int i = 0; i < 10; ++i) t.file(d.ino, "f" + std::to_string(i));
  auto first = t->readdir(root_cred(), d.ino, 0, 6);  // ., .., f0..f3
  REQUIRE(first);
  REQUIRE(first->entries.size() == 6);
  const std::uint64_t resume = first->entries.back().cookie;
  // Remove an entry already returned and one not yet returned; add a new one.
  REQUIRE(t->unlink(root_cred(), d.ino, "f1"));
  REQUIRE(t->unlink(root_cred(), d.ino, "f6"));
  t.file(d.ino, "new");
  REQUIRE(t->rename(root_cred(), d.ino, "f8", d.ino, "f8-renamed"));
  t.reopen();
  auto rest = t->readdir(root_cred(), d.ino, resume, 100);
  REQUIRE(rest);
  std::vector<std::string> names;
  for (const auto& e : rest->entries) names.push_back(e.name);
  CHECK(names == std::vector<std::string>{"f4", "f5", "f7", "f9", "new", "f8-renamed"});
  CHECK(rest->eof);
}

TEST_CASE("readdir: plus carries each entry's attributes") {
  FsFixture t;
  const Attr d = t.dir(kRootIno, "d");
  const Attr f = t.file(d.ino, "f", "12345");
  const auto all = read_all(t, d.ino, 10, true);
  REQUIRE(all.size() == 3);
  for (const auto& e : all) REQUIRE(e.attr.has_value());
  CHECK(all[0].attr->ino == d.ino);
  CHECK(all[1].attr->ino == kRootIno);
  CHECK(all[2].attr->ino == f.ino);
  CHECK(all[2].attr->size == 5);
}

TEST_CASE("readdir: a large directory lists every name exactly once") {
  FsFixture t;
  const Attr d = t.dir(kRootIno, "big");
  std::set<std::string> expect;
  for (int i = 0; i < 600; ++i) {
    const std::string name = "entry-" + std::to_string(i * 7919 % 1000);
    t.file(d.ino, name);
    expect.insert(name);
  }
  const auto all = read_all(t, d.ino, 64);
  std::set<std::string> got;
  for (const auto& e : all) {
    if (e.name != "." && e.name != "..") CHECK(got.insert(e.name).second);
  }
  CHECK(got == expect);
  CHECK(t.attr(d.ino).nlink == 2);
  t.expect_clean();
}

TEST_CASE("readdir: an empty directory paged one entry at a time still lists '..'") {
  FsFixture t;
  const Attr d = t.dir(kRootIno, "empty");
  auto first = t->readdir(root_cred(), d.ino, 0, 1);
  REQUIRE(first);
  REQUIRE(first->entries.size() == 1);
  CHECK(first->entries[0].name == ".");
  CHECK_FALSE(first->eof);  // ".." is still to come
  auto second = t->readdir(root_cred(), d.ino, first->entries[0].cookie, 1);
  REQUIRE(second);
  REQUIRE(second->entries.size() == 1);
  CHECK(second->entries[0].name == "..");
  CHECK(second->entries[0].ino == kRootIno);
  CHECK(second->eof);
  const auto all = read_all(t, d.ino, 1, true);
  REQUIRE(all.size() == 2);
  CHECK(all[1].attr.has_value());
}
