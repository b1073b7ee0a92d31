// ONC RPC record marking over TCP (RFC 5531 §11).
//
// A record is a sequence of fragments; each fragment starts with a 4-byte big-endian word
// whose high bit marks the last fragment of the record and whose low 31 bits give the
// fragment's length. RecordReader turns a byte stream back into records; begin_record /
// end_record frame an encoded reply in place.
// Thread safety: none; one reader per connection.
#pragma once

#include <cstddef>
#include <cstdint>

#include "base/buffer.h"

namespace nfs3::wire {

using zerofs::Buffer;
using zerofs::ByteView;

inline constexpr std::uint32_t kLastFragmentBit = 0x80000000u;
inline constexpr std::size_t kMaxFragmentSize = 0x7fffffffu;

class RecordReader {
 public:
  enum class Status {
    need_more,  // input exhausted inside a record
    record,     // a whole record is ready: take_record()
    too_large,  // the record would exceed the maximum: the connection must be closed
  };

  // Records longer than `max_record_size` bytes (the sum of their fragments) are refused.
  explicit RecordReader(std::size_t max_record_size) noexcept : max_(max_record_size) {}

  // Consumes bytes from the front of `input` and stops right after the end of a record, so
  // the caller can take it and call again with the rest. too_large is sticky.
  Status next(ByteView& input);

  // The record completed by the last next(); the reader starts a fresh one.
  // REQUIRES: next() returned Status::record.
  Buffer take_record() noexcept;

  // True when some bytes of an unfinished record were consumed (an EOF now truncates it).
  bool mid_record() const noexcept {
    return header_bytes_ != 0 || in_fragment_ || !record_.empty();
  }

 private:
  std::size_t max_;
  std::byte header_[4] = {};
  std::size_t header_bytes_ = 0;  // bytes of the current fragment header read so far
  bool in_fragment_ = false;
  bool last_fragment_ = false;
  std::size_t fragment_left_ = 0;
  bool failed_ = false;
  Buffer record_;
};

// Appends the 4-byte placeholder of a record mark to `out` and returns its offset. The caller
// encodes the record after it, then calls end_record().
std::size_t begin_record(Buffer& out);

// Turns everything after the placeholder at `mark` into one record: a single fragment when it
// fits in `max_fragment` bytes, otherwise several (moving the payload in place to make room
// for the extra marks). REQUIRES: 0 < max_fragment <= kMaxFragmentSize.
void end_record(Buffer& out, std::size_t mark, std::size_t max_fragment = kMaxFragmentSize);

}  // namespace nfs3::wire
