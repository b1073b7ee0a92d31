#include "samples.h"

#include <string>

namespace nfs3::testing {

using namespace wire;

namespace {

NfsTime3 t(int seed) { return {1700000000u + static_cast<std::uint32_t>(seed), 999999999u - seed}; }

Sattr3 sattr_all(int seed) {
  Sattr3 s;
  s.mode = 0644u + seed;
  s.uid = 1000u + seed;
  s.gid = 100u + seed;
  s.size = 1ull << (32 + seed % 8);
  s.atime = {TimeHow::set_to_client_time, t(seed)};
  s.mtime = {TimeHow::set_to_server_time, {}};
  return s;
}

DirOpArgs3 where(int seed, std::string name) { return {sample_fh(seed), std::move(name)}; }

CookieVerf3 verf8(int seed) {
  CookieVerf3 v;
  for (std::size_t i = 0; i < v.size(); ++i)
    v[i] = std::byte(static_cast<unsigned char>(seed * 16 + i));
  return v;
}

}  // namespace

NfsFh3 sample_fh(int seed) {
  std::byte bytes[16];
  for (int i = 0; i < 16; ++i) bytes[i] = std::byte(static_cast<unsigned char>(seed * 31 + i));
  return NfsFh3::from(ByteView(bytes, 16));
}

Fattr3 sample_fattr(int seed) {
  Fattr3 a;
  a.type = seed % 2 ? Ftype3::dir : Ftype3::reg;
  a.mode = 0755u;
  a.nlink = 2u + seed;
  a.uid = 1000u;
  a.gid = 1001u;
  a.size = 0x123456789aull + seed;
  a.used = 0x2000ull;
  a.rdev = {8u, 1u + seed};
  a.fsid = 0xfeedfacecafebeefull;
  a.fileid = 42u + seed;
  a.atime = t(seed);
  a.mtime = t(seed + 1);
  a.ctime = t(seed + 2);
  return a;
}

WccData sample_wcc(int seed) {
  WccData w;
  w.before = WccAttr{100u + seed, t(seed), t(seed + 5)};
  w.after = sample_fattr(seed);
  return w;
}

template <>
std::vector<Void> samples() {
  return {Void{}};
}

template <>
std::vector<GetattrArgs> samples() {
  return {{sample_fh(1)}, {NfsFh3{}}};
}
template <>
std::vector<GetattrRes> samples() {
  std::vector<GetattrRes> v(2);
  v[0].obj_attributes = sample_fattr(1);
  v[1].status = Nfsstat3::stale;
  return v;
}

template <>
std::vector<SetattrArgs> samples() {
  std::vector<SetattrArgs> v(3);
  v[0].object = sample_fh(2);
  v[0].new_attributes = sattr_all(2);
  v[0].guard = t(9);
  v[1].object = sample_fh(3);  // nothing set, no guard
  v[2].object = sample_fh(4);
  v[2].new_attributes.size = 0;
  v[2].new_attributes.mtime = {TimeHow::set_to_client_time, t(3)};
  return v;
}
template <>
std::vector<SetattrRes> samples() {
  std::vector<SetattrRes> v(3);
  v[0].obj_wcc = sample_wcc(1);
  v[1].status = Nfsstat3::not_sync;
  v[1].obj_wcc.after = sample_fattr(2);
  v[2].status = Nfsstat3::perm;
  return v;
}

template <>
std::vector<LookupArgs> samples() {
  return {{where(1, "hello.txt")}, {where(2, "")}, {where(3, std::string(255, 'n'))}};
}
template <>
std::vector<LookupRes> samples() {
  std::vector<LookupRes> v(3);
  v[0].object = sample_fh(5);
  v[0].obj_attributes = sample_fattr(5);
  v[0].dir_attributes = sample_fattr(6);
  v[1].object = sample_fh(7);
  v[2].status = Nfsstat3::noent;
  v[2].dir_attributes = sample_fattr(8);
  return v;
}

template <>
std::vector<AccessArgs> samples() {
  return {{sample_fh(1), kAccessRead | kAccessLookup | kAccessExecute}};
}
template <>
std::vector<AccessRes> samples() {
  std::vector<AccessRes> v(2);
  v[0].obj_attributes = sample_fattr(1);
  v[0].access = kAccessRead | kAccessModify;
  v[1].status = Nfsstat3::acces;
  v[1].obj_attributes = sample_fattr(2);
  return v;
}

template <>
std::vector<ReadlinkArgs> samples() {
  return {{sample_fh(9)}};
}
template <>
std::vector<ReadlinkRes> samples() {
  std::vector<ReadlinkRes> v(2);
  v[0].symlink_attributes = sample_fattr(3);
  v[0].data = "../target/with spaces";
  v[1].status = Nfsstat3::inval;
  return v;
}

template <>
std::vector<ReadArgs> samples() {
  return {{sample_fh(1), 0xffffffff00000001ull, 1u << 20}};
}
template <>
std::vector<ReadRes> samples() {
  std::vector<ReadRes> v(3);
  v[0].file_attributes = sample_fattr(4);
  v[0].count = 5;
  v[0].eof = true;
  v[0].data = Buffer::copy_of(std::string_view("hello"));
  v[1].count = 0;  // empty read, not eof
  v[2].status = Nfsstat3::io;
  v[2].file_attributes = sample_fattr(5);
  return v;
}

template <>
std::vector<WriteArgs> samples() {
  static const std::string data = "some bytes to write";
  std::vector<WriteArgs> v(3);
  v[0] = {sample_fh(1), 4096, static_cast<std::uint32_t>(data.size()), StableHow::unstable,
          zerofs::as_bytes(data)};
  v[1] = {sample_fh(2), 0, 3, StableHow::data_sync,
          zerofs::as_bytes(std::string_view(data).substr(0, 3))};
  v[2] = {sample_fh(3), 7, 0, StableHow::file_sync, {}};
  return v;
}
template <>
std::vector<WriteRes> samples() {
  std::vector<WriteRes> v(2);
  v[0].file_wcc = sample_wcc(2);
  v[0].count = 19;
  v[0].committed = StableHow::file_sync;
  v[0].verf = verf8(7);
  v[1].status = Nfsstat3::nospc;
  v[1].file_wcc = sample_wcc(3);
  return v;
}

template <>
std::vector<CreateArgs> samples() {
  std::vector<CreateArgs> v(3);
  v[0].where = where(1, "new");
  v[0].how.mode = CreateMode::unchecked;
  v[0].how.obj_attributes = sattr_all(1);
  v[1].where = where(2, "guarded");
  v[1].how.mode = CreateMode::guarded;
  v[1].how.obj_attributes.mode = 0600u;
  v[2].where = where(3, "exclusive");
  v[2].how.mode = CreateMode::exclusive;
  v[2].how.verf = verf8(3);
  return v;
}
template <>
std::vector<DirOpRes> samples() {
  std::vector<DirOpRes> v(3);
  v[0].obj = sample_fh(11);
  v[0].obj_attributes = sample_fattr(11);
  v[0].dir_wcc = sample_wcc(12);
  v[1].dir_wcc.after = sample_fattr(1);  // ok, no handle, no attributes
  v[2].status = Nfsstat3::exist;
  v[2].dir_wcc = sample_wcc(13);
  return v;
}

template <>
std::vector<MkdirArgs> samples() {
  std::vector<MkdirArgs> v(1);
  v[0].where = where(4, "dir");
  v[0].attributes.mode = 0755u;
  return v;
}

template <>
std::vector<SymlinkArgs> samples() {
  std::vector<SymlinkArgs> v(1);
  v[0].where = where(5, "link");
  v[0].symlink_attributes.mode = 0777u;
  v[0].symlink_data = "/absolute/target";
  return v;
}

template <>
std::vector<MknodArgs> samples() {
  std::vector<MknodArgs> v(5);
  v[0].where = where(6, "chr");
  v[0].type = Ftype3::chr;
  v[0].attributes = sattr_all(6);
  v[0].spec = {1, 3};
  v[1].where = where(7, "blk");
  v[1].type = Ftype3::blk;
  v[1].spec = {8, 0};
  v[2].where = where(8, "sock");
  v[2].type = Ftype3::sock;
  v[2].attributes.mode = 0700u;
  v[3].where = where(9, "fifo");
  v[3].type = Ftype3::fifo;
  v[4].where = where(10, "reg");
  v[4].type = Ftype3::reg;  // void arm
  return v;
}

template <>
std::vector<RemoveArgs> samples() {
  return {{where(1, "gone")}};
}
template <>
std::vector<RemoveRes> samples() {
  std::vector<RemoveRes> v(2);
  v[0].dir_wcc = sample_wcc(1);
  v[1].status = Nfsstat3::notempty;
  return v;
}

template <>
std::vector<RenameArgs> samples() {
  return {{where(1, "a"), where(2, "b")}};
}
template <>
std::vector<RenameRes> samples() {
  std::vector<RenameRes> v(2);
  v[0].fromdir_wcc = sample_wcc(1);
  v[0].todir_wcc = sample_wcc(2);
  v[1].status = Nfsstat3::xdev;
  v[1].todir_wcc.before = WccAttr{1, t(1), t(2)};
  return v;
}

template <>
std::vector<LinkArgs> samples() {
  return {{sample_fh(1), where(2, "hard")}};
}
template <>
std::vector<LinkRes> samples() {
  std::vector<LinkRes> v(2);
  v[0].file_attributes = sample_fattr(1);
  v[0].linkdir_wcc = sample_wcc(2);
  v[1].status = Nfsstat3::mlink;
  return v;
}

template <>
std::vector<ReaddirArgs> samples() {
  return {{sample_fh(1), 0, {}, 4096}, {sample_fh(2), 77, verf8(2), 512}};
}
template <>
std::vector<ReaddirRes> samples() {
  std::vector<ReaddirRes> v(3);
  v[0].dir_attributes = sample_fattr(1);
  v[0].cookieverf = verf8(1);
  v[0].entries = {{1, ".", 1}, {2, "..", 2}, {99, "file.txt", 3}};
  v[0].eof = true;
  v[1].cookieverf = verf8(2);  // empty page, more to come
  v[2].status = Nfsstat3::bad_cookie;
  v[2].dir_attributes = sample_fattr(2);
  return v;
}

template <>
std::vector<ReaddirplusArgs> samples() {
  return {{sample_fh(1), 5, verf8(5), 1024, 32768}};
}
template <>
std::vector<ReaddirplusRes> samples() {
  std::vector<ReaddirplusRes> v(2);
  v[0].dir_attributes = sample_fattr(1);
  v[0].cookieverf = verf8(9);
  v[0].entries.push_back({10, "with-all", 100, sample_fattr(10), sample_fh(10)});
  v[0].entries.push_back({11, "attrs-only", 101, sample_fattr(11), std::nullopt});
  v[0].entries.push_back({12, "bare", 102, std::nullopt, std::nullopt});
  v[0].eof = false;
  v[1].status = Nfsstat3::notdir;
  return v;
}

template <>
std::vector<FsstatArgs> samples() {
  return {{sample_fh(0)}};
}
template <>
std::vector<FsstatRes> samples() {
  std::vector<FsstatRes> v(2);
  v[0].obj_attributes = sample_fattr(0);
  v[0].tbytes = 1ull << 50;
  v[0].fbytes = 1ull << 49;
  v[0].abytes = 1ull << 48;
  v[0].tfiles = 1ull << 40;
  v[0].ffiles = 1ull << 39;
  v[0].afiles = 1ull << 38;
  v[0].invarsec = 0;
  v[1].status = Nfsstat3::serverfault;
  return v;
}

template <>
std::vector<FsinfoRes> samples() {
  std::vector<FsinfoRes> v(2);
  v[0].obj_attributes = sample_fattr(0);
  v[0].rtmax = v[0].wtmax = 1u << 20;
  v[0].rtpref = v[0].wtpref = 1u << 20;
  v[0].rtmult = v[0].wtmult = 4096;
  v[0].dtpref = 65536;
  v[0].maxfilesize = ~0ull;
  v[0].time_delta = {0, 1};
  v[0].properties = kFsfLink | kFsfSymlink | kFsfHomogeneous | kFsfCanSetTime;
  v[1].status = Nfsstat3::badhandle;
  return v;
}

template <>
std::vector<PathconfRes> samples() {
  std::vector<PathconfRes> v(2);
  v[0].obj_attributes = sample_fattr(3);
  v[0].linkmax = 65000;
  v[0].name_max = 255;
  v[0].no_trunc = true;
  v[0].chown_restricted = true;
  v[0].case_insensitive = false;
  v[0].case_preserving = true;
  v[1].status = Nfsstat3::jukebox;
  return v;
}

template <>
std::vector<CommitArgs> samples() {
  return {{sample_fh(1), 0, 0}, {sample_fh(2), 1ull << 40, 65536}};
}
template <>
std::vector<CommitRes> samples() {
  std::vector<CommitRes> v(2);
  v[0].file_wcc = sample_wcc(4);
  v[0].verf = verf8(4);
  v[1].status = Nfsstat3::io;
  v[1].file_wcc = sample_wcc(5);
  return v;
}

template <>
std::vector<MountArgs> samples() {
  return {{"/"}, {"/export/some/where"}};
}
template <>
std::vector<MntRes> samples() {
  std::vector<MntRes> v(3);
  v[0].fhandle = sample_fh(0);
  v[0].auth_flavors = {1, 0};
  v[1].fhandle = sample_fh(1);  // no flavors listed
  v[2].status = Mountstat3::noent;
  return v;
}
template <>
std::vector<DumpRes> samples() {
  std::vector<DumpRes> v(2);
  v[0].mounts = {{"client-a", "/"}, {"10.0.0.7", "/data"}};
  return v;
}
template <>
std::vector<ExportRes> samples() {
  std::vector<ExportRes> v(2);
  v[0].exports = {{"/", {}}, {"/data", {"trusted", "10.0.0.0/8"}}};
  return v;
}

template <>
std::vector<Mapping> samples() {
  return {{kNfsProgram, kNfsVersion, kIpprotoTcp, 2049}, {kMountProgram, 1, kIpprotoUdp, 0}};
}
template <>
std::vector<PortmapBool> samples() {
  return {{true}, {false}};
}
template <>
std::vector<PortmapPort> samples() {
  return {{2049}, {0}};
}
template <>
std::vector<PortmapList> samples() {
  std::vector<PortmapList> v(2);
  v[0].mappings = {{100000, 2, 6, 111}, {100003, 3, 6, 2049}, {100005, 3, 6, 2049}};
  return v;
}

}  // namespace nfs3::testing
