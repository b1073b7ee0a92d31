// Levelled logging to stderr, one line per call, safe from any thread.
//
//   zerofs::log::info("listening on {}", endpoint);
//
// The level is process-wide (set_level, or ZEROFS_LOG=debug|info|warn|error|off).
#pragma once

#include <fmt/core.h>

#include <string_view>
#include <utility>

namespace zerofs::log {

enum class Level { debug = 0, info = 1, warn = 2, error = 3, off = 4 };

void set_level(Level level) noexcept;
Level level() noexcept;
// Parses "debug", "info", "warn", "error", "off"; false if unknown.
bool parse_level(std::string_view name, Level* out) noexcept;

void write(Level level, std::string_view message);

inline bool enabled(Level l) noexcept { return l >= level(); }

template <typename... Args>
void debug(fmt::format_string<Args...> f, Args&&... args) {
  if (enabled(Level::debug)) write(Level::debug, fmt::format(f, std::forward<Args>(args)...));
}
template <typename... Args>
void info(fmt::format_string<Args...> f, Args&&... args) {
  if (enabled(Level::info)) write(Level::info, fmt::format(f, std::forward<Args>(args)...));
}
template <typename... Args>
void warn(fmt::format_string<Args...> f, Args&&... args) {
  if (enabled(Level::warn)) write(Level::warn, fmt::format(f, std::forward<Args>(args)...));
}
template <typename... Args>
void error(fmt::format_string<Args...> f, Args&&... args) {
  if (enabled(Level::error)) write(Level::error, fmt::format(f, std::forward<Args>(args)...));
}

}  // namespace zerofs::log
