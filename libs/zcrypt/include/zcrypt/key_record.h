// KeyRecord: the password-protected home of the database key (DEK).
//
// A password is stretched into a key-encryption key (KEK) with Argon2id; the KEK wraps a
// random 256-bit DEK with XChaCha20-Poly1305. The record holds everything needed to unwrap
// except the password: KDF id and parameters, salt, nonce and the wrapped DEK. The record's
// header (every byte before the wrapped DEK) is the AEAD's associated data, so KDF
// parameters, salt or version cannot be altered without unwrap() failing.
// Changing the password rewraps the same DEK: no data is re-encrypted.
//
// Serialized layout v1 (FROZEN; integers little-endian; docs/formats/key-record.md):
//
//   offset  size  field
//   0       4     magic "ZFKR"
//   4       1     record version = 1
//   5       1     KDF id (Kdf below)
//   6       8     Argon2id opslimit (passes)
//   14      8     Argon2id memlimit (bytes)
//   22      16    salt
//   38      24    nonce
//   62      48    wrapped DEK: 32 bytes of ciphertext, then the 16-byte tag
//   110           end
//
// Thread safety: a KeyRecord is an immutable value; const methods may run concurrently.
// Each unwrap/rewrap/create costs one Argon2id run (about a second at the defaults).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "base/buffer.h"
#include "base/result.h"
#include "zcrypt/data_key.h"

namespace zcrypt {

using zerofs::Buffer;
using zerofs::ByteView;
using zerofs::Result;

// KDF ids as stored at offset 5. FROZEN.
enum class Kdf : std::uint8_t {
  argon2id13 = 1,  // libsodium crypto_pwhash_ALG_ARGON2ID13
};

struct KdfParams {
  static constexpr std::uint64_t kDefaultOpsLimit = 3;
  static constexpr std::uint64_t kDefaultMemLimit = std::uint64_t{64} << 20;
  // Accepted ranges, for create() and parse(): they keep a damaged record from demanding an
  // absurd amount of memory or time before its authentication can even be checked.
  static constexpr std::uint64_t kMinOpsLimit = 1;
  static constexpr std::uint64_t kMaxOpsLimit = 256;
  static constexpr std::uint64_t kMinMemLimit = 8192;
  static constexpr std::uint64_t kMaxMemLimit = std::uint64_t{4} << 30;

  std::uint64_t opslimit = kDefaultOpsLimit;  // Argon2id passes
  std::uint64_t memlimit = kDefaultMemLimit;  // bytes of memory Argon2id fills

  friend bool operator==(const KdfParams&, const KdfParams&) noexcept = default;
};

struct CreatedKey;

class KeyRecord {
 public:
  static constexpr std::uint8_t kVersion = 1;
  static constexpr std::size_t kSaltSize = 16;
  static constexpr std::size_t kHeaderSize = 62;
  static constexpr std::size_t kWrappedSize = 48;
  static constexpr std::size_t kSerializedSize = kHeaderSize + kWrappedSize;

  // Generates a new DEK and wraps it under `password`.
  // Errors: invalid_argument (empty password, params out of range), permanent (Argon2id
  // could not allocate its memory).
  static Result<CreatedKey> create(std::string_view password, const KdfParams& params = {});

  // Errors: corrupt (wrong size or magic, unknown version or KDF, params out of range).
  static Result<KeyRecord> parse(ByteView bytes);
  Buffer serialize() const;

  // Errors: wrong_password (the password does not unlock the record, or the record was
  // altered), permanent (Argon2id could not allocate its memory).
  Result<DataKey> unwrap(std::string_view password) const;

  // The same DEK under `new_password`, with a fresh salt and nonce and the same KDF
  // parameters (or `new_params`). Errors: as unwrap() for the old password, as create() for
  // the new one.
  Result<KeyRecord> rewrap(std::string_view old_password, std::string_view new_password) const;
  Result<KeyRecord> rewrap(std::string_view old_password, std::string_view new_password,
                           const KdfParams& new_params) const;

  const KdfParams& kdf_params() const noexcept { return params_; }

 private:
  KeyRecord() = default;
  static Result<KeyRecord> wrap(const DataKey& dek, std::string_view password,
                                const KdfParams& params);
  std::array<std::byte, kHeaderSize> header() const noexcept;

  KdfParams params_;
  std::array<std::byte, kSaltSize> salt_{};
  std::array<std::byte, 24> nonce_{};
  std::array<std::byte, kWrappedSize> wrapped_{};
};

struct CreatedKey {
  KeyRecord record;
  DataKey key;
};

}  // namespace zcrypt
