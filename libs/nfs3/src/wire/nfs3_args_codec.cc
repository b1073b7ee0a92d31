// NFSv3 procedure arguments (RFC 1813 §3.3).
#include "nfs3/wire/nfs3_codec.h"
#include "wire/codec_macros.h"
#include "wire/nfs3_xdr.h"

namespace nfs3::wire {

NfsFh3 NfsFh3::from(ByteView bytes) noexcept {
  NfsFh3 fh;
  fh.size_ = static_cast<std::uint8_t>(bytes.size() < kFhSize3 ? bytes.size() : kFhSize3);
  if (fh.size_ != 0) std::memcpy(fh.data_.data(), bytes.data(), fh.size_);
  return fh;
}

template <typename X>
void xdr(X&, XdrRef<X, Void>) {}

template <typename X>
void xdr(X& x, XdrRef<X, GetattrArgs> a) {
  xdr(x, a.object);
}

template <typename X>
void xdr(X& x, XdrRef<X, SetattrArgs> a) {
  xdr(x, a.object);
  xdr(x, a.new_attributes);
  xdr_optional<X, NfsTime3>(x, a.guard);
}

template <typename X>
void xdr(X& x, XdrRef<X, LookupArgs> a) {
  xdr(x, a.what);
}

template <typename X>
void xdr(X& x, XdrRef<X, AccessArgs> a) {
  xdr(x, a.object);
  x.u32(a.access);
}

template <typename X>
void xdr(X& x, XdrRef<X, ReadlinkArgs> a) {
  xdr(x, a.symlink);
}

template <typename X>
void xdr(X& x, XdrRef<X, ReadArgs> a) {
  xdr(x, a.file);
  x.u64(a.offset);
  x.u32(a.count);
}

template <typename X>
void xdr(X& x, XdrRef<X, WriteArgs> a) {
  xdr(x, a.file);
  x.u64(a.offset);
  x.u32(a.count);
  if (x.enumeration(a.stable) > StableHow::file_sync) x.invalid();
  x.opaque(a.data, kMaxData);
}

template <typename X>
void xdr(X& x, XdrRef<X, CreateArgs> a) {
  xdr(x, a.where);
  xdr(x, a.how);
}

template <typename X>
void xdr(X& x, XdrRef<X, MkdirArgs> a) {
  xdr(x, a.where);
  xdr(x, a.attributes);
}

template <typename X>
void xdr(X& x, XdrRef<X, SymlinkArgs> a) {
  xdr(x, a.where);
  xdr(x, a.symlink_attributes);
  x.string(a.symlink_data, kMaxPath);
}

template <typename X>
void xdr(X& x, XdrRef<X, MknodArgs> a) {
  xdr(x, a.where);
  switch (x.enumeration(a.type)) {
    case Ftype3::chr:
    case Ftype3::blk:
      xdr(x, a.attributes);
      return xdr(x, a.spec);
    case Ftype3::sock:
    case Ftype3::fifo:
      return xdr(x, a.attributes);
    default:
      return;  // void arm: the handler answers NFS3ERR_BADTYPE
  }
}

template <typename X>
void xdr(X& x, XdrRef<X, RemoveArgs> a) {
  xdr(x, a.object);
}

template <typename X>
void xdr(X& x, XdrRef<X, RenameArgs> a) {
  xdr(x, a.from);
  xdr(x, a.to);
}

template <typename X>
void xdr(X& x, XdrRef<X, LinkArgs> a) {
  xdr(x, a.file);
  xdr(x, a.link);
}

template <typename X>
void xdr(X& x, XdrRef<X, ReaddirArgs> a) {
  xdr(x, a.dir);
  x.u64(a.cookie);
  x.fixed(a.cookieverf);
  x.u32(a.count);
}

template <typename X>
void xdr(X& x, XdrRef<X, ReaddirplusArgs> a) {
  xdr(x, a.dir);
  x.u64(a.cookie);
  x.fixed(a.cookieverf);
  x.u32(a.dircount);
  x.u32(a.maxcount);
}

template <typename X>
void xdr(X& x, XdrRef<X, FsstatArgs> a) {
  xdr(x, a.fsroot);
}

template <typename X>
void xdr(X& x, XdrRef<X, CommitArgs> a) {
  xdr(x, a.file);
  x.u64(a.offset);
  x.u32(a.count);
}

NFS3_WIRE_DEFINE_CODEC(Void)
NFS3_WIRE_DEFINE_CODEC(GetattrArgs)
NFS3_WIRE_DEFINE_CODEC(SetattrArgs)
NFS3_WIRE_DEFINE_CODEC(LookupArgs)
NFS3_WIRE_DEFINE_CODEC(AccessArgs)
NFS3_WIRE_DEFINE_CODEC(ReadlinkArgs)
NFS3_WIRE_DEFINE_CODEC(ReadArgs)
NFS3_WIRE_DEFINE_CODEC(WriteArgs)
NFS3_WIRE_DEFINE_CODEC(CreateArgs)
NFS3_WIRE_DEFINE_CODEC(MkdirArgs)
NFS3_WIRE_DEFINE_CODEC(SymlinkArgs)
NFS3_WIRE_DEFINE_CODEC(MknodArgs)
NFS3_WIRE_DEFINE_CODEC(RemoveArgs)
NFS3_WIRE_DEFINE_CODEC(RenameArgs)
NFS3_WIRE_DEFINE_CODEC(LinkArgs)
NFS3_WIRE_DEFINE_CODEC(ReaddirArgs)
NFS3_WIRE_DEFINE_CODEC(ReaddirplusArgs)
NFS3_WIRE_DEFINE_CODEC(FsstatArgs)
NFS3_WIRE_DEFINE_CODEC(CommitArgs)

}  // namespace nfs3::wire
