// ZcryptBlockTransformer: liblsm's BlockTransformer implemented by zcrypt's compress+encrypt
// pipeline. Every SST block, WAL object and manifest of the filesystem's database passes
// through it, so keys (file names) and values (file data, attributes) are never stored in
// plain text. The block key is a subkey of the data key (kBlockKeyContext, kBlockKeyId).
//
// Thread safety: const methods may be called concurrently (zcrypt::Transformer's contract).
#pragma once

#include <cstdint>
#include <memory>
#include <string_view>

#include "lsm/transformer.h"
#include "zcrypt/compression.h"
#include "zcrypt/data_key.h"
#include "zcrypt/transformer.h"

namespace zvfs {

// Part of the on-disk contract (docs/formats/vfs-keys.md): changing either changes the key.
inline constexpr std::string_view kBlockKeyContext = "zfblocks";
inline constexpr std::uint64_t kBlockKeyId = 1;

class ZcryptBlockTransformer final : public lsm::BlockTransformer {
 public:
  explicit ZcryptBlockTransformer(zcrypt::Transformer transformer)
      : transformer_(std::move(transformer)) {}

  // The transformer for a filesystem whose data key is `dek`.
  static zerofs::Result<std::shared_ptr<ZcryptBlockTransformer>> for_data_key(
      const zcrypt::DataKey& dek, zcrypt::Compression compression);

  zerofs::Result<void> encode(zerofs::ByteView plain, zerofs::ByteView associated_data,
                              zerofs::Buffer& out) const override;
  zerofs::Result<zerofs::Buffer> decode(zerofs::ByteView stored,
                                        zerofs::ByteView associated_data) const override;

 private:
  zcrypt::Transformer transformer_;  // constant after construction
};

}  // namespace zvfs
