#pragma once
// Line plots drawn by gnuplot (Debian: gnuplot-nox) from CSV files with a
// header row, written to PNG: the learning curve of a CsvLog (mean episode
// return against environment steps), and any columns against any other (the
// lecture demos). The PNG is written atomically, like every file we write.

#include "actorcritic/core/atomic_file.hpp"
#include "actorcritic/core/error.hpp"

#include <fmt/format.h>

#include <cstdlib>
#include <filesystem>
#include <string>
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

/// Plots `spec.y` against `spec.x` of `csv_path` into `png_path`.
/// Throws IoError if gnuplot is missing or fails.
inline void plot_csv(const std::filesystem::path& csv_path, const std::filesystem::path& png_path, const PlotSpec& spec) {
  if (spec.y.empty()) throw_invalid_argument("plot_csv: spec.y: expected at least one column");
  if (std::system("command -v gnuplot >/dev/null 2>&1") != 0) {
    throw_io_error("plot_csv: gnuplot is not installed (Debian: apt-get install gnuplot-nox)");
  }
  using detail::gnuplot_quote;
  std::filesystem::path temporary_png = png_path;
  temporary_png += ".tmp.png";
  std::string lines;
  for (const auto& column : spec.y) {
    lines += fmt::format("{}{} using (column({})):(column({})) with {} title {}", lines.empty() ? "" : ", \\\n  ",
                         gnuplot_quote(csv_path.string()), gnuplot_quote(spec.x), gnuplot_quote(column), spec.style,
                         gnuplot_quote(column));
  }
  const std::string script = fmt::format(
      "set terminal pngcairo size 960,540 font ',11' noenhanced\n"
      "set output {}\n"
      "set datafile separator ','\n"
      "set title {}\n"
      "set xlabel {}\nset ylabel {}\n"
      "set grid\n{}{}{}\n"
      "plot {}\n",
      gnuplot_quote(temporary_png.string()), gnuplot_quote(spec.title), gnuplot_quote(spec.x_label),
      gnuplot_quote(spec.y_label), spec.y.size() == 1 ? "set key off\n" : "set key outside right\n",
      spec.log_x ? "set logscale x\n" : "", spec.log_y ? "set logscale y\n" : "", lines);
  std::filesystem::path script_path = png_path;
  script_path += ".gp";
  write_file_atomically(script_path, script);
  // gnuplot's messages go to a log, not the terminal: a failure reports them in its error.
  std::filesystem::path log_path = png_path;
  log_path += ".log";
  const int status = std::system(
      fmt::format("gnuplot {} >{} 2>&1", gnuplot_quote(script_path.string()), gnuplot_quote(log_path.string())).c_str());
  std::filesystem::remove(script_path);
  std::string messages;
  std::error_code ignored;
  if (std::filesystem::exists(log_path, ignored)) {
    messages = read_file(log_path);
    std::filesystem::remove(log_path, ignored);
  }
  if (status != 0) {
    std::filesystem::remove(temporary_png, ignored);
    while (!messages.empty() && (messages.back() == '\n' || messages.back() == ' ')) messages.pop_back();
    throw_io_error("plot_csv: gnuplot failed (status {}) on {}{}", status, csv_path.string(),
                   messages.empty() ? std::string() : ": " + messages.substr(messages.size() > 400 ? messages.size() - 400 : 0));
  }
  std::filesystem::rename(temporary_png, png_path);
}

/// Plots column `mean_return` against `steps` of a CsvLog file into `png_path`.
inline void plot_learning_curve(const std::filesystem::path& csv_path, const std::filesystem::path& png_path,
                                const std::string& title) {
  plot_csv(csv_path, png_path,
           {.title = title, .x = "steps", .y = {"mean_return"}, .x_label = "environment steps",
            .y_label = "mean episode return (recent episodes)"});
}

}  // namespace ac
