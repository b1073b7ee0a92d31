#include "compaction/key_ranges.h"

#include <algorithm>

#include "format/internal_key.h"
#include "table/table_format.h"

namespace lsm {

std::vector<KeyRange> split_key_ranges(std::vector<WeightedKey> points, std::size_t count) {
  std::vector<KeyRange> ranges(1);
  if (count <= 1 || points.empty()) return ranges;
  std::sort(points.begin(), points.end(),
            [](const WeightedKey& a, const WeightedKey& b) { return a.user_key < b.user_key; });
  std::uint64_t total = 0;
  for (const WeightedKey& p : points) total += p.bytes;
  if (total == 0) return ranges;

  std::uint64_t seen = 0;
  std::size_t next_cut = 1;  // cut number i goes where total * i / count bytes are below
  for (std::size_t i = 0; i + 1 < points.size() && next_cut < count; ++i) {
    seen += points[i].bytes;
    if (points[i].user_key == points[i + 1].user_key) continue;  // cut between distinct keys
    const std::uint64_t goal = static_cast<std::uint64_t>(static_cast<long double>(total) *
                                                          static_cast<long double>(next_cut) /
                                                          static_cast<long double>(count));
    if (seen < goal) continue;
    // The boundary is the smallest user key above points[i]: "key\0".
    std::string boundary = points[i].user_key;
    boundary.push_back('\0');
    ranges.back().upper = boundary;
    ranges.push_back(KeyRange{std::move(boundary), {}});
    while (next_cut < count &&
           seen >= static_cast<std::uint64_t>(static_cast<long double>(total) *
                                              static_cast<long double>(next_cut) /
                                              static_cast<long double>(count))) {
      ++next_cut;
    }
  }
  return ranges;
}

void add_table_weight(const SstInfo& table, std::vector<WeightedKey>& out) {
  out.push_back(WeightedKey{std::string(table.largest_user_key()), table.file_size});
}

void add_block_weights(const InMemoryTable& table, std::vector<WeightedKey>& out) {
  BlockIter it(&table.index_block());
  for (it.seek_to_first(); it.valid(); it.next()) {
    auto handle = decode_block_handle(it.value());
    if (!handle || it.key().size() < kTrailerSize) break;  // a hint only: stop at damage
    out.push_back(WeightedKey{std::string(extract_user_key(it.key())), handle->size});
  }
}

}  // namespace lsm
