// The one place where NFS maps zerofs errors to wire statuses (ARCHITECTURE §3, §8).
#pragma once

#include "base/result.h"
#include "nfs3/wire/mount.h"
#include "nfs3/wire/nfs3_types.h"

namespace nfs3 {

// NFSv3 status for an error code. Transient store failures and cancellation map to
// NFS3ERR_JUKEBOX so the client retries instead of failing the application.
wire::Nfsstat3 to_nfsstat3(zerofs::Errc code) noexcept;
inline wire::Nfsstat3 to_nfsstat3(const zerofs::Error& error) noexcept {
  return to_nfsstat3(error.code());
}

// MOUNT v3 status for an error code (the subset RFC 1813 Appendix I defines).
wire::Mountstat3 to_mountstat3(zerofs::Errc code) noexcept;

}  // namespace nfs3
