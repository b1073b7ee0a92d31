// Index blocks: separator shortening properties and block-handle values.
#include <random>
#include <string>

#include "format/internal_key.h"
#include "format/key_shortening.h"
#include "table/table_format.h"
#include "test_support/catch.h"

namespace lsm {
namespace {

std::string random_key(std::mt19937& rng, std::size_t max_len, bool small_alphabet) {
  std::string s(rng() % (max_len + 1), '\0');
  for (char& c : s) {
    c = small_alphabet ? static_cast<char>('a' + rng() % 3) : static_cast<char>(rng() % 256);
  }
  return s;
}

std::string separator(std::string a, std::string_view b) {
  shorten_user_separator(&a, b);
  return a;
}

std::string successor(std::string a) {
  shorten_user_successor(&a);
  return a;
}

}  // namespace

TEST_CASE("user-key separators follow LevelDB's rules", "[index]") {
  CHECK(separator("abc1xyz", "abc9") == "abc2");
  CHECK(separator("abc", "abd") == "abc");     // 'c' + 1 is not < 'd'
  CHECK(separator("foo", "foobar") == "foo");  // prefix: nothing shorter in between
  CHECK(separator("helloworld", "hz") == "hf");
  CHECK(separator(std::string("a\xff\xff", 3), "b") == std::string("a\xff\xff", 3));
  CHECK(successor("abc") == "b");
  CHECK(successor(std::string("\xff\xff"
                              "a",
                              3)) == std::string("\xff\xff"
                                                 "b",
                                                 3));
  CHECK(successor(std::string("\xff\xff", 2)) == std::string("\xff\xff", 2));
  CHECK(successor("") == "");
}

TEST_CASE("separator shortening keeps a <= sep < b on random pairs", "[index]") {
  std::mt19937 rng(12345);
  for (int i = 0; i < 20000; ++i) {
    const bool small = i % 2 == 0;
    std::string a = random_key(rng, 12, small), b = random_key(rng, 12, small);
    if (a == b) continue;
    if (a > b) std::swap(a, b);
    const std::string sep = separator(a, b);
    INFO("a=" << a << " b=" << b << " sep=" << sep);
    CHECK(a <= sep);
    CHECK(sep < b);
    CHECK(sep.size() <= a.size());
    const std::string succ = successor(a);
    CHECK(a <= succ);
    CHECK(succ.size() <= a.size());

    // Internal keys, including equal user keys with different sequences.
    const SequenceNumber sa = rng() % 1000 + 1, sb = rng() % 1000 + 1;
    std::string ia = make_internal_key(a, sa, ValueType::value);
    const std::string ib = make_internal_key(b, sb, ValueType::deletion);
    shorten_internal_separator(&ia, ib);
    CHECK(compare_internal_keys(make_internal_key(a, sa, ValueType::value), ia) <= 0);
    CHECK(compare_internal_keys(ia, ib) < 0);

    std::string same_hi = make_internal_key(a, sa + 1, ValueType::value);
    const std::string same_lo = make_internal_key(a, sa, ValueType::value);
    const std::string before = same_hi;
    shorten_internal_separator(&same_hi, same_lo);
    CHECK(same_hi == before);  // one user key: never shortened across its versions

    std::string is = make_internal_key(a, sa, ValueType::value);
    shorten_internal_successor(&is);
    CHECK(compare_internal_keys(make_internal_key(a, sa, ValueType::value), is) <= 0);
  }
}

TEST_CASE("shortened internal keys carry the seek trailer", "[index]") {
  std::string start = make_internal_key("foo", 100, ValueType::value);
  shorten_internal_separator(&start, make_internal_key("hello", 200, ValueType::value));
  CHECK(extract_user_key(start) == "g");
  CHECK(extract_sequence(start) == kMaxSequence);
  CHECK(extract_type(start) == kValueTypeForSeek);

  std::string last = make_internal_key("foo", 100, ValueType::value);
  shorten_internal_successor(&last);
  CHECK(extract_user_key(last) == "g");
  CHECK(extract_sequence(last) == kMaxSequence);
}

TEST_CASE("block handles encode as two varints", "[index]") {
  zerofs::Buffer b;
  encode_block_handle(b, BlockHandle{300, 5});
  CHECK(b.chars() == std::string_view("\xac\x02\x05", 3));
  auto h = decode_block_handle(b.chars());
  REQUIRE(h);
  CHECK(*h == BlockHandle{300, 5});

  zerofs::Buffer big;
  encode_block_handle(big, BlockHandle{1ULL << 40, (1ULL << 32) + 1});
  CHECK(decode_block_handle(big.chars()).value() == BlockHandle{1ULL << 40, (1ULL << 32) + 1});

  CHECK_FALSE(decode_block_handle(std::string_view("\xac", 1)));          // truncated
  CHECK_FALSE(decode_block_handle(std::string_view("\x01\x02\x03", 3)));  // trailing byte
}

}  // namespace lsm
