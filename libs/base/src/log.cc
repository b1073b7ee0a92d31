#include "base/log.h"

#include <fmt/chrono.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <mutex>

namespace zerofs::log {

namespace {
Level initial_level() noexcept {
  Level l = Level::info;
  if (const char* env = std::getenv("ZEROFS_LOG")) parse_level(env, &l);
  return l;
}
std::atomic<Level> g_level{initial_level()};
std::mutex g_write_mutex;  // guards stderr so lines never interleave

constexpr std::string_view kNames[] = {"DEBUG", "INFO", "WARN", "ERROR", "OFF"};
}  // namespace

void set_level(Level l) noexcept { g_level.store(l, std::memory_order_relaxed); }
Level level() noexcept { return g_level.load(std::memory_order_relaxed); }

bool parse_level(std::string_view name, Level* out) noexcept {
  static constexpr std::pair<std::string_view, Level> kLevels[] = {{"debug", Level::debug},
                                                                   {"info", Level::info},
                                                                   {"warn", Level::warn},
                                                                   {"error", Level::error},
                                                                   {"off", Level::off}};
  for (const auto& [n, l] : kLevels) {
    if (n == name) {
      *out = l;
      return true;
    }
  }
  return false;
}

void write(Level l, std::string_view message) {
  const auto now =
      std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now());
  const std::string line =
      fmt::format("{:%Y-%m-%dT%H:%M:%S}Z {:5} {}\n", now, kNames[static_cast<int>(l)], message);
  std::lock_guard lock(g_write_mutex);
  std::fwrite(line.data(), 1, line.size(), stderr);
}

}  // namespace zerofs::log
