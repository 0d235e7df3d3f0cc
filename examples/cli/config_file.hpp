#pragma once
// Configuration files for --config (the command line's flag syntax, or a flat
// JSON object) and the JSON the trainer writes (strings, numbers, the
// resolved configuration that --config takes back).

#include <actorcritic/core/atomic_file.hpp>

#include "flags.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace cli {

namespace detail {
/// A JSON string literal's contents at text[at] (after the opening quote); moves `at` past the closing quote.
inline std::string json_string_at(std::string_view text, std::size_t& at, std::string_view where) {
  std::string out;
  while (at < text.size() && text[at] != '"') {
    char c = text[at++];
    if (c == '\\') {
      if (at >= text.size()) break;
      c = text[at++];
      switch (c) {
        case 'n': c = '\n'; break;
        case 't': c = '\t'; break;
        case '"': case '\\': case '/': break;
        default: usage_error("{}: unsupported escape \\{} in a string", where, c);
      }
    }
    out += c;
  }
  if (at >= text.size()) usage_error("{}: a string is not closed", where);
  ++at;
  return out;
}
}  // namespace detail

/// The flags of a configuration file, in order, as (--name, value) pairs. Two syntaxes:
///  - the command line's, one flag per line: `--steps 1e5` or `--steps=1e5`
///    (the value is the rest of the line), with blank lines and `#` comments;
///  - a flat JSON object, as a summary's "config" holds it: {"steps": 100000,
///    "hidden": "64,64", "layer-norm": false}, names with or without the leading --.
/// A flag given twice in one file is refused.
inline std::vector<std::pair<std::string, std::string>> read_config_file(const std::string& path) {
  std::string text;
  try {
    text = ac::read_file(path);
  } catch (const std::exception& error) {
    usage_error("--config: cannot read {}: {}", path, error.what());
  }
  std::vector<std::pair<std::string, std::string>> flags;
  auto add = [&](std::string name, std::string value, std::string_view where) {
    if (!name.starts_with("--")) name = "--" + name;
    if (name == "--config") usage_error("{}: a configuration file cannot name another (--config)", where);
    if (std::any_of(flags.begin(), flags.end(), [&](const auto& f) { return f.first == name; })) {
      usage_error("{}: {} given twice; give each flag once", where, name);
    }
    flags.emplace_back(std::move(name), std::move(value));
  };
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first != std::string::npos && text[first] == '{') {
    const std::string where = fmt::format("--config {}", path);
    std::size_t at = first + 1;
    auto skip_space = [&] {
      while (at < text.size() && std::isspace(static_cast<unsigned char>(text[at]))) ++at;
    };
    skip_space();
    if (at < text.size() && text[at] == '}') return flags;
    while (true) {
      skip_space();
      if (at >= text.size() || text[at] != '"') usage_error("{}: expected a \"name\" at byte {}", where, at);
      ++at;
      std::string name = detail::json_string_at(text, at, where);
      skip_space();
      if (at >= text.size() || text[at] != ':') usage_error("{}: expected ':' after \"{}\"", where, name);
      ++at;
      skip_space();
      std::string value;
      if (at < text.size() && text[at] == '"') {
        ++at;
        value = detail::json_string_at(text, at, where);
      } else {
        const std::size_t end = text.find_first_of(",}\n\r\t ", at);
        value = text.substr(at, end == std::string::npos ? std::string::npos : end - at);
        at = end == std::string::npos ? text.size() : end;
        if (value.empty() || value.front() == '{' || value.front() == '[') {
          usage_error("{}: \"{}\": expected a string, a number or true/false (a flat object of flags)", where, name);
        }
      }
      add(std::move(name), std::move(value), where);
      skip_space();
      if (at < text.size() && text[at] == ',') {
        ++at;
        continue;
      }
      if (at < text.size() && text[at] == '}') break;
      usage_error("{}: expected ',' or '}}' after the value of \"{}\"", where, flags.back().first.substr(2));
    }
    return flags;
  }
  std::size_t at = 0;
  for (long line_number = 1; at < text.size(); ++line_number) {
    std::size_t end = text.find('\n', at);
    if (end == std::string::npos) end = text.size();
    std::string line = text.substr(at, end - at);
    at = end + 1;
    if (const auto hash = line.find('#'); hash != std::string::npos) line.resize(hash);
    const auto begin = line.find_first_not_of(" \t\r");
    if (begin == std::string::npos) continue;
    line = line.substr(begin, line.find_last_not_of(" \t\r") - begin + 1);
    const std::string where = fmt::format("--config {} line {}", path, line_number);
    if (!line.starts_with("--")) usage_error("{}: expected --name value, got \"{}\"", where, line);
    const auto split = line.find_first_of("= \t");
    if (split == std::string::npos) usage_error("{}: {}: expected a value after the flag", where, line);
    const auto value_begin = line.find_first_not_of(" \t=", split);
    if (value_begin == std::string::npos) {
      usage_error("{}: {}: expected a value after the flag", where, line.substr(0, split));
    }
    add(line.substr(0, split), line.substr(value_begin), where);
  }
  return flags;
}

/// The JSON string literal of `text`.
inline std::string json_string(std::string_view text) {
  std::string out = "\"";
  for (const char c : text) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      out += fmt::format("\\u{:04x}", static_cast<int>(c));
    } else {
      out += c;
    }
  }
  return out + "\"";
}

/// A JSON number; NaN and infinities (which JSON lacks) become null.
inline std::string json_number(double value) {
  return std::isfinite(value) ? fmt::format("{}", value) : std::string("null");
}

/// The JSON of a flag's value as a configuration file takes it back: true and
/// false and finite numbers bare, anything else (lists, names, inf) as a string.
inline std::string json_config_value(const std::string& value) {
  if (value == "true" || value == "false") return value;
  double number = 0;
  const auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), number);
  if (!value.empty() && error == std::errc() && end == value.data() + value.size() && std::isfinite(number) &&
      value.find_first_of("nN") == std::string::npos) {
    return value;
  }
  return json_string(value);
}

}  // namespace cli
