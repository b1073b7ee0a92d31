// The XML documents of the Azure Blob REST API that zerofs reads and writes: List Blobs
// pages and Put Block List bodies (error bodies share S3's <Error><Code> shape, see
// s3::parse_error_body). Parsing uses Boost.PropertyTree; its exceptions stay inside.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace zobj::azure {

struct ListedBlob {
  std::string name;
  std::uint64_t size = 0;
  std::string etag;  // quoted, as the ETag header carries it
  std::int64_t modified_unix_ms = 0;
};

struct BlobList {
  std::vector<ListedBlob> blobs;
  std::string next_marker;  // empty on the last page
};

// An EnumerationResults document (List Blobs).
zerofs::Result<BlobList> parse_blob_list(std::string_view xml);

// <BlockList><Latest>id</Latest>...</BlockList> for Put Block List.
std::string block_list_body(const std::vector<std::string>& block_ids);

}  // namespace zobj::azure
