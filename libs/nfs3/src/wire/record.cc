#include "nfs3/wire/record.h"

#include <algorithm>
#include <cstring>

#include "base/coding.h"

namespace nfs3::wire {

RecordReader::Status RecordReader::next(ByteView& input) {
  if (failed_) return Status::too_large;
  while (!input.empty()) {
    if (!in_fragment_) {
      const std::size_t n = std::min(input.size(), 4 - header_bytes_);
      std::memcpy(header_ + header_bytes_, input.data(), n);
      header_bytes_ += n;
      input = input.subspan(n);
      if (header_bytes_ < 4) return Status::need_more;
      header_bytes_ = 0;
      const std::uint32_t word = zerofs::decode_u32_be(header_);
      last_fragment_ = (word & kLastFragmentBit) != 0;
      fragment_left_ = word & ~kLastFragmentBit;
      if (fragment_left_ > max_ - record_.size()) {
        failed_ = true;
        record_ = Buffer();
        return Status::too_large;
      }
      // Bounded by max_: a peer cannot make us reserve more than one maximal record.
      record_.reserve(record_.size() + fragment_left_);
      in_fragment_ = true;
    }
    const std::size_t n = std::min(input.size(), fragment_left_);
    record_.append(input.first(n));
    input = input.subspan(n);
    fragment_left_ -= n;
    if (fragment_left_ == 0) {
      in_fragment_ = false;
      if (last_fragment_) return Status::record;
    }
  }
  // An empty last fragment completes a record without consuming body bytes.
  if (in_fragment_ && fragment_left_ == 0 && last_fragment_) {
    in_fragment_ = false;
    return Status::record;
  }
  return Status::need_more;
}

Buffer RecordReader::take_record() noexcept {
  last_fragment_ = false;
  return std::move(record_);
}

std::size_t begin_record(Buffer& out) {
  const std::size_t mark = out.size();
  out.resize(mark + 4);
  return mark;
}

void end_record(Buffer& out, std::size_t mark, std::size_t max_fragment) {
  const std::size_t payload = out.size() - mark - 4;
  if (payload <= max_fragment) {
    zerofs::encode_u32_be(out.data() + mark,
                          kLastFragmentBit | static_cast<std::uint32_t>(payload));
    return;
  }
  const std::size_t count = (payload + max_fragment - 1) / max_fragment;
  out.resize(out.size() + 4 * (count - 1));
  std::byte* base = out.data() + mark;
  // Move fragments right, last first, so no fragment overwrites one not yet moved.
  for (std::size_t i = count; i-- > 0;) {
    const std::size_t begin = i * max_fragment;
    const std::size_t len = std::min(max_fragment, payload - begin);
    std::byte* header = base + i * (max_fragment + 4);
    std::memmove(header + 4, base + 4 + begin, len);
    const std::uint32_t last = i + 1 == count ? kLastFragmentBit : 0;
    zerofs::encode_u32_be(header, last | static_cast<std::uint32_t>(len));
  }
}

}  // namespace nfs3::wire
