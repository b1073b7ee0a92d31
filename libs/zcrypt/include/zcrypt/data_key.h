// DataKey: 256 bits of secret key material kept out of ordinary heap memory.
//
// The bytes live in libsodium's guarded allocation (sodium_malloc: guard pages on both sides,
// mlock'd where the RLIMIT_MEMLOCK allows, never swapped out in that case) and are read-only
// once written. Destruction zeroes and releases them. The type is move-only so a key is never
// copied by accident; a moved-from DataKey is empty.
//
// The same type holds the database key (DEK), key-encryption keys and derived subkeys: all
// are 32-byte symmetric keys.
//
// Thread safety: const methods may be called concurrently (the bytes never change after
// construction). Allocation failure throws std::bad_alloc, as any other allocation does.
#pragma once

#include <cstddef>

#include "base/buffer.h"
#include "base/result.h"

namespace zcrypt {

using zerofs::ByteView;
using zerofs::Result;

namespace detail {
struct DataKeyWriter;
}

class DataKey {
 public:
  static constexpr std::size_t kSize = 32;

  // A fresh key from the operating system's CSPRNG.
  static DataKey generate();
  // A key holding a copy of `bytes`; invalid_argument unless bytes.size() == kSize.
  // For key material that already exists (tests, imported keys); prefer generate().
  static Result<DataKey> from_bytes(ByteView bytes);

  DataKey(DataKey&& other) noexcept;
  DataKey& operator=(DataKey&& other) noexcept;
  DataKey(const DataKey&) = delete;
  DataKey& operator=(const DataKey&) = delete;
  ~DataKey();

  // The key bytes (kSize of them), valid while this DataKey lives and is not moved from.
  // Empty for a moved-from key.
  ByteView bytes() const noexcept;
  bool empty() const noexcept { return data_ == nullptr; }

  // Constant-time comparison; two empty keys are equal.
  bool equals(const DataKey& other) const noexcept;

 private:
  friend struct detail::DataKeyWriter;
  // Allocates guarded, still-writable storage; the writer fills it and calls make_read_only().
  DataKey();
  unsigned char* writable() noexcept { return data_; }
  void make_read_only() noexcept;

  unsigned char* data_ = nullptr;
};

}  // namespace zcrypt
