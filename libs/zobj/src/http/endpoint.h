// Endpoint: where an HTTP client connects, parsed from a URL such as
// "https://s3.eu-west-1.amazonaws.com" or "http://127.0.0.1:9000/base".
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "base/result.h"

namespace zobj::http {

struct Endpoint {
  bool tls = true;
  std::string host;  // name or address; IPv6 without brackets
  std::uint16_t port = 443;
  std::string base_path;  // "" or "/base" (no trailing '/')

  // The Host header value: host, with ":port" unless it is the scheme's default.
  std::string authority() const;
  // "https://host:port" for logs and keys of the connection pool.
  std::string origin() const;
};

// Parses "http[s]://host[:port][/path]". Plain http fails with Errc::invalid_argument unless
// `allow_http`; so does anything that is not such a URL.
zerofs::Result<Endpoint> parse_endpoint(std::string_view url, bool allow_http);

}  // namespace zobj::http
