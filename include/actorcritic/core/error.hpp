#pragma once
// Error types. Every message names the argument and what was expected, so a
// user can fix the call without reading our source.

#include <fmt/format.h>

#include <initializer_list>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>

namespace ac {

/// Base of every exception the library throws.
class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// An argument has the wrong value, range or shape.
class InvalidArgument : public Error {
 public:
  using Error::Error;
};

/// A file could not be read or written, or its contents are not what was expected.
class IoError : public Error {
 public:
  using Error::Error;
};

/// A call made in the wrong state, such as step() on an environment whose
/// episode has ended and that was not reset.
class UsageError : public Error {
 public:
  using Error::Error;
};

/// A NaN or infinity appeared where a finite number is required.
class NumericalError : public Error {
 public:
  using Error::Error;
};

template <class... Args>
[[noreturn]] void throw_invalid_argument(fmt::format_string<Args...> format, Args&&... args) {
  throw InvalidArgument(fmt::format(format, std::forward<Args>(args)...));
}

template <class... Args>
[[noreturn]] void throw_io_error(fmt::format_string<Args...> format, Args&&... args) {
  throw IoError(fmt::format(format, std::forward<Args>(args)...));
}

/// Throws InvalidArgument unless `rows x cols` equals `expected_rows x expected_cols`.
inline void check_shape(std::string_view argument, long rows, long cols, long expected_rows,
                        long expected_cols) {
  if (rows != expected_rows || cols != expected_cols) {
    throw_invalid_argument("{}: expected a {}x{} matrix, got {}x{}", argument, expected_rows,
                           expected_cols, rows, cols);
  }
}

/// The same, with the argument's name given in parts (joined only to report a
/// failure, so that a check in a hot loop never allocates).
inline void check_shape(std::initializer_list<std::string_view> argument_parts, long rows, long cols,
                        long expected_rows, long expected_cols) {
  if (rows != expected_rows || cols != expected_cols) {
    std::string argument;
    for (const std::string_view part : argument_parts) argument += part;
    check_shape(argument, rows, cols, expected_rows, expected_cols);
  }
}

/// Throws InvalidArgument unless `gamma` is a discount factor in (0, 1].
inline void check_discount(std::string_view argument, double gamma) {
  if (!(gamma > 0.0 && gamma <= 1.0)) {
    throw_invalid_argument("{}: expected a discount factor in (0, 1], got {}", argument, gamma);
  }
}

/// Throws InvalidArgument unless `value > 0`.
template <class T>
void check_positive(std::string_view argument, T value) {
  if (!(value > T{0})) throw_invalid_argument("{}: expected a value > 0, got {}", argument, value);
}

/// Throws InvalidArgument unless `value >= 0`.
template <class T>
void check_non_negative(std::string_view argument, T value) {
  if (!(value >= T{0})) throw_invalid_argument("{}: expected a value >= 0, got {}", argument, value);
}

/// Throws InvalidArgument unless `low <= value <= high` (a NaN fails).
template <class T>
void check_in_closed_range(std::string_view argument, T value, T low, T high) {
  if (!(value >= low && value <= high)) {
    throw_invalid_argument("{}: expected a value in [{}, {}], got {}", argument, low, high, value);
  }
}

}  // namespace ac
