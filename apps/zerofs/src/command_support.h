// Pieces shared by the subcommand implementations.
#pragma once

#include <optional>
#include <string_view>

#include "appcommon/command_line.h"
#include "appcommon/config.h"
#include "base/result.h"

namespace zerofs::app::cli {

// Loads the file named by --config. On failure prints "<program>: config error: <message>"
// to io.err and returns nullopt (the caller exits with kExitFailure).
std::optional<Config> load_config_or_report(const CommandLine& command_line, const CommandIo& io);

// For commands whose engine has not landed yet: prints "<program>: <what> is not available
// in this build yet (<reason>)" and returns kExitFailure.
int report_unavailable(const CommandIo& io, std::string_view program, std::string_view what,
                       std::string_view reason);

// Checkpoint names: 1 to 255 bytes, printable ASCII without '/' (they appear in object keys
// and in URLs of the admin server).
Result<void> check_checkpoint_name(std::string_view name);

}  // namespace zerofs::app::cli
