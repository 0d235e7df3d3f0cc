#pragma once
// Test-side readers for the reference data in tests/data (Gymnasium
// recordings and numpy RNG vectors). Deliberately simple: the files are ours.

#include <support/source_paths.hpp>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace ac::test {

inline std::string data_path(const std::string& name) { return std::string(test_data_dir()) + "/" + name; }

inline std::string slurp(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot open test data file " + path);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

/// The quoted strings of the JSON array that follows `"key":` (first occurrence).
inline std::vector<std::string> json_string_array(const std::string& json, const std::string& key) {
  const auto at = json.find("\"" + key + "\"");
  if (at == std::string::npos) throw std::runtime_error("key not found: " + key);
  const auto open = json.find('[', at);
  const auto close = json.find(']', open);
  std::vector<std::string> out;
  std::size_t pos = open;
  while (true) {
    const auto q1 = json.find('"', pos + 1);
    if (q1 == std::string::npos || q1 > close) break;
    const auto q2 = json.find('"', q1 + 1);
    out.push_back(json.substr(q1 + 1, q2 - q1 - 1));
    pos = q2;
  }
  return out;
}

/// The quoted string value of `"key":` (first occurrence).
inline std::string json_string(const std::string& json, const std::string& key) {
  const auto at = json.find("\"" + key + "\"");
  if (at == std::string::npos) throw std::runtime_error("key not found: " + key);
  const auto q1 = json.find('"', json.find(':', at));
  const auto q2 = json.find('"', q1 + 1);
  return json.substr(q1 + 1, q2 - q1 - 1);
}

/// A CSV file with a header line, as rows of string cells.
struct Csv {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;

  [[nodiscard]] std::size_t column(const std::string& name) const {
    for (std::size_t i = 0; i < header.size(); ++i) {
      if (header[i] == name) return i;
    }
    throw std::runtime_error("no column " + name);
  }
  [[nodiscard]] double number(std::size_t row, const std::string& name) const {
    return std::strtod(rows.at(row).at(column(name)).c_str(), nullptr);
  }
};

inline std::vector<std::string> split(const std::string& line, char sep) {
  std::vector<std::string> cells;
  std::string cell;
  std::stringstream stream(line);
  while (std::getline(stream, cell, sep)) cells.push_back(cell);
  if (!line.empty() && line.back() == sep) cells.emplace_back();
  return cells;
}

inline Csv read_csv(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot open test data file " + path);
  Csv csv;
  std::string line;
  std::getline(in, line);
  csv.header = split(line, ',');
  while (std::getline(in, line)) {
    if (!line.empty()) csv.rows.push_back(split(line, ','));
  }
  return csv;
}

}  // namespace ac::test
