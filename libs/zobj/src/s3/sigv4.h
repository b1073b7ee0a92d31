// AWS Signature Version 4 (header-based), with OpenSSL's SHA-256 and HMAC.
//
// sign_v4() builds the canonical request, the string to sign and the signature exactly as
// the AWS documentation describes; the tests pin it to AWS's published vectors (the
// sig-v4 test suite and the S3 "Signature Calculations" examples) byte for byte.
// The caller encodes the path (S3 encodes each key byte once; '/' stays) and lists every
// header to sign, including host, x-amz-date and, for S3, x-amz-content-sha256.
#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "base/buffer.h"
#include "http/http_message.h"

namespace zobj::s3 {

struct Credentials {
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;  // temporary credentials only

  bool anonymous() const noexcept { return access_key_id.empty(); }
};

struct QueryParam {
  std::string name;   // raw (not encoded)
  std::string value;  // raw; empty for a bare "?lifecycle"
  QueryParam(std::string n, std::string v) : name(std::move(n)), value(std::move(v)) {}
};
using Query = std::vector<QueryParam>;

inline constexpr std::string_view kEmptySha256 =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
inline constexpr std::string_view kUnsignedPayload = "UNSIGNED-PAYLOAD";

// Percent-encodes every byte but A-Z a-z 0-9 - _ . ~ (and '/' unless `encode_slash`).
std::string uri_encode(std::string_view s, bool encode_slash);
// "name=value&..." with names and values encoded, sorted by name then value.
std::string canonical_query(const Query& query);
std::string sha256_hex(zerofs::ByteView data);
// "YYYYMMDDTHHMMSSZ" in UTC.
std::string amz_date(std::chrono::system_clock::time_point t);

struct SigningInput {
  std::string_view method;
  std::string_view canonical_uri;  // encoded path
  const Query* query = nullptr;
  const http::Headers* headers = nullptr;  // the headers to sign
  std::string_view payload_hash;           // hex SHA-256 or UNSIGNED-PAYLOAD
};

struct Signature {
  std::string canonical_request;
  std::string string_to_sign;
  std::string signed_headers;  // "host;x-amz-date"
  std::string signature;       // 64 hex digits
  std::string authorization;   // the Authorization header value
};

// REQUIRES: amz_date is "YYYYMMDDTHHMMSSZ"; credentials are not anonymous.
Signature sign_v4(const Credentials& credentials, std::string_view region, std::string_view service,
                  std::string_view amz_date, const SigningInput& input);

}  // namespace zobj::s3
