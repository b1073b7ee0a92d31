// list() of the file:// store: a depth-first walk of the key tree in bytewise key order.
#pragma once

#include <string>

#include "zobj/object_store.h"

namespace zobj {

// Lists the objects under `root` (layout in file_layout.h) whose keys start with `prefix`
// and sort after `start_after`, at most `max_keys` of them. Directories that cannot hold a
// wanted key are not opened, so a page costs O(depth x fan-out + max_keys), not O(store).
// Files that are not object files, and objects removed during the walk, are skipped.
// REQUIRES: max_keys >= 1.
Result<ListPage> list_objects(const std::string& root, const std::string& prefix,
                              const std::string& start_after, std::size_t max_keys);

}  // namespace zobj
