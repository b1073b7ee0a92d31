#include "zcrypt/data_key.h"

#include <sodium.h>

#include <cstdlib>
#include <cstring>
#include <mutex>
#include <new>
#include <utility>

#include "base/log.h"
#include "sodium_util.h"

namespace zcrypt {

static_assert(DataKey::kSize == crypto_aead_xchacha20poly1305_ietf_KEYBYTES);
static_assert(DataKey::kSize == crypto_kdf_KEYBYTES);

namespace detail {

void ensure_sodium() {
  static std::once_flag once;
  std::call_once(once, [] {
    if (sodium_init() < 0) {
      zerofs::log::error("zcrypt: sodium_init() failed; refusing to run without a working CSPRNG");
      std::abort();
    }
  });
}

}  // namespace detail

DataKey::DataKey() {
  detail::ensure_sodium();
  data_ = static_cast<unsigned char*>(sodium_malloc(kSize));
  if (data_ == nullptr) throw std::bad_alloc();
}

DataKey DataKey::generate() {
  DataKey key;
  randombytes_buf(key.data_, kSize);
  key.make_read_only();
  return key;
}

Result<DataKey> DataKey::from_bytes(ByteView bytes) {
  if (bytes.size() != kSize) {
    return zerofs::fail(zerofs::Errc::invalid_argument, "a data key is {} bytes, got {}", kSize,
                        bytes.size());
  }
  DataKey key;
  std::memcpy(key.data_, bytes.data(), kSize);
  key.make_read_only();
  return key;
}

DataKey::DataKey(DataKey&& other) noexcept : data_(std::exchange(other.data_, nullptr)) {}

DataKey& DataKey::operator=(DataKey&& other) noexcept {
  if (this != &other) {
    if (data_ != nullptr) sodium_free(data_);
    data_ = std::exchange(other.data_, nullptr);
  }
  return *this;
}

// sodium_free() makes the region writable again, zeroes it and unmaps it with its guard pages.
DataKey::~DataKey() {
  if (data_ != nullptr) sodium_free(data_);
}

ByteView DataKey::bytes() const noexcept {
  if (data_ == nullptr) return {};
  return {reinterpret_cast<const std::byte*>(data_), kSize};
}

bool DataKey::equals(const DataKey& other) const noexcept {
  if (empty() || other.empty()) return empty() == other.empty();
  return sodium_memcmp(data_, other.data_, kSize) == 0;
}

void DataKey::make_read_only() noexcept { sodium_mprotect_readonly(data_); }

}  // namespace zcrypt
