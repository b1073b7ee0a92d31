#include "s3/sigv4.h"

#include <fmt/format.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <array>
#include <ctime>

#include "http/cloud_common.h"

namespace zobj::s3 {

namespace {

using Digest = std::array<unsigned char, 32>;

std::string hex(const unsigned char* data, std::size_t size) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out(size * 2, '\0');
  for (std::size_t i = 0; i < size; ++i) {
    out[2 * i] = kDigits[data[i] >> 4];
    out[2 * i + 1] = kDigits[data[i] & 15];
  }
  return out;
}

Digest hmac(const void* key, std::size_t key_size, std::string_view data) {
  Digest out{};
  unsigned size = 0;
  HMAC(EVP_sha256(), key, static_cast<int>(key_size),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), out.data(), &size);
  return out;
}

Digest hmac(const Digest& key, std::string_view data) { return hmac(key.data(), key.size(), data); }

bool unreserved(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_' || c == '.' || c == '~';
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
  }
  return out;
}

}  // namespace

std::string uri_encode(std::string_view s, bool encode_slash) {
  static constexpr char kDigits[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(s.size() + s.size() / 2);
  for (const char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if (unreserved(c) || (c == '/' && !encode_slash)) {
      out += ch;
    } else {
      out += '%';
      out += kDigits[c >> 4];
      out += kDigits[c & 15];
    }
  }
  return out;
}

std::string canonical_query(const Query& query) {
  std::vector<std::pair<std::string, std::string>> encoded;
  encoded.reserve(query.size());
  for (const QueryParam& p : query)
    encoded.emplace_back(uri_encode(p.name, true), uri_encode(p.value, true));
  std::sort(encoded.begin(), encoded.end());
  std::string out;
  for (const auto& [name, value] : encoded) {
    if (!out.empty()) out += '&';
    out += name;
    out += '=';
    out += value;
  }
  return out;
}

std::string sha256_hex(zerofs::ByteView data) {
  Digest digest{};
  unsigned size = 0;
  EVP_Digest(data.data(), data.size(), digest.data(), &size, EVP_sha256(), nullptr);
  return hex(digest.data(), digest.size());
}

std::string amz_date(std::chrono::system_clock::time_point t) {
  const std::time_t seconds = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  ::gmtime_r(&seconds, &tm);
  return fmt::format("{:04}{:02}{:02}T{:02}{:02}{:02}Z", tm.tm_year + 1900, tm.tm_mon + 1,
                     tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

Signature sign_v4(const Credentials& credentials, std::string_view region, std::string_view service,
                  std::string_view date_time, const SigningInput& input) {
  // Canonical headers: lower-case names, sorted (stably, so repeated headers keep their
  // order), repeated names joined with ','.
  std::vector<std::pair<std::string, std::string>> headers;
  if (input.headers != nullptr) {
    for (const http::Header& h : *input.headers) {
      headers.emplace_back(lower(h.name), http::fold_whitespace(h.value));
    }
  }
  std::stable_sort(headers.begin(), headers.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  std::string canonical_headers;
  Signature out;
  for (std::size_t i = 0; i < headers.size(); ++i) {
    if (i > 0 && headers[i].first == headers[i - 1].first) {
      canonical_headers.back() = ',';  // replaces the previous line's '\n'
      canonical_headers += headers[i].second;
      canonical_headers += '\n';
      continue;
    }
    if (!out.signed_headers.empty()) out.signed_headers += ';';
    out.signed_headers += headers[i].first;
    canonical_headers += headers[i].first;
    canonical_headers += ':';
    canonical_headers += headers[i].second;
    canonical_headers += '\n';
  }
  const std::string query = input.query != nullptr ? canonical_query(*input.query) : "";
  out.canonical_request =
      fmt::format("{}\n{}\n{}\n{}\n{}\n{}", input.method, input.canonical_uri, query,
                  canonical_headers, out.signed_headers, input.payload_hash);

  const std::string_view date = date_time.substr(0, 8);
  const std::string scope = fmt::format("{}/{}/{}/aws4_request", date, region, service);
  out.string_to_sign = fmt::format("AWS4-HMAC-SHA256\n{}\n{}\n{}", date_time, scope,
                                   sha256_hex(zerofs::as_bytes(out.canonical_request)));

  const std::string secret = "AWS4" + credentials.secret_access_key;
  const Digest k_date = hmac(secret.data(), secret.size(), date);
  const Digest k_region = hmac(k_date, region);
  const Digest k_service = hmac(k_region, service);
  const Digest k_signing = hmac(k_service, "aws4_request");
  const Digest signature = hmac(k_signing, out.string_to_sign);
  out.signature = hex(signature.data(), signature.size());
  out.authorization =
      fmt::format("AWS4-HMAC-SHA256 Credential={}/{}, SignedHeaders={}, Signature={}",
                  credentials.access_key_id, scope, out.signed_headers, out.signature);
  return out;
}

}  // namespace zobj::s3
