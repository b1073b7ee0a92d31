// TableReader: typed, positioned access to one TOML table of a configuration document.
//
// Every error it produces is Errc::invalid_argument with a message of the form
// "<origin>:<line>: <dotted.key>: <problem>", so the parser never formats positions itself.
// String values are returned after `${VAR}` substitution.
//
// A reader refers to the toml++ table and the ParseContext it was made from; both must
// outlive it. Not thread-safe (used by one parse at a time).
#pragma once

#include <toml++/toml.h>

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "appcommon/env_substitution.h"
#include "base/result.h"

namespace zerofs::app::detail {

struct ParseContext {
  std::string_view origin;
  const EnvLookup* env;
};

// One element of a string array, with the line it sits on.
struct PositionedString {
  std::string value;
  std::uint32_t line = 0;
};

class TableReader {
 public:
  // `path` is the dotted name of the table ("" for the document root).
  TableReader(const toml::table& table, std::string path, const ParseContext& context);

  // Fails on the key that is not in `allowed` and comes first in the file, naming it with its
  // full dotted name ("unknown key 'lsm.foo'", "unknown section [cachee]").
  Result<void> check_keys(std::initializer_list<std::string_view> allowed) const;

  bool contains(std::string_view key) const { return table_->contains(key); }

  // Each getter returns nullopt when the key is absent and fails when it has another type.
  Result<std::optional<std::string>> string(std::string_view key) const;
  // A boolean, or the strings "true"/"false" (after substitution).
  Result<std::optional<bool>> boolean(std::string_view key) const;
  // A float or an integer.
  Result<std::optional<double>> number(std::string_view key) const;
  // An integer within [min, max].
  Result<std::optional<std::int64_t>> integer(std::string_view key, std::int64_t min,
                                              std::int64_t max) const;
  Result<std::optional<std::vector<PositionedString>>> string_array(std::string_view key) const;
  Result<std::optional<TableReader>> table(std::string_view key) const;

  // "<path>.<key>", or "<key>" at the root.
  std::string key_path(std::string_view key) const;
  // The line where `key` is defined (0 if unknown).
  std::uint32_t line_of(std::string_view key) const;
  // The line where this table starts (0 for the root or an implicit table).
  std::uint32_t line() const { return table_->source().begin.line; }

  // An error about `key`, positioned at its line.
  Error error_at(std::string_view key, std::string_view problem) const;
  // An error positioned at `line` about `subject` (a dotted key or "[section]").
  Error error_at_line(std::uint32_t line, std::string_view subject, std::string_view problem) const;

  const std::string& path() const noexcept { return path_; }
  const ParseContext& context() const noexcept { return *context_; }

 private:
  Result<std::string> substitute(std::string_view key, std::string_view text,
                                 std::uint32_t line) const;

  const toml::table* table_;
  std::string path_;
  const ParseContext* context_;
};

// "an integer", "a string", ... for messages.
std::string_view describe_type(toml::node_type type);

}  // namespace zerofs::app::detail
