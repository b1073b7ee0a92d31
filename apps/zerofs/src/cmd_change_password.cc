// `zerofs change-password -c FILE`: rewraps the data key under a new password read from
// standard input. No data is re-encrypted.
#include <istream>
#include <iterator>

#include "command_support.h"
#include "zerofscli/commands.h"

namespace zerofs::app::cli {

namespace {

// The new password is the whole input minus one trailing newline, as `echo NEW | zerofs
// change-password` and `< file` produce. A second line is refused rather than guessed at.
Result<std::string> read_new_password(std::istream& in, const std::string& current) {
  std::string text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  if (text.ends_with('\n')) text.pop_back();
  if (text.ends_with('\r')) text.pop_back();
  if (text.empty()) {
    return fail(Errc::invalid_argument, "no new password on standard input");
  }
  if (text.find('\n') != std::string::npos) {
    return fail(Errc::invalid_argument, "the new password must be a single line");
  }
  if (text == current) {
    return fail(Errc::invalid_argument,
                "the new password is the same as storage.encryption_password");
  }
  return text;
}

}  // namespace

int cmd_change_password(std::string_view program, std::span<const std::string> args,
                        const CommandIo& io) {
  CommandLine command_line(
      std::string(program), "-c FILE",
      "Reads a new password from standard input and rewraps the data key with it; the data\n"
      "itself is not re-encrypted. FILE supplies the current password. Afterwards, update\n"
      "storage.encryption_password (or the variable it names) to the new password.\n"
      "  echo 'new password' | zerofs change-password -c zerofs.toml");
  command_line.add_config_option();
  if (auto done = command_line.parse(args, io)) return *done;

  const auto config = load_config_or_report(command_line, io);
  if (!config) return kExitFailure;
  auto password = read_new_password(io.in, config->storage.encryption_password);
  if (!password) return report_failure(io, program, password.error().message());
  return report_unavailable(io, program, "changing the password",
                            "the key store lands with a later issue");
}

}  // namespace zerofs::app::cli
