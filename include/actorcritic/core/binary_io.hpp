#pragma once
// Little helpers for versioned binary files: append plain values to a byte
// string, read them back with bounds checks, and a 64-bit FNV-1a checksum.
// Classes serialize through core/archive.hpp, which builds on these.

#include "actorcritic/core/error.hpp"
#include "actorcritic/core/types.hpp"

#include <bit>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <type_traits>

namespace ac {

static_assert(std::endian::native == std::endian::little,
              "actorcritic's binary files are little-endian; big-endian hosts are not supported");

/// FNV-1a, 64 bit: cheap, and enough to detect truncation and corruption.
inline std::uint64_t fnv1a64(std::string_view bytes) {
  std::uint64_t hash = 0xcbf29ce484222325ull;
  for (const char c : bytes) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 0x100000001b3ull;
  }
  return hash;
}

class ByteWriter {
 public:
  template <class T>
    requires std::is_trivially_copyable_v<T>
  void put(const T& value) {
    bytes_.append(reinterpret_cast<const char*>(&value), sizeof(T));
  }
  void put_bytes(const void* data, std::size_t size) {
    bytes_.append(static_cast<const char*>(data), size);
  }
  void put_string(std::string_view text) {
    put(static_cast<std::uint64_t>(text.size()));
    bytes_.append(text);
  }
  [[nodiscard]] const std::string& bytes() const { return bytes_; }

 private:
  std::string bytes_;
};

/// Reads what ByteWriter wrote; every read past the end throws IoError naming
/// the source and the field.
class ByteReader {
 public:
  ByteReader(std::string_view bytes, std::string source) : bytes_(bytes), source_(std::move(source)) {}

  template <class T>
    requires std::is_trivially_copyable_v<T>
  T get(std::string_view field) {
    T value;
    get_bytes(&value, sizeof(T), field);
    return value;
  }
  void get_bytes(void* out, std::size_t size, std::string_view field) {
    if (bytes_.size() - position_ < size) {
      throw_io_error("{}: file is truncated: {} needs {} bytes at offset {}, only {} remain",
                     source_, field, size, position_, bytes_.size() - position_);
    }
    if (size == 0) return;  // `out` may be an empty matrix's null data(), which memcpy must not get
    std::memcpy(out, bytes_.data() + position_, size);
    position_ += size;
  }
  std::string get_string(std::string_view field, std::size_t max_size = 1u << 20) {
    const auto size = get<std::uint64_t>(field);
    if (size > remaining()) {
      throw_io_error("{}: file is truncated: {} needs {} bytes at offset {}, only {} remain", source_, field, size,
                     position_, remaining());
    }
    if (size > max_size) throw_io_error("{}: {} has an implausible length {}", source_, field, size);
    std::string text(size, '\0');
    get_bytes(text.data(), size, field);
    return text;
  }
  [[nodiscard]] std::size_t position() const { return position_; }
  [[nodiscard]] std::size_t remaining() const { return bytes_.size() - position_; }
  [[nodiscard]] const std::string& source() const { return source_; }

 private:
  std::string_view bytes_;
  std::string source_;
  std::size_t position_ = 0;
};

}  // namespace ac
