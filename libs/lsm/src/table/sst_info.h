// SstInfo: what the manifest records about one SST so a reader needs no footer GET.
#pragma once

#include <array>
#include <compare>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "format/internal_key.h"

namespace lsm {

// A ULID: 48-bit milliseconds since the epoch (big-endian, bytes 0-5) + 80 random bits,
// printed as 26 Crockford base32 characters; bytewise order of ids follows creation time.
// generate() is thread-safe and monotonic within a process: ids made in the same millisecond
// (or after the clock stepped back) increment the previous id's random part.
// parse() accepts upper or lower case and rejects anything that to_string() would not print.
struct SstId {
  std::array<std::uint8_t, 16> bytes{};

  static SstId generate();
  std::string to_string() const;  // 26 characters
  static bool parse(std::string_view text, SstId* out);
  // "sst/<ulid>.sst"
  std::string object_key() const;

  friend auto operator<=>(const SstId&, const SstId&) = default;
};

// For unordered containers: the 80 random bits make any 8 of them a good hash.
struct SstIdHash {
  std::size_t operator()(const SstId& id) const noexcept {
    std::uint64_t h;
    std::memcpy(&h, id.bytes.data() + 8, sizeof h);
    return static_cast<std::size_t>(h);
  }
};

struct BlockHandle {
  std::uint64_t offset = 0;
  std::uint64_t size = 0;  // stored size: transformed bytes + checksum
  friend bool operator==(const BlockHandle&, const BlockHandle&) = default;
};

struct SstInfo {
  SstId id;
  std::uint64_t file_size = 0;
  std::string smallest;  // internal key
  std::string largest;   // internal key
  BlockHandle index;     // index block
  BlockHandle filter;    // bloom filter block (size 0 when absent)
  std::uint64_t num_entries = 0;
  std::uint64_t num_deletions = 0;
  SequenceNumber min_seq = 0;
  SequenceNumber max_seq = 0;
  std::uint64_t raw_key_bytes = 0;    // sum of user key sizes
  std::uint64_t raw_value_bytes = 0;  // sum of value sizes

  std::string_view smallest_user_key() const { return extract_user_key(smallest); }
  std::string_view largest_user_key() const { return extract_user_key(largest); }
};

}  // namespace lsm
