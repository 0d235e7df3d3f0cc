#pragma once
// CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), as TFRecord files
// checksum their records, and TFRecord's mask: rotate right by 15 bits, add
// 0xa282ead8 (so that a CRC of data that holds CRCs stays well distributed).

#include <array>
#include <cstddef>
#include <cstdint>

namespace ac::tensorboard {

namespace detail {
constexpr std::array<std::uint32_t, 256> crc32c_table() {
  std::array<std::uint32_t, 256> table{};
  for (std::uint32_t i = 0; i < 256; ++i) {
    std::uint32_t crc = i;
    for (int bit = 0; bit < 8; ++bit) crc = (crc >> 1) ^ ((crc & 1u) != 0 ? 0x82F63B78u : 0u);
    table[i] = crc;
  }
  return table;
}
inline constexpr std::array<std::uint32_t, 256> kCrc32cTable = crc32c_table();
}  // namespace detail

/// The CRC-32C of `size` bytes at `data` (one table lookup per byte).
inline std::uint32_t crc32c(const void* data, std::size_t size) {
  const auto* bytes = static_cast<const unsigned char*>(data);
  std::uint32_t crc = 0xFFFFFFFFu;
  for (std::size_t i = 0; i < size; ++i) crc = detail::kCrc32cTable[(crc ^ bytes[i]) & 0xFFu] ^ (crc >> 8);
  return crc ^ 0xFFFFFFFFu;
}

/// TFRecord's masked CRC-32C.
inline std::uint32_t masked_crc32c(const void* data, std::size_t size) {
  const std::uint32_t crc = crc32c(data, size);
  return ((crc >> 15) | (crc << 17)) + 0xa282ead8u;
}

}  // namespace ac::tensorboard
