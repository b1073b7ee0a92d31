// Adapts libzcrypt's Transformer to liblsm's BlockTransformer, for benchmarks.
// (libzvfs has the production adapter; liblsm and libzcrypt know nothing of each other.)
#pragma once

#include "lsm/transformer.h"
#include "zcrypt/transformer.h"

namespace zerofs::bench {

class ZcryptBlockTransformer final : public lsm::BlockTransformer {
 public:
  explicit ZcryptBlockTransformer(zcrypt::Transformer t) : t_(std::move(t)) {}
  Result<void> encode(ByteView plain, ByteView ad, Buffer& out) const override {
    return t_.encode_append(plain, ad, out);
  }
  Result<Buffer> decode(ByteView stored, ByteView ad) const override {
    return t_.decode(stored, ad);
  }

 private:
  zcrypt::Transformer t_;
};

}  // namespace zerofs::bench
