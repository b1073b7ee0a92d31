#include "command_support.h"

#include <ostream>

#include "appcommon/config_parser.h"

namespace zerofs::app::cli {

std::optional<Config> load_config_or_report(const CommandLine& command_line, const CommandIo& io) {
  auto config = load_config(command_line.config_path());
  if (!config) {
    io.err << command_line.program() << ": config error: " << config.error().message() << "\n";
    return std::nullopt;
  }
  return std::move(*config);
}

int report_unavailable(const CommandIo& io, std::string_view program, std::string_view what,
                       std::string_view reason) {
  io.err << program << ": " << what << " is not available in this build yet (" << reason << ")\n";
  return kExitFailure;
}

Result<void> check_checkpoint_name(std::string_view name) {
  constexpr std::size_t kMaxLength = 255;
  if (name.empty()) return fail(Errc::invalid_argument, "the checkpoint name is empty");
  if (name.size() > kMaxLength) {
    return fail(Errc::invalid_argument, "the checkpoint name is longer than {} bytes", kMaxLength);
  }
  for (char c : name) {
    if (c <= ' ' || c > '~' || c == '/') {
      return fail(Errc::invalid_argument,
                  "checkpoint name \"{}\": use printable characters other than space and '/'",
                  name);
    }
  }
  return {};
}

}  // namespace zerofs::app::cli
