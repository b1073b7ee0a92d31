#include "format/block.h"

#include "base/coding.h"
#include "format/internal_key.h"

namespace lsm {

namespace {

// Reads the three entry-header varints. The common case (all three < 128) costs three loads.
inline const char* decode_entry_header(const char* p, const char* limit, std::uint32_t* shared,
                                       std::uint32_t* non_shared, std::uint32_t* value_len) {
  if (limit - p < 3) return nullptr;
  *shared = static_cast<std::uint8_t>(p[0]);
  *non_shared = static_cast<std::uint8_t>(p[1]);
  *value_len = static_cast<std::uint8_t>(p[2]);
  if ((*shared | *non_shared | *value_len) < 128) return p + 3;
  const auto* b = reinterpret_cast<const std::byte*>(p);
  const auto* e = reinterpret_cast<const std::byte*>(limit);
  std::uint32_t* outs[3] = {shared, non_shared, value_len};
  for (std::uint32_t* out : outs) {
    auto v = zerofs::get_varint(&b, e);
    if (!v || *v > UINT32_MAX) return nullptr;
    *out = static_cast<std::uint32_t>(*v);
  }
  return reinterpret_cast<const char*>(b);
}

}  // namespace

zerofs::Result<std::shared_ptr<const Block>> Block::parse(zerofs::Buffer contents) {
  constexpr std::size_t kU32 = sizeof(std::uint32_t);
  const std::size_t size = contents.size();
  if (size < kU32 || size > UINT32_MAX) {
    return zerofs::fail(zerofs::Errc::corrupt, "block of {} bytes has no valid trailer", size);
  }
  const std::uint32_t num_restarts = zerofs::decode_u32_le(contents.data() + size - kU32);
  const std::uint64_t trailer = (static_cast<std::uint64_t>(num_restarts) + 1) * kU32;
  if (num_restarts == 0 || trailer > size) {
    return zerofs::fail(zerofs::Errc::corrupt, "block of {} bytes claims {} restarts", size,
                        num_restarts);
  }
  const auto entries_end = static_cast<std::uint32_t>(size - trailer);
  return std::make_shared<const Block>(Private{}, std::move(contents), entries_end, num_restarts);
}

std::uint32_t Block::restart_point(std::uint32_t index) const noexcept {
  return zerofs::decode_u32_le(contents_.data() + entries_end_ + index * sizeof(std::uint32_t));
}

void BlockIter::reset(const Block* block) noexcept {
  block_ = block;
  end_ = block ? block->entries_end_ : 0;
  current_ = next_ = end_;
  key_.clear();
  value_ = {};
  corrupt_ = false;
}

zerofs::Result<void> BlockIter::status() const {
  if (!corrupt_) return {};
  return zerofs::fail(zerofs::Errc::corrupt, "malformed block entry at offset {}", corrupt_offset_);
}

void BlockIter::set_corrupt(std::uint32_t offset) noexcept {
  corrupt_ = true;
  corrupt_offset_ = offset;
  current_ = next_ = end_;
  key_.clear();
  value_ = {};
}

bool BlockIter::parse_next_entry() {
  if (next_ >= end_) {
    current_ = end_;
    return false;
  }
  const char* base = block_->data();
  const char* p = base + next_;
  const char* limit = base + end_;
  std::uint32_t shared, non_shared, value_len;
  p = decode_entry_header(p, limit, &shared, &non_shared, &value_len);
  if (p == nullptr || shared > key_.size() ||
      static_cast<std::uint64_t>(non_shared) + value_len > static_cast<std::uint64_t>(limit - p) ||
      shared + non_shared < kTrailerSize) {
    set_corrupt(next_);
    return false;
  }
  current_ = next_;
  key_.resize(shared);
  key_.append(p, non_shared);
  value_ = std::string_view(p + non_shared, value_len);
  next_ = static_cast<std::uint32_t>(p + non_shared + value_len - base);
  return true;
}

void BlockIter::seek_to_restart(std::uint32_t index) noexcept {
  key_.clear();
  next_ = block_->restart_point(index);
}

bool BlockIter::restart_key(std::uint32_t index, std::string_view* key) noexcept {
  const std::uint32_t offset = block_->restart_point(index);
  if (offset >= end_) return false;
  const char* base = block_->data();
  std::uint32_t shared, non_shared, value_len;
  const char* p = decode_entry_header(base + offset, base + end_, &shared, &non_shared, &value_len);
  if (p == nullptr || shared != 0 || non_shared < kTrailerSize ||
      non_shared > static_cast<std::uint64_t>(base + end_ - p)) {
    return false;
  }
  *key = std::string_view(p, non_shared);
  return true;
}

void BlockIter::seek_to_first() {
  if (block_ == nullptr) return;
  corrupt_ = false;
  seek_to_restart(0);
  parse_next_entry();
}

void BlockIter::next() { parse_next_entry(); }

void BlockIter::seek(std::string_view target) {
  if (block_ == nullptr || end_ == 0) {
    current_ = next_ = end_;
    return;
  }
  corrupt_ = false;
  // Binary search for the last restart whose key < target; the answer lies after it.
  std::uint32_t left = 0;
  std::uint32_t right = block_->num_restarts_ - 1;
  while (left < right) {
    const std::uint32_t mid = left + (right - left + 1) / 2;
    std::string_view mid_key;
    if (!restart_key(mid, &mid_key)) {
      set_corrupt(block_->restart_point(mid));
      return;
    }
    if (compare_internal_keys(mid_key, target) < 0) {
      left = mid;
    } else {
      right = mid - 1;
    }
  }
  seek_to_restart(left);
  while (parse_next_entry()) {
    if (compare_internal_keys(key_, target) >= 0) return;
  }
}

}  // namespace lsm
