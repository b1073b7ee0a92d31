// Command-line helpers shared by the zerofs executables: Boost.Program_options parsing with
// the project's exit-code convention, usage text and one-line error reports.
//
// Exit codes: 0 success, 1 runtime error (one line "<program>: <problem>" on stderr),
// 2 usage error (the problem, then the help text, on stderr).
//
// A CommandLine is used by one thread; it owns its option descriptions and parsed values.
#pragma once

#include <boost/program_options/options_description.hpp>
#include <boost/program_options/positional_options.hpp>
#include <boost/program_options/variables_map.hpp>
#include <iosfwd>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace zerofs::app {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;
inline constexpr int kExitUsage = 2;

// The streams a command talks to; the executables pass std::cin/cout/cerr, tests pass
// string streams. The referenced streams must outlive the command.
struct CommandIo {
  std::istream& in;
  std::ostream& out;
  std::ostream& err;
};

CommandIo standard_io();

class CommandLine {
 public:
  // `program` starts every message ("zerofs run"); `synopsis` follows it on the usage line
  // ("-c FILE [--read-only]"); `description` is the paragraph --help prints.
  CommandLine(std::string program, std::string synopsis, std::string description);

  // Declares options listed by --help. "-h,--help" is always declared.
  boost::program_options::options_description_easy_init add_options();

  // Declares a positional argument taking at most `max_count` tokens (-1: any number).
  // Positionals are described by the synopsis, not listed as options.
  void add_positional(const std::string& name, int max_count);

  // Declares "-c,--config FILE" as a required option.
  void add_config_option();

  // Parses `args`, the tokens after the command name. Returns nullopt when the command
  // should go on, or the exit code to return now: kExitOk after printing the help to
  // io.out (for --help), kExitUsage after printing the problem and the help to io.err.
  std::optional<int> parse(std::span<const std::string> args, const CommandIo& io);

  const boost::program_options::variables_map& values() const noexcept { return values_; }
  bool has(const std::string& name) const { return values_.count(name) > 0; }
  // The value of a string option or single positional; empty when not given.
  std::string value(const std::string& name) const;
  // The tokens of a positional declared with add_positional (empty when none).
  std::vector<std::string> positional(const std::string& name) const;
  // The path given with --config (after add_config_option and a successful parse).
  std::string config_path() const { return value("config"); }

  const std::string& program() const noexcept { return program_; }
  std::string usage_line() const;
  void print_help(std::ostream& os) const;

  // Prints "<program>: <message>" and then the help to io.err; returns kExitUsage.
  int usage_error(const CommandIo& io, std::string_view message) const;

 private:
  std::string program_;
  std::string synopsis_;
  std::string description_;
  boost::program_options::options_description visible_;
  boost::program_options::options_description hidden_;
  boost::program_options::positional_options_description positional_;
  boost::program_options::variables_map values_;
};

// Prints "<program>: <message>" to io.err; returns kExitFailure.
int report_failure(const CommandIo& io, std::string_view program, std::string_view message);

// Splits "zerofs [GLOBAL OPTIONS] COMMAND [ARGS]": the index of the first token that does
// not start with '-' (the command), or args.size() when there is none.
std::size_t find_command_index(std::span<const std::string> args);

}  // namespace zerofs::app
