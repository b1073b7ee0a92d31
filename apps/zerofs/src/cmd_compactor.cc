// `zerofs compactor -c FILE` (also `zerofs-compactor`): compaction as its own process, for a
// writer started with --no-compactor.
#include "command_support.h"
#include "zerofscli/commands.h"

namespace zerofs::app::cli {

int cmd_compactor(std::string_view program, std::span<const std::string> args,
                  const CommandIo& io) {
  CommandLine command_line(
      std::string(program), "-c FILE",
      "Runs compaction for the store described by FILE, next to a writer started with\n"
      "`zerofs run --no-compactor` (on this host or another). It uses [lsm]\n"
      "max_concurrent_compactions and holds the compactor epoch, so a second compactor\n"
      "fences the first.");
  command_line.add_config_option();
  if (auto done = command_line.parse(args, io)) return *done;

  const auto config = load_config_or_report(command_line, io);
  if (!config) return kExitFailure;
  return report_unavailable(io, program, "compaction", "the LSM engine lands with a later issue");
}

}  // namespace zerofs::app::cli
