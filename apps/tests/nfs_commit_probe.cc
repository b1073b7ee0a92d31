// nfs_commit_probe PORT NAME FILE: copies FILE to /NAME on the NFS server at 127.0.0.1:PORT
// with UNSTABLE writes of 1 MiB, then COMMITs, and exits 0 only if the server acknowledged
// every call. The end-to-end tests use it where nfs-cp cannot tell: nfs-cp also COMMITs (in
// nfs_close) but ignores the answer, so its exit status says nothing about durability.
// On failure it prints the failed call and its NFS status ("COMMIT: NFS status 5") and
// exits 1; bad arguments exit 2.
#include <cstdio>
#include <exception>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string>

#include "nfs_test_client.h"

int main(int argc, char** argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: nfs_commit_probe PORT NAME FILE\n");
    return 2;
  }
  std::ifstream in(argv[3], std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "cannot read %s\n", argv[3]);
    return 2;
  }
  const std::string data{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  constexpr std::size_t kChunk = 1 << 20;
  try {
    using zerofs::apptest::NfsTestClient;
    const auto client = NfsTestClient::mount(static_cast<std::uint16_t>(std::stoi(argv[1])));
    const auto file = client->create(argv[2]);
    for (std::size_t at = 0; at < data.size();) {
      const auto reply =
          client->write(file, at, data.substr(at, kChunk), zerofs::apptest::Stable::unstable);
      if (reply.count == 0) throw std::runtime_error("WRITE: the server wrote nothing");
      at += reply.count;  // a server may write less than was sent
    }
    client->commit(file);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "%s\n", e.what());
    return 1;
  }
  std::printf("committed %zu bytes\n", data.size());
  return 0;
}
