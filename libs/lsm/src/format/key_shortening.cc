#include "format/key_shortening.h"

#include <algorithm>
#include <cassert>

#include "format/internal_key.h"

namespace lsm {

void shorten_user_separator(std::string* start, std::string_view limit) {
  const std::size_t min_len = std::min(start->size(), limit.size());
  std::size_t diff = 0;
  while (diff < min_len && (*start)[diff] == limit[diff]) ++diff;
  if (diff >= min_len) return;  // one is a prefix of the other: nothing shorter in between
  const auto byte = static_cast<std::uint8_t>((*start)[diff]);
  if (byte < 0xff && byte + 1 < static_cast<std::uint8_t>(limit[diff])) {
    (*start)[diff] = static_cast<char>(byte + 1);
    start->resize(diff + 1);
  }
}

void shorten_user_successor(std::string* key) {
  for (std::size_t i = 0; i < key->size(); ++i) {
    const auto byte = static_cast<std::uint8_t>((*key)[i]);
    if (byte != 0xff) {
      (*key)[i] = static_cast<char>(byte + 1);
      key->resize(i + 1);
      return;
    }
  }
  // All 0xff: no shorter successor.
}

namespace {

// Replaces `*ikey` by `user` + max trailer if `user` is physically shorter and logically
// larger than the user key of `*ikey`.
void adopt_if_shorter(std::string* ikey, std::string& user) {
  const std::string_view old_user = extract_user_key(*ikey);
  if (user.size() < old_user.size() && old_user < std::string_view(user)) {
    append_internal_key(&user, {}, kMaxSequence, kValueTypeForSeek);
    ikey->swap(user);
  }
}

}  // namespace

void shorten_internal_separator(std::string* start, std::string_view limit) {
  std::string user(extract_user_key(*start));
  shorten_user_separator(&user, extract_user_key(limit));
#ifndef NDEBUG
  const std::string before = *start;
#endif
  adopt_if_shorter(start, user);
  assert(compare_internal_keys(before, *start) <= 0);
  assert(compare_internal_keys(*start, limit) < 0);
}

void shorten_internal_successor(std::string* key) {
  std::string user(extract_user_key(*key));
  shorten_user_successor(&user);
  adopt_if_shorter(key, user);
}

}  // namespace lsm
