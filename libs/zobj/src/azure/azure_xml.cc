#include "azure/azure_xml.h"

#include <boost/property_tree/ptree.hpp>
#include <boost/property_tree/xml_parser.hpp>
#include <charconv>
#include <sstream>

#include "http/http_status.h"
#include "s3/s3_xml.h"

namespace zobj::azure {

namespace pt = boost::property_tree;
using zerofs::Errc;
using zerofs::Result;

Result<BlobList> parse_blob_list(std::string_view xml) {
  pt::ptree tree;
  try {
    std::istringstream in{std::string(xml)};
    pt::read_xml(in, tree);
  } catch (const std::exception&) {
    return zerofs::fail(Errc::permanent, "Azure list reply is not XML: {}",
                        xml.substr(0, std::min<std::size_t>(xml.size(), 200)));
  }
  const auto root = tree.get_child_optional("EnumerationResults");
  if (!root) return zerofs::fail(Errc::permanent, "Azure list reply is not EnumerationResults");
  BlobList out;
  out.next_marker = root->get<std::string>("NextMarker", "");
  const auto blobs = root->get_child_optional("Blobs");
  if (!blobs) return out;
  for (const auto& [tag, node] : *blobs) {
    if (tag != "Blob") continue;
    ListedBlob blob;
    blob.name = node.get<std::string>("Name", "");
    // Names with characters XML cannot carry come percent-encoded, flagged Encoded="true".
    if (node.get<std::string>("Name.<xmlattr>.Encoded", "") == "true") {
      blob.name = s3::url_decode(blob.name, false);
    }
    const std::string size = node.get<std::string>("Properties.Content-Length", "");
    const auto [end, ec] = std::from_chars(size.data(), size.data() + size.size(), blob.size);
    if (ec != std::errc() || end != size.data() + size.size()) {
      return zerofs::fail(Errc::permanent, "Azure list reply has a bad Content-Length for '{}'",
                          blob.name);
    }
    blob.etag = node.get<std::string>("Properties.Etag", "");
    if (!blob.etag.empty() && blob.etag.front() != '"') blob.etag = '"' + blob.etag + '"';
    blob.modified_unix_ms =
        http::parse_http_date(node.get<std::string>("Properties.Last-Modified", "")).value_or(0);
    out.blobs.push_back(std::move(blob));
  }
  return out;
}

std::string block_list_body(const std::vector<std::string>& block_ids) {
  std::string body = "<?xml version=\"1.0\" encoding=\"utf-8\"?><BlockList>";
  for (const std::string& id : block_ids) {
    body += "<Latest>";
    body += id;  // base64: nothing to escape
    body += "</Latest>";
  }
  body += "</BlockList>";
  return body;
}

}  // namespace zobj::azure
