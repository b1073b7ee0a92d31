// `zerofs run -c FILE [--read-only] [--checkpoint NAME] [--no-compactor]` (also
// `zerofs-server`): loads the configuration, then serves the filesystem.
#include <fmt/format.h>

#include <ostream>

#include "appcommon/config_template.h"
#include "command_support.h"
#include "run_settings.h"
#include "server_runtime.h"
#include "zerofscli/commands.h"

namespace zerofs::app::cli {

namespace {

std::string describe_mode(const RunOptions& options) {
  if (!options.checkpoint.empty()) {
    return fmt::format("read-only at checkpoint '{}'", options.checkpoint);
  }
  return options.read_only ? "read-only replica" : "read-write";
}

std::string describe_compaction(const RunOptions& options) {
  if (options.read_only) return "off (read-only)";
  return options.compactor ? "in this process" : "off (--no-compactor: run zerofs compactor)";
}

}  // namespace

int cmd_run(std::string_view program, std::span<const std::string> args, const CommandIo& io) {
  CommandLine command_line(
      std::string(program), "-c FILE [--read-only] [--checkpoint NAME] [--no-compactor]",
      "Opens the filesystem described by FILE and serves it on the servers enabled in its\n"
      "[servers.*] sections. One read-write instance may run per store, with any number of\n"
      "read-only ones. SIGINT/SIGTERM stop it after everything is durable.");
  command_line.add_config_option();
  command_line.add_options()("read-only", "serve read-only; writes fail with EROFS")(
      "checkpoint", boost::program_options::value<std::string>()->value_name("NAME"),
      "serve the named checkpoint (implies --read-only)")("no-compactor",
                                                          "leave compaction to `zerofs compactor`");
  if (auto done = command_line.parse(args, io)) return *done;

  RunOptions options;
  options.checkpoint = command_line.value("checkpoint");
  options.read_only = command_line.has("read-only") || command_line.has("checkpoint");
  options.compactor = !command_line.has("no-compactor");
  if (command_line.has("checkpoint")) {
    if (auto valid = check_checkpoint_name(options.checkpoint); !valid) {
      return command_line.usage_error(io, valid.error().message());
    }
  }

  const auto config = load_config_or_report(command_line, io);
  if (!config) return kExitFailure;
  io.out << "Configuration " << command_line.config_path() << ":\n"
         << render_summary(*config) << fmt::format("  {:<34} {}\n", "mode", describe_mode(options))
         << fmt::format("  {:<34} {}\n", "compaction", describe_compaction(options));
  io.out.flush();
  if (auto served = serve(*config, options); !served) {
    return report_failure(io, program, served.error().message());
  }
  return kExitOk;
}

}  // namespace zerofs::app::cli
