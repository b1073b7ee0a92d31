#include "zvfs/types.h"

namespace zvfs {

std::uint32_t type_bits(FileType type) noexcept {
  switch (type) {
    case FileType::regular:
      return 0100000;
    case FileType::directory:
      return 0040000;
    case FileType::symlink:
      return 0120000;
    case FileType::fifo:
      return 0010000;
    case FileType::socket:
      return 0140000;
    case FileType::char_device:
      return 0020000;
    case FileType::block_device:
      return 0060000;
  }
  return 0;
}

const char* type_name(FileType type) noexcept {
  switch (type) {
    case FileType::regular:
      return "regular";
    case FileType::directory:
      return "directory";
    case FileType::symlink:
      return "symlink";
    case FileType::fifo:
      return "fifo";
    case FileType::socket:
      return "socket";
    case FileType::char_device:
      return "char_device";
    case FileType::block_device:
      return "block_device";
  }
  return "unknown";
}

}  // namespace zvfs
