// Snapshot: a consistent read view at one sequence number.
//
// While a Snapshot is alive, compaction keeps every version it can see. Release it by dropping
// the shared_ptr. Thread safety: immutable.
#pragma once

#include <cstdint>

namespace lsm {

using SequenceNumber = std::uint64_t;

class Snapshot {
 public:
  virtual ~Snapshot() = default;
  virtual SequenceNumber sequence() const = 0;
};

}  // namespace lsm
