#include "format/block_builder.h"

#include <algorithm>
#include <cassert>

#include "base/coding.h"
#include "format/internal_key.h"

namespace lsm {

namespace {

// Appends up to three varints with one resize: the per-entry header.
void put_entry_header(zerofs::Buffer& out, std::uint64_t a, std::uint64_t b, std::uint64_t c) {
  std::byte tmp[30];
  std::size_t n = 0;
  for (std::uint64_t v : {a, b, c}) {
    while (v >= 0x80) {
      tmp[n++] = std::byte(static_cast<std::uint8_t>(v | 0x80));
      v >>= 7;
    }
    tmp[n++] = std::byte(static_cast<std::uint8_t>(v));
  }
  out.append(zerofs::ByteView(tmp, n));
}

}  // namespace

BlockBuilder::BlockBuilder(int restart_interval) : restart_interval_(restart_interval) {
  assert(restart_interval >= 1);
  restarts_.push_back(0);
}

void BlockBuilder::add(std::string_view key, std::string_view value) {
  assert(!finished_);
  assert(entries_ == 0 || compare_internal_keys(last_key_, key) < 0);
  std::size_t shared = 0;
  if (since_restart_ < restart_interval_) {
    const std::size_t limit = std::min(last_key_.size(), key.size());
    while (shared < limit && last_key_[shared] == key[shared]) ++shared;
  } else {
    restarts_.push_back(static_cast<std::uint32_t>(buffer_.size()));
    since_restart_ = 0;
  }
  const std::size_t non_shared = key.size() - shared;
  put_entry_header(buffer_, shared, non_shared, value.size());
  buffer_.append(key.substr(shared));
  buffer_.append(value);
  last_key_.resize(shared);
  last_key_.append(key.substr(shared));
  ++since_restart_;
  ++entries_;
}

zerofs::ByteView BlockBuilder::finish() {
  assert(!finished_);
  for (std::uint32_t offset : restarts_) zerofs::put_u32_le(buffer_, offset);
  zerofs::put_u32_le(buffer_, static_cast<std::uint32_t>(restarts_.size()));
  finished_ = true;
  return buffer_.view();
}

void BlockBuilder::reset() {
  buffer_.clear();
  restarts_.clear();
  restarts_.push_back(0);
  last_key_.clear();
  entries_ = 0;
  since_restart_ = 0;
  finished_ = false;
}

}  // namespace lsm
