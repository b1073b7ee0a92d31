// `zerofs config-check -c FILE`: validates a configuration and prints the effective
// settings (defaults filled in, ${VAR} substituted, secrets masked). Touches no store.
#include <ostream>

#include "appcommon/config_template.h"
#include "command_support.h"
#include "zerofscli/commands.h"

namespace zerofs::app::cli {

int cmd_config_check(std::string_view program, std::span<const std::string> args,
                     const CommandIo& io) {
  CommandLine command_line(
      std::string(program), "-c FILE",
      "Validates FILE (syntax, unknown keys, types, ${VAR} substitution, values) and prints\n"
      "the effective settings with secrets masked. Exits 0 when FILE is valid, 1 otherwise.\n"
      "It contacts no object store.");
  command_line.add_config_option();
  if (auto done = command_line.parse(args, io)) return *done;

  const auto config = load_config_or_report(command_line, io);
  if (!config) return kExitFailure;
  io.out << "Configuration " << command_line.config_path() << " is valid:\n"
         << render_summary(*config);
  return kExitOk;
}

}  // namespace zerofs::app::cli
