#include "zcrypt/subkey.h"

#include <sodium.h>

#include <array>
#include <cstring>

#include "sodium_util.h"

namespace zcrypt {

static_assert(kSubkeyContextSize == crypto_kdf_CONTEXTBYTES);
static_assert(DataKey::kSize >= crypto_kdf_BYTES_MIN && DataKey::kSize <= crypto_kdf_BYTES_MAX);

Result<DataKey> derive_subkey(const DataKey& master, std::uint64_t subkey_id,
                              std::string_view context) {
  if (context.size() != kSubkeyContextSize) {
    return zerofs::fail(zerofs::Errc::invalid_argument,
                        "subkey context \"{}\" must be exactly {} bytes, not {}", context,
                        kSubkeyContextSize, context.size());
  }
  if (master.empty()) {
    return zerofs::fail(zerofs::Errc::invalid_argument, "cannot derive a subkey from an empty key");
  }
  // crypto_kdf reads the context as a fixed-size char array; string_view need not be
  // NUL-terminated, so pass a copy of exactly the right size.
  std::array<char, crypto_kdf_CONTEXTBYTES> ctx{};
  std::memcpy(ctx.data(), context.data(), ctx.size());
  DataKey subkey = detail::DataKeyWriter::allocate();
  crypto_kdf_derive_from_key(detail::DataKeyWriter::bytes(subkey), DataKey::kSize, subkey_id,
                             ctx.data(), detail::uc(master.bytes().data()));
  detail::DataKeyWriter::finish(subkey);
  return subkey;
}

}  // namespace zcrypt
