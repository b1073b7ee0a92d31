#include "zcrypt/key_record.h"

#include <sodium.h>

#include <cstring>

#include "base/coding.h"
#include "sodium_util.h"
#include "zcrypt/aead.h"

namespace zcrypt {

using detail::uc;
using zerofs::Errc;
using zerofs::fail;

namespace {

// FROZEN layout offsets of record version 1 (see the header comment and key-record.md).
constexpr std::array<std::byte, 4> kMagic = {std::byte{'Z'}, std::byte{'F'}, std::byte{'K'},
                                             std::byte{'R'}};
constexpr std::size_t kOffVersion = 4;
constexpr std::size_t kOffKdf = 5;
constexpr std::size_t kOffOpsLimit = 6;
constexpr std::size_t kOffMemLimit = 14;
constexpr std::size_t kOffSalt = 22;
constexpr std::size_t kOffNonce = 38;
constexpr std::size_t kOffWrapped = 62;

static_assert(kOffNonce + kNonceSize == KeyRecord::kHeaderSize);
static_assert(kOffWrapped == KeyRecord::kHeaderSize);
static_assert(KeyRecord::kWrappedSize == DataKey::kSize + kTagSize);
static_assert(KeyRecord::kSaltSize == crypto_pwhash_argon2id_SALTBYTES);
static_assert(KdfParams::kMinOpsLimit >= crypto_pwhash_argon2id_OPSLIMIT_MIN);
static_assert(KdfParams::kMinMemLimit >= crypto_pwhash_argon2id_MEMLIMIT_MIN);

Result<void> check_params(const KdfParams& p, Errc code) {
  if (p.opslimit < KdfParams::kMinOpsLimit || p.opslimit > KdfParams::kMaxOpsLimit) {
    return fail(code, "Argon2id opslimit {} is outside {}..{}", p.opslimit, KdfParams::kMinOpsLimit,
                KdfParams::kMaxOpsLimit);
  }
  if (p.memlimit < KdfParams::kMinMemLimit || p.memlimit > KdfParams::kMaxMemLimit) {
    return fail(code, "Argon2id memlimit {} bytes is outside {}..{}", p.memlimit,
                KdfParams::kMinMemLimit, KdfParams::kMaxMemLimit);
  }
  return {};
}

Result<DataKey> derive_kek(std::string_view password, const KdfParams& params,
                           const std::array<std::byte, KeyRecord::kSaltSize>& salt) {
  detail::ensure_sodium();
  DataKey kek = detail::DataKeyWriter::allocate();
  if (crypto_pwhash(detail::DataKeyWriter::bytes(kek), DataKey::kSize, password.data(),
                    password.size(), uc(salt.data()), params.opslimit,
                    static_cast<std::size_t>(params.memlimit), crypto_pwhash_ALG_ARGON2ID13) != 0) {
    return fail(Errc::permanent, "Argon2id key derivation failed (could it allocate {} bytes?)",
                params.memlimit);
  }
  detail::DataKeyWriter::finish(kek);
  return kek;
}

}  // namespace

std::array<std::byte, KeyRecord::kHeaderSize> KeyRecord::header() const noexcept {
  std::array<std::byte, kHeaderSize> h{};
  std::memcpy(h.data(), kMagic.data(), kMagic.size());
  h[kOffVersion] = std::byte{kVersion};
  h[kOffKdf] = static_cast<std::byte>(Kdf::argon2id13);
  zerofs::encode_u64_le(h.data() + kOffOpsLimit, params_.opslimit);
  zerofs::encode_u64_le(h.data() + kOffMemLimit, params_.memlimit);
  std::memcpy(h.data() + kOffSalt, salt_.data(), salt_.size());
  std::memcpy(h.data() + kOffNonce, nonce_.data(), nonce_.size());
  return h;
}

Result<KeyRecord> KeyRecord::wrap(const DataKey& dek, std::string_view password,
                                  const KdfParams& params) {
  if (password.empty()) return fail(Errc::invalid_argument, "the password must not be empty");
  ZF_CHECK(check_params(params, Errc::invalid_argument));
  detail::ensure_sodium();
  KeyRecord record;
  record.params_ = params;
  randombytes_buf(record.salt_.data(), record.salt_.size());
  randombytes_buf(record.nonce_.data(), record.nonce_.size());
  ZF_TRY(const DataKey kek, derive_kek(password, params, record.salt_));
  const auto ad = record.header();
  crypto_aead_xchacha20poly1305_ietf_encrypt_detached(
      uc(record.wrapped_.data()), uc(record.wrapped_.data() + DataKey::kSize), nullptr,
      uc(dek.bytes().data()), DataKey::kSize, uc(ad.data()), ad.size(), nullptr,
      uc(record.nonce_.data()), uc(kek.bytes().data()));
  return record;
}

Result<CreatedKey> KeyRecord::create(std::string_view password, const KdfParams& params) {
  DataKey dek = DataKey::generate();
  ZF_TRY(KeyRecord record, wrap(dek, password, params));
  return CreatedKey{std::move(record), std::move(dek)};
}

Result<KeyRecord> KeyRecord::parse(ByteView bytes) {
  if (bytes.size() < kOffKdf || std::memcmp(bytes.data(), kMagic.data(), kMagic.size()) != 0) {
    return fail(Errc::corrupt, "not a zerofs key record (bad magic or {} bytes)", bytes.size());
  }
  const auto version = static_cast<std::uint8_t>(bytes[kOffVersion]);
  if (version != kVersion) {
    return fail(Errc::corrupt, "unknown key record version {} (this build reads version {})",
                version, kVersion);
  }
  if (bytes.size() != kSerializedSize) {
    return fail(Errc::corrupt, "key record version {} is {} bytes, got {}", version,
                kSerializedSize, bytes.size());
  }
  const auto kdf = static_cast<std::uint8_t>(bytes[kOffKdf]);
  if (kdf != static_cast<std::uint8_t>(Kdf::argon2id13)) {
    return fail(Errc::corrupt, "unknown key derivation function id {}", kdf);
  }
  KeyRecord record;
  record.params_.opslimit = zerofs::decode_u64_le(bytes.data() + kOffOpsLimit);
  record.params_.memlimit = zerofs::decode_u64_le(bytes.data() + kOffMemLimit);
  ZF_CHECK(check_params(record.params_, Errc::corrupt));
  std::memcpy(record.salt_.data(), bytes.data() + kOffSalt, record.salt_.size());
  std::memcpy(record.nonce_.data(), bytes.data() + kOffNonce, record.nonce_.size());
  std::memcpy(record.wrapped_.data(), bytes.data() + kOffWrapped, record.wrapped_.size());
  return record;
}

Buffer KeyRecord::serialize() const {
  Buffer out;
  out.reserve(kSerializedSize);
  const auto h = header();
  out.append(ByteView(h.data(), h.size()));
  out.append(ByteView(wrapped_.data(), wrapped_.size()));
  return out;
}

Result<DataKey> KeyRecord::unwrap(std::string_view password) const {
  ZF_TRY(const DataKey kek, derive_kek(password, params_, salt_));
  const auto ad = header();
  // Decrypt straight into guarded memory: the DEK never sits in ordinary heap or stack.
  DataKey dek = detail::DataKeyWriter::allocate();
  if (crypto_aead_xchacha20poly1305_ietf_decrypt_detached(
          detail::DataKeyWriter::bytes(dek), nullptr, uc(wrapped_.data()), DataKey::kSize,
          uc(wrapped_.data() + DataKey::kSize), uc(ad.data()), ad.size(), uc(nonce_.data()),
          uc(kek.bytes().data())) != 0) {
    return fail(Errc::wrong_password,
                "wrong password: it does not unlock this key record (or the record was altered)");
  }
  detail::DataKeyWriter::finish(dek);
  return dek;
}

Result<KeyRecord> KeyRecord::rewrap(std::string_view old_password,
                                    std::string_view new_password) const {
  return rewrap(old_password, new_password, params_);
}

Result<KeyRecord> KeyRecord::rewrap(std::string_view old_password, std::string_view new_password,
                                    const KdfParams& new_params) const {
  ZF_TRY(const DataKey dek, unwrap(old_password));
  return wrap(dek, new_password, new_params);
}

}  // namespace zcrypt
