// [servers.nfs|ninep|nbd|rpc]: listen addresses and Unix sockets. Two servers may not share
// a TCP endpoint or a socket path; that is caught here, with a line, rather than as a bind
// error at start-up.
#include <fmt/format.h>
#include <sys/un.h>

#include "config_sections.h"

namespace zerofs::app::detail {

namespace {

// Endpoints claimed so far, with the server (dotted key) that claimed them.
struct Claims {
  std::vector<std::pair<std::string, std::string>> endpoints;

  const std::string* owner(const std::string& endpoint) const {
    for (const auto& [claimed, server] : endpoints) {
      if (claimed == endpoint) return &server;
    }
    return nullptr;
  }
};

Result<std::vector<ListenAddress>> read_addresses(const TableReader& server,
                                                  std::uint16_t default_port, Claims& claims) {
  ZF_TRY(auto entries, server.string_array("addresses"));
  if (!entries) {
    entries.emplace();
    entries->push_back({fmt::format("127.0.0.1:{}", default_port), server.line()});
  }
  std::vector<ListenAddress> addresses;
  addresses.reserve(entries->size());
  const std::string key = server.key_path("addresses");
  for (const PositionedString& entry : *entries) {
    auto address = ListenAddress::parse(entry.value);
    if (!address) return fail(server.error_at_line(entry.line, key, address.error().message()));
    const std::string endpoint = address->to_string();
    if (address->port != 0) {
      if (const std::string* owner = claims.owner(endpoint)) {
        const std::string problem =
            *owner == server.path() ? fmt::format("{} is listed twice", endpoint)
                                    : fmt::format("{} is already used by [{}]", endpoint, *owner);
        return fail(server.error_at_line(entry.line, key, problem));
      }
      claims.endpoints.emplace_back(endpoint, server.path());
    }
    addresses.push_back(std::move(*address));
  }
  return addresses;
}

Result<std::optional<std::string>> read_unix_socket(const TableReader& server, Claims& claims) {
  ZF_TRY(auto path, server.string("unix_socket"));
  if (!path) return std::nullopt;
  if (path->empty()) return fail(server.error_at("unix_socket", "must not be empty"));
  constexpr std::size_t kMaxPath = sizeof(sockaddr_un::sun_path) - 1;
  if (path->size() > kMaxPath) {
    return fail(server.error_at(
        "unix_socket",
        fmt::format("\"{}\" is longer than the {} bytes a socket path may have", *path, kMaxPath)));
  }
  const std::string endpoint = "unix:" + *path;
  if (const std::string* owner = claims.owner(endpoint)) {
    return fail(server.error_at("unix_socket",
                                fmt::format("\"{}\" is already used by [{}]", *path, *owner)));
  }
  claims.endpoints.emplace_back(endpoint, server.path());
  return path;
}

Result<std::optional<ServerConfig>> read_server(const TableReader& servers, std::string_view name,
                                                std::uint16_t default_port, Claims& claims) {
  ZF_TRY(auto server, servers.table(name));
  if (!server) return std::nullopt;
  ZF_CHECK(server->check_keys({"addresses", "unix_socket"}));
  ServerConfig config;
  ZF_TRY(config.addresses, read_addresses(*server, default_port, claims));
  ZF_TRY(config.unix_socket, read_unix_socket(*server, claims));
  if (config.addresses.empty() && !config.unix_socket) {
    return fail(server->error_at_line(
        server->line(), fmt::format("[{}]", server->path()),
        "no addresses and no unix_socket (remove the section to disable the server)"));
  }
  return config;
}

}  // namespace

Result<void> read_servers(const TableReader& root, ServersConfig& out) {
  ZF_TRY(auto servers, root.table("servers"));
  if (!servers) return {};
  ZF_CHECK(servers->check_keys({"nfs", "ninep", "nbd", "rpc"}));
  Claims claims;
  ZF_TRY(out.nfs, read_server(*servers, "nfs", kDefaultNfsPort, claims));
  ZF_TRY(out.ninep, read_server(*servers, "ninep", kDefaultNinepPort, claims));
  ZF_TRY(out.nbd, read_server(*servers, "nbd", kDefaultNbdPort, claims));
  ZF_TRY(out.rpc, read_server(*servers, "rpc", kDefaultRpcPort, claims));
  return {};
}

}  // namespace zerofs::app::detail
