// libFuzzer target for the ONC RPC / XDR wire layer of libnfs3.
//
// The first input byte picks a mode:
//   stream:  the rest is a TCP byte stream; records are split (small record limit, chunked
//            as the next byte says), admitted like the server does, and the arguments of
//            every admitted call decoded by its table entry and by the typed codec;
//   message: the next byte picks one of the NFSv3/MOUNT/portmapper types; the rest is
//            decoded as that type;
//   reply:   after one ignored byte, an RPC reply header followed by a result (the byte
//            after the header picks the result type).
// Whatever decodes must re-encode to something that decodes to an equal value of the size
// encoded_size() predicts; any difference traps.
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "nfs3/dispatcher.h"
#include "nfs3/wire/mount.h"
#include "nfs3/wire/nfs3_codec.h"
#include "nfs3/wire/portmap.h"
#include "nfs3/wire/record.h"
#include "nfs3/wire/rpc.h"

namespace {

using namespace nfs3::wire;
using zerofs::Buffer;
using zerofs::ByteView;

void check(bool ok) {
  if (!ok) __builtin_trap();
}

template <typename T>
void round_trip(ByteView bytes) {
  T value{};
  XdrDecoder dec(bytes);
  if (!decode(dec, value)) return;
  Buffer encoded;
  XdrEncoder enc(encoded);
  encode(enc, value);
  check(encoded.size() == encoded_size(value));
  check(encoded.size() == bytes.size() - dec.remaining());
  T again{};
  XdrDecoder dec2(encoded.view());
  check(decode(dec2, again));
  check(dec2.remaining() == 0);
  check(again == value);
}

using RoundTrip = void (*)(ByteView);

#define NFS3_FUZZ_ENTRY(T) &round_trip<T>,
constexpr RoundTrip kMessages[] = {NFS3_WIRE_MESSAGE_TYPES(NFS3_FUZZ_ENTRY) NFS3_WIRE_MOUNT_TYPES(
    NFS3_FUZZ_ENTRY) NFS3_WIRE_PORTMAP_TYPES(NFS3_FUZZ_ENTRY)};
#undef NFS3_FUZZ_ENTRY

// The typed round trip of a procedure's arguments, by (program, procedure).
RoundTrip args_round_trip(std::uint32_t prog, std::uint32_t proc) {
  if (prog == kNfsProgram) {
    static constexpr RoundTrip kNfs[] = {
        &round_trip<Void>,       &round_trip<GetattrArgs>, &round_trip<SetattrArgs>,
        &round_trip<LookupArgs>, &round_trip<AccessArgs>,  &round_trip<ReadlinkArgs>,
        &round_trip<ReadArgs>,   &round_trip<WriteArgs>,   &round_trip<CreateArgs>,
        &round_trip<MkdirArgs>,  &round_trip<SymlinkArgs>, &round_trip<MknodArgs>,
        &round_trip<RemoveArgs>, &round_trip<RmdirArgs>,   &round_trip<RenameArgs>,
        &round_trip<LinkArgs>,   &round_trip<ReaddirArgs>, &round_trip<ReaddirplusArgs>,
        &round_trip<FsstatArgs>, &round_trip<FsinfoArgs>,  &round_trip<PathconfArgs>,
        &round_trip<CommitArgs>};
    return proc < std::size(kNfs) ? kNfs[proc] : nullptr;
  }
  if (prog == kMountProgram) {
    static constexpr RoundTrip kMount[] = {&round_trip<Void>, &round_trip<MntArgs>,
                                           &round_trip<Void>, &round_trip<UmntArgs>,
                                           &round_trip<Void>, &round_trip<Void>};
    return proc < std::size(kMount) ? kMount[proc] : nullptr;
  }
  if (prog == kPortmapProgram) {
    static constexpr RoundTrip kPortmap[] = {&round_trip<Void>, &round_trip<Mapping>,
                                             &round_trip<Mapping>, &round_trip<Mapping>,
                                             &round_trip<Void>};
    return proc < std::size(kPortmap) ? kPortmap[proc] : nullptr;
  }
  return nullptr;
}

void admit(ByteView record) {
  nfs3::CallAdmission a = nfs3::admit_call(record, 64);
  if (a.kind == nfs3::CallAdmission::Kind::reply) {
    // Our own error replies must parse as replies with the call's xid.
    ReplyHeader h;
    XdrDecoder dec(a.reply.view().subspan(4));
    check(decode(dec, h));
    return;
  }
  if (a.kind != nfs3::CallAdmission::Kind::call) return;
  XdrDecoder dec(a.args);
  a.entry->decode_args(dec);
  if (RoundTrip rt = args_round_trip(a.ctx.prog, a.ctx.proc)) rt(a.args);
}

void stream(ByteView input) {
  if (input.empty()) return;
  const std::size_t chunk = 1 + std::to_integer<std::size_t>(input[0]);
  input = input.subspan(1);
  RecordReader reader(4096);
  while (!input.empty()) {
    ByteView piece = input.first(std::min(chunk, input.size()));
    input = input.subspan(piece.size());
    while (true) {
      const RecordReader::Status st = reader.next(piece);
      if (st == RecordReader::Status::too_large) return;
      if (st == RecordReader::Status::need_more) break;
      const Buffer record = reader.take_record();
      admit(record.view());
    }
  }
}

void reply(ByteView input) {
  XdrDecoder dec(input);
  ReplyHeader h;
  if (!decode(dec, h)) return;
  Buffer encoded;
  XdrEncoder enc(encoded);
  encode(enc, h);
  ReplyHeader again;
  XdrDecoder dec2(encoded.view());
  check(decode(dec2, again) && again.stat == h.stat && again.xid == h.xid);
  if (h.stat == ReplyStat::accepted && h.accept == AcceptStat::success && dec.remaining() > 0) {
    const ByteView rest = dec.rest();
    kMessages[std::to_integer<std::size_t>(rest[0]) % std::size(kMessages)](rest.subspan(1));
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2) return 0;
  const ByteView input(reinterpret_cast<const std::byte*>(data), size);
  const ByteView rest = input.subspan(2);
  switch (data[0] % 3) {
    case 0:
      stream(input.subspan(1));
      break;
    case 1:
      kMessages[data[1] % std::size(kMessages)](rest);
      break;
    default:
      reply(rest);
      break;
  }
  return 0;
}
