#include "records.h"

#include <cstring>

#include "base/coding.h"

namespace zvfs {

using zerofs::Errc;
using zerofs::fail;

namespace {

// Little-endian writer/reader over std::string, for the small records.
class Writer {
 public:
  explicit Writer(std::size_t reserve) { out_.reserve(reserve); }
  void u8(std::uint8_t v) { out_.push_back(static_cast<char>(v)); }
  void u32(std::uint32_t v) { raw(&v, 4); }
  void u64(std::uint64_t v) { raw(&v, 8); }
  void i64(std::int64_t v) { raw(&v, 8); }
  void bytes(std::string_view s) { out_.append(s); }
  std::string take() { return std::move(out_); }

 private:
  void raw(const void* p, std::size_t n) { out_.append(static_cast<const char*>(p), n); }
  std::string out_;
};

class Reader {
 public:
  explicit Reader(std::string_view in) : in_(in) {}
  bool u8(std::uint8_t* v) { return take(v, 1); }
  bool u32(std::uint32_t* v) { return take(v, 4); }
  bool u64(std::uint64_t* v) { return take(v, 8); }
  bool i64(std::int64_t* v) { return take(v, 8); }
  std::string_view rest() {
    auto r = in_.substr(pos_);
    pos_ = in_.size();
    return r;
  }
  bool done() const { return pos_ == in_.size(); }

 private:
  bool take(void* v, std::size_t n) {
    if (in_.size() - pos_ < n) return false;
    std::memcpy(v, in_.data() + pos_, n);
    pos_ += n;
    return true;
  }
  std::string_view in_;
  std::size_t pos_ = 0;
};

zerofs::Error corrupt(std::string_view what) {
  return zerofs::Error::make(Errc::corrupt, "malformed {} record", what);
}

bool version_ok(Reader& r) {
  std::uint8_t v = 0;
  return r.u8(&v) && v == kRecordVersion;
}

}  // namespace

bool valid_file_type(std::uint8_t t) noexcept { return t >= 1 && t <= 7; }

Attr Inode::attr() const noexcept {
  Attr a;
  a.ino = ino;
  a.type = type;
  a.mode = mode;
  a.uid = uid;
  a.gid = gid;
  a.size = is_dir() ? 4096 : size;
  a.nlink = nlink;
  a.rdev = rdev;
  a.atime_ns = atime_ns;
  a.mtime_ns = mtime_ns;
  a.ctime_ns = ctime_ns;
  return a;
}

// Layout: version, type, mode, uid, gid, nlink, size, rdev, atime, mtime, ctime, xattr
// count; then directories: parent, next cookie, entry count; symlinks: the target.
std::string encode_inode(const Inode& n) {
  Writer w(96 + n.target.size());
  w.u8(kRecordVersion);
  w.u8(static_cast<std::uint8_t>(n.type));
  w.u32(n.mode);
  w.u32(n.uid);
  w.u32(n.gid);
  w.u32(n.nlink);
  w.u64(n.size);
  w.u64(n.rdev);
  w.i64(n.atime_ns);
  w.i64(n.mtime_ns);
  w.i64(n.ctime_ns);
  w.u32(n.xattr_count);
  if (n.is_dir()) {
    w.u64(n.parent);
    w.u64(n.next_cookie);
    w.u64(n.entry_count);
  } else if (n.type == FileType::symlink) {
    w.bytes(n.target);
  }
  return w.take();
}

Result<Inode> decode_inode(Ino ino, std::string_view value) {
  Reader r(value);
  Inode n;
  n.ino = ino;
  std::uint8_t type = 0;
  if (!version_ok(r) || !r.u8(&type) || !valid_file_type(type)) return fail(corrupt("inode"));
  n.type = static_cast<FileType>(type);
  if (!r.u32(&n.mode) || !r.u32(&n.uid) || !r.u32(&n.gid) || !r.u32(&n.nlink) || !r.u64(&n.size) ||
      !r.u64(&n.rdev) || !r.i64(&n.atime_ns) || !r.i64(&n.mtime_ns) || !r.i64(&n.ctime_ns) ||
      !r.u32(&n.xattr_count)) {
    return fail(corrupt("inode"));
  }
  if (n.is_dir()) {
    if (!r.u64(&n.parent) || !r.u64(&n.next_cookie) || !r.u64(&n.entry_count)) {
      return fail(corrupt("inode"));
    }
  } else if (n.type == FileType::symlink) {
    n.target = std::string(r.rest());
  }
  if (!r.done() || (n.mode & ~kPermMask) != 0) return fail(corrupt("inode"));
  return n;
}

std::string encode_dirent(const DirentValue& d) {
  Writer w(18);
  w.u8(kRecordVersion);
  w.u8(static_cast<std::uint8_t>(d.type));
  w.u64(d.child);
  w.u64(d.cookie);
  return w.take();
}

Result<DirentValue> decode_dirent(std::string_view value) {
  Reader r(value);
  DirentValue d;
  std::uint8_t type = 0;
  if (!version_ok(r) || !r.u8(&type) || !valid_file_type(type) || !r.u64(&d.child) ||
      !r.u64(&d.cookie) || !r.done()) {
    return fail(corrupt("dirent"));
  }
  d.type = static_cast<FileType>(type);
  return d;
}

std::string encode_dirscan(FileType type, Ino child, std::string_view name) {
  Writer w(10 + name.size());
  w.u8(kRecordVersion);
  w.u8(static_cast<std::uint8_t>(type));
  w.u64(child);
  w.bytes(name);
  return w.take();
}

Result<DirscanValue> decode_dirscan(std::string_view value) {
  Reader r(value);
  DirscanValue d;
  std::uint8_t type = 0;
  if (!version_ok(r) || !r.u8(&type) || !valid_file_type(type) || !r.u64(&d.child)) {
    return fail(corrupt("dirscan"));
  }
  d.type = static_cast<FileType>(type);
  d.name = r.rest();
  if (d.name.empty()) return fail(corrupt("dirscan"));
  return d;
}

std::string encode_format(const FormatRecord& f) {
  Writer w(17);
  w.u8(kRecordVersion);
  w.u32(f.version);
  w.u32(f.chunk_size);
  w.i64(f.created_ns);
  return w.take();
}

Result<FormatRecord> decode_format(std::string_view value) {
  Reader r(value);
  FormatRecord f;
  if (!version_ok(r) || !r.u32(&f.version) || !r.u32(&f.chunk_size) || !r.i64(&f.created_ns) ||
      !r.done()) {
    return fail(corrupt("format"));
  }
  return f;
}

std::string encode_tombstone(const TombstoneRecord& t) {
  Writer w(17);
  w.u8(kRecordVersion);
  w.u64(t.next);
  w.u64(t.end);
  return w.take();
}

Result<TombstoneRecord> decode_tombstone(std::string_view value) {
  Reader r(value);
  TombstoneRecord t;
  if (!version_ok(r) || !r.u64(&t.next) || !r.u64(&t.end) || !r.done()) {
    return fail(corrupt("tombstone"));
  }
  return t;
}

std::string encode_u64_record(std::uint64_t v) {
  Writer w(9);
  w.u8(kRecordVersion);
  w.u64(v);
  return w.take();
}

Result<std::uint64_t> decode_u64_record(std::string_view value) {
  Reader r(value);
  std::uint64_t v = 0;
  if (!version_ok(r) || !r.u64(&v) || !r.done()) return fail(corrupt("counter"));
  return v;
}

std::string encode_usage(const UsageRecord& u) {
  Writer w(17);
  w.u8(kRecordVersion);
  w.i64(u.bytes);
  w.i64(u.inodes);
  return w.take();
}

Result<UsageRecord> decode_usage(std::string_view value) {
  Reader r(value);
  UsageRecord u;
  if (!version_ok(r) || !r.i64(&u.bytes) || !r.i64(&u.inodes) || !r.done()) {
    return fail(corrupt("usage"));
  }
  return u;
}

std::string encode_marker() { return std::string(1, static_cast<char>(kRecordVersion)); }

std::string encode_xattr(std::string_view value) {
  std::string out;
  out.reserve(1 + value.size());
  out.push_back(static_cast<char>(kRecordVersion));
  out.append(value);
  return out;
}

Result<std::string_view> decode_xattr(std::string_view value) {
  if (value.empty() || static_cast<std::uint8_t>(value[0]) != kRecordVersion) {
    return fail(corrupt("xattr"));
  }
  return value.substr(1);
}

}  // namespace zvfs
