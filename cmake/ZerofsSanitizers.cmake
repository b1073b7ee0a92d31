# ZEROFS_SANITIZE: "" | "address,undefined" | "thread". Set by the asan/tsan presets.
set(ZEROFS_SANITIZE "" CACHE STRING "Sanitizers to build with")
if(ZEROFS_SANITIZE)
  add_compile_options(-fsanitize=${ZEROFS_SANITIZE} -fno-omit-frame-pointer -fno-sanitize-recover=all)
  add_link_options(-fsanitize=${ZEROFS_SANITIZE})
endif()
