#include "cache/block_cache.h"

#include <string>

namespace lsm {

CacheCounters::CacheCounters(std::string_view name, zerofs::metrics::Registry* registry) {
  if (registry == nullptr) return;
  const zerofs::metrics::Labels labels{{"cache", std::string(name)}};
  hits_ = &registry->counter("lsm_cache_hits_total", "Cache lookups that found the entry", labels);
  misses_ =
      &registry->counter("lsm_cache_misses_total", "Cache lookups that missed the entry", labels);
}

}  // namespace lsm
