#pragma once
// The library's seeded random generator. Uniform draws follow numpy's
// `Generator(PCG64(seed))` exactly; normal draws use our own sampler (the
// Marsaglia polar method), never `std::normal_distribution`, whose output
// differs between standard libraries. Same seed → same bits, everywhere.

#include "actorcritic/core/archive.hpp"
#include "actorcritic/core/error.hpp"
#include "actorcritic/core/pcg64.hpp"
#include "actorcritic/core/types.hpp"

#include <cmath>
#include <cstdint>

namespace ac {

class Generator {
 public:
  explicit Generator(std::uint64_t seed = 0) : bits_(seed) {}
  explicit Generator(const Pcg64& bits) : bits_(bits) {}

  /// The next raw 64-bit word.
  std::uint64_t next_u64() { return bits_(); }

  /// Uniform double in [0, 1) with 53 random bits: numpy `random()`,
  /// `(next_uint64 >> 11) * 2^-53`.
  double uniform() { return static_cast<double>(bits_() >> 11) * 0x1.0p-53; }

  /// numpy `uniform(low, high)`: `low + (high - low) * random()`, in that order
  /// of operations (so -0.4 - -0.6 = 0.19999999999999996 exactly as in numpy).
  /// Two statements, so that no compiler contracting within a statement
  /// (Clang's default) fuses them into an FMA, which would round differently.
  double uniform(double low, double high) {
    const double scaled = (high - low) * uniform();
    return low + scaled;
  }

  /// Fills `out` component by component, in storage order, with U(low, high).
  template <class Derived>
  void fill_uniform(Eigen::DenseBase<Derived>& out, double low, double high) {
    for (Index j = 0; j < out.cols(); ++j) {
      for (Index i = 0; i < out.rows(); ++i) {
        out(i, j) = static_cast<typename Derived::Scalar>(uniform(low, high));
      }
    }
  }

  /// Standard normal by the Marsaglia polar method; the second variate of each
  /// accepted pair is cached and returned by the next call.
  double normal() {
    if (has_spare_) {
      has_spare_ = false;
      return spare_;
    }
    double u = 0.0, v = 0.0, s = 0.0;
    do {
      u = 2.0 * uniform() - 1.0;
      v = 2.0 * uniform() - 1.0;
      s = u * u + v * v;
    } while (s >= 1.0 || s == 0.0);
    const double factor = std::sqrt(-2.0 * std::log(s) / s);
    spare_ = v * factor;
    has_spare_ = true;
    return u * factor;
  }

  double normal(double mean, double stddev) { return mean + stddev * normal(); }

  /// Fills `out`, in storage order, with N(mean, stddev^2).
  template <class Derived>
  void fill_normal(Eigen::DenseBase<Derived>& out, double mean = 0.0, double stddev = 1.0) {
    for (Index j = 0; j < out.cols(); ++j) {
      for (Index i = 0; i < out.rows(); ++i) {
        out(i, j) = static_cast<typename Derived::Scalar>(normal(mean, stddev));
      }
    }
  }

  /// Uniform integer in [0, n), unbiased (Lemire's multiply-and-reject).
  std::uint64_t integer(std::uint64_t n) {
    if (n == 0) throw_invalid_argument("Generator::integer: n: expected n > 0, got 0");
    uint128_t product = uint128_t{bits_()} * n;
    auto low = static_cast<std::uint64_t>(product);
    if (low < n) {
      const std::uint64_t threshold = (0 - n) % n;
      while (low < threshold) {
        product = uint128_t{bits_()} * n;
        low = static_cast<std::uint64_t>(product);
      }
    }
    return static_cast<std::uint64_t>(product >> 64);
  }

  [[nodiscard]] const Pcg64& bits() const { return bits_; }

  /// The whole state (PCG64 state and increment, the cached normal), so that a
  /// restored generator continues the same sequence.
  template <class Archive>
  void serialize(Archive& a) {
    uint128_t state = bits_.state(), increment = bits_.increment();
    a.field("state", state);
    a.field("increment", increment, archive::Check{[](uint128_t v) { return (v & 1u) == 1u; }, "an odd number"});
    a.field("spare_normal", spare_, archive::Check{[](double v) { return std::isfinite(v); }, "a finite value"});
    a.field("has_spare", has_spare_);
    if constexpr (Archive::loading) bits_ = Pcg64(state, increment);
  }

  friend bool operator==(const Generator&, const Generator&) = default;

 private:
  Pcg64 bits_;
  double spare_ = 0.0;
  bool has_spare_ = false;
};

}  // namespace ac
