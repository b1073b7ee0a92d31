// XDR encoding of the NFSv3 messages, both directions, plus encoded sizes.
//
// For every argument and result type T of nfs3_messages.h:
//   void encode(XdrEncoder&, const T&);
//   bool decode(XdrDecoder&, T&);        // returns dec.ok(); T is unspecified on failure
//   std::size_t encoded_size(const T&);  // exactly what encode() appends
// The server decodes arguments and encodes results; the opposite directions serve tests,
// fuzzing and clients. Decoding is bounded (see xdr.h and the limits in nfs3_types.h).
#pragma once

#include <cstddef>
#include <optional>

#include "nfs3/wire/nfs3_messages.h"
#include "nfs3/wire/xdr.h"

// X-macro over every distinct NFSv3 argument and result type.
// clang-format off
#define NFS3_WIRE_MESSAGE_TYPES(X) \
  X(Void) X(GetattrArgs) X(GetattrRes) X(SetattrArgs) \
  X(SetattrRes) X(LookupArgs) X(LookupRes) X(AccessArgs) \
  X(AccessRes) X(ReadlinkArgs) X(ReadlinkRes) X(ReadArgs) \
  X(ReadRes) X(WriteArgs) X(WriteRes) X(CreateArgs) \
  X(DirOpRes) X(MkdirArgs) X(SymlinkArgs) X(MknodArgs) \
  X(RemoveArgs) X(RemoveRes) X(RenameArgs) X(RenameRes) \
  X(LinkArgs) X(LinkRes) X(ReaddirArgs) X(ReaddirRes) \
  X(ReaddirplusArgs) X(ReaddirplusRes) X(FsstatArgs) X(FsstatRes) \
  X(FsinfoRes) X(PathconfRes) X(CommitArgs) X(CommitRes)
// clang-format on

namespace nfs3::wire {

#define NFS3_WIRE_DECLARE_CODEC(T)          \
  void encode(XdrEncoder& enc, const T& v); \
  bool decode(XdrDecoder& dec, T& v);       \
  std::size_t encoded_size(const T& v);
NFS3_WIRE_MESSAGE_TYPES(NFS3_WIRE_DECLARE_CODEC)
#undef NFS3_WIRE_DECLARE_CODEC

// Directory listings. A READDIR reply is
//   readdir_reply_base_size(dir attributes present) + Σ entry3_size(name length)
// and must not exceed the client's `count`. A READDIRPLUS reply is
//   readdir_reply_base_size(...) + Σ entryplus3_size(...)   <= maxcount
// while Σ entryplus3_dircount_size(name length)             <= dircount
// (dircount covers the directory information only, not attributes or handles, RFC 1813
// §3.3.17). These sizes exclude the RPC reply header (kAcceptedReplyHeaderSize).
constexpr std::size_t readdir_reply_base_size(bool dir_attributes) noexcept {
  // status, post_op_attr, cookieverf, the list's closing FALSE, eof
  return 4 + post_op_attr_size(dir_attributes) + kCookieVerfSize + 4 + 4;
}
constexpr std::size_t entry3_size(std::size_t name_size) noexcept {
  // value-follows TRUE, fileid, name, cookie
  return 4 + 8 + xdr_opaque_size(name_size) + 8;
}
constexpr std::size_t entryplus3_size(std::size_t name_size, bool attributes,
                                      std::optional<std::size_t> handle_size) noexcept {
  return entry3_size(name_size) + post_op_attr_size(attributes) + post_op_fh3_size(handle_size);
}
constexpr std::size_t entryplus3_dircount_size(std::size_t name_size) noexcept {
  return entry3_size(name_size);
}

}  // namespace nfs3::wire
