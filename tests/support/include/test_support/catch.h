// Catch2 for zerofs tests: include this instead of <catch2/catch.hpp>.
//
// Catch's assertion macro mentions the expression three times: once evaluated, and twice in
// places meant never to run (`__builtin_constant_p(expr)` and `false && !!(expr)`). GCC 12's
// coroutine lowering hoists a co_await out of those places and runs it anyway, so
// `REQUIRE(co_await db->put(...))` would put three times. This redefinition mentions the
// expression once; otherwise it is Catch v2.13's INTERNAL_CATCH_TEST.
#pragma once

#include <catch2/catch.hpp>

#undef INTERNAL_CATCH_TEST
#define INTERNAL_CATCH_TEST(macroName, resultDisposition, ...)                                   \
  do {                                                                                           \
    Catch::AssertionHandler catchAssertionHandler(macroName##_catch_sr, CATCH_INTERNAL_LINEINFO, \
                                                  CATCH_INTERNAL_STRINGIFY(__VA_ARGS__),         \
                                                  resultDisposition);                            \
    INTERNAL_CATCH_TRY {                                                                         \
      CATCH_INTERNAL_START_WARNINGS_SUPPRESSION                                                  \
      CATCH_INTERNAL_SUPPRESS_PARENTHESES_WARNINGS                                               \
      catchAssertionHandler.handleExpr(Catch::Decomposer() <= __VA_ARGS__);                      \
      CATCH_INTERNAL_STOP_WARNINGS_SUPPRESSION                                                   \
    }                                                                                            \
    INTERNAL_CATCH_CATCH(catchAssertionHandler)                                                  \
    INTERNAL_CATCH_REACT(catchAssertionHandler)                                                  \
  } while (false)
