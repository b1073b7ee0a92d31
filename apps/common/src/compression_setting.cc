#include "appcommon/compression_setting.h"

#include <fmt/format.h>

#include <charconv>

namespace zerofs::app {

Result<CompressionSetting> CompressionSetting::parse(std::string_view text) {
  if (text == "lz4") return CompressionSetting{Codec::lz4, 0};
  if (text == "none") return CompressionSetting{Codec::none, 0};
  constexpr std::string_view kZstdPrefix = "zstd-";
  if (text.starts_with(kZstdPrefix)) {
    const std::string_view digits = text.substr(kZstdPrefix.size());
    int level = 0;
    const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), level);
    const bool whole = ec == std::errc() && end == digits.data() + digits.size();
    if (whole && level >= kMinZstdLevel && level <= kMaxZstdLevel) {
      return CompressionSetting{Codec::zstd, level};
    }
    return fail(Errc::invalid_argument, "\"{}\": the zstd level must be {} to {}", text,
                kMinZstdLevel, kMaxZstdLevel);
  }
  return fail(Errc::invalid_argument,
              "\"{}\" is not a compression (use \"lz4\", \"zstd-1\" .. \"zstd-22\" or \"none\")",
              text);
}

std::string CompressionSetting::to_string() const {
  switch (codec) {
    case Codec::none:
      return "none";
    case Codec::lz4:
      return "lz4";
    case Codec::zstd:
      return fmt::format("zstd-{}", level);
  }
  return "lz4";
}

}  // namespace zerofs::app
