#include "appcommon/command_line.h"

#include <boost/program_options/value_semantic.hpp>
#include <sstream>

#include "test_support/catch.h"

using namespace zerofs::app;

namespace {

struct Streams {
  std::istringstream in;
  std::ostringstream out;
  std::ostringstream err;
  CommandIo io{in, out, err};
};

CommandLine make_command() {
  CommandLine command_line("zerofs demo", "-c FILE [NAME]", "Demonstrates the helpers.");
  command_line.add_config_option();
  command_line.add_options()("read-only", "serve read-only")(
      "checkpoint", boost::program_options::value<std::string>()->value_name("NAME"),
      "checkpoint to open");
  command_line.add_positional("name", 1);
  return command_line;
}

}  // namespace

TEST_CASE("a valid command line parses into values") {
  Streams s;
  CommandLine command_line = make_command();
  const std::vector<std::string> args = {"snap",        "-c",           "z.toml",
                                         "--read-only", "--checkpoint", "cp1"};
  CHECK_FALSE(command_line.parse(args, s.io).has_value());
  CHECK(command_line.config_path() == "z.toml");
  CHECK(command_line.has("read-only"));
  CHECK(command_line.value("checkpoint") == "cp1");
  CHECK(command_line.positional("name") == std::vector<std::string>{"snap"});
  CHECK(command_line.value("name") == "snap");
  CHECK(command_line.value("absent").empty());
  CHECK(s.out.str().empty());
  CHECK(s.err.str().empty());
}

TEST_CASE("--help prints the help and asks to exit 0 even without required options") {
  Streams s;
  CommandLine command_line = make_command();
  const std::vector<std::string> args = {"--help"};
  CHECK(command_line.parse(args, s.io) == kExitOk);
  const std::string help = s.out.str();
  CHECK(help.starts_with("Usage: zerofs demo -c FILE [NAME]\n\nDemonstrates the helpers.\n"));
  CHECK(help.find("--config FILE") != std::string::npos);
  CHECK(help.find("--read-only") != std::string::npos);
  CHECK(s.err.str().empty());
}

TEST_CASE("usage errors print the problem and the usage and ask to exit 2") {
  const auto error_for = [](std::vector<std::string> args) {
    Streams s;
    CommandLine command_line = make_command();
    const auto code = command_line.parse(args, s.io);
    CHECK(code == kExitUsage);
    CHECK(s.out.str().empty());
    return s.err.str();
  };
  CHECK(
      error_for({}).starts_with("zerofs demo: the option '--config' is required but missing\n"
                                "Usage: zerofs demo -c FILE [NAME]\n"));
  CHECK(
      error_for({"-c", "z", "--bogus"}).starts_with("zerofs demo: unrecognised option '--bogus'"));
  CHECK(error_for({"-c", "z", "a", "b"}).starts_with("zerofs demo: too many positional options"));
  CHECK(error_for({"-c"}).starts_with("zerofs demo: the required argument for option '--config'"));
}

TEST_CASE("usage_error and report_failure format one-line messages") {
  Streams s;
  CommandLine command_line = make_command();
  CHECK(command_line.usage_error(s.io, "bad NAME") == kExitUsage);
  CHECK(s.err.str().starts_with("zerofs demo: bad NAME\nUsage: zerofs demo -c FILE [NAME]\n"));
  Streams t;
  CHECK(report_failure(t.io, "zerofs run", "config error: z.toml:3: oops") == kExitFailure);
  CHECK(t.err.str() == "zerofs run: config error: z.toml:3: oops\n");
}

TEST_CASE("find_command_index skips leading options") {
  using Args = std::vector<std::string>;
  CHECK(find_command_index(Args{"run", "-c", "x"}) == 0);
  CHECK(find_command_index(Args{"--help", "run"}) == 1);
  CHECK(find_command_index(Args{"-V"}) == 1);
  CHECK(find_command_index(Args{}) == 0);
}
