// Key ranges for subcompactions: the key space of one compaction cut into pieces of about equal
// input bytes, merged in parallel.
//
// Ranges are of USER keys, [lower, upper) with empty meaning unbounded, so every version of a
// user key lands in one subcompaction (the output never splits a key across tables, and the
// keep/drop rules see all versions of a key together). The ranges cover the whole key space
// in order: their outputs concatenate into one sorted run.
//
// Thread safety: pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "table/in_memory_table.h"
#include "table/sst_info.h"

namespace lsm {

struct KeyRange {
  std::string lower;  // empty: from the first key
  std::string upper;  // empty: to the last key
};

// `bytes` of input lie at user keys <= `user_key` (and above the previous point).
struct WeightedKey {
  std::string user_key;
  std::uint64_t bytes = 0;
};

// At most `count` ranges (at least one) of about total/count bytes each, cut just after a
// point's key. Fewer when the points do not allow more distinct cuts.
std::vector<KeyRange> split_key_ranges(std::vector<WeightedKey> points, std::size_t count);

// One point per table (at its largest user key, weighing its file size).
void add_table_weight(const SstInfo& table, std::vector<WeightedKey>& out);
// One point per data block of a loaded table, from its index: a finer picture of where the
// bytes of a wide table (an L0 flush spans the whole key space) lie.
void add_block_weights(const InMemoryTable& table, std::vector<WeightedKey>& out);

}  // namespace lsm
