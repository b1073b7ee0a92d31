// Azure Storage "Shared Key" authorisation for the Blob service (REST version 2015-02-21
// and later), with OpenSSL's HMAC-SHA256.
//
// The string to sign is
//   VERB \n Content-Encoding \n Content-Language \n Content-Length (empty when 0) \n
//   Content-MD5 \n Content-Type \n Date \n If-Modified-Since \n If-Match \n If-None-Match \n
//   If-Unmodified-Since \n Range \n CanonicalizedHeaders CanonicalizedResource
// where CanonicalizedHeaders are the x-ms-* headers, lower-cased and sorted, one
// "name:value\n" each, and CanonicalizedResource is "/<account><encoded path>" followed by
// "\n<name>:<value>" for each query parameter (names lower-cased and sorted, values
// decoded, repeated names joined with ','). The signature is
// Base64(HMAC-SHA256(Base64Decode(key), UTF-8(string to sign))).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "http/http_message.h"
#include "s3/sigv4.h"

namespace zobj::azure {

using Query = s3::Query;  // raw names and values

struct SharedKeyInput {
  std::string_view method;
  std::string_view encoded_path;  // as sent, e.g. "/mycontainer/my%20blob"
  const Query* query = nullptr;
  const http::Headers* headers = nullptr;  // every header the request carries
  std::uint64_t content_length = 0;
};

// The canonical string Azure signs for `input` on behalf of `account`.
std::string string_to_sign(std::string_view account, const SharedKeyInput& input);
std::string canonicalized_resource(std::string_view account, std::string_view encoded_path,
                                   const Query* query);

// Base64(HMAC-SHA256(key_bytes, message)).
std::string hmac_sha256_base64(const std::string& key_bytes, std::string_view message);

std::string base64_encode(std::string_view bytes);
// Standard base64 with padding; nullopt when `text` is not that.
std::optional<std::string> base64_decode(std::string_view text);

// "Sun, 11 Oct 2009 21:49:13 GMT" (RFC 1123, UTC): the x-ms-date value.
std::string rfc1123_date(std::chrono::system_clock::time_point t);

}  // namespace zobj::azure
