// Small pieces the S3, Azure Blob and GCS clients share: how a store's keys sit under its
// prefix, how it names itself, its HTTP client options, and header-value folding for the
// request signatures.
#pragma once

#include <string>
#include <string_view>

#include "http/http_client.h"

namespace zobj::http {

// "prefix/key", or "key" when the store has no prefix.
std::string prefixed_key(std::string_view prefix, std::string_view key);

// "scheme://bucket" or "scheme://bucket/prefix", as describe() reports a store.
std::string store_url(std::string_view scheme, std::string_view bucket, std::string_view prefix);

// The HTTP client options every cloud store's settings carry (max_connections,
// connect_timeout, io_timeout, allow_http, ca_file).
template <typename Settings>
ClientOptions client_options(const Settings& settings, bool allow_http) {
  ClientOptions options;
  options.max_connections_per_host = settings.max_connections;
  options.connect_timeout = settings.connect_timeout;
  options.io_timeout = settings.io_timeout;
  options.allow_http = allow_http;
  options.ca_file = settings.ca_file;
  return options;
}

// Trims a header value and folds each run of whitespace into one space, as both SigV4's
// canonical headers and Azure's canonicalized x-ms- headers require.
std::string fold_whitespace(std::string_view value);

}  // namespace zobj::http
