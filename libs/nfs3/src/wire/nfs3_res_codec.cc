// NFSv3 procedure results (RFC 1813 §3.3): the status, then the resok or resfail arm.
#include "nfs3/wire/nfs3_codec.h"
#include "wire/codec_macros.h"
#include "wire/nfs3_xdr.h"

namespace nfs3::wire {

template <typename X>
void xdr(X& x, XdrRef<X, GetattrRes> r) {
  if (xdr_status(x, r.status)) xdr(x, r.obj_attributes);
}

template <typename X>
void xdr(X& x, XdrRef<X, SetattrRes> r) {
  xdr_status(x, r.status);
  xdr(x, r.obj_wcc);
}

template <typename X>
void xdr(X& x, XdrRef<X, LookupRes> r) {
  if (xdr_status(x, r.status)) {
    xdr(x, r.object);
    xdr_optional<X, Fattr3>(x, r.obj_attributes);
  }
  xdr_optional<X, Fattr3>(x, r.dir_attributes);
}

template <typename X>
void xdr(X& x, XdrRef<X, AccessRes> r) {
  const bool ok = xdr_status(x, r.status);
  xdr_optional<X, Fattr3>(x, r.obj_attributes);
  if (ok) x.u32(r.access);
}

template <typename X>
void xdr(X& x, XdrRef<X, ReadlinkRes> r) {
  const bool ok = xdr_status(x, r.status);
  xdr_optional<X, Fattr3>(x, r.symlink_attributes);
  if (ok) x.string(r.data, kMaxPath);
}

template <typename X>
void xdr(X& x, XdrRef<X, ReadRes> r) {
  const bool ok = xdr_status(x, r.status);
  xdr_optional<X, Fattr3>(x, r.file_attributes);
  if (!ok) return;
  x.u32(r.count);
  x.boolean(r.eof);
  x.opaque(r.data, kMaxData);
}

template <typename X>
void xdr(X& x, XdrRef<X, WriteRes> r) {
  const bool ok = xdr_status(x, r.status);
  xdr(x, r.file_wcc);
  if (!ok) return;
  x.u32(r.count);
  x.enumeration(r.committed);
  x.fixed(r.verf);
}

template <typename X>
void xdr(X& x, XdrRef<X, DirOpRes> r) {
  if (xdr_status(x, r.status)) {
    xdr_optional<X, NfsFh3>(x, r.obj);
    xdr_optional<X, Fattr3>(x, r.obj_attributes);
  }
  xdr(x, r.dir_wcc);
}

template <typename X>
void xdr(X& x, XdrRef<X, RemoveRes> r) {
  xdr_status(x, r.status);
  xdr(x, r.dir_wcc);
}

template <typename X>
void xdr(X& x, XdrRef<X, RenameRes> r) {
  xdr_status(x, r.status);
  xdr(x, r.fromdir_wcc);
  xdr(x, r.todir_wcc);
}

template <typename X>
void xdr(X& x, XdrRef<X, LinkRes> r) {
  xdr_status(x, r.status);
  xdr_optional<X, Fattr3>(x, r.file_attributes);
  xdr(x, r.linkdir_wcc);
}

template <typename X>
void xdr(X& x, XdrRef<X, ReaddirRes> r) {
  const bool ok = xdr_status(x, r.status);
  xdr_optional<X, Fattr3>(x, r.dir_attributes);
  if (!ok) return;
  x.fixed(r.cookieverf);
  x.list(r.entries, kMaxEntries, [&x](auto& e) { xdr(x, e); });
  x.boolean(r.eof);
}

template <typename X>
void xdr(X& x, XdrRef<X, ReaddirplusRes> r) {
  const bool ok = xdr_status(x, r.status);
  xdr_optional<X, Fattr3>(x, r.dir_attributes);
  if (!ok) return;
  x.fixed(r.cookieverf);
  x.list(r.entries, kMaxEntries, [&x](auto& e) { xdr(x, e); });
  x.boolean(r.eof);
}

template <typename X>
void xdr(X& x, XdrRef<X, FsstatRes> r) {
  const bool ok = xdr_status(x, r.status);
  xdr_optional<X, Fattr3>(x, r.obj_attributes);
  if (!ok) return;
  x.u64(r.tbytes);
  x.u64(r.fbytes);
  x.u64(r.abytes);
  x.u64(r.tfiles);
  x.u64(r.ffiles);
  x.u64(r.afiles);
  x.u32(r.invarsec);
}

template <typename X>
void xdr(X& x, XdrRef<X, FsinfoRes> r) {
  const bool ok = xdr_status(x, r.status);
  xdr_optional<X, Fattr3>(x, r.obj_attributes);
  if (!ok) return;
  x.u32(r.rtmax);
  x.u32(r.rtpref);
  x.u32(r.rtmult);
  x.u32(r.wtmax);
  x.u32(r.wtpref);
  x.u32(r.wtmult);
  x.u32(r.dtpref);
  x.u64(r.maxfilesize);
  xdr(x, r.time_delta);
  x.u32(r.properties);
}

template <typename X>
void xdr(X& x, XdrRef<X, PathconfRes> r) {
  const bool ok = xdr_status(x, r.status);
  xdr_optional<X, Fattr3>(x, r.obj_attributes);
  if (!ok) return;
  x.u32(r.linkmax);
  x.u32(r.name_max);
  x.boolean(r.no_trunc);
  x.boolean(r.chown_restricted);
  x.boolean(r.case_insensitive);
  x.boolean(r.case_preserving);
}

template <typename X>
void xdr(X& x, XdrRef<X, CommitRes> r) {
  const bool ok = xdr_status(x, r.status);
  xdr(x, r.file_wcc);
  if (ok) x.fixed(r.verf);
}

NFS3_WIRE_DEFINE_CODEC(GetattrRes)
NFS3_WIRE_DEFINE_CODEC(SetattrRes)
NFS3_WIRE_DEFINE_CODEC(LookupRes)
NFS3_WIRE_DEFINE_CODEC(AccessRes)
NFS3_WIRE_DEFINE_CODEC(ReadlinkRes)
NFS3_WIRE_DEFINE_CODEC(ReadRes)
NFS3_WIRE_DEFINE_CODEC(WriteRes)
NFS3_WIRE_DEFINE_CODEC(DirOpRes)
NFS3_WIRE_DEFINE_CODEC(RemoveRes)
NFS3_WIRE_DEFINE_CODEC(RenameRes)
NFS3_WIRE_DEFINE_CODEC(LinkRes)
NFS3_WIRE_DEFINE_CODEC(ReaddirRes)
NFS3_WIRE_DEFINE_CODEC(ReaddirplusRes)
NFS3_WIRE_DEFINE_CODEC(FsstatRes)
NFS3_WIRE_DEFINE_CODEC(FsinfoRes)
NFS3_WIRE_DEFINE_CODEC(PathconfRes)
NFS3_WIRE_DEFINE_CODEC(CommitRes)

}  // namespace nfs3::wire
