// WAL objects: how write batches are stored before they reach an SST.
//
// Object key, relative to the database prefix: "wal/<20-digit decimal id>", ids contiguous
// from 1, each object written once with create-if-absent.
//
// Object bytes (FROZEN, docs/formats/wal.md):
//   zero bytes                          a FENCE: written by a new writer at the next id so an
//                                       older writer's conditional PUT fails; no batches
//   [u8 format version = 1][stored payload]
// stored payload = BlockTransformer::encode(payload, associated data = the object key), and
//   payload = [varint batch count] then per batch [varint length][WriteBatch encoding]
// Batches appear in sequence order; a batch never spans two objects.
//
// Thread safety: the functions are pure (the transformer's own contract applies).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/buffer.h"
#include "base/result.h"
#include "lsm/transformer.h"
#include "lsm/write_batch.h"

namespace lsm {

inline constexpr std::uint8_t kWalFormatVersion = 1;  // FROZEN
inline constexpr std::string_view kWalKeyPrefix = "wal/";

// "wal/00000000000000000042" for id 42.
std::string wal_object_key(std::uint64_t id);
// The id of a key made by wal_object_key(); nullopt for anything else (exactly 20 digits).
std::optional<std::uint64_t> parse_wal_object_key(std::string_view key);

struct WalObject {
  bool fence = false;  // the object is a fence: it holds no batches
  std::vector<WriteBatch> batches;
};

// Decodes the object stored at wal_object_key(id). Errors: Errc::corrupt for a bad version,
// framing or batch, or batches out of sequence order; the transformer's error (e.g.
// Errc::integrity) when the stored payload does not decode.
Result<WalObject> decode_wal_object(zerofs::ByteView object, std::uint64_t id,
                                    const BlockTransformer& transformer);

}  // namespace lsm
