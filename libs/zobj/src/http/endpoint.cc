#include "http/endpoint.h"

#include <fmt/format.h>

#include <charconv>

#include "http/http_message.h"

namespace zobj::http {

using zerofs::Errc;

std::optional<std::string_view> find_header(const Headers& headers, std::string_view name) {
  for (const Header& h : headers) {
    if (iequals(h.name, name)) return std::string_view(h.value);
  }
  return std::nullopt;
}

bool iequals(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; };
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

std::string Endpoint::authority() const {
  const bool bracket = host.find(':') != std::string::npos;
  const std::string h = bracket ? "[" + host + "]" : host;
  if ((tls && port == 443) || (!tls && port == 80)) return h;
  return fmt::format("{}:{}", h, port);
}

std::string Endpoint::origin() const {
  const bool bracket = host.find(':') != std::string::npos;
  return fmt::format("{}://{}{}{}:{}", tls ? "https" : "http", bracket ? "[" : "", host,
                     bracket ? "]" : "", port);
}

zerofs::Result<Endpoint> parse_endpoint(std::string_view url, bool allow_http) {
  Endpoint ep;
  std::string_view rest;
  if (url.starts_with("https://")) {
    rest = url.substr(8);
  } else if (url.starts_with("http://")) {
    if (!allow_http) {
      return zerofs::fail(Errc::invalid_argument,
                          "endpoint '{}' is plain http; allow it explicitly (allow_http)", url);
    }
    ep.tls = false;
    ep.port = 80;
    rest = url.substr(7);
  } else {
    return zerofs::fail(Errc::invalid_argument, "endpoint '{}' must start with https:// or http://",
                        url);
  }
  const std::size_t slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  if (slash != std::string_view::npos) {
    std::string_view path = rest.substr(slash);
    while (path.ends_with('/')) path.remove_suffix(1);
    ep.base_path = path;
  }
  std::string_view port;
  if (authority.starts_with('[')) {
    const std::size_t close = authority.find(']');
    if (close == std::string_view::npos) {
      return zerofs::fail(Errc::invalid_argument, "endpoint '{}' has an unclosed '['", url);
    }
    ep.host = authority.substr(1, close - 1);
    const std::string_view after = authority.substr(close + 1);
    if (after.starts_with(':')) port = after.substr(1);
  } else {
    const std::size_t colon = authority.rfind(':');
    ep.host = authority.substr(0, colon);
    if (colon != std::string_view::npos) port = authority.substr(colon + 1);
  }
  if (ep.host.empty())
    return zerofs::fail(Errc::invalid_argument, "endpoint '{}' names no host", url);
  if (!port.empty()) {
    unsigned value = 0;
    const auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
    if (ec != std::errc() || end != port.data() + port.size() || value == 0 || value > 65535) {
      return zerofs::fail(Errc::invalid_argument, "endpoint '{}' has a bad port '{}'", url, port);
    }
    ep.port = static_cast<std::uint16_t>(value);
  }
  return ep;
}

}  // namespace zobj::http
