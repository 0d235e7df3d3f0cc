#pragma once
// Command-line flags bound to configuration fields. Each flag knows its field,
// its help text and its valid range; --help prints every flag with the value
// it holds now, i.e. the default tuned for the chosen algorithm and environment.
// A bad value is rejected naming the flag; an unknown flag lists where to look.

#include <actorcritic/core/error.hpp>

#include <fmt/core.h>
#include <fmt/format.h>

#include <algorithm>
#include <cctype>
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
enum class Range { any, positive, positive_or_inf, non_negative, discount, unit_closed, unit_open_closed };

inline std::string_view describe(Range r) {
  switch (r) {
    case Range::positive: return "a number > 0";
    case Range::positive_or_inf: return "a number > 0, or inf";
    case Range::non_negative: return "a number >= 0";
    case Range::discount: return "a discount in (0, 1]";
    case Range::unit_closed: return "a number in [0, 1]";
    case Range::unit_open_closed: return "a number in (0, 1]";
    case Range::any: break;
  }
  return "a number";
}

inline bool in_range(double v, Range r) {
  if (r == Range::positive_or_inf) return v > 0;  // NaN fails, +inf passes
  if (!std::isfinite(v)) return false;
  switch (r) {
    case Range::positive:
    case Range::positive_or_inf: return v > 0;
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

/// An integer, also as a step count is often written: 100000, 1e5, 100k, 1.5M.
inline long parse_integer(std::string_view flag, std::string_view text) {
  long value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error == std::errc() && end == text.data() + text.size()) return value;
  double scale = 1.0;
  std::string_view number = text;
  if (!number.empty() && (number.back() == 'k' || number.back() == 'K' || number.back() == 'M')) {
    scale = number.back() == 'M' ? 1e6 : 1e3;
    number.remove_suffix(1);
  }
  double real = 0.0;
  const auto [real_end, real_error] = std::from_chars(number.data(), number.data() + number.size(), real);
  const double scaled = real * scale;
  if (number.empty() || real_error != std::errc() || real_end != number.data() + number.size() ||
      !std::isfinite(scaled) || scaled != std::floor(scaled) || std::fabs(scaled) > 9.0e15) {
    usage_error("{}: expected an integer (e.g. 100000, 1e5, 100k, 1.5M), got \"{}\"", flag, text);
  }
  return static_cast<long>(scaled);
}

/// The edit distance of two flag names (for "did you mean").
inline std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

inline bool parse_bool(std::string_view flag, std::string_view text) {
  if (text == "true" || text == "1" || text == "on" || text == "yes") return true;
  if (text == "false" || text == "0" || text == "off" || text == "no") return false;
  usage_error("{}: expected true or false, got \"{}\"", flag, text);
}

/// Comma-separated positive widths, e.g. "64,64".
/// The items of a comma-separated list ("64,64" → "64", "64"; "" → one empty item).
inline std::vector<std::string_view> split_list(std::string_view text) {
  std::vector<std::string_view> items;
  std::size_t start = 0;
  while (start <= text.size()) {
    const std::size_t comma = std::min(text.find(',', start), text.size());
    items.push_back(text.substr(start, comma - start));
    start = comma + 1;
  }
  return items;
}

inline std::vector<long> parse_widths(std::string_view flag, std::string_view text) {
  std::vector<long> widths;
  for (const std::string_view item : split_list(text)) {
    const long w = parse_integer(flag, item);
    if (w <= 0 || w > 65536) usage_error("{}: expected layer widths in 1..65536, got {}", flag, w);
    widths.push_back(w);
  }
  return widths;
}

/// A command line as switches (--help/-h, --quiet/-q) and (flag, value) pairs in order.
/// Every other flag takes a value (booleans too: --layer-norm true), given as
/// `--name value` or `--name=value`, so one grammar serves the trainer, the
/// evaluator, the exporter and the examples.
struct CommandLine {
  bool help = false;
  bool quiet = false;
  std::vector<std::pair<std::string, std::string>> given;
  /// A last flag without a value: reported once the flags are known (an
  /// unknown name is a worse mistake than a missing value).
  std::string dangling;

  [[nodiscard]] bool has(std::string_view flag) const {
    return std::any_of(given.begin(), given.end(), [&](const auto& g) { return g.first == flag; });
  }
};

inline CommandLine split_command_line(int argc, char** argv) {
  CommandLine line;
  for (int i = 1; i < argc; ++i) {
    std::string flag = argv[i];
    if (flag == "--help" || flag == "-h") {
      line.help = true;
      continue;
    }
    if (flag == "--quiet" || flag == "-q") {
      line.quiet = true;
      continue;
    }
    if (!flag.starts_with("--") || flag.size() == 2) {
      usage_error("unexpected argument \"{}\"; flags look like --name value or --name=value (see --help)", flag);
    }
    std::string value;
    if (const auto equals = flag.find('='); equals != std::string::npos) {
      value = flag.substr(equals + 1);
      flag.resize(equals);
    } else if (i + 1 >= argc) {
      line.dangling = flag;
      break;
    } else {
      value = argv[++i];
      // A value is never a flag: `--csv --quiet` forgot the CSV's path.
      if (value.starts_with("--") || value == "-h" || value == "-q") {
        usage_error("{}: expected a value after the flag, got the flag {}", flag, value);
      }
    }
    if (line.has(flag)) usage_error("{}: given twice; give each flag once", flag);
    line.given.emplace_back(flag, value);
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
    add(std::move(name), std::move(help), [&target] { return target; },
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
    apply(line, program);
    return line;
  }

  [[nodiscard]] bool knows(std::string_view name) const {
    return std::any_of(entries_.begin(), entries_.end(), [&](const Entry& e) { return e.name == name && e.apply; });
  }

  /// A flag that exists elsewhere but not here, and why (e.g. "--initial-log-std":
  /// "only for continuous actions; CartPole-v1 has discrete actions").
  void unavailable(std::string name, std::string reason) { unavailable_.emplace_back(std::move(name), std::move(reason)); }

  /// Applies (flag, value) pairs in order, then judges a last flag without a
  /// value (CommandLine::dangling); unknown flags are UsageErrors naming `context`.
  void apply(const std::vector<std::pair<std::string, std::string>>& given, std::string_view context,
             std::string_view dangling = {}) const {
    for (const auto& [flag, value] : given) {
      const auto it =
          std::find_if(entries_.begin(), entries_.end(), [&](const Entry& e) { return e.name == flag && e.apply; });
      if (it == entries_.end()) reject_unknown(flag, context);
      it->apply(flag, value);
    }
    if (dangling.empty()) return;
    if (!knows(dangling)) reject_unknown(dangling, context);
    usage_error("{}: expected a value after the flag", dangling);
  }
  void apply(const CommandLine& line, std::string_view context) const { apply(line.given, context, line.dangling); }

  /// Every flag with the value it holds now (as it would be given), in the help's order.
  [[nodiscard]] std::vector<std::pair<std::string, std::string>> values() const {
    std::vector<std::pair<std::string, std::string>> out;
    for (const auto& e : entries_) {
      if (e.apply) out.emplace_back(e.name, e.show());
    }
    return out;
  }

  [[nodiscard]] std::string help() const {
    std::string out;
    for (const auto& e : entries_) {
      if (e.name.empty()) {
        out += fmt::format("\n{}:\n", e.help);
      } else {
        const std::string value = e.show();
        out += fmt::format("  {:<24} {} [{}]\n", e.name, e.help, value.empty() ? "(none)" : value);
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

  /// The error for a flag this set does not take: its reason when it is
  /// unavailable here, else the nearest known name when one is close.
  [[noreturn]] void reject_unknown(std::string_view flag, std::string_view context) const {
    for (const auto& [name, reason] : unavailable_) {
      if (name == flag) usage_error("{}: {}", flag, reason);
    }
    std::string nearest;
    std::size_t best = std::max<std::size_t>(2, flag.size() / 4) + 1;
    for (const auto& e : entries_) {
      if (!e.apply) continue;
      const std::size_t d = edit_distance(flag, e.name);
      if (d < best) best = d, nearest = e.name;
    }
    if (!nearest.empty()) usage_error("unknown flag {} for {}; did you mean {}? (see --help)", flag, context, nearest);
    usage_error("unknown flag {} for {} (see --help)", flag, context);
  }

  std::vector<Entry> entries_;
  std::vector<std::pair<std::string, std::string>> unavailable_;
};

}  // namespace cli
