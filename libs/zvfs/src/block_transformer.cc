#include "block_transformer.h"

#include "zcrypt/subkey.h"

namespace zvfs {

zerofs::Result<std::shared_ptr<ZcryptBlockTransformer>> ZcryptBlockTransformer::for_data_key(
    const zcrypt::DataKey& dek, zcrypt::Compression compression) {
  ZF_TRY(auto block_key, zcrypt::derive_subkey(dek, kBlockKeyId, kBlockKeyContext));
  return std::make_shared<ZcryptBlockTransformer>(
      zcrypt::Transformer::encrypting(std::move(block_key), compression));
}

zerofs::Result<void> ZcryptBlockTransformer::encode(zerofs::ByteView plain,
                                                    zerofs::ByteView associated_data,
                                                    zerofs::Buffer& out) const {
  return transformer_.encode_append(plain, associated_data, out);
}

zerofs::Result<zerofs::Buffer> ZcryptBlockTransformer::decode(
    zerofs::ByteView stored, zerofs::ByteView associated_data) const {
  return transformer_.decode(stored, associated_data);
}

}  // namespace zvfs
