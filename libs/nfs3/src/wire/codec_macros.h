// Defines the public encode/decode/encoded_size trio of a message type from its symmetric
// `xdr(X&, XdrRef<X, T>)` description.
#pragma once

#include "nfs3/wire/xdr.h"

#define NFS3_WIRE_DEFINE_CODEC(T)                                       \
  void encode(XdrEncoder& enc, const T& v) { xdr<XdrEncoder>(enc, v); } \
  bool decode(XdrDecoder& dec, T& v) {                                  \
    xdr<XdrDecoder>(dec, v);                                            \
    return dec.ok();                                                    \
  }                                                                     \
  std::size_t encoded_size(const T& v) {                                \
    XdrSizer sizer;                                                     \
    xdr<XdrSizer>(sizer, v);                                            \
    return sizer.size();                                                \
  }
