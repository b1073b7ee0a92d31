// The zerofs subcommands, shared by the `zerofs` CLI and the thin entry points
// `zerofs-server` (= `zerofs run`) and `zerofs-compactor` (= `zerofs compactor`).
//
// Every command has the same shape: it takes the name it reports under (e.g. "zerofs run",
// or "zerofs-server" when called from that entry point), the tokens after the command name,
// and the streams to use, and returns the process exit code (command_line.h: 0 success,
// 1 runtime error with a one-line message, 2 usage error). Commands never throw.
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "appcommon/command_line.h"

namespace zerofs::app::cli {

using Command = int (*)(std::string_view program, std::span<const std::string> args,
                        const CommandIo& io);

// `zerofs [--help] [--version] COMMAND [ARGS...]`: dispatches to the commands below.
int zerofs_main(std::string_view program, std::span<const std::string> args, const CommandIo& io);

int cmd_init(std::string_view program, std::span<const std::string> args, const CommandIo& io);
int cmd_run(std::string_view program, std::span<const std::string> args, const CommandIo& io);
int cmd_compactor(std::string_view program, std::span<const std::string> args, const CommandIo& io);
int cmd_checkpoint(std::string_view program, std::span<const std::string> args,
                   const CommandIo& io);
int cmd_change_password(std::string_view program, std::span<const std::string> args,
                        const CommandIo& io);
int cmd_fsck(std::string_view program, std::span<const std::string> args, const CommandIo& io);
int cmd_config_check(std::string_view program, std::span<const std::string> args,
                     const CommandIo& io);

// The body of every main(): runs `command` on argv[1..] with the standard streams, answers a
// lone --version / -V with "<program> <version>", and turns an escaping exception into a
// one-line error and exit code 1.
int run_main(std::string_view program, int argc, char** argv, Command command);

}  // namespace zerofs::app::cli
