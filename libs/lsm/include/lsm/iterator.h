// Iterator: an ordered, async walk over user keys in one consistent view.
//
//   auto it = db.new_iterator();
//   ZF_CO_CHECK(co_await it->seek("a"));
//   while (it->valid()) { use(it->key(), it->value()); ZF_CO_CHECK(co_await it->next()); }
//
// The view (sequence number and set of tables) is fixed when the iterator is created; tables it
// reads stay alive while it exists. key()/value() stay valid until the next positioning call.
// Thread safety: one iterator is used by one coroutine at a time.
#pragma once

#include <string_view>

#include "base/async.h"
#include "base/result.h"

namespace lsm {

class Iterator {
 public:
  virtual ~Iterator() = default;
  virtual zerofs::Task<zerofs::Result<void>> seek_to_first() = 0;
  // First key >= target (within the bounds).
  virtual zerofs::Task<zerofs::Result<void>> seek(std::string_view target) = 0;
  // REQUIRES: valid()
  virtual zerofs::Task<zerofs::Result<void>> next() = 0;
  virtual bool valid() const = 0;
  virtual std::string_view key() const = 0;
  virtual std::string_view value() const = 0;
};

}  // namespace lsm
