#include "zcrypt/aead.h"

#include <sodium.h>

#include <cstring>

#include "sodium_util.h"

namespace zcrypt {

static_assert(kNonceSize == crypto_aead_xchacha20poly1305_ietf_NPUBBYTES);
static_assert(kTagSize == crypto_aead_xchacha20poly1305_ietf_ABYTES);

using detail::uc;

namespace {

zerofs::Error authentication_failed(std::size_t size) {
  return zerofs::Error::make(zerofs::Errc::integrity,
                             "authentication failed: {}-byte sealed message was altered, "
                             "truncated, or sealed under another key or associated data",
                             size);
}

// Encrypts plain -> cipher (which may be the same pointer: libsodium's detached AEAD xors the
// keystream into `c` and then MACs `c`, so exact aliasing is safe) and writes the tag.
void encrypt(const DataKey& key, const std::byte* nonce, const std::byte* plain, std::size_t n,
             std::byte* cipher, std::byte* tag, ByteView ad) {
  crypto_aead_xchacha20poly1305_ietf_encrypt_detached(uc(cipher), uc(tag), nullptr, uc(plain), n,
                                                      uc(ad.data()), ad.size(), nullptr, uc(nonce),
                                                      uc(key.bytes().data()));
}

// Verifies the tag over `cipher` first and only then decrypts (possibly in place).
bool decrypt(const DataKey& key, ByteView sealed, std::byte* plain, ByteView ad) {
  const std::size_t n = sealed.size() - kSealOverhead;
  const std::byte* nonce = sealed.data();
  const std::byte* cipher = nonce + kNonceSize;
  return crypto_aead_xchacha20poly1305_ietf_decrypt_detached(
             uc(plain), nullptr, uc(cipher), n, uc(cipher + n), uc(ad.data()), ad.size(), uc(nonce),
             uc(key.bytes().data())) == 0;
}

}  // namespace

Buffer seal(const DataKey& key, ByteView plain, ByteView associated_data) {
  Buffer out;
  seal_append(key, plain, associated_data, out);
  return out;
}

void seal_append(const DataKey& key, ByteView plain, ByteView associated_data, Buffer& out) {
  detail::ensure_sodium();
  const std::size_t start = out.size();
  out.resize(start + plain.size() + kSealOverhead);
  std::byte* nonce = out.data() + start;
  randombytes_buf(nonce, kNonceSize);
  encrypt(key, nonce, plain.data(), plain.size(), nonce + kNonceSize,
          nonce + kNonceSize + plain.size(), associated_data);
}

void seal_in_place(const DataKey& key, MutableByteView frame, ByteView associated_data) {
  detail::ensure_sodium();
  const std::size_t n = frame.size() - kSealOverhead;
  std::byte* nonce = frame.data();
  randombytes_buf(nonce, kNonceSize);
  std::byte* text = nonce + kNonceSize;
  encrypt(key, nonce, text, n, text, text + n, associated_data);
}

Result<Buffer> open(const DataKey& key, ByteView sealed, ByteView associated_data) {
  Buffer out;
  ZF_CHECK(open_append(key, sealed, associated_data, out));
  return out;
}

Result<void> open_append(const DataKey& key, ByteView sealed, ByteView associated_data,
                         Buffer& out) {
  if (sealed.size() < kSealOverhead) return zerofs::fail(authentication_failed(sealed.size()));
  const std::size_t start = out.size();
  out.resize(start + sealed.size() - kSealOverhead);
  if (!decrypt(key, sealed, out.data() + start, associated_data)) {
    out.resize(start);
    return zerofs::fail(authentication_failed(sealed.size()));
  }
  return {};
}

Result<MutableByteView> open_in_place(const DataKey& key, MutableByteView sealed,
                                      ByteView associated_data) {
  if (sealed.size() < kSealOverhead) return zerofs::fail(authentication_failed(sealed.size()));
  std::byte* text = sealed.data() + kNonceSize;
  if (!decrypt(key, sealed, text, associated_data)) {
    return zerofs::fail(authentication_failed(sealed.size()));
  }
  return MutableByteView(text, sealed.size() - kSealOverhead);
}

}  // namespace zcrypt
