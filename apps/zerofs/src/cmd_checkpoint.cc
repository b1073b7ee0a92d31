// `zerofs checkpoint create|list|info|delete [NAME] -c FILE`: named checkpoints, managed
// through the admin server ([servers.rpc]) of a running zerofs.
#include <fmt/format.h>

#include <array>

#include "command_support.h"
#include "zerofscli/commands.h"

namespace zerofs::app::cli {

namespace {

struct Action {
  std::string_view name;
  bool takes_name;
};

constexpr std::array<Action, 4> kActions = {{
    {"create", true},
    {"list", false},
    {"info", true},
    {"delete", true},
}};

}  // namespace

int cmd_checkpoint(std::string_view program, std::span<const std::string> args,
                   const CommandIo& io) {
  CommandLine command_line(
      std::string(program), "create|list|info|delete [NAME] -c FILE",
      "Manages named checkpoints: point-in-time states that GC keeps and that\n"
      "`zerofs run --checkpoint NAME` serves read-only. The commands talk to the running\n"
      "zerofs through its admin server, so FILE must have a [servers.rpc] section.\n"
      "  create NAME   checkpoint the current state under NAME\n"
      "  list          list the checkpoints\n"
      "  info NAME     show one checkpoint\n"
      "  delete NAME   delete a checkpoint (its data becomes collectable)");
  command_line.add_config_option();
  command_line.add_positional("words", 2);
  if (auto done = command_line.parse(args, io)) return *done;

  const std::vector<std::string> words = command_line.positional("words");
  if (words.empty()) return command_line.usage_error(io, "no action given");
  const Action* action = nullptr;
  for (const Action& candidate : kActions) {
    if (candidate.name == words[0]) action = &candidate;
  }
  if (action == nullptr) {
    return command_line.usage_error(io, fmt::format("unknown action '{}'", words[0]));
  }
  if (action->takes_name && words.size() < 2) {
    return command_line.usage_error(io, fmt::format("'{}' needs a checkpoint NAME", words[0]));
  }
  if (!action->takes_name && words.size() > 1) {
    return command_line.usage_error(io, fmt::format("'{}' takes no NAME", words[0]));
  }
  if (action->takes_name) {
    if (auto valid = check_checkpoint_name(words[1]); !valid) {
      return command_line.usage_error(io, valid.error().message());
    }
  }

  const auto config = load_config_or_report(command_line, io);
  if (!config) return kExitFailure;
  const std::string action_program = fmt::format("{} {}", program, action->name);
  if (!config->servers.rpc) {
    return report_failure(
        io, action_program,
        fmt::format("config error: {} has no [servers.rpc] section, which checkpoint commands "
                    "use to reach the running zerofs",
                    command_line.config_path()));
  }
  return report_unavailable(io, action_program, "checkpoint management",
                            "the admin RPC server lands with a later issue");
}

}  // namespace zerofs::app::cli
