// The single Catch2 main shared by every test binary. Logging is quiet (errors only) unless
// ZEROFS_LOG asks for more.
#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>
#include <cstdlib>

#include "base/log.h"

int main(int argc, char* argv[]) {
  if (std::getenv("ZEROFS_LOG") == nullptr) zerofs::log::set_level(zerofs::log::Level::error);
  return Catch::Session().run(argc, argv);
}
