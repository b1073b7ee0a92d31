// SstId (ULID) generation and Crockford base32 text form.
#include <chrono>
#include <mutex>
#include <random>

#include "table/sst_info.h"

namespace lsm {

namespace {

constexpr char kAlphabet[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
constexpr std::size_t kTextSize = 26;
constexpr std::size_t kTimeBytes = 6;

// 128 bits as 26 five-bit digits: the first digit holds the top 3 bits.
bool bit_at(const SstId& id, unsigned pos) noexcept {  // pos 0 = least significant
  const std::uint8_t byte = id.bytes[15 - pos / 8];
  return (byte >> (pos % 8)) & 1u;
}

void set_bit(SstId& id, unsigned pos) noexcept {
  id.bytes[15 - pos / 8] |= static_cast<std::uint8_t>(1u << (pos % 8));
}

int digit_value(char c) noexcept {
  if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  for (int i = 0; i < 32; ++i) {
    if (kAlphabet[i] == c) return i;
  }
  return -1;
}

// Increments the 80-bit random part; false when it wraps.
bool increment_random(SstId& id) noexcept {
  for (std::size_t i = id.bytes.size(); i-- > kTimeBytes;) {
    if (++id.bytes[i] != 0) return true;
  }
  return false;
}

void set_time(SstId& id, std::uint64_t ms) noexcept {
  for (std::size_t i = 0; i < kTimeBytes; ++i) {
    id.bytes[i] = static_cast<std::uint8_t>(ms >> (8 * (kTimeBytes - 1 - i)));
  }
}

struct Generator {
  std::mutex mutex;
  std::uint64_t last_ms = 0;  // guarded by mutex
  SstId last;                 // guarded by mutex
};

}  // namespace

SstId SstId::generate() {
  static Generator gen;
  const auto now = std::chrono::system_clock::now().time_since_epoch();
  const auto ms = static_cast<std::uint64_t>(
      std::chrono::duration_cast<std::chrono::milliseconds>(now).count());

  std::lock_guard lock(gen.mutex);
  SstId id;
  if (ms > gen.last_ms) {
    std::random_device rd;
    for (std::size_t i = kTimeBytes; i < id.bytes.size(); i += 2) {
      const unsigned r = rd();
      id.bytes[i] = static_cast<std::uint8_t>(r);
      id.bytes[i + 1] = static_cast<std::uint8_t>(r >> 8);
    }
    set_time(id, ms);
    gen.last_ms = ms;
  } else {
    id = gen.last;
    if (!increment_random(id)) set_time(id, ++gen.last_ms);
  }
  gen.last = id;
  return id;
}

std::string SstId::to_string() const {
  std::string out(kTextSize, '0');
  for (unsigned i = 0; i < kTextSize; ++i) {
    unsigned digit = 0;
    const unsigned low = 125 - 5 * i;
    for (unsigned b = 0; b < 5; ++b) {
      if (low + b < 128 && bit_at(*this, low + b)) digit |= 1u << b;
    }
    out[i] = kAlphabet[digit];
  }
  return out;
}

bool SstId::parse(std::string_view text, SstId* out) {
  if (text.size() != kTextSize) return false;
  SstId id;
  for (unsigned i = 0; i < kTextSize; ++i) {
    const int digit = digit_value(text[i]);
    if (digit < 0 || (i == 0 && digit > 7)) return false;
    const unsigned low = 125 - 5 * i;
    for (unsigned b = 0; b < 5; ++b) {
      if (low + b < 128 && ((digit >> b) & 1)) set_bit(id, low + b);
    }
  }
  *out = id;
  return true;
}

std::string SstId::object_key() const { return "sst/" + to_string() + ".sst"; }

}  // namespace lsm
