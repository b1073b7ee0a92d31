#include "toml_reader.h"

#include <fmt/format.h>

#include <algorithm>

#include "appcommon/config_values.h"

namespace zerofs::app::detail {

namespace {

// Levenshtein distance, for "did you mean" hints on short configuration keys.
std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t above = row[j];
      const std::size_t substitution = diagonal + (a[i - 1] == b[j - 1] ? 0 : 1);
      row[j] = std::min({above + 1, row[j - 1] + 1, substitution});
      diagonal = above;
    }
  }
  return row[b.size()];
}

std::string suggestion(std::string_view key, std::initializer_list<std::string_view> allowed) {
  std::string_view best;
  std::size_t best_distance = 3;  // hint only for near misses
  for (std::string_view candidate : allowed) {
    const std::size_t distance = edit_distance(key, candidate);
    if (distance < best_distance) {
      best_distance = distance;
      best = candidate;
    }
  }
  return best.empty() ? std::string() : fmt::format(" (did you mean '{}'?)", best);
}

}  // namespace

std::string_view describe_type(toml::node_type type) {
  switch (type) {
    case toml::node_type::string:
      return "a string";
    case toml::node_type::integer:
      return "an integer";
    case toml::node_type::floating_point:
      return "a float";
    case toml::node_type::boolean:
      return "a boolean";
    case toml::node_type::array:
      return "an array";
    case toml::node_type::table:
      return "a table";
    case toml::node_type::date:
      return "a date";
    case toml::node_type::time:
      return "a time";
    case toml::node_type::date_time:
      return "a date-time";
    case toml::node_type::none:
      break;
  }
  return "nothing";
}

TableReader::TableReader(const toml::table& table, std::string path, const ParseContext& context)
    : table_(&table), path_(std::move(path)), context_(&context) {}

std::string TableReader::key_path(std::string_view key) const {
  return path_.empty() ? std::string(key) : fmt::format("{}.{}", path_, key);
}

std::uint32_t TableReader::line_of(std::string_view key) const {
  for (auto&& [k, node] : *table_) {
    if (k.str() == key)
      return k.source().begin.line ? k.source().begin.line : node.source().begin.line;
  }
  return 0;
}

Error TableReader::error_at_line(std::uint32_t line, std::string_view subject,
                                 std::string_view problem) const {
  if (line == 0)
    return Error::make(Errc::invalid_argument, "{}: {}: {}", context_->origin, subject, problem);
  return Error::make(Errc::invalid_argument, "{}:{}: {}: {}", context_->origin, line, subject,
                     problem);
}

Error TableReader::error_at(std::string_view key, std::string_view problem) const {
  return error_at_line(line_of(key), key_path(key), problem);
}

Result<void> TableReader::check_keys(std::initializer_list<std::string_view> allowed) const {
  const toml::key* first = nullptr;
  const toml::node* first_node = nullptr;
  for (auto&& [key, node] : *table_) {
    if (std::find(allowed.begin(), allowed.end(), key.str()) != allowed.end()) continue;
    if (first == nullptr || key.source().begin.line < first->source().begin.line) {
      first = &key;
      first_node = &node;
    }
  }
  if (first == nullptr) return {};
  const std::string name = key_path(first->str());
  const std::string hint = suggestion(first->str(), allowed);
  const std::uint32_t line = first->source().begin.line;
  const toml::table* as_table = first_node->as_table();
  if (as_table != nullptr && !as_table->is_inline()) {
    return fail(Errc::invalid_argument, "{}:{}: unknown section [{}]{}", context_->origin, line,
                name, hint);
  }
  return fail(Errc::invalid_argument, "{}:{}: unknown key '{}'{}", context_->origin, line, name,
              hint);
}

Result<std::string> TableReader::substitute(std::string_view key, std::string_view text,
                                            std::uint32_t line) const {
  auto substituted = substitute_env(text, *context_->env);
  if (!substituted) return fail(error_at_line(line, key_path(key), substituted.error().message()));
  return std::move(*substituted);
}

Result<std::optional<std::string>> TableReader::string(std::string_view key) const {
  const toml::node* node = table_->get(key);
  if (node == nullptr) return std::nullopt;
  const auto* value = node->as_string();
  if (value == nullptr) {
    return fail(
        error_at(key, fmt::format("expected a string, found {}", describe_type(node->type()))));
  }
  ZF_TRY(std::string text, substitute(key, value->get(), node->source().begin.line));
  return text;
}

Result<std::optional<bool>> TableReader::boolean(std::string_view key) const {
  const toml::node* node = table_->get(key);
  if (node == nullptr) return std::nullopt;
  if (const auto* value = node->as_boolean()) return value->get();
  if (const auto* value = node->as_string()) {
    ZF_TRY(std::string text, substitute(key, value->get(), node->source().begin.line));
    auto parsed = parse_bool_text(text);
    if (!parsed) return fail(error_at(key, parsed.error().message()));
    return *parsed;
  }
  return fail(
      error_at(key, fmt::format("expected a boolean, found {}", describe_type(node->type()))));
}

Result<std::optional<double>> TableReader::number(std::string_view key) const {
  const toml::node* node = table_->get(key);
  if (node == nullptr) return std::nullopt;
  if (const auto* value = node->as_floating_point()) return value->get();
  if (const auto* value = node->as_integer()) return static_cast<double>(value->get());
  return fail(
      error_at(key, fmt::format("expected a number, found {}", describe_type(node->type()))));
}

Result<std::optional<std::int64_t>> TableReader::integer(std::string_view key, std::int64_t min,
                                                         std::int64_t max) const {
  const toml::node* node = table_->get(key);
  if (node == nullptr) return std::nullopt;
  const auto* value = node->as_integer();
  if (value == nullptr) {
    return fail(
        error_at(key, fmt::format("expected an integer, found {}", describe_type(node->type()))));
  }
  const std::int64_t v = value->get();
  if (v < min || v > max) {
    return fail(error_at(key, fmt::format("must be {} to {} (got {})", min, max, v)));
  }
  return v;
}

Result<std::optional<std::vector<PositionedString>>> TableReader::string_array(
    std::string_view key) const {
  const toml::node* node = table_->get(key);
  if (node == nullptr) return std::nullopt;
  const auto* array = node->as_array();
  if (array == nullptr) {
    return fail(error_at(
        key, fmt::format("expected an array of strings, found {}", describe_type(node->type()))));
  }
  std::vector<PositionedString> out;
  out.reserve(array->size());
  for (std::size_t i = 0; i < array->size(); ++i) {
    const toml::node& element = *array->get(i);
    const std::uint32_t line = element.source().begin.line;
    const auto* value = element.as_string();
    if (value == nullptr) {
      return fail(
          error_at_line(line, fmt::format("{}[{}]", key_path(key), i),
                        fmt::format("expected a string, found {}", describe_type(element.type()))));
    }
    ZF_TRY(std::string text, substitute(key, value->get(), line));
    out.push_back({std::move(text), line});
  }
  return out;
}

Result<std::optional<TableReader>> TableReader::table(std::string_view key) const {
  const toml::node* node = table_->get(key);
  if (node == nullptr) return std::nullopt;
  const auto* value = node->as_table();
  if (value == nullptr) {
    return fail(error_at(key, fmt::format("expected a table ([{}]), found {}", key_path(key),
                                          describe_type(node->type()))));
  }
  return TableReader(*value, key_path(key), *context_);
}

}  // namespace zerofs::app::detail
