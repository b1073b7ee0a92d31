// BlockTransformer: how liblsm turns the bytes it builds into the bytes it stores.
//
// liblsm knows nothing of compression or encryption. Every SST block, WAL object and
// manifest passes through the transformer given to Db::open: encode() on the way to the object
// store, decode() on the way back. `associated_data` binds a block to where it lives (object
// key and offset), so a block copied elsewhere fails to decode. libzvfs plugs libzcrypt's
// pipeline in here; tests and benches may use IdentityTransformer.
//
// Thread safety: encode/decode are const and may be called concurrently.
#pragma once

#include "base/buffer.h"
#include "base/result.h"

namespace lsm {

using zerofs::Buffer;
using zerofs::ByteView;
using zerofs::Result;

class BlockTransformer {
 public:
  virtual ~BlockTransformer() = default;
  // Appends the stored form of `plain` to `out`.
  virtual Result<void> encode(ByteView plain, ByteView associated_data, Buffer& out) const = 0;
  // Returns the plain bytes of a stored block; Errc::integrity when the bytes were altered.
  virtual Result<Buffer> decode(ByteView stored, ByteView associated_data) const = 0;
};

// Stores blocks as they are. For tests and benchmarks only.
class IdentityTransformer final : public BlockTransformer {
 public:
  Result<void> encode(ByteView plain, ByteView, Buffer& out) const override {
    out.append(plain);
    return {};
  }
  Result<Buffer> decode(ByteView stored, ByteView) const override {
    return Buffer::copy_of(stored);
  }
};

}  // namespace lsm
