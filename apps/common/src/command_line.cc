#include "appcommon/command_line.h"

#include <boost/program_options/parsers.hpp>
#include <boost/program_options/value_semantic.hpp>
#include <iostream>

namespace po = boost::program_options;

namespace zerofs::app {

CommandIo standard_io() { return CommandIo{std::cin, std::cout, std::cerr}; }

CommandLine::CommandLine(std::string program, std::string synopsis, std::string description)
    : program_(std::move(program)),
      synopsis_(std::move(synopsis)),
      description_(std::move(description)),
      visible_("Options") {
  visible_.add_options()("help,h", "show this help and exit");
}

po::options_description_easy_init CommandLine::add_options() { return visible_.add_options(); }

void CommandLine::add_positional(const std::string& name, int max_count) {
  hidden_.add_options()(name.c_str(), po::value<std::vector<std::string>>());
  positional_.add(name.c_str(), max_count);
}

void CommandLine::add_config_option() {
  visible_.add_options()("config,c", po::value<std::string>()->value_name("FILE")->required(),
                         "configuration file (TOML)");
}

std::optional<int> CommandLine::parse(std::span<const std::string> args, const CommandIo& io) {
  po::options_description all;
  all.add(visible_).add(hidden_);
  try {
    const std::vector<std::string> tokens(args.begin(), args.end());
    po::store(po::command_line_parser(tokens).options(all).positional(positional_).run(), values_);
    // --help wins over every other problem, including missing required options.
    if (values_.count("help") > 0) {
      print_help(io.out);
      return kExitOk;
    }
    po::notify(values_);
  } catch (const po::error& error) {
    return usage_error(io, error.what());
  }
  return std::nullopt;
}

std::string CommandLine::value(const std::string& name) const {
  const auto found = values_.find(name);
  if (found == values_.end()) return {};
  const boost::any& value = found->second.value();
  if (const auto* text = boost::any_cast<std::string>(&value)) return *text;
  if (const auto* list = boost::any_cast<std::vector<std::string>>(&value)) {
    return list->empty() ? std::string() : list->front();
  }
  return {};
}

std::vector<std::string> CommandLine::positional(const std::string& name) const {
  const auto found = values_.find(name);
  if (found == values_.end()) return {};
  return found->second.as<std::vector<std::string>>();
}

std::string CommandLine::usage_line() const {
  return synopsis_.empty() ? "Usage: " + program_ : "Usage: " + program_ + " " + synopsis_;
}

void CommandLine::print_help(std::ostream& os) const {
  os << usage_line() << "\n\n" << description_ << "\n\n" << visible_;
}

int CommandLine::usage_error(const CommandIo& io, std::string_view message) const {
  io.err << program_ << ": " << message << "\n";
  print_help(io.err);
  return kExitUsage;
}

int report_failure(const CommandIo& io, std::string_view program, std::string_view message) {
  io.err << program << ": " << message << "\n";
  return kExitFailure;
}

std::size_t find_command_index(std::span<const std::string> args) {
  for (std::size_t i = 0; i < args.size(); ++i) {
    if (!args[i].starts_with('-') || args[i] == "-") return i;
  }
  return args.size();
}

}  // namespace zerofs::app
