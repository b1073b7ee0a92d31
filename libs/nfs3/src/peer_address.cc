#include <arpa/inet.h>
#include <sys/socket.h>

#include "nfs3/handlers.h"

namespace nfs3 {

std::string PeerAddress::host() const {
  char text[INET6_ADDRSTRLEN] = {};
  if (inet_ntop(is_v6 ? AF_INET6 : AF_INET, bytes.data(), text, sizeof text) == nullptr) {
    return "?";
  }
  return text;
}

}  // namespace nfs3
