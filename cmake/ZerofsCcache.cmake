# Use ccache when it is installed; CI keeps its cache outside the clone (~/.cache/ccache).
find_program(ZEROFS_CCACHE ccache)
if(ZEROFS_CCACHE AND NOT CMAKE_CXX_COMPILER_LAUNCHER)
  set(CMAKE_CXX_COMPILER_LAUNCHER "${ZEROFS_CCACHE}")
endif()
