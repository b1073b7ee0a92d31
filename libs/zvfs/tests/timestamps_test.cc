// Timestamps as Linux keeps them: nanoseconds, ctime on every inode change, parent
// mtime+ctime on entry changes, atime per relatime, explicit and "now" settings.
#include <atomic>

#include "test_util.h"

using namespace zvfs;
using namespace zvfs::testing;

namespace {

// A clock the test moves by hand, one nanosecond-exact tick at a time.
struct ManualClock {
  std::shared_ptr<std::atomic<std::int64_t>> now =
      std::make_shared<std::atomic<std::int64_t>>(1'700'000'000'123'456'789);
  std::int64_t tick(std::int64_t ns = 1000) { return now->fetch_add(ns) + ns; }
};

FilesystemConfig with_clock(const ManualClock& clock, AtimeMode atime = AtimeMode::relatime) {
  FilesystemConfig c = test_config(zobj::MemoryStore::create());
  auto now = clock.now;
  c.clock = [now] { return now->load(); };
  c.atime = atime;
  return c;
}

}  // namespace

TEST_CASE("timestamps: creation sets all three and touches the parent") {
  ManualClock clock;
  FsFixture t(with_clock(clock));
  const std::int64_t t1 = clock.tick();
  const Attr f = t.file(kRootIno, "f");
  CHECK(f.atime_ns == t1);
  CHECK(f.mtime_ns == t1);
  CHECK(f.ctime_ns == t1);
  const Attr root = t.attr(kRootIno);
  CHECK(root.mtime_ns == t1);
  CHECK(root.ctime_ns == t1);
  CHECK(t1 % 1000 != 0);  // nanoseconds survive
  t.reopen();
  CHECK(t.attr(f.ino).mtime_ns == t1);
}

TEST_CASE("timestamps: write, truncate, chmod, chown, link, unlink, rename") {
  ManualClock clock;
  FsFixture t(with_clock(clock));
  const Attr d = t.dir(kRootIno, "d");
  const Attr f = t.file(kRootIno, "f");
  std::int64_t now = clock.tick();
  REQUIRE(t->write(root_cred(), f.ino, 0, bytes("data")));
  Attr a = t.attr(f.ino);
  CHECK(a.mtime_ns == now);
  CHECK(a.ctime_ns == now);
  CHECK(a.atime_ns < now);

  now = clock.tick();
  SetAttr trunc;
  trunc.size = 2;
  REQUIRE(t->setattr(root_cred(), f.ino, trunc));
  a = t.attr(f.ino);
  CHECK(a.mtime_ns == now);
  CHECK(a.ctime_ns == now);

  now = clock.tick();
  SetAttr chmod;
  chmod.mode = 0600;
  REQUIRE(t->setattr(root_cred(), f.ino, chmod));
  a = t.attr(f.ino);
  CHECK(a.ctime_ns == now);
  CHECK(a.mtime_ns < now);

  now = clock.tick();
  REQUIRE(t->link(root_cred(), f.ino, d.ino, "g"));
  CHECK(t.attr(f.ino).ctime_ns == now);
  CHECK(t.attr(d.ino).mtime_ns == now);
  CHECK(t.attr(d.ino).ctime_ns == now);

  now = clock.tick();
  REQUIRE(t->unlink(root_cred(), kRootIno, "f"));
  CHECK(t.attr(f.ino).ctime_ns == now);
  CHECK(t.attr(kRootIno).mtime_ns == now);

  now = clock.tick();
  REQUIRE(t->rename(root_cred(), d.ino, "g", kRootIno, "h"));
  CHECK(t.attr(f.ino).ctime_ns == now);
  CHECK(t.attr(d.ino).mtime_ns == now);
  CHECK(t.attr(kRootIno).ctime_ns == now);
  CHECK(t.attr(f.ino).mtime_ns < now);

  now = clock.tick();
  REQUIRE(t->setxattr(root_cred(), f.ino, "user.x", bytes("1")));
  CHECK(t.attr(f.ino).ctime_ns == now);
  t.expect_clean();
}

TEST_CASE("timestamps: setattr sets times explicitly, to now, or leaves them") {
  ManualClock clock;
  FsFixture t(with_clock(clock));
  const Attr f = t.file(kRootIno, "f");
  const std::int64_t now = clock.tick();
  SetAttr s;
  s.atime = TimeUpdate::set;
  s.atime_ns = 5;
  s.mtime = TimeUpdate::omit;
  REQUIRE(t->setattr(root_cred(), f.ino, s));
  Attr a = t.attr(f.ino);
  CHECK(a.atime_ns == 5);
  CHECK(a.mtime_ns == f.mtime_ns);
  CHECK(a.ctime_ns == now);
  SetAttr n;
  n.mtime = TimeUpdate::now;
  const std::int64_t later = clock.tick();
  REQUIRE(t->setattr(root_cred(), f.ino, n));
  a = t.attr(f.ino);
  CHECK(a.mtime_ns == later);
  CHECK(a.atime_ns == 5);
  // Times before the epoch are kept too.
  SetAttr old;
  old.mtime = TimeUpdate::set;
  old.mtime_ns = -1'500'000'000'000'000'001;
  REQUIRE(t->setattr(root_cred(), f.ino, old));
  CHECK(t.attr(f.ino).mtime_ns == -1'500'000'000'000'000'001);
}

TEST_CASE("timestamps: relatime updates atime on a read after a change, then daily") {
  ManualClock clock;
  FsFixture t(with_clock(clock));
  const Attr f = t.file(kRootIno, "f", "data");
  std::int64_t now = clock.tick();
  REQUIRE(t->read(root_cred(), f.ino, 0, 4));
  CHECK(t.attr(f.ino).atime_ns == now);  // atime <= mtime: updated
  clock.tick();
  REQUIRE(t->read(root_cred(), f.ino, 0, 4));
  CHECK(t.attr(f.ino).atime_ns == now);  // already newer than mtime: kept
  now = clock.tick(std::int64_t{25} * 3600 * 1'000'000'000);
  REQUIRE(t->read(root_cred(), f.ino, 0, 4));
  CHECK(t.attr(f.ino).atime_ns == now);  // a day old: updated
}

TEST_CASE("timestamps: noatime never updates atime on reads") {
  ManualClock clock;
  FsFixture t(with_clock(clock, AtimeMode::noatime));
  const Attr f = t.file(kRootIno, "f", "data");
  clock.tick();
  REQUIRE(t->read(root_cred(), f.ino, 0, 4));
  CHECK(t.attr(f.ino).atime_ns == f.atime_ns);
}
