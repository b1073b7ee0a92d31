// Manifest codec: ManifestState <-> the bytes of a manifest object.
//
// Object layout (FROZEN, docs/formats/manifest.md):
//   [u8 format version = 1][BlockTransformer::encode(CBOR body)]
// The associated data given to the transformer is the object key relative to the database
// prefix, "manifest/<20-digit id>", so a manifest copied to another id fails to decode while a
// whole database may still move to another prefix.
// The CBOR body is one map with text keys; tables, ids and internal keys are byte strings.
// Decoders ignore keys they do not know (newer writers may add fields) and reject everything
// else that does not match the schema.
//
// Errors: encoding fails with Errc::invalid_argument when the state breaks an invariant
// (validate_manifest_state) — a bug in the caller, caught before it reaches storage.
// Decoding fails with Errc::corrupt for an unknown version, a malformed body, a missing or
// mistyped field or a broken invariant, and passes the transformer's error through
// (Errc::integrity for altered bytes). Nothing throws.
//
// Thread safety: stateless functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "base/buffer.h"
#include "base/result.h"
#include "lsm/transformer.h"
#include "manifest/manifest_state.h"

namespace lsm {

// "manifest/" + 20 decimal digits, zero-padded so that key order is id order.
inline constexpr std::string_view kManifestDir = "manifest/";
inline constexpr std::size_t kManifestIdDigits = 20;

std::string manifest_relative_key(std::uint64_t id);
// The id of a relative key; nullopt unless it is exactly kManifestDir + 20 digits.
std::optional<std::uint64_t> parse_manifest_relative_key(std::string_view key);

// The CBOR body alone (no version byte, not transformed): for tests, tools and fuzzers.
Result<Buffer> encode_manifest_cbor(const ManifestState& state);
Result<ManifestState> decode_manifest_cbor(ByteView cbor);

// The whole object of manifest `id`.
Result<Buffer> encode_manifest(const ManifestState& state, std::uint64_t id,
                               const BlockTransformer& transformer);
Result<ManifestState> decode_manifest(ByteView stored, std::uint64_t id,
                                      const BlockTransformer& transformer);

}  // namespace lsm
