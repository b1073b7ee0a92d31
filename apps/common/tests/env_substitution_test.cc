#include "test_env.h"
#include "test_support/catch.h"

using namespace zerofs;
using namespace zerofs::app;
using zerofs::app::test_env::fake_env;

namespace {
std::string substituted(std::string_view text) {
  auto result = substitute_env(text, fake_env({{"A", "alpha"}, {"EMPTY", ""}, {"_B2", "b"}}));
  return result ? *result : "error: " + result.error().message();
}
}  // namespace

TEST_CASE("variables are substituted") {
  CHECK(substituted("${A}") == "alpha");
  CHECK(substituted("x${A}y${_B2}z") == "xalphaybz");
  CHECK(substituted("${A}${A}") == "alphaalpha");
  CHECK(substituted("[${EMPTY}]") == "[]");
  CHECK(substituted("no variables") == "no variables");
  CHECK(substituted("") == "");
}

TEST_CASE("dollar signs that start no reference are kept") {
  CHECK(substituted("$A") == "$A");
  CHECK(substituted("cost: 5$") == "cost: 5$");
  CHECK(substituted("$$") == "$$");
  CHECK(substituted("$") == "$");
}

TEST_CASE("$${ escapes a literal ${") {
  CHECK(substituted("$${A}") == "${A}");
  CHECK(substituted("$${") == "${");
  CHECK(substituted("$$${A}") == "$${A}");  // "$" then the escape "$${"
}

TEST_CASE("substituted text is not scanned again") {
  auto result = substitute_env("${X}", fake_env({{"X", "${A}"}, {"A", "no"}}));
  REQUIRE(result);
  CHECK(*result == "${A}");
}

TEST_CASE("unset variables and malformed references fail") {
  CHECK(substituted("${MISSING}") == "error: environment variable MISSING is not set");
  CHECK(substituted("a ${A") == "error: unterminated \"${\" (write \"$${\" for a literal)");
  CHECK(substituted("${}") ==
        "error: \"${}\" is not a valid variable reference (names are letters, digits and '_')");
  CHECK(substituted("${1A}").starts_with("error: \"${1A}\" is not a valid variable reference"));
  CHECK(substituted("${A-B}").starts_with("error: \"${A-B}\" is not a valid variable"));
  auto result = substitute_env("${MISSING}", fake_env({}));
  REQUIRE_FALSE(result);
  CHECK(result.error().code() == Errc::invalid_argument);
}

TEST_CASE("process_environment reads getenv") {
  ::setenv("ZEROFS_APPCOMMON_TEST_VAR", "from-env", 1);
  ::unsetenv("ZEROFS_APPCOMMON_TEST_UNSET");
  const EnvLookup env = process_environment();
  CHECK(env("ZEROFS_APPCOMMON_TEST_VAR") == "from-env");
  CHECK_FALSE(env("ZEROFS_APPCOMMON_TEST_UNSET"));
  ::unsetenv("ZEROFS_APPCOMMON_TEST_VAR");
}
