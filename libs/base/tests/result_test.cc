#include "base/result.h"

#include <cerrno>

#include "test_support/catch.h"

using namespace zerofs;

namespace {
Result<int> parse_positive(int v) {
  if (v <= 0) return fail(Errc::invalid_argument, "{} is not positive", v);
  return v;
}
Result<int> doubled(int v) {
  ZF_TRY(int x, parse_positive(v));
  return x * 2;
}
Result<void> check_positive(int v) {
  ZF_CHECK(parse_positive(v));
  return {};
}
}  // namespace

TEST_CASE("ZF_TRY propagates the first error") {
  CHECK(doubled(4).value() == 8);
  auto r = doubled(-1);
  REQUIRE_FALSE(r);
  CHECK(r.error().code() == Errc::invalid_argument);
  CHECK(r.error().message() == "-1 is not positive");
  CHECK(r.error().to_string() == "invalid_argument: -1 is not positive");
  CHECK(check_positive(1));
  CHECK_FALSE(check_positive(0));
}

TEST_CASE("errc maps to errno") {
  CHECK(to_errno(Errc::not_found) == ENOENT);
  CHECK(to_errno(Errc::not_empty) == ENOTEMPTY);
  CHECK(to_errno(Errc::transient) == EIO);
  CHECK(errc_name(Errc::wrong_password) == "wrong_password");
  CHECK(Error(Errc::corrupt, "bad").with_context("sst 7").message() == "sst 7: bad");
}
