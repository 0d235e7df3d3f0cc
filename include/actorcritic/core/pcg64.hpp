#pragma once
// PCG64 (XSL-RR 128/64) as numpy's `PCG64` bit generator: the same seeding
// from a SeedSequence, the same state transition and output function, so the
// raw 64-bit stream equals numpy's.

#include "actorcritic/core/seed_sequence.hpp"

#include <cstdint>
#include <limits>

namespace ac {

__extension__ using uint128_t = unsigned __int128;  // GCC/Clang extension, quiet under -Wpedantic

class Pcg64 {
 public:
  using result_type = std::uint64_t;

  /// numpy: `PCG64(SeedSequence(seed))`.
  explicit Pcg64(std::uint64_t seed) : Pcg64(SeedSequence(seed)) {}

  /// numpy: `generate_state(4, uint64)` gives (seed high, seed low, inc high, inc low),
  /// then pcg64_set_seed → pcg_setseq_128_srandom_r.
  explicit Pcg64(const SeedSequence& seq) {
    const auto words = seq.generate_state_u64(4);
    const uint128_t init_state = (uint128_t{words[0]} << 64) | words[1];
    const uint128_t init_seq = (uint128_t{words[2]} << 64) | words[3];
    state_ = 0;
    inc_ = (init_seq << 1u) | 1u;
    advance_one();
    state_ += init_state;
    advance_one();
  }

  /// Restores a generator from a saved (state, increment) pair.
  Pcg64(uint128_t state, uint128_t increment) : state_(state), inc_(increment | 1u) {}

  [[nodiscard]] uint128_t state() const { return state_; }
  [[nodiscard]] uint128_t increment() const { return inc_; }

  static constexpr result_type min() { return 0; }
  static constexpr result_type max() { return std::numeric_limits<result_type>::max(); }

  /// The next raw 64-bit output (numpy `random_raw()`).
  result_type operator()() {
    advance_one();
    const auto high = static_cast<std::uint64_t>(state_ >> 64u);
    const auto low = static_cast<std::uint64_t>(state_);
    const auto rotation = static_cast<unsigned>(state_ >> 122u);
    const std::uint64_t x = high ^ low;
    return (x >> rotation) | (x << ((-rotation) & 63u));
  }

  friend bool operator==(const Pcg64&, const Pcg64&) = default;

 private:
  // PCG_DEFAULT_MULTIPLIER_128 = 0x2360ED051FC65DA44385DF649FCCF645
  static constexpr uint128_t kMultiplier =
      (uint128_t{0x2360ED051FC65DA4ull} << 64) | uint128_t{0x4385DF649FCCF645ull};

  void advance_one() { state_ = state_ * kMultiplier + inc_; }

  uint128_t state_{};
  uint128_t inc_{};
};

}  // namespace ac
