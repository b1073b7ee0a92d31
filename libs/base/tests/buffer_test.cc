#include "base/buffer.h"

#include "test_support/catch.h"

using zerofs::Buffer;

TEST_CASE("Buffer appends, grows and compares by content") {
  Buffer b;
  CHECK(b.empty());
  b.append(std::string_view("hello"));
  b.push_back(std::byte{' '});
  b.append(std::string_view("world"));
  CHECK(b.chars() == "hello world");
  CHECK(b.size() == 11);
  for (int i = 0; i < 1000; ++i) b.append(std::string_view("x"));
  CHECK(b.size() == 1011);
  CHECK(b.chars().substr(0, 11) == "hello world");

  Buffer c = b.clone();
  CHECK(c == b);
  c[0] = std::byte{'H'};
  CHECK_FALSE(c == b);
}

TEST_CASE("Buffer move leaves the source empty") {
  Buffer a = Buffer::copy_of(std::string_view("abc"));
  Buffer b = std::move(a);
  CHECK(b.chars() == "abc");
  CHECK(a.size() == 0);  // NOLINT(bugprone-use-after-move): documented moved-from state
  a.append(std::string_view("again"));
  CHECK(a.chars() == "again");
}

TEST_CASE("Buffer resize keeps the prefix") {
  Buffer b = Buffer::copy_of(std::string_view("prefix"));
  b.resize(4096);
  CHECK(b.chars().substr(0, 6) == "prefix");
  b.resize(3);
  CHECK(b.chars() == "pre");
}
