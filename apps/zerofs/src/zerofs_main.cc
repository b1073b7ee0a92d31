// `zerofs [--help] [--version] COMMAND [ARGS...]`: the command table and the shared main().
#include <fmt/format.h>

#include <array>
#include <boost/program_options/options_description.hpp>
#include <exception>
#include <ostream>
#include <vector>

#include "appcommon/version.h"
#include "zerofscli/commands.h"

namespace zerofs::app::cli {

namespace {

struct CommandEntry {
  std::string_view name;
  std::string_view synopsis;
  std::string_view summary;
  Command run;
};

constexpr std::array<CommandEntry, 7> kCommands = {{
    {"init", "[PATH|-] [--force]", "write a commented configuration (default zerofs.toml)",
     &cmd_init},
    {"run", "-c FILE [--read-only] [--checkpoint NAME] [--no-compactor]",
     "serve the filesystem over NFS, 9P and NBD", &cmd_run},
    {"compactor", "-c FILE", "run compaction in this process only", &cmd_compactor},
    {"checkpoint", "create|list|info|delete [NAME] -c FILE", "manage named checkpoints",
     &cmd_checkpoint},
    {"change-password", "-c FILE", "set a new password, read from standard input",
     &cmd_change_password},
    {"fsck", "-c FILE", "check the filesystem for consistency", &cmd_fsck},
    {"config-check", "-c FILE", "validate a configuration and print the effective settings",
     &cmd_config_check},
}};

std::string describe_commands() {
  std::string text =
      "Encrypted POSIX filesystem and block devices on object storage.\n\nCommands:\n";
  for (const CommandEntry& entry : kCommands) {
    text += fmt::format("  {:<16} {}\n", entry.name, entry.summary);
    text += fmt::format("  {:<16}   zerofs {} {}\n", "", entry.name, entry.synopsis);
  }
  text += "\nRun 'zerofs COMMAND --help' for the options of a command.";
  return text;
}

void print_version(const CommandIo& io, std::string_view program) {
  io.out << program << " " << zerofs_version() << "\n";
}

}  // namespace

int zerofs_main(std::string_view program, std::span<const std::string> args, const CommandIo& io) {
  const std::size_t command_index = find_command_index(args);
  CommandLine command_line(std::string(program), "[--help] [--version] COMMAND [ARGS...]",
                           describe_commands());
  command_line.add_options()("version,V", "print the version and exit");
  if (auto done = command_line.parse(args.first(command_index), io)) return *done;
  if (command_line.has("version")) {
    print_version(io, program);
    return kExitOk;
  }
  if (command_index == args.size()) return command_line.usage_error(io, "no command given");

  const std::string& name = args[command_index];
  for (const CommandEntry& entry : kCommands) {
    if (entry.name == name) {
      const std::string command_program = fmt::format("{} {}", program, name);
      return entry.run(command_program, args.subspan(command_index + 1), io);
    }
  }
  return command_line.usage_error(io, fmt::format("unknown command '{}'", name));
}

int run_main(std::string_view program, int argc, char** argv, Command command) {
  const CommandIo io = standard_io();
  try {
    const std::vector<std::string> args(argv + std::min(argc, 1), argv + argc);
    if (args.size() == 1 && (args[0] == "--version" || args[0] == "-V")) {
      print_version(io, program);
      return kExitOk;
    }
    return command(program, args, io);
  } catch (const std::exception& error) {
    return report_failure(io, program, fmt::format("internal error: {}", error.what()));
  }
}

}  // namespace zerofs::app::cli
