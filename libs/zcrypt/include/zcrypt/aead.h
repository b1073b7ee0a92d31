// seal / open: XChaCha20-Poly1305 (IETF) authenticated encryption with associated data.
//
// Sealed bytes are laid out as  nonce (24) || ciphertext (same length as plaintext) || tag (16).
// Each seal draws a fresh random 192-bit nonce, which is safe for any practical number of
// messages under one key. The associated data (AD) is authenticated but not stored: open()
// must be given the same AD, so callers bind a ciphertext to its place (object name, block
// offset, ...) and a block moved elsewhere fails to open.
//
// open() never returns unauthenticated bytes: a tampered nonce, ciphertext or tag, a wrong
// key, a wrong AD or a truncated input all fail with Errc::integrity ("authentication
// failed ...").
//
// Thread safety: pure functions of their arguments; safe to call concurrently.
#pragma once

#include <cstddef>

#include "base/buffer.h"
#include "base/result.h"
#include "zcrypt/data_key.h"

namespace zcrypt {

using zerofs::Buffer;
using zerofs::MutableByteView;

inline constexpr std::size_t kNonceSize = 24;
inline constexpr std::size_t kTagSize = 16;
inline constexpr std::size_t kSealOverhead = kNonceSize + kTagSize;

// REQUIRES (all functions): !key.empty().

// Returns nonce || ciphertext || tag for `plain`.
Buffer seal(const DataKey& key, ByteView plain, ByteView associated_data);
// Appends nonce || ciphertext || tag to `out`; `plain` must not alias `out`'s storage.
void seal_append(const DataKey& key, ByteView plain, ByteView associated_data, Buffer& out);
// Seals without copying. `frame` is laid out as [kNonceSize bytes, overwritten with the
// nonce][plaintext][kTagSize bytes, overwritten with the tag]; the plaintext is encrypted in
// place. REQUIRES: frame.size() >= kSealOverhead.
void seal_in_place(const DataKey& key, MutableByteView frame, ByteView associated_data);

// Returns the plaintext of `sealed`, or Errc::integrity.
Result<Buffer> open(const DataKey& key, ByteView sealed, ByteView associated_data);
// Appends the plaintext to `out`; on failure `out` keeps its previous size.
Result<void> open_append(const DataKey& key, ByteView sealed, ByteView associated_data,
                         Buffer& out);
// Decrypts in place and returns the plaintext, a view into `sealed`. The tag is checked
// before anything is decrypted; on failure libsodium zeroes the would-be plaintext region,
// so `sealed` never holds unauthenticated plaintext but is no longer the original bytes.
Result<MutableByteView> open_in_place(const DataKey& key, MutableByteView sealed,
                                      ByteView associated_data);

}  // namespace zcrypt
