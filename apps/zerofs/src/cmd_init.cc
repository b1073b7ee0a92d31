// `zerofs init [PATH|-] [--force]`: writes the commented configuration template.
#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ostream>

#include "appcommon/config_template.h"
#include "base/result.h"
#include "zerofscli/commands.h"

namespace zerofs::app::cli {

namespace {

constexpr std::string_view kDefaultPath = "zerofs.toml";

// Creates (or, with `overwrite`, truncates) `path` and writes `text`. The file is created
// 0600: people do paste secrets into it despite the template's ${VAR} references.
Result<void> write_new_file(const std::string& path, std::string_view text, bool overwrite) {
  const int flags = O_WRONLY | O_CREAT | O_CLOEXEC | (overwrite ? O_TRUNC : O_EXCL);
  const int fd = ::open(path.c_str(), flags, 0600);
  if (fd < 0) {
    const int error = errno;
    if (error == EEXIST) {
      return fail(Errc::already_exists, "{} already exists (use --force to overwrite it)", path);
    }
    return fail(Errc::permanent, "cannot create {}: {}", path, std::strerror(error));
  }
  std::size_t written = 0;
  while (written < text.size()) {
    const ssize_t n = ::write(fd, text.data() + written, text.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const int error = errno;
      ::close(fd);
      return fail(Errc::permanent, "cannot write {}: {}", path, std::strerror(error));
    }
    written += static_cast<std::size_t>(n);
  }
  if (::close(fd) != 0) {
    return fail(Errc::permanent, "cannot write {}: {}", path, std::strerror(errno));
  }
  return {};
}

}  // namespace

int cmd_init(std::string_view program, std::span<const std::string> args, const CommandIo& io) {
  CommandLine command_line(
      std::string(program), "[PATH|-] [--force]",
      "Writes a commented configuration template to PATH (default zerofs.toml), or to\n"
      "standard output when PATH is '-'. An existing file is kept unless --force is given.\n"
      "The template reads the password from ${ZEROFS_PASSWORD} and stores data under\n"
      "${HOME}/.local/share/zerofs/data; edit it, then start with: zerofs run -c PATH");
  command_line.add_options()("force,f", "overwrite PATH if it exists");
  command_line.add_positional("path", 1);
  if (auto done = command_line.parse(args, io)) return *done;

  const std::vector<std::string> paths = command_line.positional("path");
  const std::string path = paths.empty() ? std::string(kDefaultPath) : paths.front();
  if (path.empty()) return command_line.usage_error(io, "PATH is empty");
  if (path == "-") {
    io.out << init_template();
    io.out.flush();
    return io.out ? kExitOk : report_failure(io, program, "cannot write to standard output");
  }
  if (auto written = write_new_file(path, init_template(), command_line.has("force")); !written) {
    return report_failure(io, program, written.error().message());
  }
  io.out << fmt::format("Wrote {0}. Edit it, export ZEROFS_PASSWORD, then run: zerofs run -c {0}\n",
                        path);
  return kExitOk;
}

}  // namespace zerofs::app::cli
