// A synchronous NFSv3 client for the crash tests, on Debian's libnfs (an independent
// implementation): mounts "/" of a server on 127.0.0.1 (MOUNT on the NFS port), creates
// files, and sends raw WRITE / COMMIT / READ calls so a test controls the stable_how of
// each write and sees the write verifiers.
//
// One thread at a time. Every call fails the test (throws std::runtime_error naming the
// call and the NFS status or libnfs error) unless it succeeds; none waits longer than 30 s.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

struct nfs_context;

namespace zerofs::apptest {

using WriteVerifier = std::array<std::uint8_t, 8>;
using FileHandle = std::vector<std::uint8_t>;

enum class Stable : int { unstable = 0, data_sync = 1, file_sync = 2 };

struct WriteReply {
  std::uint32_t count = 0;
  Stable committed = Stable::unstable;
  WriteVerifier verifier{};
};

class NfsTestClient {
 public:
  // Mounts "/" from 127.0.0.1:port with AUTH_SYS root credentials.
  static std::unique_ptr<NfsTestClient> mount(std::uint16_t port);
  ~NfsTestClient();
  NfsTestClient(const NfsTestClient&) = delete;
  NfsTestClient& operator=(const NfsTestClient&) = delete;

  // Creates /name with mode 0644 and returns its file handle.
  FileHandle create(const std::string& name);
  WriteReply write(const FileHandle& file, std::uint64_t offset, const std::string& data,
                   Stable stable);
  // COMMIT of the whole file; returns the verifier.
  WriteVerifier commit(const FileHandle& file);
  // Removes /name (nfs_unlink).
  void remove(const std::string& name);
  // READ of up to `count` bytes at `offset` (the bytes returned, short at end of file).
  std::string read(const FileHandle& file, std::uint64_t offset, std::uint32_t count);

 private:
  explicit NfsTestClient(nfs_context* nfs) : nfs_(nfs) {}
  // Runs the event loop until `*done`.
  void wait(const bool& done, const char* what);

  nfs_context* nfs_;
};

}  // namespace zerofs::apptest
