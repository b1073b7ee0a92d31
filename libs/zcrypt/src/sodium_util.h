// Internal helpers shared by the zcrypt sources: libsodium initialisation, byte-pointer casts
// and the one door through which zcrypt code writes a DataKey.
#pragma once

#include <cstddef>

#include "zcrypt/data_key.h"

namespace zcrypt::detail {

// Calls sodium_init() exactly once per process (std::call_once). Every zcrypt entry point
// that touches libsodium calls this first. Aborts if libsodium cannot initialise: without a
// working CSPRNG no key or nonce can be made safely.
void ensure_sodium();

inline const unsigned char* uc(const std::byte* p) noexcept {
  return reinterpret_cast<const unsigned char*>(p);
}
inline unsigned char* uc(std::byte* p) noexcept { return reinterpret_cast<unsigned char*>(p); }
inline const unsigned char* uc(const char* p) noexcept {
  return reinterpret_cast<const unsigned char*>(p);
}

struct DataKeyWriter {
  // Guarded, writable, uninitialised key storage. Fill kSize bytes, then call finish().
  static DataKey allocate() { return DataKey(); }
  static unsigned char* bytes(DataKey& key) noexcept { return key.writable(); }
  static void finish(DataKey& key) noexcept { key.make_read_only(); }
};

}  // namespace zcrypt::detail
