#pragma once
// numpy's SeedSequence (numpy/random/bit_generator.pyx, after M. E. O'Neill's
// seed_seq alternative), reproduced word for word so that
// `SeedSequence(seed).generate_state(...)` equals numpy's output. This is what
// lets `env.reset(seed)` reproduce Gymnasium's initial states exactly.

#include <array>
#include <cstdint>
#include <span>
#include <vector>

namespace ac {

class SeedSequence {
 public:
  static constexpr std::size_t kPoolSize = 4;  // numpy DEFAULT_POOL_SIZE

  /// Entropy from a non-negative integer, split into little-endian 32-bit words
  /// as numpy's `_int_to_uint32_array` does (0 becomes the single word 0).
  explicit SeedSequence(std::uint64_t seed) {
    std::array<std::uint32_t, 2> words{static_cast<std::uint32_t>(seed),
                                       static_cast<std::uint32_t>(seed >> 32)};
    mix_entropy(std::span<const std::uint32_t>(words.data(), seed >> 32 ? 2 : 1));
  }

  /// Entropy given directly as 32-bit words (numpy: an array of uint32).
  explicit SeedSequence(std::span<const std::uint32_t> entropy) { mix_entropy(entropy); }

  [[nodiscard]] const std::array<std::uint32_t, kPoolSize>& pool() const { return pool_; }

  /// numpy `generate_state(n_words, np.uint32)`.
  [[nodiscard]] std::vector<std::uint32_t> generate_state_u32(std::size_t n_words) const {
    std::vector<std::uint32_t> state(n_words);
    std::uint32_t hash_const = kInitB;
    for (std::size_t i = 0; i < n_words; ++i) {
      std::uint32_t value = pool_[i % kPoolSize];
      value ^= hash_const;
      hash_const *= kMultB;
      value *= hash_const;
      value ^= value >> kXShift;
      state[i] = value;
    }
    return state;
  }

  /// numpy `generate_state(n_words, np.uint64)`: pairs of 32-bit words read
  /// as little-endian 64-bit words.
  [[nodiscard]] std::vector<std::uint64_t> generate_state_u64(std::size_t n_words) const {
    const std::vector<std::uint32_t> words = generate_state_u32(2 * n_words);
    std::vector<std::uint64_t> state(n_words);
    for (std::size_t i = 0; i < n_words; ++i) {
      state[i] = std::uint64_t{words[2 * i]} | (std::uint64_t{words[2 * i + 1]} << 32);
    }
    return state;
  }

 private:
  static constexpr std::uint32_t kInitA = 0x43b0d7e5u;
  static constexpr std::uint32_t kMultA = 0x931e8875u;
  static constexpr std::uint32_t kInitB = 0x8b51f9ddu;
  static constexpr std::uint32_t kMultB = 0x58f38dedu;
  static constexpr std::uint32_t kMixMultL = 0xca01f9ddu;
  static constexpr std::uint32_t kMixMultR = 0x4973f715u;
  static constexpr unsigned kXShift = 16;  // half a 32-bit word

  static std::uint32_t hashmix(std::uint32_t value, std::uint32_t& hash_const) {
    value ^= hash_const;
    hash_const *= kMultA;
    value *= hash_const;
    value ^= value >> kXShift;
    return value;
  }

  static std::uint32_t mix(std::uint32_t x, std::uint32_t y) {
    std::uint32_t result = kMixMultL * x - kMixMultR * y;
    result ^= result >> kXShift;
    return result;
  }

  void mix_entropy(std::span<const std::uint32_t> entropy) {
    std::uint32_t hash_const = kInitA;
    for (std::size_t i = 0; i < kPoolSize; ++i) {
      pool_[i] = hashmix(i < entropy.size() ? entropy[i] : 0u, hash_const);
    }
    // Every pool word influences every other, so late words change early ones.
    for (std::size_t src = 0; src < kPoolSize; ++src) {
      for (std::size_t dst = 0; dst < kPoolSize; ++dst) {
        if (src != dst) pool_[dst] = mix(pool_[dst], hashmix(pool_[src], hash_const));
      }
    }
    for (std::size_t src = kPoolSize; src < entropy.size(); ++src) {
      for (std::size_t dst = 0; dst < kPoolSize; ++dst) {
        pool_[dst] = mix(pool_[dst], hashmix(entropy[src], hash_const));
      }
    }
  }

  std::array<std::uint32_t, kPoolSize> pool_{};
};

}  // namespace ac
