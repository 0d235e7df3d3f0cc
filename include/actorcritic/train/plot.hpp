#pragma once
// Line plots drawn by gnuplot (Debian: gnuplot-nox) from CSV files with a
// header row, written to PNG: from a CsvLog the learning curve (training
// return and evaluation points), a page of its diagnostics and several runs'
// curves with their mean; and any columns against any other (the lecture
// demos). The PNG is written atomically, like every file we write.

#include "actorcritic/core/atomic_file.hpp"
#include "actorcritic/core/error.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <limits>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ac {

/// Columns of a CSV file (by header name) against one x column.
struct PlotSpec {
  std::string title;
  std::string x;                    // x column
  std::vector<std::string> y;       // one line per column, titled by its name
  std::string x_label, y_label;
  bool log_x = false;
  bool log_y = false;
  std::string style = "lines linewidth 2";  // gnuplot `with` clause
};

namespace detail {
/// A gnuplot single-quoted string literal.
inline std::string gnuplot_quote(const std::string& text) {
  std::string out = "'";
  for (const char c : text) out += c == '\'' ? std::string("''") : std::string(1, c);
  return out + "'";
}
}  // namespace detail

/// The columns of a CSV file with a header row of names and rows of numbers
/// (`nan` allowed, as CsvLog writes them).
struct CsvColumns {
  std::vector<std::string> names;
  std::vector<std::vector<double>> values;  // values[c][row]

  /// The column named `name`; throws InvalidArgument listing the names if there is none.
  [[nodiscard]] const std::vector<double>& operator[](std::string_view name) const {
    for (std::size_t c = 0; c < names.size(); ++c) {
      if (names[c] == name) return values[c];
    }
    throw_invalid_argument("CsvColumns: no column \"{}\"; the file has {}", name, fmt::join(names, ", "));
  }
  [[nodiscard]] bool has(std::string_view name) const {
    return std::find(names.begin(), names.end(), name) != names.end();
  }
  [[nodiscard]] std::size_t rows() const { return values.empty() ? 0 : values.front().size(); }
};

/// Reads a numeric CSV file (such as a CsvLog's). Throws IoError naming the
/// file and line on a row whose column count differs from the header's or a
/// cell that is not a number.
inline CsvColumns read_csv_columns(const std::filesystem::path& path) {
  const std::string text = read_file(path);
  CsvColumns table;
  std::size_t at = 0;
  long line_number = 0;
  auto next_line = [&](std::string_view& line) {
    if (at >= text.size()) return false;
    std::size_t end = text.find('\n', at);
    if (end == std::string::npos) end = text.size();
    line = std::string_view(text).substr(at, end - at);
    at = end + 1;
    ++line_number;
    return true;
  };
  auto cells = [](std::string_view line) {
    std::vector<std::string_view> out;
    std::size_t from = 0;
    while (true) {
      const std::size_t comma = line.find(',', from);
      out.push_back(line.substr(from, comma == std::string_view::npos ? std::string_view::npos : comma - from));
      if (comma == std::string_view::npos) return out;
      from = comma + 1;
    }
  };
  std::string_view line;
  if (!next_line(line) || line.empty()) throw_io_error("read_csv_columns: {} has no header row", path.string());
  for (const auto name : cells(line)) table.names.emplace_back(name);
  table.values.resize(table.names.size());
  while (next_line(line)) {
    if (line.empty()) continue;
    const auto row = cells(line);
    if (row.size() != table.names.size()) {
      throw_io_error("read_csv_columns: {} line {}: expected {} values, got {}", path.string(), line_number,
                     table.names.size(), row.size());
    }
    for (std::size_t c = 0; c < row.size(); ++c) {
      const std::string cell(row[c]);
      char* end = nullptr;
      const double value = std::strtod(cell.c_str(), &end);
      if (cell.empty() || end != cell.c_str() + cell.size()) {
        throw_io_error("read_csv_columns: {} line {}: column {}: expected a number, got \"{}\"", path.string(),
                       line_number, table.names[c], cell);
      }
      table.values[c].push_back(value);
    }
  }
  return table;
}

namespace detail {
/// Runs a gnuplot script that draws into `png_path`: the image is written to a
/// temporary file and renamed into place, gnuplot's messages are kept out of
/// the terminal and reported in the error when it fails.
inline void run_gnuplot(const std::filesystem::path& png_path, const std::string& script_for_output,
                        std::string_view what) {
  if (std::system("command -v gnuplot >/dev/null 2>&1") != 0) {
    throw_io_error("{}: gnuplot is not installed (Debian: apt-get install gnuplot-nox)", what);
  }
  std::filesystem::path temporary_png = png_path;
  temporary_png += ".tmp.png";
  std::filesystem::path script_path = png_path;
  script_path += ".gp";
  write_file_atomically(script_path, fmt::format("set output {}\n{}", gnuplot_quote(temporary_png.string()),
                                                 script_for_output));
  std::filesystem::path log_path = png_path;
  log_path += ".log";
  const int status = std::system(
      fmt::format("gnuplot {} >{} 2>&1", gnuplot_quote(script_path.string()), gnuplot_quote(log_path.string())).c_str());
  std::error_code ignored;
  std::filesystem::remove(script_path, ignored);
  std::string messages;
  if (std::filesystem::exists(log_path, ignored)) {
    messages = read_file(log_path);
    std::filesystem::remove(log_path, ignored);
  }
  if (status != 0) {
    std::filesystem::remove(temporary_png, ignored);
    while (!messages.empty() && (messages.back() == '\n' || messages.back() == ' ')) messages.pop_back();
    throw_io_error("{}: gnuplot failed (status {}){}", what, status,
                   messages.empty() ? std::string()
                                    : ": " + messages.substr(messages.size() > 400 ? messages.size() - 400 : 0));
  }
  std::filesystem::rename(temporary_png, png_path);
}

inline bool any_finite(const std::vector<double>& values) {
  return std::any_of(values.begin(), values.end(), [](double v) { return std::isfinite(v); });
}

/// Lines for long series; lines with their points marked for a few rows, which a line alone hides.
inline std::string curve_style(std::size_t rows, std::string_view width = "2") {
  return rows < 40 ? fmt::format("linespoints linewidth {} pointtype 7 pointsize 0.8", width)
                   : fmt::format("lines linewidth {}", width);
}

inline constexpr std::string_view kTerminal = "set terminal pngcairo size {},{} font ',11' noenhanced\n";

/// A step count as a short label: 0, 500, 2.5k, 20k, 1.5M.
inline std::string step_label(double steps) {
  const auto trimmed = [](double v, std::string_view unit) {
    std::string text = fmt::format("{:.1f}", v);
    if (text.ends_with(".0")) text.resize(text.size() - 2);
    return text + std::string(unit);
  };
  if (steps >= 1e6) return trimmed(steps / 1e6, "M");
  if (steps >= 1e3) return trimmed(steps / 1e3, "k");
  return fmt::format("{:.0f}", steps);
}

/// The x axis of a plot against environment steps: from 0 to a little past the
/// last step, with four to eight tics at round steps (1, 2 or 5 × 10^k), labelled short.
inline std::string step_axis(const std::vector<double>& steps) {
  double high = 0.0;
  for (const double v : steps) {
    if (std::isfinite(v)) high = std::max(high, v);
  }
  if (high <= 0.0) high = 1.0;
  const double raw = high / 4.0;
  const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
  double spacing = magnitude;
  for (const double factor : {1.0, 2.0, 5.0, 10.0}) {
    spacing = factor * magnitude;
    if (high / spacing <= 8.0 && spacing >= raw / 2.0) break;
  }
  spacing = std::max(1.0, std::round(spacing));
  std::string tics;
  for (double x = 0.0; x <= high * (1.0 + 1e-9); x += spacing) {
    tics += fmt::format("{}{} {}", tics.empty() ? "" : ", ", gnuplot_quote(step_label(x)), x);
  }
  // A margin right of the last step and above and below the values, so that no point sits on a border.
  return fmt::format("set xrange [0:{}]\nset xtics ({})\nset offsets 0, 0, graph 0.05, graph 0.05\n", high * 1.03,
                     tics);
}

/// The axes of a plot whose y values are all missing, with a label saying why.
inline std::string empty_panel(const std::vector<double>& steps, std::string_view why) {
  return fmt::format("{}set yrange [0:1]\nset label 1 {} at graph 0.5,0.5 center\nplot NaN notitle\n"
                     "unset label 1\nset autoscale\n",
                     step_axis(steps), gnuplot_quote(std::string(why)));
}
}  // namespace detail

/// Plots `spec.y` against `spec.x` of `csv_path` into `png_path`.
/// Throws IoError if gnuplot is missing or fails.
inline void plot_csv(const std::filesystem::path& csv_path, const std::filesystem::path& png_path, const PlotSpec& spec) {
  if (spec.y.empty()) throw_invalid_argument("plot_csv: spec.y: expected at least one column");
  using detail::gnuplot_quote;
  std::string lines;
  for (const auto& column : spec.y) {
    lines += fmt::format("{}{} using (column({})):(column({})) with {} title {}", lines.empty() ? "" : ", \\\n  ",
                         gnuplot_quote(csv_path.string()), gnuplot_quote(spec.x), gnuplot_quote(column), spec.style,
                         gnuplot_quote(column));
  }
  const std::string script = fmt::format(
      "{}set datafile separator ','\n"
      "set title {}\n"
      "set xlabel {}\nset ylabel {}\n"
      "set grid\n{}{}{}\n"
      "plot {}\n",
      fmt::format(detail::kTerminal, 960, 540), gnuplot_quote(spec.title), gnuplot_quote(spec.x_label),
      gnuplot_quote(spec.y_label), spec.y.size() == 1 ? "set key off\n" : "set key outside right\n",
      spec.log_x ? "set logscale x\n" : "", spec.log_y ? "set logscale y\n" : "", lines);
  detail::run_gnuplot(png_path, script, fmt::format("plot_csv: {}", csv_path.string()));
}

/// The learning curve of a CsvLog file: the mean return of the recent training
/// episodes against environment steps, and the evaluations taken during
/// training (eval_mean_return ± eval_std_return) as points with error bars.
/// A run in which no episode has finished yet gets axes and a label saying so
/// instead of an error. Throws IoError if gnuplot is missing or fails.
inline void plot_learning_curve(const std::filesystem::path& csv_path, const std::filesystem::path& png_path,
                                const std::string& title) {
  using detail::gnuplot_quote;
  const CsvColumns log = read_csv_columns(csv_path);
  const bool training = detail::any_finite(log["mean_return"]);
  const bool evaluated = log.has("eval_mean_return") && detail::any_finite(log["eval_mean_return"]);
  std::string script = fmt::format(
      "{}set datafile separator ','\nset title {}\nset xlabel 'environment steps'\nset ylabel 'episode return'\n"
      "set grid\nset key below\n",
      fmt::format(detail::kTerminal, 960, 540), gnuplot_quote(title));
  if (!training && !evaluated) {
    script += detail::empty_panel(log["steps"], "no episode has finished yet");
  } else {
    script += detail::step_axis(log["steps"]);
    if (!training) script += "set label 1 'no training episode has finished yet' at graph 0.5,0.95 center\n";
    const std::string file = gnuplot_quote(csv_path.string());
    std::string lines;
    if (training) {
      lines = fmt::format("{} using (column('steps')):(column('mean_return')) with {} title 'training (recent episodes)'",
                          file, detail::curve_style(log.rows()));
    }
    if (evaluated) {
      lines += fmt::format(
          "{}{} using (column('steps')):(column('eval_mean_return')):(column('eval_std_return')) with yerrorbars "
          "pointtype 7 pointsize 1 linewidth 1.5 title 'evaluation (mean ± std)'",
          lines.empty() ? "" : ", \\\n  ", file);
    }
    script += "plot " + lines + "\n";
  }
  detail::run_gnuplot(png_path, script, fmt::format("plot_learning_curve: {}", csv_path.string()));
}

/// One panel per diagnostic column of a CsvLog file that holds any value
/// (losses, entropy, KL, clip fraction, explained variance, learning rate, …:
/// whatever the algorithm measures) against environment steps, three to a row.
/// Throws IoError if gnuplot is missing or fails, InvalidArgument if the file
/// has no diagnostic with a value.
inline void plot_diagnostics(const std::filesystem::path& csv_path, const std::filesystem::path& png_path,
                             const std::string& title) {
  using detail::gnuplot_quote;
  const CsvColumns log = read_csv_columns(csv_path);
  constexpr std::array<std::string_view, 7> kNotDiagnostics{
      "iteration", "steps", "wall_seconds", "mean_return", "episodes", "eval_mean_return", "eval_std_return"};
  std::vector<std::string> panels;
  for (std::size_t c = 0; c < log.names.size(); ++c) {
    if (std::find(kNotDiagnostics.begin(), kNotDiagnostics.end(), log.names[c]) == kNotDiagnostics.end() &&
        detail::any_finite(log.values[c])) {
      panels.push_back(log.names[c]);
    }
  }
  if (panels.empty()) {
    throw_invalid_argument("plot_diagnostics: {}: expected a diagnostic column with a value", csv_path.string());
  }
  const std::size_t columns = std::min<std::size_t>(3, panels.size());
  const std::size_t rows = (panels.size() + columns - 1) / columns;
  std::string script = fmt::format(
      "{}set datafile separator ','\nset grid\nset key off\n{}"
      "set multiplot layout {},{} title {}\n",
      fmt::format(detail::kTerminal, 440 * columns, 280 * rows + 40), detail::step_axis(log["steps"]), rows, columns,
      gnuplot_quote(title));
  for (const auto& name : panels) {
    script += fmt::format("set title {}\nplot {} using (column('steps')):(column({})) with {}\n", gnuplot_quote(name),
                          gnuplot_quote(csv_path.string()), gnuplot_quote(name), detail::curve_style(log.rows(), "1.5"));
  }
  script += "unset multiplot\n";
  detail::run_gnuplot(png_path, script, fmt::format("plot_diagnostics: {}", csv_path.string()));
}

/// The learning curves of several runs of one configuration (e.g. seeds), each
/// a CsvLog file titled by its label, thin, with their mean, thick: the curves
/// are interpolated linearly onto the first run's steps, and the mean at a step
/// is over the runs whose curve covers it. Evaluations taken at one of those
/// steps are averaged over the runs evaluated there and drawn as points. The
/// data are kept beside the image as PNG.csv (steps, one column per run, mean,
/// eval_mean). Throws IoError if
/// gnuplot is missing or fails, InvalidArgument without runs.
inline void plot_runs(const std::vector<std::pair<std::string, std::filesystem::path>>& runs,
                      const std::filesystem::path& png_path, const std::string& title) {
  using detail::gnuplot_quote;
  if (runs.empty()) throw_invalid_argument("plot_runs: runs: expected at least one CSV file");
  std::vector<CsvColumns> logs;
  for (const auto& run : runs) logs.push_back(read_csv_columns(run.second));
  const std::vector<double>& grid = logs.front()["steps"];
  // y of a curve at x, linearly between its rows with values; NaN outside them.
  auto at = [](const CsvColumns& log, double x) {
    const auto& xs = log["steps"];
    const auto& ys = log["mean_return"];
    double x0 = std::numeric_limits<double>::quiet_NaN(), y0 = x0;
    for (std::size_t i = 0; i < xs.size(); ++i) {
      if (!std::isfinite(ys[i])) continue;
      if (xs[i] == x) return ys[i];
      if (xs[i] > x) return std::isfinite(x0) ? y0 + (ys[i] - y0) * (x - x0) / (xs[i] - x0) : std::nan("");
      x0 = xs[i];
      y0 = ys[i];
    }
    return std::numeric_limits<double>::quiet_NaN();
  };
  // An evaluation of a run at exactly step x (NaN if it has none there).
  auto evaluation_at = [](const CsvColumns& log, double x) {
    if (!log.has("eval_mean_return")) return std::numeric_limits<double>::quiet_NaN();
    const auto& xs = log["steps"];
    const auto& ys = log["eval_mean_return"];
    for (std::size_t i = 0; i < xs.size(); ++i) {
      if (xs[i] == x) return ys[i];
    }
    return std::numeric_limits<double>::quiet_NaN();
  };
  auto mean_of = [](const std::vector<double>& values) {
    double sum = 0.0;
    int count = 0;
    for (const double v : values) {
      if (std::isfinite(v)) sum += v, ++count;
    }
    return count > 0 ? sum / count : std::numeric_limits<double>::quiet_NaN();
  };
  std::string table = "steps";
  for (std::size_t r = 0; r < runs.size(); ++r) table += fmt::format(",run{}", r);
  table += ",mean,eval_mean\n";
  bool any = false, evaluated = false;
  std::vector<double> ys(logs.size()), evaluations(logs.size());
  for (const double x : grid) {
    table += fmt::format("{}", x);
    for (std::size_t r = 0; r < logs.size(); ++r) {
      ys[r] = at(logs[r], x);
      evaluations[r] = evaluation_at(logs[r], x);
      table += fmt::format(",{}", ys[r]);
    }
    const double mean = mean_of(ys), evaluation = mean_of(evaluations);
    table += fmt::format(",{},{}\n", mean, evaluation);
    any = any || std::isfinite(mean) || std::isfinite(evaluation);
    evaluated = evaluated || std::isfinite(evaluation);
  }
  std::filesystem::path data_path = png_path;
  data_path += ".csv";
  write_file_atomically(data_path, table);
  std::string script = fmt::format(
      "{}set datafile separator ','\nset title {}\nset xlabel 'environment steps'\n"
      "set ylabel 'episode return (recent episodes)'\nset grid\nset key bottom right\n",
      fmt::format(detail::kTerminal, 960, 540), gnuplot_quote(title));
  if (!any) {
    script += detail::empty_panel(grid, "no episode has finished yet");
  } else {
    script += detail::step_axis(grid);
    std::string lines;
    for (std::size_t r = 0; r < runs.size(); ++r) {
      lines += fmt::format("{} using (column('steps')):(column('run{}')) with lines linewidth 1 title {}, \\\n  ",
                           gnuplot_quote(data_path.string()), r, gnuplot_quote(runs[r].first));
    }
    lines += fmt::format("{} using (column('steps')):(column('mean')) with lines linewidth 3 linecolor 'black' "
                         "title 'mean of {}'",
                         gnuplot_quote(data_path.string()), runs.size());
    if (evaluated) {
      lines += fmt::format(", \\\n  {} using (column('steps')):(column('eval_mean')) with points pointtype 7 "
                           "pointsize 1.3 linecolor 'black' title 'evaluation, mean of the runs evaluated there'",
                           gnuplot_quote(data_path.string()));
    }
    script += "plot " + lines + "\n";
  }
  detail::run_gnuplot(png_path, script, "plot_runs");
}

}  // namespace ac
