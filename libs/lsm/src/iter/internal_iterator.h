// InternalIterator: the iterator protocol shared by memtables, tables and merges.
//
// Iterators walk internal keys (format/internal_key.h) in order. Positioning may need object
// store I/O (a data block not in cache), but most steps do not, so positioning is two-phase to
// keep the hot path free of coroutine frames:
//
//   if (it.next() == Step::io) ZF_CO_CHECK(co_await it.resume());
//
// A positioning call returns Step::ready when it finished synchronously, or Step::io when it
// needs I/O; then the caller must co_await resume() (which completes the positioning) before
// calling anything else. Errors (corrupt block, failed GET) surface from resume() or status().
//
// Lifetime: key()/value() stay valid until the next positioning call.
// Thread safety: none; one iterator is used by one coroutine at a time. The resume() calls of
// different iterators may run at the same time (MergingIterator awaits its children's
// together), so iterators must not share unsynchronised state.
#pragma once

#include <string_view>

#include "base/async.h"
#include "base/result.h"

namespace lsm {

using zerofs::Result;

enum class Step { ready, io };

class InternalIterator {
 public:
  virtual ~InternalIterator() = default;

  virtual bool valid() const = 0;
  virtual std::string_view key() const = 0;    // REQUIRES: valid()
  virtual std::string_view value() const = 0;  // REQUIRES: valid()

  virtual Step seek_to_first() = 0;
  // Positions at the first entry whose internal key >= target.
  virtual Step seek(std::string_view target) = 0;
  // REQUIRES: valid()
  virtual Step next() = 0;

  // Completes the positioning call that returned Step::io.
  virtual zerofs::Task<Result<void>> resume() = 0;

  // The first error met, if any; an iterator with an error is not valid().
  virtual Result<void> status() const = 0;

  // Whether the current entry was read from a block the BlockCache holds. Compaction keeps
  // such entries cached in its output (Options::prepopulate_block_cache); iterators that do
  // not know answer false. REQUIRES: valid()
  virtual bool cached() const { return false; }
};

}  // namespace lsm
