#pragma once
// Observation and action spaces, as Gymnasium's Discrete(n) and Box(low, high, shape).

#include "actorcritic/core/error.hpp"
#include "actorcritic/core/types.hpp"

#include <fmt/format.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <string>

namespace ac::envs {

/// Integers {0, ..., n-1}.
struct Discrete {
  std::int64_t n = 0;

  explicit Discrete(std::int64_t count) : n(count) { check_positive("Discrete: n", count); }

  [[nodiscard]] bool contains(std::int64_t action) const { return action >= 0 && action < n; }
  [[nodiscard]] std::string describe() const { return fmt::format("Discrete({})", n); }
  friend bool operator==(const Discrete&, const Discrete&) = default;
};

/// A box of float32 vectors, low ≤ x ≤ high component-wise (bounds may be ±inf).
struct Box {
  Eigen::VectorXf low;
  Eigen::VectorXf high;

  Box(Eigen::VectorXf lower, Eigen::VectorXf upper) : low(std::move(lower)), high(std::move(upper)) {
    if (low.size() != high.size() || low.size() == 0) {
      throw_invalid_argument("Box: low and high: expected equal, non-zero sizes, got {} and {}", low.size(),
                             high.size());
    }
    if ((low.array() > high.array()).any() || low.hasNaN() || high.hasNaN()) {
      throw_invalid_argument("Box: expected low <= high in every component");
    }
  }
  /// The same bounds in every one of `dim` components.
  Box(float lower, float upper, Index dim)
      : Box(Eigen::VectorXf::Constant(dim, lower), Eigen::VectorXf::Constant(dim, upper)) {}

  [[nodiscard]] Index dim() const { return low.size(); }
  [[nodiscard]] bool is_bounded() const { return low.allFinite() && high.allFinite(); }

  template <class Derived>
  [[nodiscard]] bool contains(const Eigen::MatrixBase<Derived>& x) const {
    return x.size() == dim() && (x.array() >= low.array()).all() && (x.array() <= high.array()).all();
  }

  [[nodiscard]] std::string describe() const {
    const bool uniform = (low.array() == low(0)).all() && (high.array() == high(0)).all();
    if (uniform) return fmt::format("Box({}, {}, ({},))", low(0), high(0), dim());
    return fmt::format("Box([{}], [{}], ({},))", fmt::join(low.data(), low.data() + dim(), ", "),
                       fmt::join(high.data(), high.data() + dim(), ", "), dim());
  }
  friend bool operator==(const Box& a, const Box& b) { return a.low == b.low && a.high == b.high; }
};

inline constexpr float kInfinity = std::numeric_limits<float>::infinity();

}  // namespace ac::envs
