// Reading and writing single object files of the file:// store (layout in file_layout.h).
// Blocking; called on the store's I/O pool.
#pragma once

#include <optional>
#include <string>

#include "file_layout.h"
#include "posix.h"
#include "zobj/object_store.h"

namespace zobj::object_file {

// An object file opened for reading. The descriptor pins the inode, so a concurrent rename
// or unlink of the path does not change what this handle reads.
struct OpenObject {
  posix::UniqueFd fd;
  file_layout::Header header;
  std::uint64_t payload_size = 0;
  std::int64_t modified_unix_ms = 0;
  // Payload bytes that arrived with the header read (a prefix of the payload).
  Buffer head_bytes;

  ObjectMeta meta(std::string key) const;
};

// Opens and parses the object file at `path`. not_found if absent; corrupt if it is not a
// regular object file.
Result<OpenObject> open(const std::string& path);

// Reads the payload bytes of `range` (the whole payload when absent), clamped to its end.
Result<Buffer> read_payload(const OpenObject& object, std::optional<ByteRange> range,
                            const std::string& path);

// Creates `path` (which must not exist), writes header + payload, and fdatasyncs it.
// Returns the file's modification time in unix ms.
Result<std::int64_t> write_new(const std::string& path, std::string_view etag,
                               std::string_view put_id, ByteView payload);

}  // namespace zobj::object_file
