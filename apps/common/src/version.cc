#include "appcommon/version.h"

// ZEROFS_VERSION comes from project(VERSION) through a compile definition on this file only,
// so a version bump recompiles one translation unit.
#ifndef ZEROFS_VERSION
#error "ZEROFS_VERSION must be defined by the build"
#endif

namespace zerofs::app {

std::string_view zerofs_version() noexcept { return ZEROFS_VERSION; }

}  // namespace zerofs::app
