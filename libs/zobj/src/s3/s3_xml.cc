#include "s3/s3_xml.h"

#include <fmt/format.h>

#include <boost/property_tree/ptree.hpp>
#include <boost/property_tree/xml_parser.hpp>
#include <charconv>
#include <ctime>
#include <sstream>

namespace zobj::s3 {

namespace pt = boost::property_tree;
using zerofs::Errc;
using zerofs::Result;

namespace {

std::optional<pt::ptree> parse(std::string_view xml) {
  try {
    std::istringstream in{std::string(xml)};
    pt::ptree tree;
    pt::read_xml(in, tree);
    return tree;
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

std::string text(const pt::ptree& node, const char* child) {
  return node.get<std::string>(child, "");
}

template <typename T>
bool parse_number(std::string_view s, T& out) {
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && end == s.data() + s.size();
}

std::string preview(std::string_view xml) {
  return std::string(xml.substr(0, std::min<std::size_t>(xml.size(), 200)));
}

}  // namespace

std::optional<ErrorBody> parse_error_body(std::string_view xml) {
  const auto tree = parse(xml);
  if (!tree) return std::nullopt;
  const auto error = tree->get_child_optional("Error");
  if (!error) return std::nullopt;
  return ErrorBody{text(*error, "Code"), text(*error, "Message")};
}

Result<ListResult> parse_list_result(std::string_view xml) {
  const auto tree = parse(xml);
  const auto root = tree ? tree->get_child_optional("ListBucketResult") : boost::none;
  if (!root) {
    return zerofs::fail(Errc::permanent, "S3 list reply is not a ListBucketResult: {}",
                        preview(xml));
  }
  const bool url_encoded = text(*root, "EncodingType") == "url";
  ListResult out;
  out.truncated = text(*root, "IsTruncated") == "true";
  out.next_continuation_token = text(*root, "NextContinuationToken");
  for (const auto& [name, node] : *root) {
    if (name != "Contents") continue;
    ListedObject object;
    object.key = text(node, "Key");
    if (url_encoded) object.key = url_decode(object.key, true);
    object.etag = text(node, "ETag");
    if (!parse_number(text(node, "Size"), object.size)) {
      return zerofs::fail(Errc::permanent, "S3 list reply has a bad Size for '{}'", object.key);
    }
    object.modified_unix_ms = parse_iso8601_ms(text(node, "LastModified")).value_or(0);
    out.objects.push_back(std::move(object));
  }
  return out;
}

Result<std::string> parse_upload_id(std::string_view xml) {
  const auto tree = parse(xml);
  std::string id = tree ? tree->get<std::string>("InitiateMultipartUploadResult.UploadId", "") : "";
  if (id.empty()) {
    return zerofs::fail(Errc::permanent, "S3 multipart initiation reply has no UploadId: {}",
                        preview(xml));
  }
  return id;
}

Result<std::string> parse_complete_etag(std::string_view xml) {
  const auto tree = parse(xml);
  if (tree) {
    if (const auto result = tree->get_child_optional("CompleteMultipartUploadResult")) {
      return text(*result, "ETag");
    }
  }
  if (const auto error = parse_error_body(xml)) {
    return zerofs::fail(Errc::transient, "S3 CompleteMultipartUpload failed: {}: {}", error->code,
                        error->message);
  }
  return zerofs::fail(Errc::permanent, "S3 CompleteMultipartUpload reply not understood: {}",
                      preview(xml));
}

Result<std::vector<DeleteFailure>> parse_delete_result(std::string_view xml) {
  const auto tree = parse(xml);
  const auto root = tree ? tree->get_child_optional("DeleteResult") : boost::none;
  if (!root) {
    return zerofs::fail(Errc::permanent, "S3 DeleteObjects reply not understood: {}", preview(xml));
  }
  std::vector<DeleteFailure> failures;
  for (const auto& [name, node] : *root) {
    if (name != "Error") continue;
    failures.push_back(DeleteFailure{text(node, "Key"), text(node, "Code"), text(node, "Message")});
  }
  return failures;
}

std::string xml_escape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (const char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&apos;";
        break;
      default:
        // Control characters cannot appear literally in XML 1.0 text.
        if (static_cast<unsigned char>(c) < 0x20 && c != '\t' && c != '\n' && c != '\r') {
          out += fmt::format("&#x{:X};", static_cast<unsigned>(static_cast<unsigned char>(c)));
        } else {
          out += c;
        }
    }
  }
  return out;
}

std::string delete_request_body(const std::vector<std::string>& keys) {
  std::string body = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Delete><Quiet>true</Quiet>";
  for (const std::string& key : keys) {
    body += "<Object><Key>";
    body += xml_escape(key);
    body += "</Key></Object>";
  }
  body += "</Delete>";
  return body;
}

std::string complete_request_body(const std::vector<std::string>& part_etags) {
  std::string body = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><CompleteMultipartUpload>";
  for (std::size_t i = 0; i < part_etags.size(); ++i) {
    body += fmt::format("<Part><PartNumber>{}</PartNumber><ETag>{}</ETag></Part>", i + 1,
                        xml_escape(part_etags[i]));
  }
  body += "</CompleteMultipartUpload>";
  return body;
}

std::optional<std::int64_t> parse_iso8601_ms(std::string_view s) {
  // YYYY-MM-DDTHH:MM:SS[.fff]Z
  if (s.size() < 20 || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' || s[16] != ':' ||
      s.back() != 'Z') {
    return std::nullopt;
  }
  std::tm tm{};
  if (!parse_number(s.substr(0, 4), tm.tm_year) || !parse_number(s.substr(5, 2), tm.tm_mon) ||
      !parse_number(s.substr(8, 2), tm.tm_mday) || !parse_number(s.substr(11, 2), tm.tm_hour) ||
      !parse_number(s.substr(14, 2), tm.tm_min) || !parse_number(s.substr(17, 2), tm.tm_sec)) {
    return std::nullopt;
  }
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  int millis = 0;
  if (s.size() > 20 && s[19] == '.') {
    std::string_view frac = s.substr(20, s.size() - 21);
    frac = frac.substr(0, 3);
    if (!parse_number(frac, millis)) return std::nullopt;
    for (std::size_t i = frac.size(); i < 3; ++i) millis *= 10;
  }
  return std::int64_t{::timegm(&tm)} * 1000 + millis;
}

std::string url_decode(std::string_view s, bool plus_is_space) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size()) {
      unsigned value = 0;
      const auto [end, ec] = std::from_chars(s.data() + i + 1, s.data() + i + 3, value, 16);
      if (ec == std::errc() && end == s.data() + i + 3) {
        out += static_cast<char>(value);
        i += 2;
        continue;
      }
    }
    out += (plus_is_space && s[i] == '+') ? ' ' : s[i];
  }
  return out;
}

}  // namespace zobj::s3
