// `zerofs fsck -c FILE`: checks the filesystem's consistency.
#include "command_support.h"
#include "zerofscli/commands.h"

namespace zerofs::app::cli {

int cmd_fsck(std::string_view program, std::span<const std::string> args, const CommandIo& io) {
  CommandLine command_line(
      std::string(program), "-c FILE",
      "Checks the filesystem described by FILE: every directory entry points at a live\n"
      "inode, link counts and usage counters match, and every referenced object exists.");
  command_line.add_config_option();
  if (auto done = command_line.parse(args, io)) return *done;

  const auto config = load_config_or_report(command_line, io);
  if (!config) return kExitFailure;
  return report_unavailable(io, program, "checking",
                            "the filesystem layer lands with a later issue");
}

}  // namespace zerofs::app::cli
