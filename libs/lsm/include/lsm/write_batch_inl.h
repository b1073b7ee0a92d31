// Inline part of write_batch.h: the entry walker.
#pragma once

#include "base/coding.h"

namespace lsm {

template <typename Fn>
Result<void> WriteBatch::for_each(Fn&& fn) const {
  const std::byte* p = rep_.data() + kHeaderSize;
  const std::byte* end = rep_.data() + rep_.size();
  auto read_slice = [&](std::string_view* out) -> bool {
    auto len = zerofs::get_varint(&p, end);
    if (!len || *len > static_cast<std::uint64_t>(end - p)) return false;
    *out = std::string_view(reinterpret_cast<const char*>(p), *len);
    p += *len;
    return true;
  };
  for (std::uint32_t i = 0; i < count_; ++i) {
    if (p >= end)
      return zerofs::fail(zerofs::Errc::corrupt, "write batch truncated at entry {}", i);
    const auto type = static_cast<ValueType>(*p++);
    std::string_view key, value;
    if (!read_slice(&key))
      return zerofs::fail(zerofs::Errc::corrupt, "write batch: bad key at entry {}", i);
    if (type == ValueType::value) {
      if (!read_slice(&value)) {
        return zerofs::fail(zerofs::Errc::corrupt, "write batch: bad value at entry {}", i);
      }
    } else if (type != ValueType::deletion) {
      return zerofs::fail(zerofs::Errc::corrupt, "write batch: bad entry type at entry {}", i);
    }
    fn(type, key, value);
  }
  if (p != end) return zerofs::fail(zerofs::Errc::corrupt, "write batch: trailing bytes");
  return {};
}

}  // namespace lsm
