#pragma once
// Whole-file reads and atomic writes: a file is written to a temporary
// sibling and renamed over the target, so a crash never leaves half a file.
// And the other kind of file a run writes, a log that grows: every append is
// flushed at once, so a killed process leaves everything up to its last one.

#include "actorcritic/core/error.hpp"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <string_view>
#include <system_error>

namespace ac {

/// Writes `bytes` to `path` atomically: temporary file in the same directory,
/// flushed and closed, then renamed over `path`.
inline void write_file_atomically(const std::filesystem::path& path, std::string_view bytes) {
  if (path.empty()) throw_invalid_argument("write_file_atomically: path: expected a file path, got \"\"");
  std::filesystem::path temporary = path;
  temporary += ".tmp";
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    if (!out) throw_io_error("cannot open \"{}\" for writing", temporary.string());
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    out.flush();
    if (!out) {
      out.close();
      std::error_code ignored;
      std::filesystem::remove(temporary, ignored);
      throw_io_error("cannot write {} bytes to \"{}\"", bytes.size(), temporary.string());
    }
  }
  std::error_code error;
  std::filesystem::rename(temporary, path, error);
  if (error) {
    std::error_code ignored;
    std::filesystem::remove(temporary, ignored);
    throw_io_error("cannot rename \"{}\" to \"{}\": {}", temporary.string(), path.string(),
                   error.message());
  }
}

/// Reads a whole file into a string of bytes.
inline std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw_io_error("cannot open \"{}\" for reading", path.string());
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) throw_io_error("cannot read \"{}\"", path.string());
  return bytes;
}

/// A file opened for appending (or created empty, with `truncate`), each
/// append written and flushed before it returns; errors name the path.
class AppendFile {
 public:
  explicit AppendFile(std::filesystem::path path, bool truncate = false) : path_(std::move(path)) {
    file_.reset(std::fopen(path_.c_str(), truncate ? "wb" : "ab"));
    if (!file_) throw_io_error("cannot open \"{}\" for appending", path_.string());
  }

  void append(std::string_view bytes) {
    if (std::fwrite(bytes.data(), 1, bytes.size(), file_.get()) != bytes.size() || std::fflush(file_.get()) != 0) {
      throw_io_error("cannot append {} bytes to \"{}\"", bytes.size(), path_.string());
    }
  }

  [[nodiscard]] const std::filesystem::path& path() const { return path_; }

 private:
  struct Close {
    void operator()(std::FILE* file) const { std::fclose(file); }
  };
  std::filesystem::path path_;
  std::unique_ptr<std::FILE, Close> file_;
};

}  // namespace ac
