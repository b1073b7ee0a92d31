// FileStore: the file:// object store, keeping each object in one file under a root
// directory on a local file system. Several FileStore instances, in one process or in
// several (the writer and a compactor), may share a root.
//
// On-disk layout (FROZEN, format version 1)
//   <root>/<encoded key>      one file per object
//   <root>/.zobj%tmp/<id>/    temp files of one running instance, which holds an exclusive
//                             flock on the directory; directories nobody holds are removed
//                             when a store opens
//   <root>/.zobj%lock/<xx>    lock files: 256 stripes, xx = hex(xxh3_64(key) mod 256);
//                             "tmp" serialises temp-directory set-up and clean-up
//   Key encoding: each '/'-separated segment has '%' escaped as "%25"; every segment but the
//   last names a directory and gets a '%' suffix, the last names the file. So "wal/01.sst"
//   lives in "wal%/01.sst", and "a" (file "a") and "a/b" (file "a%/b") coexist as in S3.
//   Escaped names never end in '%' and never hold '%' outside "%25", so internal names such
//   as ".zobj%tmp" cannot clash with keys. Segments longer than ~250 bytes are rejected
//   (invalid_argument), as the file system would.
//   Object file: the payload behind a small header, so bytes and metadata change together:
//     0  4  magic "ZOBJ"
//     4  1  format version (1)
//     5  1  etag length E
//     6  1  put-id length P
//     7  1  reserved, 0
//     8  E  etag (32 random hex digits, new on every put)
//   8+E  P  put-id
// 8+E+P  .  payload
//   An object's size is the file size minus the header; its modification time is the file's
//   mtime. get() returns only the payload, and a ranged get reads only the range (pread).
//   Directories left empty by del() stay (removing them would race with puts into them);
//   list() walks past them.
//
// Crash safety: put() writes a temp file in the instance's temp directory, fdatasyncs it,
// installs it with rename() (overwrite, if_match) or link() (create_if_absent: EEXIST means
// already_exists, atomically), and fsyncs the parent directory before returning. Parent
// directories are created and fsynced in their parents before the first object in them is
// acknowledged. A crash leaves either the old or the new object, plus at most a temp file
// that the next open removes.
//
// Concurrency: every mutation of a key (put in any mode, del) holds an exclusive flock on the
// key's lock stripe around the read-compare-rename/link/unlink, so if_match is an atomic
// compare-and-swap against every other zobj writer, in any process (flock is per open file
// description, so threads of one process exclude each other too; the kernel releases the
// lock if a process dies). Readers take no lock: rename() replaces the file atomically and an
// open descriptor keeps reading the inode it opened. The directory fsync happens after the
// lock is released; the put is acknowledged only after it.
//
// Threads: blocking I/O runs on a thread pool owned by the store; coroutines resume on the
// executor they awaited from. Destroying the store waits for queued I/O to finish.
#pragma once

#include <filesystem>
#include <memory>

#include "zobj/object_store.h"

namespace boost::asio {
class thread_pool;
}

namespace zobj {

class FileBackend;

struct FileStoreOptions {
  std::size_t io_threads = 8;  // threads running blocking file I/O (at least 1)
};

class FileStore final : public ObjectStore {
 public:
  // Opens (creating it if needed) the store rooted at the absolute path `root`.
  static Result<std::shared_ptr<FileStore>> open(const std::filesystem::path& root,
                                                 FileStoreOptions options = {});
  ~FileStore() override;

  Task<Result<GetResult>> get(std::string key, std::optional<ByteRange> range) override;
  Task<Result<ObjectMeta>> head(std::string key) override;
  Task<Result<ObjectMeta>> put(std::string key, ByteView data, PutOptions options) override;
  Task<Result<void>> del(std::string key) override;
  Task<Result<ListPage>> list(std::string prefix, std::string start_after,
                              std::size_t max_keys) override;
  std::string describe() const override;

  const std::string& root() const noexcept;
  // This instance's private temp directory (for tests of the clean-up).
  const std::string& temp_dir() const noexcept;

 private:
  FileStore(std::unique_ptr<FileBackend> backend, std::size_t io_threads);

  // Constant after construction. The pool is declared last so it is destroyed (joined)
  // first, while the backend its queued work uses is still alive.
  std::unique_ptr<FileBackend> backend_;
  std::unique_ptr<boost::asio::thread_pool> pool_;
};

}  // namespace zobj
