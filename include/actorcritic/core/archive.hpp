#pragma once
// One serialization protocol for every stateful class: a single member
//
//   template <class Archive> void serialize(Archive& a) {
//     a.field("steps", steps_, at_least(0));
//     a.field("first_moment", m_);
//   }
//
// both writes (OutputArchive) and reads (InputArchive), so a save and its
// load cannot drift apart. Every field is stored with its name; a reader
// refuses a field whose stored name differs ("expected field X, found Y"),
// a value its check rejects, and a nested record with bytes left over. Nested
// records are length-prefixed, so a reader can skip one it does not need
// (an inference policy skips the learner's state). Format of one field:
//
//   u8 name length | name | payload
//   payload: trivially copyable values as raw little-endian bytes (bool as u8);
//     string = u64 length + bytes; dense Eigen object = u64 rows, u64 cols,
//     coefficients (column-major); vector = u64 count + elements; optional =
//     u8 flag [+ value]; variant = u8 index + value; record = u64 length +
//     its fields.
//
// A loaded dense object keeps its shape: a non-empty target must match the
// stored rows and columns (the constructor sized it), an empty one takes the
// stored shape after a check that the file holds that many bytes, so a hostile
// file cannot make the reader allocate more than its own length.

#include "actorcritic/core/binary_io.hpp"
#include "actorcritic/core/error.hpp"

#include <fmt/format.h>

#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

namespace ac {

class OutputArchive;
class InputArchive;

/// A class with `template <class A> void serialize(A&)`.
template <class T>
concept Serializable = requires(T& value, OutputArchive& out, InputArchive& in) {
  value.serialize(out);
  value.serialize(in);
};

namespace archive {

/// A loaded value's check: `accepts(v)` and the words for the error ("expected …").
template <class Predicate>
struct Check {
  Predicate accepts;
  std::string expected;
};
template <class Predicate>
Check(Predicate, std::string) -> Check<Predicate>;

inline auto at_least(double low) {
  return Check{[low](double v) { return v >= low; }, fmt::format("a value >= {}", low)};
}
inline auto positive() {
  return Check{[](double v) { return v > 0; }, std::string("a value > 0")};
}
inline auto in_range(double low, double high) {
  return Check{[low, high](double v) { return v >= low && v <= high; }, fmt::format("a value in [{}, {}]", low, high)};
}
inline auto below(double high) {
  return Check{[high](double v) { return v < high; }, fmt::format("a value < {}", high)};
}
/// An integer in [low, high] (sizes, counts, enum values).
inline auto between(std::uint64_t low, std::uint64_t high) {
  return Check{[low, high](std::uint64_t v) { return v >= low && v <= high; }, fmt::format("{}..{}", low, high)};
}
/// Dense values that are all finite.
inline auto all_finite() {
  return Check{[](const auto& m) { return m.allFinite(); }, std::string("finite values")};
}
/// Exactly `value` (a record's kind or a shape fixed by what loads it).
template <class T>
auto equal_to(T value) {
  return Check{[value](const T& v) { return v == value; }, fmt::format("{}", value)};
}

template <class T>
struct IsOptional : std::false_type {};
template <class T>
struct IsOptional<std::optional<T>> : std::true_type {};
template <class T>
struct IsVector : std::false_type {};
template <class T, class A>
struct IsVector<std::vector<T, A>> : std::true_type {};
template <class T>
struct IsVariant : std::false_type {};
template <class... Ts>
struct IsVariant<std::variant<Ts...>> : std::true_type {};
template <class T>
concept Dense = std::is_base_of_v<Eigen::DenseBase<T>, T> && requires { typename T::PlainObject; };

inline constexpr std::size_t kMaxNameLength = 255;

}  // namespace archive

/// Writes fields; `bytes()` is the result.
class OutputArchive {
 public:
  static constexpr bool loading = false;

  template <class T>
  OutputArchive& field(std::string_view name, const T& value) {
    if (name.empty() || name.size() > archive::kMaxNameLength) {
      throw_invalid_argument("OutputArchive::field: name: expected 1..255 characters, got \"{}\"", name);
    }
    out_.put(static_cast<std::uint8_t>(name.size()));
    out_.put_bytes(name.data(), name.size());
    if (names_ != nullptr) names_->push_back(prefix_ + std::string(name));
    const std::string_view outer = current_;
    current_ = name;
    write(value);
    current_ = outer;
    return *this;
  }
  /// Checks apply when reading; a writer ignores them.
  template <class T, class Predicate>
  OutputArchive& field(std::string_view name, const T& value, const archive::Check<Predicate>&) {
    return field(name, value);
  }

  [[nodiscard]] const std::string& bytes() const { return out_.bytes(); }

  /// Also lists the dotted path of every field written from here on
  /// ("learner.optimizer.steps"; a vector's records repeat theirs): the
  /// layout of what is written, e.g. to check its documentation.
  void record_field_names(std::vector<std::string>* names) { names_ = names; }

 private:
  template <class T>
  void write(const T& value) {
    if constexpr (std::is_same_v<T, bool>) {
      out_.put(static_cast<std::uint8_t>(value));
    } else if constexpr (std::is_same_v<T, std::string>) {
      out_.put_string(value);
    } else if constexpr (archive::Dense<T>) {
      out_.put(static_cast<std::uint64_t>(value.rows()));
      out_.put(static_cast<std::uint64_t>(value.cols()));
      const typename T::PlainObject plain = value;
      out_.put_bytes(plain.data(), sizeof(typename T::Scalar) * static_cast<std::size_t>(plain.size()));
    } else if constexpr (archive::IsOptional<T>::value) {
      out_.put(static_cast<std::uint8_t>(value.has_value()));
      if (value) write(*value);
    } else if constexpr (archive::IsVariant<T>::value) {
      out_.put(static_cast<std::uint8_t>(value.index()));
      std::visit([this](const auto& alternative) { write(alternative); }, value);
    } else if constexpr (archive::IsVector<T>::value) {
      out_.put(static_cast<std::uint64_t>(value.size()));
      for (const auto& element : value) write(element);
    } else if constexpr (Serializable<T>) {
      OutputArchive nested;
      if (names_ != nullptr) {
        nested.names_ = names_;
        nested.prefix_ = prefix_ + std::string(current_) + ".";
      }
      const_cast<T&>(value).serialize(nested);  // serialize() is shared with loading; writing does not modify
      out_.put_string(nested.bytes());
    } else {
      static_assert(std::is_trivially_copyable_v<T>, "OutputArchive: no serialization for this type");
      out_.put(value);
    }
  }

  ByteWriter out_;
  std::vector<std::string>* names_ = nullptr;
  std::string prefix_;
  std::string_view current_;  // the field being written
};

/// Reads what OutputArchive wrote. `source` (a path) and the field path
/// ("learner.optimizer.steps") name the place of every error, an IoError.
class InputArchive {
 public:
  static constexpr bool loading = true;

  InputArchive(std::string_view bytes, std::string source, std::string path = {})
      : in_(bytes, std::move(source)), path_(std::move(path)) {}

  template <class T>
  InputArchive& field(std::string_view name, T& value) {
    expect_name(name);
    read(value, name);
    return *this;
  }
  template <class T, class Predicate>
  InputArchive& field(std::string_view name, T& value, const archive::Check<Predicate>& check) {
    expect_name(name);
    T loaded = value;
    read(loaded, name);
    if (!check.accepts(loaded)) {
      if constexpr (std::is_arithmetic_v<T>) {
        throw_io_error("{}: {} is {}, expected {}", source(), where(name), loaded, check.expected);
      } else {
        throw_io_error("{}: {}: expected {}", source(), where(name), check.expected);
      }
    }
    value = std::move(loaded);
    return *this;
  }
  /// Skips the next field, which must be called `name` (a record the reader does not need).
  void skip(std::string_view name) {
    expect_name(name);
    (void)in_.get_string(where(name), in_.remaining());
  }
  /// The next field's name, without reading it ("" at the end).
  [[nodiscard]] std::string peek_name() {
    if (in_.remaining() == 0) return {};
    ByteReader probe = in_;
    const auto length = probe.get<std::uint8_t>("field name length");
    std::string name(length, '\0');
    probe.get_bytes(name.data(), length, "field name");
    return name;
  }
  /// Throws unless every byte was read.
  void finish() const {
    if (in_.remaining() != 0) {
      throw_io_error("{}: {} unexpected bytes after the last field{}", source(), in_.remaining(),
                     path_.empty() ? std::string() : fmt::format(" of {}", path_));
    }
  }
  [[nodiscard]] std::size_t remaining() const { return in_.remaining(); }
  [[nodiscard]] const std::string& source() const { return in_.source(); }
  /// "path.name" of a field of this record.
  [[nodiscard]] std::string where(std::string_view name) const {
    return path_.empty() ? std::string(name) : fmt::format("{}.{}", path_, name);
  }

  /// A check that fails when loading, naming the field: for conditions across fields.
  void require(bool condition, std::string_view name, std::string_view expected) const {
    if (!condition) throw_io_error("{}: {}: expected {}", source(), where(name), expected);
  }

 private:
  void expect_name(std::string_view name) {
    const auto length = in_.get<std::uint8_t>(where(name));
    std::string stored(length, '\0');
    in_.get_bytes(stored.data(), length, where(name));
    if (stored != name) throw_io_error("{}: expected field {}, found \"{}\"", source(), where(name), stored);
  }

  template <class T>
  void read(T& value, std::string_view name) {
    const std::string field = where(name);
    if constexpr (std::is_same_v<T, bool>) {
      const auto flag = in_.get<std::uint8_t>(field);
      if (flag > 1) throw_io_error("{}: {} is {}, expected 0 or 1", source(), field, flag);
      value = flag == 1;
    } else if constexpr (std::is_same_v<T, std::string>) {
      value = in_.get_string(field, in_.remaining());
    } else if constexpr (archive::Dense<T>) {
      const auto rows = in_.get<std::uint64_t>(field);
      const auto cols = in_.get<std::uint64_t>(field);
      using S = typename T::Scalar;
      constexpr bool fixed = T::RowsAtCompileTime != Eigen::Dynamic && T::ColsAtCompileTime != Eigen::Dynamic;
      const bool fits_fixed_dimension =
          (T::RowsAtCompileTime == Eigen::Dynamic || rows == static_cast<std::uint64_t>(T::RowsAtCompileTime)) &&
          (T::ColsAtCompileTime == Eigen::Dynamic || cols == static_cast<std::uint64_t>(T::ColsAtCompileTime));
      if (value.size() != 0 || fixed || !fits_fixed_dimension) {
        if (rows != static_cast<std::uint64_t>(value.rows()) || cols != static_cast<std::uint64_t>(value.cols())) {
          throw_io_error("{}: {} is {} x {}, expected {} x {}", source(), field, rows, cols, value.rows(),
                         value.cols());
        }
      } else {
        if ((rows != 0 && cols > in_.remaining() / sizeof(S) / rows)) {
          throw_io_error("{}: {} claims {} x {} values, more than the {} bytes left", source(), field, rows, cols,
                         in_.remaining());
        }
        value.resize(static_cast<Index>(rows), static_cast<Index>(cols));
      }
      in_.get_bytes(value.data(), sizeof(S) * static_cast<std::size_t>(value.size()), field);
    } else if constexpr (archive::IsOptional<T>::value) {
      bool present = false;
      read(present, name);
      if (!present) {
        value.reset();
        return;
      }
      if (!value) value.emplace();
      read(*value, name);
    } else if constexpr (archive::IsVariant<T>::value) {
      const auto index = in_.get<std::uint8_t>(field);
      if (index >= std::variant_size_v<T>) {
        throw_io_error("{}: {} holds alternative {}, expected 0..{}", source(), field, index,
                       std::variant_size_v<T> - 1);
      }
      read_alternative(value, index, name, std::make_index_sequence<std::variant_size_v<T>>{});
    } else if constexpr (archive::IsVector<T>::value) {
      const auto count = in_.get<std::uint64_t>(field);
      if (count > in_.remaining()) {  // every element takes at least one byte
        throw_io_error("{}: {} claims {} elements, more than the {} bytes left", source(), field, count,
                       in_.remaining());
      }
      if constexpr (std::is_default_constructible_v<typename T::value_type>) {
        if (value.size() != count) value.resize(static_cast<std::size_t>(count));
      } else if (value.size() != count) {
        throw_io_error("{}: {} holds {} elements, expected {}", source(), field, count, value.size());
      }
      for (auto& element : value) read(element, name);
    } else if constexpr (Serializable<T>) {
      const std::string bytes = in_.get_string(field, in_.remaining());
      InputArchive nested(bytes, source(), field);
      value.serialize(nested);
      nested.finish();
      if constexpr (requires { value.validate(); }) {  // a configuration: its own checks, as an IoError
        try {
          value.validate();
        } catch (const InvalidArgument& error) {
          throw_io_error("{}: {} is invalid: {}", source(), field, error.what());
        }
      }
    } else {
      static_assert(std::is_trivially_copyable_v<T>, "InputArchive: no serialization for this type");
      value = in_.get<T>(field);
      if constexpr (std::is_floating_point_v<T>) {
        if (std::isnan(value)) throw_io_error("{}: {} is NaN", source(), field);
      }
    }
  }

  template <class T, std::size_t... I>
  void read_alternative(T& value, std::size_t index, std::string_view name, std::index_sequence<I...>) {
    (void)((index == I ? (read_into<I>(value, name), true) : false) || ...);
  }
  template <std::size_t I, class T>
  void read_into(T& value, std::string_view name) {
    if (value.index() != I) value.template emplace<I>();
    read(std::get<I>(value), name);
  }

  ByteReader in_;
  std::string path_;
};

/// The bytes of `value`'s fields.
template <Serializable T>
std::string to_bytes(const T& value) {
  OutputArchive out;
  const_cast<T&>(value).serialize(out);
  return out.bytes();
}

/// Reads `value`'s fields from `bytes`, all or nothing: on any error `value`
/// is left as it was. `source` names the bytes in errors (a path).
template <Serializable T>
void from_bytes(T& value, std::string_view bytes, const std::string& source) {
  T loaded = value;
  InputArchive in(bytes, source);
  loaded.serialize(in);
  in.finish();
  value = std::move(loaded);
}

namespace archive {
/// A field written only when `present`, so that the records that never set it keep their bytes (new optional
/// settings and states). A reader reads it when the next field has its name, and otherwise leaves `value` as it
/// was. Returns whether the field is there.
template <class Archive, class T, class... Checks>
bool optional_field(Archive& a, std::string_view name, bool present, T& value, const Checks&... checks) {
  if constexpr (Archive::loading) present = a.peek_name() == name;
  if (present) a.field(name, value, checks...);
  return present;
}
}  // namespace archive

}  // namespace ac
