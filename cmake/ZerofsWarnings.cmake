# zerofs::warnings: linked PRIVATE by every target so consumers never inherit our flags.
# -Werror comes from COMPILE_WARNING_AS_ERROR, switched on by the dev/ci presets.
add_library(zerofs_warnings INTERFACE)
add_library(zerofs::warnings ALIAS zerofs_warnings)
target_compile_options(zerofs_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wold-style-cast -Wcast-align
  -Woverloaded-virtual -Wimplicit-fallthrough -Wformat=2
  $<$<CXX_COMPILER_ID:GNU>:-Wno-maybe-uninitialized>
  $<$<CXX_COMPILER_ID:GNU>:-Wno-mismatched-new-delete>
)
