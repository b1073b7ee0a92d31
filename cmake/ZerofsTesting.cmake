# zerofs_add_test(NAME name SOURCES ... LIBS ... [LABELS ...] [TIMEOUT s])
# One Catch2 binary per library; each TEST_CASE becomes a ctest test.
# Slow suites carry the label "slow" so CI can run them deliberately.
# The shared Catch2 main and helpers (temporary directories, running coroutines) live in
# tests/support as zerofs::test_support.
if(ZEROFS_BUILD_TESTS)
  enable_testing()
endif()

function(zerofs_add_test)
  if(NOT ZEROFS_BUILD_TESTS)
    return()
  endif()
  cmake_parse_arguments(T "" "NAME;TIMEOUT" "SOURCES;LIBS;LABELS" ${ARGN})
  if(NOT T_TIMEOUT)
    set(T_TIMEOUT 120)
  endif()
  add_executable(${T_NAME} ${T_SOURCES})
  target_link_libraries(${T_NAME} PRIVATE zerofs::test_support ${T_LIBS} zerofs::warnings)
  # --warn NoTests: a registered name that matches no test case fails instead of passing
  # silently (a ';' in a test name once split names and hid tests this way).
  catch_discover_tests(${T_NAME}
    EXTRA_ARGS --warn NoTests
    PROPERTIES TIMEOUT ${T_TIMEOUT} LABELS "unit;${T_LABELS}"
    TEST_PREFIX "${T_NAME}:")
endfunction()
