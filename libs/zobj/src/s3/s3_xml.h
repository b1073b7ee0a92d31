// The XML documents of the S3 REST API that zerofs reads and writes: error bodies,
// ListObjectsV2 pages, multipart upload replies, DeleteObjects requests and replies.
// Parsing uses Boost.PropertyTree; its exceptions stay inside s3_xml.cc.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace zobj::s3 {

struct ErrorBody {
  std::string code;  // "NoSuchKey", "SlowDown", ...
  std::string message;
};
// The <Error> document in `xml`, or nullopt when `xml` is not one.
std::optional<ErrorBody> parse_error_body(std::string_view xml);

struct ListedObject {
  std::string key;
  std::uint64_t size = 0;
  std::string etag;
  std::int64_t modified_unix_ms = 0;
};

struct ListResult {
  std::vector<ListedObject> objects;
  bool truncated = false;
  std::string next_continuation_token;
};
// A ListObjectsV2 reply. Keys are URL-decoded when the reply says EncodingType=url.
zerofs::Result<ListResult> parse_list_result(std::string_view xml);

// InitiateMultipartUploadResult -> UploadId.
zerofs::Result<std::string> parse_upload_id(std::string_view xml);
// CompleteMultipartUploadResult -> ETag. S3 may answer 200 with an <Error> document:
// that is returned as Errc::transient or mapped from its code by the caller.
zerofs::Result<std::string> parse_complete_etag(std::string_view xml);

struct DeleteFailure {
  std::string key;
  std::string code;
  std::string message;
};
// DeleteResult -> the keys that were not deleted.
zerofs::Result<std::vector<DeleteFailure>> parse_delete_result(std::string_view xml);

std::string delete_request_body(const std::vector<std::string>& keys);
std::string complete_request_body(const std::vector<std::string>& part_etags);

std::string xml_escape(std::string_view text);
// "2009-10-12T17:50:30.000Z" -> milliseconds since the Unix epoch.
std::optional<std::int64_t> parse_iso8601_ms(std::string_view text);
// %XX decoding; '+' becomes ' ' when `plus_is_space` (S3's encoding-type=url does that).
std::string url_decode(std::string_view text, bool plus_is_space);

}  // namespace zobj::s3
