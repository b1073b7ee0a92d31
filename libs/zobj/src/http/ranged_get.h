// The HTTP side of ObjectStore::get with a byte range, the same for S3, Azure Blob and GCS:
//
//   if (range_is_empty(range)) -> answer from HEAD (empty_get)       no request can say "0 bytes"
//   header "Range" / "x-ms-range": range_header_value(*range)        "bytes=first-last"
//   status 416                -> the range starts at or past the end: answer from HEAD
//   status 200 or 206         -> range_of_body(): the body, cut to the range when the server
//                                ignored Range and sent the whole object (200)
#pragma once

#include <optional>
#include <string>

#include "http/http_message.h"
#include "zobj/object_store.h"

namespace zobj::http {

// True for a range of zero bytes, which a Range header cannot express.
inline bool range_is_empty(const std::optional<ByteRange>& range) {
  return range && range->length == 0;
}

// "bytes=first-last" for a non-empty range; a range reaching past 2^64 - 1 is cut there.
std::string range_header_value(const ByteRange& range);

// A GetResult with no bytes, for an empty range or one past the end.
GetResult empty_get(ObjectMeta meta);

// The bytes `range` asked for out of a 200 or 206 reply (moved, not copied, unless the server
// ignored the range and sent everything).
zerofs::Buffer range_of_body(Response& response, const std::optional<ByteRange>& range);

}  // namespace zobj::http
