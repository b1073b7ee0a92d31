// MOUNT v3 (RFC 1813 Appendix I) and portmapper v2 (RFC 1833) messages.
#include "nfs3/wire/mount.h"
#include "nfs3/wire/portmap.h"
#include "wire/codec_macros.h"
#include "wire/nfs3_xdr.h"

namespace nfs3::wire {

namespace {
// Mount lists and export lists are bounded by the input they came from; this bound stops
// a pathological list before it costs much memory.
constexpr std::size_t kMaxListItems = 1 << 16;
}  // namespace

template <typename X>
void xdr(X& x, XdrRef<X, MountArgs> a) {
  x.string(a.dirpath, kMntPathLen);
}

template <typename X>
void xdr(X& x, XdrRef<X, MntRes> r) {
  if (x.enumeration(r.status) != Mountstat3::ok) return;
  xdr(x, r.fhandle);
  x.array(r.auth_flavors, kMaxMountAuthFlavors, [&x](auto& f) { x.u32(f); });
}

template <typename X>
void xdr(X& x, XdrRef<X, DumpRes> r) {
  x.list(r.mounts, kMaxListItems, [&x](auto& m) {
    x.string(m.hostname, kMntNameLen);
    x.string(m.directory, kMntPathLen);
  });
}

template <typename X>
void xdr(X& x, XdrRef<X, ExportRes> r) {
  x.list(r.exports, kMaxListItems, [&x](auto& e) {
    x.string(e.dir, kMntPathLen);
    x.list(e.groups, kMaxListItems, [&x](auto& g) { x.string(g, kMntNameLen); });
  });
}

template <typename X>
void xdr(X& x, XdrRef<X, Mapping> m) {
  x.u32(m.prog);
  x.u32(m.vers);
  x.u32(m.prot);
  x.u32(m.port);
}

template <typename X>
void xdr(X& x, XdrRef<X, PortmapBool> b) {
  x.boolean(b.value);
}

template <typename X>
void xdr(X& x, XdrRef<X, PortmapPort> p) {
  x.u32(p.port);
}

template <typename X>
void xdr(X& x, XdrRef<X, PortmapList> l) {
  x.list(l.mappings, kMaxListItems, [&x](auto& m) { xdr(x, m); });
}

NFS3_WIRE_DEFINE_CODEC(MountArgs)
NFS3_WIRE_DEFINE_CODEC(MntRes)
NFS3_WIRE_DEFINE_CODEC(DumpRes)
NFS3_WIRE_DEFINE_CODEC(ExportRes)
NFS3_WIRE_DEFINE_CODEC(Mapping)
NFS3_WIRE_DEFINE_CODEC(PortmapBool)
NFS3_WIRE_DEFINE_CODEC(PortmapPort)
NFS3_WIRE_DEFINE_CODEC(PortmapList)

}  // namespace nfs3::wire
