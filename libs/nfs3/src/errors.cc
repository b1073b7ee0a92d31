#include "nfs3/errors.h"

namespace nfs3 {

using wire::Mountstat3;
using wire::Nfsstat3;
using zerofs::Errc;

Nfsstat3 to_nfsstat3(Errc code) noexcept {
  switch (code) {
    case Errc::not_found:
      return Nfsstat3::noent;
    case Errc::already_exists:
      return Nfsstat3::exist;
    // A lost race on a conditional write, a store hiccup, a shutdown or a busy resource
    // is worth retrying: JUKEBOX makes the Linux client wait and resend.
    case Errc::precondition_failed:
      return Nfsstat3::jukebox;
    case Errc::transient:
      return Nfsstat3::jukebox;
    case Errc::cancelled:
      return Nfsstat3::jukebox;
    case Errc::busy:
      return Nfsstat3::jukebox;
    case Errc::would_block:
      return Nfsstat3::jukebox;
    case Errc::permanent:
      return Nfsstat3::io;
    case Errc::unauthorized:
      return Nfsstat3::io;
    case Errc::wrong_password:
      return Nfsstat3::io;
    case Errc::integrity:
      return Nfsstat3::io;
    case Errc::corrupt:
      return Nfsstat3::io;
    // A newer writer took over: what this one buffered since its last durable write is lost.
    // That is an I/O error (the one RFC 1813 lets COMMIT return), not a read-only filesystem.
    case Errc::fenced:
      return Nfsstat3::io;
    case Errc::read_only:
      return Nfsstat3::rofs;
    case Errc::invalid_argument:
      return Nfsstat3::inval;
    case Errc::unsupported:
      return Nfsstat3::notsupp;
    case Errc::not_permitted:
      return Nfsstat3::perm;
    case Errc::access_denied:
      return Nfsstat3::acces;
    case Errc::not_a_directory:
      return Nfsstat3::notdir;
    case Errc::is_a_directory:
      return Nfsstat3::isdir;
    case Errc::not_empty:
      return Nfsstat3::notempty;
    case Errc::name_too_long:
      return Nfsstat3::nametoolong;
    case Errc::no_space:
      return Nfsstat3::nospc;
    case Errc::cross_device:
      return Nfsstat3::xdev;
    case Errc::too_many_links:
      return Nfsstat3::mlink;
    // NFSv3 has no ELOOP; the only loop a server reports is a directory renamed into its
    // own subtree, which POSIX answers with EINVAL.
    case Errc::loop:
      return Nfsstat3::inval;
    case Errc::stale:
      return Nfsstat3::stale;
    case Errc::file_too_large:
      return Nfsstat3::fbig;
    case Errc::bad_handle:
      return Nfsstat3::badhandle;
    case Errc::no_data:
      return Nfsstat3::noent;
    // ERANGE from a listing means the client's buffer cannot hold even one entry.
    case Errc::range:
      return Nfsstat3::toosmall;
    case Errc::too_big:
      return Nfsstat3::inval;
  }
  return Nfsstat3::serverfault;
}

Mountstat3 to_mountstat3(Errc code) noexcept {
  switch (to_nfsstat3(code)) {
    case Nfsstat3::perm:
      return Mountstat3::perm;
    case Nfsstat3::noent:
      return Mountstat3::noent;
    case Nfsstat3::acces:
      return Mountstat3::acces;
    case Nfsstat3::notdir:
      return Mountstat3::notdir;
    case Nfsstat3::inval:
      return Mountstat3::inval;
    case Nfsstat3::nametoolong:
      return Mountstat3::nametoolong;
    case Nfsstat3::notsupp:
      return Mountstat3::notsupp;
    case Nfsstat3::io:
      return Mountstat3::io;
    default:
      return Mountstat3::serverfault;
  }
}

}  // namespace nfs3
