#include "zobj/object_store.h"

#include <fmt/format.h>
#include <sys/random.h>

#include <array>
#include <random>

namespace zobj {

namespace {

// Length of the UTF-8 sequence starting at s[i], or 0 if it is malformed (overlong forms,
// surrogates and code points above U+10FFFF included).
std::size_t utf8_sequence_length(std::string_view s, std::size_t i) {
  const auto byte = [&](std::size_t j) { return static_cast<unsigned char>(s[j]); };
  const unsigned char c = byte(i);
  if (c < 0x80) return 1;
  std::size_t n;
  unsigned char lo = 0x80;
  unsigned char hi = 0xBF;
  if (c >= 0xC2 && c <= 0xDF) {
    n = 2;
  } else if (c >= 0xE0 && c <= 0xEF) {
    n = 3;
    if (c == 0xE0) lo = 0xA0;
    if (c == 0xED) hi = 0x9F;
  } else if (c >= 0xF0 && c <= 0xF4) {
    n = 4;
    if (c == 0xF0) lo = 0x90;
    if (c == 0xF4) hi = 0x8F;
  } else {
    return 0;
  }
  if (i + n > s.size()) return 0;
  if (byte(i + 1) < lo || byte(i + 1) > hi) return 0;
  for (std::size_t j = 2; j < n; ++j) {
    if (byte(i + j) < 0x80 || byte(i + j) > 0xBF) return 0;
  }
  return n;
}

}  // namespace

std::string_view store_op_name(StoreOp op) noexcept {
  switch (op) {
    case StoreOp::get:
      return "get";
    case StoreOp::head:
      return "head";
    case StoreOp::put:
      return "put";
    case StoreOp::del:
      return "del";
    case StoreOp::list:
      return "list";
  }
  return "unknown";
}

std::string new_put_id() {
  // Straight from the kernel: a user-space generator would hand forked processes the same
  // sequence, and equal etags or put-ids in two processes would defeat if-match.
  std::array<std::uint64_t, 2> words{};
  if (::getrandom(words.data(), sizeof words, 0) != static_cast<ssize_t>(sizeof words)) {
    std::random_device device;
    for (auto& w : words) w = (std::uint64_t{device()} << 32) | device();
  }
  return fmt::format("{:016x}{:016x}", words[0], words[1]);
}

Result<void> validate_key(std::string_view key) {
  if (key.empty()) return zerofs::fail(Errc::invalid_argument, "empty object key");
  if (key.size() > kMaxKeyBytes) {
    return zerofs::fail(Errc::invalid_argument, "object key of {} bytes exceeds {} bytes",
                        key.size(), kMaxKeyBytes);
  }
  std::size_t segment_start = 0;
  for (std::size_t i = 0; i <= key.size();) {
    if (i == key.size() || key[i] == '/') {
      const std::string_view segment = key.substr(segment_start, i - segment_start);
      if (segment.empty() || segment == "." || segment == "..") {
        return zerofs::fail(Errc::invalid_argument,
                            "object key '{}' has an empty, '.' or '..' segment", key);
      }
      segment_start = ++i;
      continue;
    }
    if (key[i] == '\0') return zerofs::fail(Errc::invalid_argument, "object key contains NUL");
    const std::size_t n = utf8_sequence_length(key, i);
    if (n == 0) return zerofs::fail(Errc::invalid_argument, "object key is not valid UTF-8");
    i += n;
  }
  return {};
}

Result<void> validate_put_id(std::string_view put_id) {
  if (put_id.empty() || put_id.size() > kMaxPutIdBytes) {
    return zerofs::fail(Errc::invalid_argument, "put-id must have 1..{} bytes, not {}",
                        kMaxPutIdBytes, put_id.size());
  }
  for (const char c : put_id) {
    if (c < '!' || c > '~') {
      return zerofs::fail(Errc::invalid_argument, "put-id '{}' has a byte outside '!'..'~'",
                          put_id);
    }
  }
  return {};
}

Task<Result<std::vector<ObjectMeta>>> list_all(ObjectStore& store, std::string prefix,
                                               std::size_t page_size) {
  std::vector<ObjectMeta> all;
  std::string start_after;
  for (;;) {
    ZF_CO_TRY(ListPage page, co_await store.list(prefix, start_after, page_size));
    for (auto& meta : page.objects) all.push_back(std::move(meta));
    if (page.next_start_after.empty()) break;
    if (page.next_start_after <= start_after) {
      co_return zerofs::fail(Errc::permanent, "{}: list did not advance past '{}'",
                             store.describe(), start_after);
    }
    start_after = std::move(page.next_start_after);
  }
  co_return all;
}

}  // namespace zobj
