// The `filesystem.compression` setting: "lz4", "zstd-1" .. "zstd-22", or "none".
//
// The codec is recorded in every stored block, so changing this setting needs no migration;
// it only decides how new blocks are written.
#pragma once

#include <string>
#include <string_view>

#include "base/result.h"

namespace zerofs::app {

struct CompressionSetting {
  enum class Codec { none, lz4, zstd };

  static constexpr int kMinZstdLevel = 1;
  static constexpr int kMaxZstdLevel = 22;

  Codec codec = Codec::lz4;
  int level = 0;  // zstd level (1..22); 0 for other codecs

  // Parses the TOML spelling; Errc::invalid_argument with a message listing the accepted
  // values otherwise. Matching is exact (lower case, no spaces).
  static Result<CompressionSetting> parse(std::string_view text);

  // The TOML spelling, e.g. "zstd-3".
  std::string to_string() const;

  friend bool operator==(const CompressionSetting&, const CompressionSetting&) = default;
};

}  // namespace zerofs::app
