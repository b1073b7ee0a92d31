#include "nfs3/errors.h"

#include "test_support/catch.h"

using nfs3::to_mountstat3;
using nfs3::to_nfsstat3;
using nfs3::wire::Mountstat3;
using nfs3::wire::Nfsstat3;
using zerofs::Errc;

TEST_CASE("to_nfsstat3 maps every error code") {
  CHECK(to_nfsstat3(Errc::not_found) == Nfsstat3::noent);
  CHECK(to_nfsstat3(Errc::already_exists) == Nfsstat3::exist);
  CHECK(to_nfsstat3(Errc::transient) == Nfsstat3::jukebox);
  CHECK(to_nfsstat3(Errc::cancelled) == Nfsstat3::jukebox);
  CHECK(to_nfsstat3(Errc::permanent) == Nfsstat3::io);
  CHECK(to_nfsstat3(Errc::integrity) == Nfsstat3::io);
  CHECK(to_nfsstat3(Errc::fenced) == Nfsstat3::io);
  CHECK(to_nfsstat3(Errc::read_only) == Nfsstat3::rofs);
  CHECK(to_nfsstat3(Errc::invalid_argument) == Nfsstat3::inval);
  CHECK(to_nfsstat3(Errc::unsupported) == Nfsstat3::notsupp);
  CHECK(to_nfsstat3(Errc::not_permitted) == Nfsstat3::perm);
  CHECK(to_nfsstat3(Errc::access_denied) == Nfsstat3::acces);
  CHECK(to_nfsstat3(Errc::not_a_directory) == Nfsstat3::notdir);
  CHECK(to_nfsstat3(Errc::is_a_directory) == Nfsstat3::isdir);
  CHECK(to_nfsstat3(Errc::not_empty) == Nfsstat3::notempty);
  CHECK(to_nfsstat3(Errc::name_too_long) == Nfsstat3::nametoolong);
  CHECK(to_nfsstat3(Errc::no_space) == Nfsstat3::nospc);
  CHECK(to_nfsstat3(Errc::cross_device) == Nfsstat3::xdev);
  CHECK(to_nfsstat3(Errc::too_many_links) == Nfsstat3::mlink);
  CHECK(to_nfsstat3(Errc::stale) == Nfsstat3::stale);
  CHECK(to_nfsstat3(Errc::file_too_large) == Nfsstat3::fbig);
  CHECK(to_nfsstat3(Errc::bad_handle) == Nfsstat3::badhandle);
  CHECK(to_nfsstat3(Errc::range) == Nfsstat3::toosmall);
  CHECK(to_nfsstat3(zerofs::Error(Errc::loop, "rename into own subtree")) == Nfsstat3::inval);
  // No code falls through to the default.
  for (unsigned c = 0; c <= static_cast<unsigned>(Errc::would_block); ++c) {
    CHECK(to_nfsstat3(static_cast<Errc>(c)) != Nfsstat3::serverfault);
  }
}

TEST_CASE("to_mountstat3 keeps to the MOUNT statuses") {
  CHECK(to_mountstat3(Errc::not_found) == Mountstat3::noent);
  CHECK(to_mountstat3(Errc::access_denied) == Mountstat3::acces);
  CHECK(to_mountstat3(Errc::not_a_directory) == Mountstat3::notdir);
  CHECK(to_mountstat3(Errc::permanent) == Mountstat3::io);
  CHECK(to_mountstat3(Errc::no_space) == Mountstat3::serverfault);
}
