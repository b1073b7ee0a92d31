// A TCP listen address from a `servers.*.addresses` entry: "host:port" where host is a
// numeric IPv4 address ("127.0.0.1", "0.0.0.0") or a bracketed numeric IPv6 address
// ("[::1]", "[::]"). Host names are rejected on purpose: servers bind numeric addresses
// only, so no resolver (and no AI_ADDRCONFIG surprise in a loopback-only namespace) is
// involved. Port 0 asks the kernel for a free port.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "base/result.h"

namespace zerofs::app {

struct ListenAddress {
  std::string host;  // numeric, without brackets: "127.0.0.1", "::1"
  std::uint16_t port = 0;
  bool ipv6 = false;

  // Errc::invalid_argument with a message saying what is wrong (missing port, port out of
  // range, unbalanced brackets, not a numeric address).
  static Result<ListenAddress> parse(std::string_view text);

  // "127.0.0.1:2049" or "[::1]:2049"; parse(to_string()) gives the same address.
  std::string to_string() const;

  friend bool operator==(const ListenAddress&, const ListenAddress&) = default;
};

}  // namespace zerofs::app
