// The zerofs version, from CMake's project(VERSION) (e.g. "0.1.0").
#pragma once

#include <string_view>

namespace zerofs::app {

std::string_view zerofs_version() noexcept;

}  // namespace zerofs::app
