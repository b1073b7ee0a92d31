// Symmetric XDR descriptions of the NFSv3 types: each function runs with an XdrEncoder,
// XdrSizer or XdrDecoder and so describes the layout once for all three (RFC 1813 §2.5-3.3).
#pragma once

#include "nfs3/wire/nfs3_messages.h"
#include "nfs3/wire/xdr.h"

namespace nfs3::wire {

template <typename X>
void xdr(X& x, XdrRef<X, NfsFh3> fh) {
  if constexpr (X::kDecoding) {
    fh = NfsFh3::from(x.opaque(kFhSize3));
  } else {
    x.opaque(fh.view(), kFhSize3);
  }
}

template <typename X>
void xdr(X& x, XdrRef<X, NfsTime3> t) {
  x.u32(t.seconds);
  x.u32(t.nseconds);
}

template <typename X>
void xdr(X& x, XdrRef<X, SpecData3> s) {
  x.u32(s.specdata1);
  x.u32(s.specdata2);
}

template <typename X>
void xdr(X& x, XdrRef<X, Fattr3> a) {
  x.enumeration(a.type);
  x.u32(a.mode);
  x.u32(a.nlink);
  x.u32(a.uid);
  x.u32(a.gid);
  x.u64(a.size);
  x.u64(a.used);
  xdr(x, a.rdev);
  x.u64(a.fsid);
  x.u64(a.fileid);
  xdr(x, a.atime);
  xdr(x, a.mtime);
  xdr(x, a.ctime);
}

template <typename X>
void xdr(X& x, XdrRef<X, WccAttr> a) {
  x.u64(a.size);
  xdr(x, a.mtime);
  xdr(x, a.ctime);
}

// post_op_attr, pre_op_attr, post_op_fh3 and sattrguard3 are optional<T> of the above.
template <typename X, typename T>
void xdr_optional(X& x, XdrRef<X, std::optional<T>> v) {
  x.optional(v, [&x](auto& inner) { xdr(x, inner); });
}

template <typename X>
void xdr(X& x, XdrRef<X, WccData> w) {
  xdr_optional<X, WccAttr>(x, w.before);
  xdr_optional<X, Fattr3>(x, w.after);
}

template <typename X>
void xdr(X& x, XdrRef<X, SetTime> t) {
  switch (x.enumeration(t.how)) {
    case TimeHow::dont_change:
    case TimeHow::set_to_server_time:
      return;
    case TimeHow::set_to_client_time:
      return xdr(x, t.time);
  }
  x.invalid();
}

template <typename X>
void xdr(X& x, XdrRef<X, Sattr3> s) {
  x.optional(s.mode, [&x](auto& v) { x.u32(v); });
  x.optional(s.uid, [&x](auto& v) { x.u32(v); });
  x.optional(s.gid, [&x](auto& v) { x.u32(v); });
  x.optional(s.size, [&x](auto& v) { x.u64(v); });
  xdr(x, s.atime);
  xdr(x, s.mtime);
}

template <typename X>
void xdr(X& x, XdrRef<X, DirOpArgs3> d) {
  xdr(x, d.dir);
  x.string(d.name, kMaxFilename);
}

template <typename X>
void xdr(X& x, XdrRef<X, CreateHow3> h) {
  switch (x.enumeration(h.mode)) {
    case CreateMode::unchecked:
    case CreateMode::guarded:
      return xdr(x, h.obj_attributes);
    case CreateMode::exclusive:
      return x.fixed(h.verf);
  }
  x.invalid();
}

template <typename X>
void xdr(X& x, XdrRef<X, Entry3> e) {
  x.u64(e.fileid);
  x.string(e.name, kMaxFilename);
  x.u64(e.cookie);
}

template <typename X>
void xdr(X& x, XdrRef<X, EntryPlus3> e) {
  x.u64(e.fileid);
  x.string(e.name, kMaxFilename);
  x.u64(e.cookie);
  xdr_optional<X, Fattr3>(x, e.name_attributes);
  xdr_optional<X, NfsFh3>(x, e.name_handle);
}

// True when the result's status selects the resok arm.
template <typename X>
bool xdr_status(X& x, Nfsstat3& status) {
  return x.enumeration(status) == Nfsstat3::ok;
}
template <typename X>
bool xdr_status(X& x, const Nfsstat3& status) {
  return x.enumeration(status) == Nfsstat3::ok;
}

// Entries in a reply: each costs at least 24 bytes, so input bounds the list; this bound
// keeps a pathological encoder honest too.
inline constexpr std::size_t kMaxEntries = 1 << 20;

}  // namespace nfs3::wire
