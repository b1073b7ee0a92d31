// Short index keys: the index stores, for each data block, a key that separates it from the
// next block instead of the block's full last key (LevelDB's FindShortestSeparator /
// FindShortSuccessor). Shorter index keys make a smaller index block, which every reader
// keeps in memory.
//
// Properties (tested on random pairs):
//   shortest_separator(a, b):  a <= result < b   for a < b
//   short_successor(a):        a <= result
// The user-key variants work on bytewise-ordered strings; the internal-key variants shorten
// the user-key part and, when it changed, give the result the largest trailer
// (kMaxSequence, kValueTypeForSeek) so it sorts first among entries of that user key.
#pragma once

#include <string>
#include <string_view>

namespace lsm {

// Shortens `*start` (a user key) to a string in [*start, limit) if one is shorter.
void shorten_user_separator(std::string* start, std::string_view limit);
// Shortens `*key` (a user key) to a string >= *key if one is shorter.
void shorten_user_successor(std::string* key);

// Internal-key versions. REQUIRES: compare_internal_keys(*start, limit) < 0 for the separator.
void shorten_internal_separator(std::string* start, std::string_view limit);
void shorten_internal_successor(std::string* key);

}  // namespace lsm
