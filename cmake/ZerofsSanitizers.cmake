# ZEROFS_SANITIZE: "" | "address,undefined" | "thread". Set by the asan/tsan presets.
set(ZEROFS_SANITIZE "" CACHE STRING "Sanitizers to build with")
if(ZEROFS_SANITIZE)
  add_compile_options(-fsanitize=${ZEROFS_SANITIZE} -fno-omit-frame-pointer -fno-sanitize-recover=all)
  add_link_options(-fsanitize=${ZEROFS_SANITIZE})
endif()
# GCC warns (-Wtsan) that TSan does not model std::atomic_thread_fence, which Asio's reference
# counts use (asio/detail/atomic_count.hpp, reached through experimental::parallel_group).
# The warning would stop every -Werror TSan build that awaits operations in parallel.
if(ZEROFS_SANITIZE MATCHES "thread" AND CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
  add_compile_options(-Wno-tsan)
endif()
