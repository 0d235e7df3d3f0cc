#pragma once
// Command-line flags bound to configuration fields. Each flag knows its field,
// its help text and its valid range; --help prints every flag with the value
// it holds now, i.e. the default tuned for the chosen algorithm and environment.
// A bad value is rejected naming the flag; an unknown flag lists where to look.

#include <actorcritic/core/error.hpp>

#include <fmt/core.h>
#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <exception>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <functional>
#include <limits>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace cli {

/// Bad command-line input: exit code 2.
struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

template <class... Args>
[[noreturn]] void usage_error(fmt::format_string<Args...> format, Args&&... args) {
  throw UsageError(fmt::format(format, std::forward<Args>(args)...));
}

/// A program's main: runs `body` and turns an exception into one line on
/// stderr and an exit code: 2 for bad input (a UsageError, or an
/// ac::InvalidArgument from a configuration the flags built), 1 for anything else.
template <class Body>
int guarded_main(std::string_view program, Body&& body) {
  try {
    return body();
  } catch (const UsageError& error) {
    fmt::print(stderr, "{}: {}\n", program, error.what());
    return 2;
  } catch (const ac::InvalidArgument& error) {
    fmt::print(stderr, "{}: {}\n", program, error.what());
    return 2;
  } catch (const std::exception& error) {
    fmt::print(stderr, "{}: error: {}\n", program, error.what());
    return 1;
  }
}

/// What a numeric flag accepts.
enum class Range { any, positive, non_negative, discount, unit_closed, unit_open_closed };

inline std::string_view describe(Range r) {
  switch (r) {
    case Range::positive: return "a number > 0";
    case Range::non_negative: return "a number >= 0";
    case Range::discount: return "a discount in (0, 1]";
    case Range::unit_closed: return "a number in [0, 1]";
    case Range::unit_open_closed: return "a number in (0, 1]";
    case Range::any: break;
  }
  return "a number";
}

inline bool in_range(double v, Range r) {
  if (!std::isfinite(v)) return false;
  switch (r) {
    case Range::positive: return v > 0;
    case Range::non_negative: return v >= 0;
    case Range::discount:
    case Range::unit_open_closed: return v > 0 && v <= 1;
    case Range::unit_closed: return v >= 0 && v <= 1;
    case Range::any: break;
  }
  return true;
}

inline double parse_number(std::string_view flag, std::string_view text) {
  double value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) {
    usage_error("{}: expected a number, got \"{}\"", flag, text);
  }
  return value;
}

inline long parse_integer(std::string_view flag, std::string_view text) {
  long value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) {
    usage_error("{}: expected an integer, got \"{}\"", flag, text);
  }
  return value;
}

inline bool parse_bool(std::string_view flag, std::string_view text) {
  if (text == "true" || text == "1" || text == "on" || text == "yes") return true;
  if (text == "false" || text == "0" || text == "off" || text == "no") return false;
  usage_error("{}: expected true or false, got \"{}\"", flag, text);
}

/// Comma-separated positive widths, e.g. "64,64".
inline std::vector<long> parse_widths(std::string_view flag, std::string_view text) {
  std::vector<long> widths;
  std::size_t start = 0;
  while (start <= text.size()) {
    const std::size_t comma = std::min(text.find(',', start), text.size());
    const long w = parse_integer(flag, text.substr(start, comma - start));
    if (w <= 0 || w > 65536) usage_error("{}: expected layer widths in 1..65536, got {}", flag, w);
    widths.push_back(w);
    start = comma + 1;
  }
  return widths;
}

/// A command line as switches (--help/-h, --quiet/-q) and (flag, value) pairs in order.
/// Every other flag takes a value (booleans too: --layer-norm true), so one
/// grammar serves the trainer, the evaluator, the exporter and the examples.
struct CommandLine {
  bool help = false;
  bool quiet = false;
  std::vector<std::pair<std::string, std::string>> given;

  [[nodiscard]] bool has(std::string_view flag) const {
    return std::any_of(given.begin(), given.end(), [&](const auto& g) { return g.first == flag; });
  }
};

inline CommandLine split_command_line(int argc, char** argv) {
  CommandLine line;
  for (int i = 1; i < argc; ++i) {
    const std::string flag = argv[i];
    if (flag == "--help" || flag == "-h") {
      line.help = true;
    } else if (flag == "--quiet" || flag == "-q") {
      line.quiet = true;
    } else if (!flag.starts_with("--")) {
      usage_error("unexpected argument \"{}\"; flags look like --name value (see --help)", flag);
    } else if (i + 1 >= argc) {
      usage_error("{}: expected a value after the flag", flag);
    } else {
      line.given.emplace_back(flag, argv[++i]);
    }
  }
  return line;
}

class FlagSet {
 public:
  void section(std::string title) { entries_.push_back({"", std::move(title), "", nullptr}); }

  template <class Number>
    requires std::is_arithmetic_v<Number> && (!std::is_same_v<Number, bool>)
  void number(std::string name, std::string help, Number& target, Range range) {
    add(std::move(name), std::move(help), [&target] { return fmt::format("{}", target); },
        [&target, range](std::string_view flag, std::string_view text) {
          if constexpr (std::is_integral_v<Number>) {
            const long v = parse_integer(flag, text);
            if (!in_range(double(v), range) || v > long(std::numeric_limits<int>::max()) * 1024L) {
              usage_error("{}: expected {}, got {}", flag, range == Range::any ? "an integer" : describe(range), v);
            }
            target = static_cast<Number>(v);
          } else {
            const double v = parse_number(flag, text);
            if (!in_range(v, range)) usage_error("{}: expected {}, got {}", flag, describe(range), text);
            target = static_cast<Number>(v);
          }
        });
  }

  void boolean(std::string name, std::string help, bool& target) {
    add(std::move(name), std::move(help), [&target] { return std::string(target ? "true" : "false"); },
        [&target](std::string_view flag, std::string_view text) { target = parse_bool(flag, text); });
  }

  /// A string flag; with `choices`, one of them (listed in the help).
  void text(std::string name, std::string help, std::string& target, std::vector<std::string> choices = {}) {
    if (!choices.empty()) help += fmt::format(": {}", fmt::join(choices, "|"));
    add(std::move(name), std::move(help), [&target] { return target.empty() ? std::string("(none)") : target; },
        [&target, choices](std::string_view flag, std::string_view value) {
          if (!choices.empty() && std::find(choices.begin(), choices.end(), value) == choices.end()) {
            usage_error("{}: unknown value \"{}\"; expected one of {}", flag, value, fmt::join(choices, ", "));
          }
          target = value;
        });
  }

  /// A flag with its own parser and printer.
  void custom(std::string name, std::string help, std::function<std::string()> show,
              std::function<void(std::string_view, std::string_view)> apply) {
    add(std::move(name), std::move(help), std::move(show), std::move(apply));
  }

  /// Splits and applies argv. --help prints `usage`, then every flag with its
  /// current value, and exits 0; a bad or unknown flag is a UsageError naming `program`.
  CommandLine parse(int argc, char** argv, std::string_view program, std::string_view usage) const {
    CommandLine line = split_command_line(argc, argv);
    if (line.help) {
      fmt::print("{}\n{}", usage, help());
      std::exit(0);
    }
    apply(line.given, program);
    return line;
  }

  [[nodiscard]] bool knows(std::string_view name) const {
    return std::any_of(entries_.begin(), entries_.end(), [&](const Entry& e) { return e.name == name; });
  }

  /// Applies (flag, value) pairs in order; unknown flags are UsageErrors naming `context`.
  void apply(const std::vector<std::pair<std::string, std::string>>& given, std::string_view context) const {
    for (const auto& [flag, value] : given) {
      const auto it = std::find_if(entries_.begin(), entries_.end(), [&](const Entry& e) { return e.name == flag; });
      if (it == entries_.end()) usage_error("unknown flag {} for {} (see --help)", flag, context);
      it->apply(flag, value);
    }
  }

  [[nodiscard]] std::string help() const {
    std::string out;
    for (const auto& e : entries_) {
      if (e.name.empty()) {
        out += fmt::format("\n{}:\n", e.help);
      } else {
        out += fmt::format("  {:<24} {} [{}]\n", e.name, e.help, e.show());
      }
    }
    return out;
  }

 private:
  struct Entry {
    std::string name, help;
    std::function<std::string()> show;
    std::function<void(std::string_view, std::string_view)> apply;
    Entry(std::string n, std::string h, std::function<std::string()> s,
          std::function<void(std::string_view, std::string_view)> a)
        : name(std::move(n)), help(std::move(h)), show(std::move(s)), apply(std::move(a)) {}
    Entry(std::string n, std::string h, const char*, std::nullptr_t) : name(std::move(n)), help(std::move(h)) {}
  };
  void add(std::string name, std::string help, std::function<std::string()> show,
           std::function<void(std::string_view, std::string_view)> apply) {
    entries_.emplace_back(std::move(name), std::move(help), std::move(show), std::move(apply));
  }
  std::vector<Entry> entries_;
};

}  // namespace cli
