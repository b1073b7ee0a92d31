#include "http/ranged_get.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdint>

namespace zobj::http {

std::string range_header_value(const ByteRange& range) {
  const std::uint64_t last =
      range.length > UINT64_MAX - range.offset ? UINT64_MAX - 1 : range.offset + range.length - 1;
  return fmt::format("bytes={}-{}", range.offset, last);
}

GetResult empty_get(ObjectMeta meta) {
  GetResult empty;
  empty.meta = std::move(meta);
  return empty;
}

zerofs::Buffer range_of_body(Response& response, const std::optional<ByteRange>& range) {
  if (!range || response.status != 200) return std::move(response.body);
  const std::size_t size = response.body.size();
  const auto first = static_cast<std::size_t>(std::min<std::uint64_t>(range->offset, size));
  const auto n = static_cast<std::size_t>(std::min<std::uint64_t>(range->length, size - first));
  return zerofs::Buffer::copy_of(response.body.view().subspan(first, n));
}

}  // namespace zobj::http
