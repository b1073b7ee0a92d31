// Portmapper version 2 (RFC 1833 §3): types and XDR codec. We answer it on our own port so
// that clients which ask the portmapper first find NFS and MOUNT there.
//
// Enum values and layouts are the protocol's and frozen by RFC 1833.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "nfs3/wire/xdr.h"

namespace nfs3::wire {

inline constexpr std::uint32_t kPortmapProgram = 100000;
inline constexpr std::uint32_t kPortmapVersion = 2;
inline constexpr std::uint32_t kIpprotoTcp = 6;
inline constexpr std::uint32_t kIpprotoUdp = 17;

enum class PortmapProc : std::uint32_t {
  null = 0,
  set = 1,
  unset = 2,
  getport = 3,
  dump = 4,
  callit = 5,
};
// CALLIT (5) is not served: it answers PROC_UNAVAIL, as hardened portmappers do.
inline constexpr std::uint32_t kPortmapProcCount = 5;

struct Mapping {
  std::uint32_t prog = 0;
  std::uint32_t vers = 0;
  std::uint32_t prot = 0;
  std::uint32_t port = 0;
  friend bool operator==(const Mapping&, const Mapping&) = default;
};

// SET and UNSET answer a bool; GETPORT an unsigned port (0: not registered).
struct PortmapBool {
  bool value = false;
  friend bool operator==(const PortmapBool&, const PortmapBool&) = default;
};
struct PortmapPort {
  std::uint32_t port = 0;
  friend bool operator==(const PortmapPort&, const PortmapPort&) = default;
};
// The pmaplist returned by DUMP.
struct PortmapList {
  std::vector<Mapping> mappings;
  friend bool operator==(const PortmapList&, const PortmapList&) = default;
};

#define NFS3_WIRE_PORTMAP_TYPES(X) X(Mapping) X(PortmapBool) X(PortmapPort) X(PortmapList)

#define NFS3_WIRE_DECLARE_PORTMAP_CODEC(T)  \
  void encode(XdrEncoder& enc, const T& v); \
  bool decode(XdrDecoder& dec, T& v);       \
  std::size_t encoded_size(const T& v);
NFS3_WIRE_PORTMAP_TYPES(NFS3_WIRE_DECLARE_PORTMAP_CODEC)
#undef NFS3_WIRE_DECLARE_PORTMAP_CODEC

}  // namespace nfs3::wire
