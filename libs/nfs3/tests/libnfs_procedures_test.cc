// Debian's libnfs (an independent client) drives all 22 NFSv3 procedures, MOUNT v3 and the
// portmapper against an in-process server on a real zvfs filesystem.
#include <fcntl.h>
#include <sys/statvfs.h>

#include <algorithm>
#include <map>
#include <set>

#include "libnfs_client.h"
#include "test_support/catch.h"
#include "zvfs_server.h"

using namespace nfs3::testing;

namespace {

std::unique_ptr<ZvfsServer> start_server() {
  auto s = ZvfsServer::start(ZvfsServerOptions());
  REQUIRE(s);
  return std::move(*s);
}

std::string pattern(std::size_t size, unsigned seed) {
  std::string s(size, '\0');
  std::uint32_t x = seed * 2654435761u + 1;
  for (char& c : s) {
    x = x * 1103515245u + 12345u;
    c = static_cast<char>(x >> 24);
  }
  return s;
}

// Every name a READDIR walk returns, following cookies with pages of `count` bytes.
std::vector<std::string> readdir_all(LibnfsClient& c, const Fh& dir, std::uint32_t count,
                                     int* pages) {
  std::vector<std::string> names;
  cookie3 cookie = 0;
  cookieverf3 verf{};
  bool eof = false;
  *pages = 0;
  while (!eof) {
    READDIR3args args{};
    args.dir = dir.nfs();
    args.cookie = cookie;
    std::memcpy(args.cookieverf, verf, NFS3_COOKIEVERFSIZE);
    args.count = count;
    int status = -1;
    c.call<READDIR3res>(
        [&](rpc_cb cb, void* p) { return rpc_nfs3_readdir_async(c.rpc(), cb, &args, p); },
        [&](READDIR3res& r) {
          status = r.status;
          if (r.status != NFS3_OK) return;
          const auto& ok = r.READDIR3res_u.resok;
          std::memcpy(verf, ok.cookieverf, NFS3_COOKIEVERFSIZE);
          for (const entry3* node = ok.reply.entries; node != nullptr;) {
            const entry3 e = aligned_copy(node);
            REQUIRE(e.cookie > cookie);  // cookies grow along the walk
            names.emplace_back(e.name);
            cookie = e.cookie;
            node = e.nextentry;
          }
          eof = ok.reply.eof != 0;
        });
    REQUIRE(status == NFS3_OK);
    ++*pages;
  }
  return names;
}

// The same with READDIRPLUS; every entry must carry attributes and a handle that GETATTR
// accepts for the same fileid (checked for a sample).
std::vector<std::string> readdirplus_all(LibnfsClient& c, const Fh& dir, std::uint32_t dircount,
                                         std::uint32_t maxcount, int* pages) {
  std::vector<std::string> names;
  cookie3 cookie = 0;
  cookieverf3 verf{};
  bool eof = false;
  *pages = 0;
  while (!eof) {
    READDIRPLUS3args args{};
    args.dir = dir.nfs();
    args.cookie = cookie;
    std::memcpy(args.cookieverf, verf, NFS3_COOKIEVERFSIZE);
    args.dircount = dircount;
    args.maxcount = maxcount;
    int status = -1;
    std::vector<std::pair<Fh, fileid3>> sample;
    c.call<READDIRPLUS3res>(
        [&](rpc_cb cb, void* p) { return rpc_nfs3_readdirplus_async(c.rpc(), cb, &args, p); },
        [&](READDIRPLUS3res& r) {
          status = r.status;
          if (r.status != NFS3_OK) return;
          const auto& ok = r.READDIRPLUS3res_u.resok;
          std::memcpy(verf, ok.cookieverf, NFS3_COOKIEVERFSIZE);
          for (const entryplus3* node = ok.reply.entries; node != nullptr;) {
            const entryplus3 e = aligned_copy(node);
            REQUIRE(e.cookie > cookie);
            REQUIRE(e.name_attributes.attributes_follow);
            REQUIRE(e.name_handle.handle_follows);
            REQUIRE(e.name_attributes.post_op_attr_u.attributes.fileid == e.fileid);
            if (sample.empty())
              sample.emplace_back(Fh::from(e.name_handle.post_op_fh3_u.handle), e.fileid);
            names.emplace_back(e.name);
            cookie = e.cookie;
            node = e.nextentry;
          }
          eof = ok.reply.eof != 0;
        });
    REQUIRE(status == NFS3_OK);
    for (const auto& [fh, fileid] : sample) {
      fattr3 a{};
      REQUIRE(getattr(c, fh, &a) == NFS3_OK);
      CHECK(a.fileid == fileid);
    }
    ++*pages;
  }
  return names;
}

}  // namespace

TEST_CASE("libnfs: portmapper, MOUNT and the NFS NULL procedures") {
  auto server = start_server();
  LibnfsClient c(server->port(), Identity::sys(0, 0));
  c.call_void([&](rpc_cb cb, void* p) { return rpc_pmap2_null_async(c.rpc(), cb, p); });
  c.call_void([&](rpc_cb cb, void* p) { return rpc_mount3_null_async(c.rpc(), cb, p); });
  c.call_void([&](rpc_cb cb, void* p) { return rpc_nfs3_null_async(c.rpc(), cb, p); });

  std::uint32_t port = 0;
  c.call<uint32_t>(
      [&](rpc_cb cb, void* p) {
        return rpc_pmap2_getport_async(c.rpc(), 100003, 3, IPPROTO_TCP, cb, p);
      },
      [&](uint32_t& r) { port = r; });
  CHECK(port == server->port());
  c.call<uint32_t>(
      [&](rpc_cb cb, void* p) {
        return rpc_pmap2_getport_async(c.rpc(), 100005, 3, IPPROTO_TCP, cb, p);
      },
      [&](uint32_t& r) { port = r; });
  CHECK(port == server->port());
  std::set<std::uint32_t> programs;
  c.call<pmap2_dump_result>(
      [&](rpc_cb cb, void* p) { return rpc_pmap2_dump_async(c.rpc(), cb, p); },
      [&](pmap2_dump_result& r) {
        for (const pmap2_mapping_list* node = r.list; node != nullptr;) {
          const pmap2_mapping_list m = aligned_copy(node);
          programs.insert(m.map.prog);
          node = m.next;
        }
      });
  CHECK(programs == std::set<std::uint32_t>{100000, 100003, 100005});

  std::vector<std::string> exported;
  c.call<exports>([&](rpc_cb cb, void* p) { return rpc_mount3_export_async(c.rpc(), cb, p); },
                  [&](exports& r) {
                    for (const exportnode* node = r; node != nullptr;) {
                      const exportnode e = aligned_copy(node);
                      exported.emplace_back(e.ex_dir);
                      node = e.ex_next;
                    }
                  });
  CHECK(exported == std::vector<std::string>{"/"});

  const Fh root = c.mount("/");
  CHECK(root.bytes.size() == 16);
  std::vector<std::string> mounted;
  c.call<mountlist>([&](rpc_cb cb, void* p) { return rpc_mount3_dump_async(c.rpc(), cb, p); },
                    [&](mountlist& r) {
                      for (const mountbody* node = r; node != nullptr;) {
                        const mountbody m = aligned_copy(node);
                        mounted.push_back(std::string(m.ml_hostname) + ":" + m.ml_directory);
                        node = m.ml_next;
                      }
                    });
  CHECK(mounted == std::vector<std::string>{"127.0.0.1:/"});
  c.call_void([&](rpc_cb cb, void* p) {
    return rpc_mount3_umnt_async(c.rpc(), cb, const_cast<char*>("/"), p);
  });
  c.call_void([&](rpc_cb cb, void* p) { return rpc_mount3_umntall_async(c.rpc(), cb, p); });
  c.call<mountlist>([&](rpc_cb cb, void* p) { return rpc_mount3_dump_async(c.rpc(), cb, p); },
                    [&](mountlist& r) { CHECK(r == nullptr); });

  // A path that does not exist.
  int status = -1;
  c.call<mountres3>(
      [&](rpc_cb cb, void* p) {
        return rpc_mount3_mnt_async(c.rpc(), cb, const_cast<char*>("/missing"), p);
      },
      [&](mountres3& r) { status = r.fhs_status; });
  CHECK(status == MNT3ERR_NOENT);
}

TEST_CASE("libnfs: every NFSv3 procedure with its attributes and wcc data") {
  auto server = start_server();
  LibnfsClient c(server->port(), Identity::sys(0, 0));
  const Fh root = c.mount("/");

  // FSINFO, FSSTAT, PATHCONF, GETATTR on the root.
  FSINFO3args fsinfo_args{root.nfs()};
  c.call<FSINFO3res>(
      [&](rpc_cb cb, void* p) { return rpc_nfs3_fsinfo_async(c.rpc(), cb, &fsinfo_args, p); },
      [&](FSINFO3res& r) {
        REQUIRE(r.status == NFS3_OK);
        const auto& ok = r.FSINFO3res_u.resok;
        CHECK(ok.rtmax == 1u << 20);
        CHECK(ok.wtmax == 1u << 20);
        CHECK(ok.obj_attributes.attributes_follow);
        CHECK(ok.time_delta.seconds == 0);
        CHECK(ok.time_delta.nseconds == 1);
        CHECK((ok.properties & FSF3_CANSETTIME) != 0);
      });
  FSSTAT3args fsstat_args{root.nfs()};
  c.call<FSSTAT3res>(
      [&](rpc_cb cb, void* p) { return rpc_nfs3_fsstat_async(c.rpc(), cb, &fsstat_args, p); },
      [&](FSSTAT3res& r) {
        REQUIRE(r.status == NFS3_OK);
        CHECK(r.FSSTAT3res_u.resok.tbytes >= r.FSSTAT3res_u.resok.fbytes);
        CHECK(r.FSSTAT3res_u.resok.tfiles > 0);
      });
  PATHCONF3args pathconf_args{root.nfs()};
  c.call<PATHCONF3res>(
      [&](rpc_cb cb, void* p) { return rpc_nfs3_pathconf_async(c.rpc(), cb, &pathconf_args, p); },
      [&](PATHCONF3res& r) {
        REQUIRE(r.status == NFS3_OK);
        CHECK(r.PATHCONF3res_u.resok.name_max == 255);
        CHECK(r.PATHCONF3res_u.resok.no_trunc);
        CHECK(r.PATHCONF3res_u.resok.case_preserving);
      });
  fattr3 root_attr{};
  REQUIRE(getattr(c, root, &root_attr) == NFS3_OK);
  CHECK(root_attr.type == NF3DIR);
  CHECK(root_attr.fileid == 1);

  // MKDIR, CREATE, LOOKUP.
  const Created dir = mkdir(c, root, "d", 0750);
  REQUIRE(dir.status == NFS3_OK);
  CHECK(dir.wcc_before);
  CHECK(dir.wcc_after);
  CHECK(dir.attr.mode == 0750);
  CHECK(dir.attr.type == NF3DIR);
  CHECK(mkdir(c, root, "d", 0750).status == NFS3ERR_EXIST);
  const Created file = create(c, dir.fh, "f", 0644);
  REQUIRE(file.status == NFS3_OK);
  CHECK(file.attr.type == NF3REG);
  CHECK(file.attr.mode == 0644);
  Fh looked_up;
  REQUIRE(lookup(c, dir.fh, "f", &looked_up) == NFS3_OK);
  CHECK(looked_up == file.fh);
  CHECK(lookup(c, dir.fh, "nope") == NFS3ERR_NOENT);
  CHECK(lookup(c, file.fh, "x") == NFS3ERR_NOTDIR);
  CHECK(lookup(c, dir.fh, std::string(256, 'n')) == NFS3ERR_NAMETOOLONG);

  // WRITE (UNSTABLE), READ, COMMIT.
  const std::string data = pattern(300 * 1024 + 7, 1);
  const WriteReply w1 = write(c, file.fh, 0, data.substr(0, 200000));
  REQUIRE(w1.status == NFS3_OK);
  CHECK(w1.count == 200000);
  CHECK(w1.committed == UNSTABLE);
  const WriteReply w2 = write(c, file.fh, 200000, data.substr(200000));
  REQUIRE(w2.status == NFS3_OK);
  CHECK(w2.verf == w1.verf);
  std::string verf;
  REQUIRE(commit(c, file.fh, &verf) == NFS3_OK);
  CHECK(verf == w1.verf);
  std::string back;
  bool eof = false;
  REQUIRE(read(c, file.fh, 0, 1 << 20, &back, &eof) == NFS3_OK);
  CHECK(eof);
  CHECK(back == data);
  REQUIRE(read(c, file.fh, 1000, 10, &back, &eof) == NFS3_OK);
  CHECK(back == data.substr(1000, 10));
  CHECK_FALSE(eof);
  CHECK(write(c, file.fh, 0, "x", FILE_SYNC).committed == FILE_SYNC);
  CHECK(read(c, dir.fh, 0, 10, &back) == NFS3ERR_ISDIR);

  // SETATTR: size, mode, times, and the ctime guard.
  fattr3 a{};
  REQUIRE(getattr(c, file.fh, &a) == NFS3_OK);
  sattr3 truncate = no_change();
  truncate.size.set_it = 1;
  truncate.size.set_size3_u.size = 10;
  nfstime3 wrong = a.ctime;
  wrong.seconds -= 1;
  CHECK(setattr(c, file.fh, truncate, &wrong) == NFS3ERR_NOT_SYNC);
  REQUIRE(setattr(c, file.fh, truncate, &a.ctime) == NFS3_OK);
  sattr3 times = with_mode(0600);
  times.mtime.set_it = SET_TO_CLIENT_TIME;
  times.mtime.set_mtime_u.mtime = {1234567890, 123456789};
  REQUIRE(setattr(c, file.fh, times) == NFS3_OK);
  REQUIRE(getattr(c, file.fh, &a) == NFS3_OK);
  CHECK(a.size == 10);
  CHECK(a.mode == 0600);
  CHECK(a.mtime.seconds == 1234567890);
  CHECK(a.mtime.nseconds == 123456789);

  // ACCESS as the owner (root).
  std::uint32_t granted = 0;
  REQUIRE(access(c, file.fh, ACCESS3_READ | ACCESS3_MODIFY | ACCESS3_EXECUTE, &granted) == NFS3_OK);
  // Even root may only execute a file with an execute bit set (mode is 0600 now).
  CHECK(granted == (ACCESS3_READ | ACCESS3_MODIFY));

  // SYMLINK, READLINK.
  SYMLINK3args sl{};
  sl.where = {dir.fh.nfs(), const_cast<char*>("l")};
  sl.symlink.symlink_attributes = no_change();
  sl.symlink.symlink_data = const_cast<char*>("f");
  Fh link_fh;
  c.call<SYMLINK3res>(
      [&](rpc_cb cb, void* p) { return rpc_nfs3_symlink_async(c.rpc(), cb, &sl, p); },
      [&](SYMLINK3res& r) {
        REQUIRE(r.status == NFS3_OK);
        link_fh = Fh::from(r.SYMLINK3res_u.resok.obj.post_op_fh3_u.handle);
        CHECK(r.SYMLINK3res_u.resok.obj_attributes.post_op_attr_u.attributes.type == NF3LNK);
      });
  READLINK3args rl{link_fh.nfs()};
  c.call<READLINK3res>(
      [&](rpc_cb cb, void* p) { return rpc_nfs3_readlink_async(c.rpc(), cb, &rl, p); },
      [&](READLINK3res& r) {
        REQUIRE(r.status == NFS3_OK);
        CHECK(std::string(r.READLINK3res_u.resok.data) == "f");
      });

  // MKNOD: a fifo, a character device (major 10, minor 300), and a type it refuses.
  auto mknod = [&](const char* node, ftype3 type, int* status, Fh* fh) {
    MKNOD3args mk{};
    mk.where = {dir.fh.nfs(), const_cast<char*>(node)};
    mk.what.type = type;
    if (type == NF3CHR) {
      mk.what.mknoddata3_u.chr_device.dev_attributes = with_mode(0600);
      mk.what.mknoddata3_u.chr_device.spec = {10, 300};
    } else if (type == NF3FIFO) {
      mk.what.mknoddata3_u.pipe_attributes = with_mode(0644);
    }
    c.call<MKNOD3res>([&](rpc_cb cb, void* p) { return rpc_nfs3_mknod_async(c.rpc(), cb, &mk, p); },
                      [&](MKNOD3res& r) {
                        *status = r.status;
                        if (r.status == NFS3_OK)
                          *fh = Fh::from(r.MKNOD3res_u.resok.obj.post_op_fh3_u.handle);
                      });
  };
  int status = -1;
  Fh fifo_fh, chr_fh, none;
  mknod("p", NF3FIFO, &status, &fifo_fh);
  REQUIRE(status == NFS3_OK);
  mknod("c", NF3CHR, &status, &chr_fh);
  REQUIRE(status == NFS3_OK);
  mknod("r", NF3REG, &status, &none);
  CHECK(status == NFS3ERR_BADTYPE);
  REQUIRE(getattr(c, fifo_fh, &a) == NFS3_OK);
  CHECK(a.type == NF3FIFO);
  REQUIRE(getattr(c, chr_fh, &a) == NFS3_OK);
  CHECK(a.type == NF3CHR);
  CHECK(a.rdev.specdata1 == 10);
  CHECK(a.rdev.specdata2 == 300);

  // LINK.
  REQUIRE(link(c, file.fh, dir.fh, "g") == NFS3_OK);
  REQUIRE(getattr(c, file.fh, &a) == NFS3_OK);
  CHECK(a.nlink == 2);
  CHECK(link(c, dir.fh, root, "dirlink") == NFS3ERR_PERM);  // link(2) says EPERM too

  // READDIR and READDIRPLUS see everything.
  int pages = 0;
  std::vector<std::string> names = readdir_all(c, dir.fh, 4096, &pages);
  std::sort(names.begin(), names.end());
  CHECK(names == std::vector<std::string>{".", "..", "c", "f", "g", "l", "p"});
  names = readdirplus_all(c, dir.fh, 4096, 32768, &pages);
  std::sort(names.begin(), names.end());
  CHECK(names == std::vector<std::string>{".", "..", "c", "f", "g", "l", "p"});

  // RENAME within and across directories.
  REQUIRE(rename(c, dir.fh, "g", dir.fh, "h") == NFS3_OK);
  CHECK(lookup(c, dir.fh, "g") == NFS3ERR_NOENT);
  REQUIRE(rename(c, dir.fh, "h", root, "moved") == NFS3_OK);
  Fh moved;
  REQUIRE(lookup(c, root, "moved", &moved) == NFS3_OK);
  CHECK(moved == file.fh);

  // REMOVE, RMDIR; the removed inode's handle becomes STALE.
  CHECK(rmdir(c, root, "d") == NFS3ERR_NOTEMPTY);
  CHECK(remove(c, root, "d") == NFS3ERR_ISDIR);
  for (const char* leaf : {"f", "l", "p", "c"}) REQUIRE(remove(c, dir.fh, leaf) == NFS3_OK);
  REQUIRE(remove(c, root, "moved") == NFS3_OK);
  REQUIRE(rmdir(c, root, "d") == NFS3_OK);
  CHECK(getattr(c, file.fh, &a) == NFS3ERR_STALE);
  CHECK(getattr(c, dir.fh, &a) == NFS3ERR_STALE);
  CHECK(getattr(c, Fh{"0123456789abcdef"}, &a) == NFS3ERR_BADHANDLE);
  CHECK(remove(c, root, "moved") == NFS3ERR_NOENT);
}

TEST_CASE("libnfs: a 10k-entry directory read across many pages") {
  auto server = start_server();
  {
    auto populate = [&]() -> zerofs::Task<bool> {
      const zvfs::Credentials root = zvfs::Credentials::root();
      auto dir = co_await server->fs().mkdir(root, zvfs::kRootIno, "big", 0755);
      if (!dir) co_return false;
      for (int i = 0; i < 10000; ++i) {
        const std::string entry = "entry-" + std::to_string(i);
        auto made = co_await server->fs().create(root, dir->ino, entry, 0644, true);
        if (!made) co_return false;
      }
      co_return true;
    };
    REQUIRE(server->run(populate()));
  }
  LibnfsClient c(server->port(), Identity::sys(1000, 1000));
  const Fh root = c.mount("/");
  Fh big;
  REQUIRE(lookup(c, root, "big", &big) == NFS3_OK);
  std::set<std::string> want = {".", ".."};
  for (int i = 0; i < 10000; ++i) want.insert("entry-" + std::to_string(i));

  int pages = 0;
  std::vector<std::string> names = readdir_all(c, big, 4096, &pages);
  CHECK(names.size() == 10002);
  CHECK(std::set<std::string>(names.begin(), names.end()) == want);
  CHECK(pages > 50);

  names = readdirplus_all(c, big, 2048, 16384, &pages);
  CHECK(names.size() == 10002);
  CHECK(std::set<std::string>(names.begin(), names.end()) == want);
  CHECK(pages > 50);

  // libnfs's own directory reader (READDIRPLUS, its own page sizes) agrees.
  nfs_context* nfs = nfs_init_context();
  REQUIRE(nfs != nullptr);
  const std::string url = "nfs://127.0.0.1/?version=3&nfsport=" + std::to_string(server->port()) +
                          "&mountport=" + std::to_string(server->port()) + "&uid=1000&gid=1000";
  nfs_url* parsed = nfs_parse_url_dir(nfs, url.c_str());
  REQUIRE(parsed != nullptr);
  INFO(nfs_get_error(nfs));
  REQUIRE(nfs_mount(nfs, parsed->server, parsed->path) == 0);
  nfs_destroy_url(parsed);
  nfsdir* d = nullptr;
  REQUIRE(nfs_opendir(nfs, "/big", &d) == 0);
  std::size_t count = 0;
  while (nfsdirent* e = nfs_readdir(nfs, d)) {
    CHECK(want.count(e->name) == 1);
    ++count;
  }
  nfs_closedir(nfs, d);
  CHECK(count == 10002);
  nfs_destroy_context(nfs);
}

TEST_CASE("libnfs: the high-level API writes, syncs and reads back a file") {
  auto server = start_server();
  nfs_context* nfs = nfs_init_context();
  REQUIRE(nfs != nullptr);
  const std::string url = "nfs://127.0.0.1/?version=3&nfsport=" + std::to_string(server->port()) +
                          "&mountport=" + std::to_string(server->port()) + "&uid=0&gid=0";
  nfs_url* parsed = nfs_parse_url_dir(nfs, url.c_str());
  REQUIRE(parsed != nullptr);
  REQUIRE(nfs_mount(nfs, parsed->server, parsed->path) == 0);
  nfs_destroy_url(parsed);
  CHECK(nfs_get_writemax(nfs) == 1u << 20);

  REQUIRE(nfs_mkdir(nfs, "/docs") == 0);
  nfsfh* fh = nullptr;
  REQUIRE(nfs_creat(nfs, "/docs/a.bin", 0644, &fh) == 0);
  const std::string data = pattern(3 * (1 << 20) + 12345, 7);
  REQUIRE(nfs_pwrite(nfs, fh, 0, data.size(), data.data()) == static_cast<int>(data.size()));
  REQUIRE(nfs_fsync(nfs, fh) == 0);
  REQUIRE(nfs_close(nfs, fh) == 0);

  struct nfs_stat_64 st {};
  REQUIRE(nfs_stat64(nfs, "/docs/a.bin", &st) == 0);
  CHECK(st.nfs_size == data.size());
  REQUIRE(nfs_open(nfs, "/docs/a.bin", O_RDONLY, &fh) == 0);
  std::string back(data.size(), '\0');
  std::size_t got = 0;
  while (got < back.size()) {
    const int n = nfs_pread(nfs, fh, got, back.size() - got, back.data() + got);
    REQUIRE(n > 0);
    got += static_cast<std::size_t>(n);
  }
  nfs_close(nfs, fh);
  CHECK(back == data);
  struct statvfs vfs {};
  REQUIRE(nfs_statvfs(nfs, "/", &vfs) == 0);
  CHECK(vfs.f_blocks >= vfs.f_bfree);
  nfs_destroy_context(nfs);
}
