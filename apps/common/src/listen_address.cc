#include "appcommon/listen_address.h"

#include <arpa/inet.h>
#include <fmt/format.h>
#include <netinet/in.h>

#include <charconv>

namespace zerofs::app {

namespace {

Result<std::uint16_t> parse_port(std::string_view text, std::string_view whole) {
  if (text.empty()) {
    return fail(Errc::invalid_argument, "\"{}\" has no port (expected HOST:PORT)", whole);
  }
  unsigned long port = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), port);
  if (ec == std::errc::result_out_of_range || (ec == std::errc() && port > 65535)) {
    return fail(Errc::invalid_argument, "\"{}\": port {} is out of range (0 to 65535)", whole,
                text);
  }
  if (ec != std::errc() || end != text.data() + text.size()) {
    return fail(Errc::invalid_argument, "\"{}\": port \"{}\" is not a number", whole, text);
  }
  return static_cast<std::uint16_t>(port);
}

bool is_numeric_address(int family, const std::string& host) {
  in6_addr storage{};
  return ::inet_pton(family, host.c_str(), &storage) == 1;
}

}  // namespace

Result<ListenAddress> ListenAddress::parse(std::string_view text) {
  if (text.empty()) return fail(Errc::invalid_argument, "empty address (expected HOST:PORT)");
  ListenAddress address;
  std::string_view port_text;
  if (text.front() == '[') {
    const std::size_t close = text.find(']');
    if (close == std::string_view::npos) {
      return fail(Errc::invalid_argument, "\"{}\": '[' without a matching ']'", text);
    }
    const std::string_view rest = text.substr(close + 1);
    if (rest.empty()) {
      return fail(Errc::invalid_argument, "\"{}\" has no port (expected [IPV6]:PORT)", text);
    }
    if (rest.front() != ':') {
      return fail(Errc::invalid_argument, "\"{}\": expected ':' and a port after ']'", text);
    }
    address.host = std::string(text.substr(1, close - 1));
    address.ipv6 = true;
    port_text = rest.substr(1);
    if (!is_numeric_address(AF_INET6, address.host)) {
      return fail(Errc::invalid_argument, "\"{}\": \"{}\" is not a numeric IPv6 address", text,
                  address.host);
    }
  } else {
    if (text.find_first_of("[]") != std::string_view::npos) {
      return fail(Errc::invalid_argument, "\"{}\": unbalanced brackets (write [IPV6]:PORT)", text);
    }
    const std::size_t colon = text.rfind(':');
    if (colon == std::string_view::npos) {
      return fail(Errc::invalid_argument, "\"{}\" has no port (expected HOST:PORT)", text);
    }
    const std::string_view host = text.substr(0, colon);
    if (host.find(':') != std::string_view::npos) {
      return fail(Errc::invalid_argument,
                  "\"{}\": an IPv6 address needs brackets, e.g. \"[::1]:2049\"", text);
    }
    address.host = std::string(host);
    port_text = text.substr(colon + 1);
    if (!is_numeric_address(AF_INET, address.host)) {
      return fail(Errc::invalid_argument,
                  "\"{}\": \"{}\" is not a numeric IPv4 address (host names are not accepted)",
                  text, address.host);
    }
  }
  ZF_TRY(address.port, parse_port(port_text, text));
  return address;
}

std::string ListenAddress::to_string() const {
  return ipv6 ? fmt::format("[{}]:{}", host, port) : fmt::format("{}:{}", host, port);
}

}  // namespace zerofs::app
