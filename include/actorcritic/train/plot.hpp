#pragma once
// Learning curves drawn by gnuplot (Debian: gnuplot-nox) from a CsvLog file:
// mean episode return against environment steps, written to a PNG.

#include "actorcritic/core/atomic_file.hpp"
#include "actorcritic/core/error.hpp"

#include <fmt/format.h>

#include <cstdlib>
#include <filesystem>
#include <string>

namespace ac {

/// Plots column `mean_return` against `steps` of `csv_path` into `png_path`.
/// Throws IoError if gnuplot is missing or fails.
inline void plot_learning_curve(const std::filesystem::path& csv_path, const std::filesystem::path& png_path,
                                const std::string& title) {
  if (std::system("command -v gnuplot >/dev/null 2>&1") != 0) {
    throw_io_error("plot_learning_curve: gnuplot is not installed (Debian: apt-get install gnuplot-nox)");
  }
  const auto quote = [](const std::filesystem::path& p) {
    std::string s = p.string();
    std::string out;
    for (char c : s) {
      if (c == '\'') out += "''";  // gnuplot single-quoted strings double the quote
      else out += c;
    }
    return "'" + out + "'";
  };
  std::filesystem::path temporary_png = png_path;
  temporary_png += ".tmp.png";
  const std::string script = fmt::format(
      "set terminal pngcairo size 960,540 font ',11'\n"
      "set output {}\n"
      "set datafile separator ','\n"
      "set title {}\n"
      "set xlabel 'environment steps'\nset ylabel 'mean episode return (recent episodes)'\n"
      "set grid\nset key off\n"
      "plot {} using (column('steps')):(column('mean_return')) with lines linewidth 2\n",
      quote(temporary_png), quote(title), quote(csv_path));
  std::filesystem::path script_path = png_path;
  script_path += ".gp";
  write_file_atomically(script_path, script);
  const int status = std::system(fmt::format("gnuplot {} 2>&1", quote(script_path)).c_str());
  std::filesystem::remove(script_path);
  if (status != 0) {
    std::filesystem::remove(temporary_png);
    throw_io_error("plot_learning_curve: gnuplot failed (status {}) on {}", status, csv_path.string());
  }
  std::filesystem::rename(temporary_png, png_path);  // atomic, like every file we write
}

}  // namespace ac
