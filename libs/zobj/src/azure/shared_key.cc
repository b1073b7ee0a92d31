#include "azure/shared_key.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <ctime>
#include <map>

#include "http/cloud_common.h"

namespace zobj::azure {

namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

std::string_view header_or_empty(const http::Headers* headers, std::string_view name) {
  if (headers == nullptr) return {};
  return http::find_header(*headers, name).value_or(std::string_view{});
}

}  // namespace

std::string canonicalized_resource(std::string_view account, std::string_view encoded_path,
                                   const Query* query) {
  std::string out;
  out.reserve(1 + account.size() + encoded_path.size() + 64);
  out += '/';
  out += account;
  out += encoded_path.empty() ? std::string_view("/") : encoded_path;
  if (query == nullptr) return out;
  // Values of one name are joined with ',' in ascending order.
  std::map<std::string, std::vector<std::string>> params;
  for (const s3::QueryParam& p : *query) params[lower(p.name)].push_back(p.value);
  for (auto& [name, values] : params) {
    std::sort(values.begin(), values.end());
    out += '\n';
    out += name;
    out += ':';
    for (std::size_t i = 0; i < values.size(); ++i) {
      if (i > 0) out += ',';
      out += values[i];
    }
  }
  return out;
}

std::string string_to_sign(std::string_view account, const SharedKeyInput& input) {
  std::string out;
  out.reserve(512);
  out += input.method;
  out += '\n';
  static constexpr std::array<std::string_view, 11> kStandard = {"Content-Encoding",
                                                                 "Content-Language",
                                                                 "Content-Length",
                                                                 "Content-MD5",
                                                                 "Content-Type",
                                                                 "Date",
                                                                 "If-Modified-Since",
                                                                 "If-Match",
                                                                 "If-None-Match",
                                                                 "If-Unmodified-Since",
                                                                 "Range"};
  for (const std::string_view name : kStandard) {
    if (name == "Content-Length") {
      // Since 2015-02-21 a zero length is signed as the empty string.
      if (input.content_length > 0) out += std::to_string(input.content_length);
    } else {
      out += header_or_empty(input.headers, name);
    }
    out += '\n';
  }
  std::vector<std::pair<std::string, std::string>> ms;
  if (input.headers != nullptr) {
    for (const http::Header& h : *input.headers) {
      std::string name = lower(h.name);
      if (name.starts_with("x-ms-"))
        ms.emplace_back(std::move(name), http::fold_whitespace(h.value));
    }
  }
  std::sort(ms.begin(), ms.end());
  for (const auto& [name, value] : ms) {
    out += name;
    out += ':';
    out += value;
    out += '\n';
  }
  out += canonicalized_resource(account, input.encoded_path, input.query);
  return out;
}

std::string hmac_sha256_base64(const std::string& key_bytes, std::string_view message) {
  std::array<unsigned char, 32> digest{};
  unsigned size = 0;
  HMAC(EVP_sha256(), key_bytes.data(), static_cast<int>(key_bytes.size()),
       reinterpret_cast<const unsigned char*>(message.data()), message.size(), digest.data(),
       &size);
  return base64_encode(std::string_view(reinterpret_cast<const char*>(digest.data()),
                                        static_cast<std::size_t>(size)));
}

std::string base64_encode(std::string_view bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3), '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(bytes.data()),
                                static_cast<int>(bytes.size()));
  out.resize(static_cast<std::size_t>(n));
  return out;
}

std::optional<std::string> base64_decode(std::string_view text) {
  if (text.size() % 4 != 0) return std::nullopt;
  std::string out(3 * (text.size() / 4), '\0');
  const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(text.data()),
                                static_cast<int>(text.size()));
  if (n < 0) return std::nullopt;
  // EVP_DecodeBlock counts padding as zero bytes.
  std::size_t size = static_cast<std::size_t>(n);
  if (!text.empty() && text.back() == '=') --size;
  if (text.size() >= 2 && text[text.size() - 2] == '=') --size;
  out.resize(size);
  return out;
}

std::string rfc1123_date(std::chrono::system_clock::time_point t) {
  const std::time_t seconds = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  static constexpr std::array<const char*, 7> kDays = {"Sun", "Mon", "Tue", "Wed",
                                                       "Thu", "Fri", "Sat"};
  static constexpr std::array<const char*, 12> kMonths = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                          "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  char buf[40];
  std::snprintf(buf, sizeof buf, "%s, %02d %s %04d %02d:%02d:%02d GMT",
                kDays[static_cast<std::size_t>(tm.tm_wday)], tm.tm_mday,
                kMonths[static_cast<std::size_t>(tm.tm_mon)], tm.tm_year + 1900, tm.tm_hour,
                tm.tm_min, tm.tm_sec);
  return buf;
}

}  // namespace zobj::azure
