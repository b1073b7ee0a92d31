// Per-purpose subkeys derived from a master key (normally the DEK).
//
// Each purpose (block encryption, manifest, ...) uses its own key so that a nonce collision
// or a bug in one purpose cannot expose another. Derivation is libsodium's crypto_kdf
// (BLAKE2b keyed with the master key, personalised with `context`, salted with `subkey_id`):
// deterministic, so the same (master, id, context) always yields the same subkey, and
// distinct ids or contexts yield independent keys.
//
// Thread safety: a pure function; safe to call concurrently.
#pragma once

#include <cstdint>
#include <string_view>

#include "zcrypt/data_key.h"

namespace zcrypt {

// Length of a KDF context: exactly 8 bytes, e.g. "zfblocks". Contexts are part of the
// on-disk contract: changing one changes every key derived from it.
inline constexpr std::size_t kSubkeyContextSize = 8;

// Derives the subkey number `subkey_id` for `context` from `master`.
// Errors: invalid_argument if `context` is not exactly kSubkeyContextSize bytes or `master`
// is empty (moved from).
Result<DataKey> derive_subkey(const DataKey& master, std::uint64_t subkey_id,
                              std::string_view context);

}  // namespace zcrypt
