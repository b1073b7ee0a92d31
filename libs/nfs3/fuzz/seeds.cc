// Writes a seed corpus for rpc_fuzz: every sample message of the unit tests in "message"
// mode, and a framed call of every procedure in "stream" mode.
//   nfs3_fuzz_seeds DIR
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "../tests/rpc_test_client.h"
#include "../tests/samples.h"
#include "nfs3/proc_table.h"

namespace {

using namespace nfs3::wire;
using zerofs::Buffer;

int counter = 0;
std::filesystem::path dir;

void write_seed(std::uint8_t mode, std::uint8_t selector, zerofs::ByteView bytes) {
  std::ofstream out(dir / ("seed-" + std::to_string(counter++)), std::ios::binary);
  const char head[2] = {static_cast<char>(mode), static_cast<char>(selector)};
  out.write(head, 2);
  out.write(reinterpret_cast<const char*>(bytes.data()),
            static_cast<std::streamsize>(bytes.size()));
}

std::uint8_t type_index = 0;

template <typename T>
void message_seeds() {
  for (const T& v : nfs3::testing::samples<T>()) {
    Buffer b;
    XdrEncoder enc(b);
    encode(enc, v);
    write_seed(1, type_index, b.view());
    // The same bytes as the result of a successful reply (mode 2).
    Buffer r;
    XdrEncoder renc(r);
    encode(renc, ReplyHeader::accepted(1, AcceptStat::success));
    r.push_back(std::byte{type_index});
    r.append(b.view());
    write_seed(2, 0, r.view());
  }
  ++type_index;
}

template <typename Args>
void call_seeds(std::uint32_t prog, std::uint32_t vers, std::uint32_t proc) {
  for (const Args& a : nfs3::testing::samples<Args>()) {
    const Buffer call = nfs3::testing::make_call_with(proc + 1, prog, vers, proc, a);
    write_seed(0, 0xff, call.view());  // 256-byte chunks
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s DIR\n", argv[0]);
    return 2;
  }
  dir = argv[1];
  std::filesystem::create_directories(dir);
#define NFS3_SEED(T) message_seeds<T>();
  NFS3_WIRE_MESSAGE_TYPES(NFS3_SEED)
  NFS3_WIRE_MOUNT_TYPES(NFS3_SEED)
  NFS3_WIRE_PORTMAP_TYPES(NFS3_SEED)
#undef NFS3_SEED
  call_seeds<Void>(kNfsProgram, 3, 0);
  call_seeds<GetattrArgs>(kNfsProgram, 3, 1);
  call_seeds<SetattrArgs>(kNfsProgram, 3, 2);
  call_seeds<LookupArgs>(kNfsProgram, 3, 3);
  call_seeds<AccessArgs>(kNfsProgram, 3, 4);
  call_seeds<ReadlinkArgs>(kNfsProgram, 3, 5);
  call_seeds<ReadArgs>(kNfsProgram, 3, 6);
  call_seeds<WriteArgs>(kNfsProgram, 3, 7);
  call_seeds<CreateArgs>(kNfsProgram, 3, 8);
  call_seeds<MkdirArgs>(kNfsProgram, 3, 9);
  call_seeds<SymlinkArgs>(kNfsProgram, 3, 10);
  call_seeds<MknodArgs>(kNfsProgram, 3, 11);
  call_seeds<RemoveArgs>(kNfsProgram, 3, 12);
  call_seeds<RemoveArgs>(kNfsProgram, 3, 13);
  call_seeds<RenameArgs>(kNfsProgram, 3, 14);
  call_seeds<LinkArgs>(kNfsProgram, 3, 15);
  call_seeds<ReaddirArgs>(kNfsProgram, 3, 16);
  call_seeds<ReaddirplusArgs>(kNfsProgram, 3, 17);
  call_seeds<FsstatArgs>(kNfsProgram, 3, 18);
  call_seeds<FsstatArgs>(kNfsProgram, 3, 19);
  call_seeds<GetattrArgs>(kNfsProgram, 3, 20);
  call_seeds<CommitArgs>(kNfsProgram, 3, 21);
  call_seeds<MountArgs>(kMountProgram, 3, 1);
  call_seeds<Void>(kMountProgram, 3, 5);
  call_seeds<Mapping>(kPortmapProgram, 2, 3);
  std::printf("%d seeds in %s\n", counter, dir.c_str());
  return 0;
}
