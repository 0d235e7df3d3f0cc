#pragma once
// Observation and action spaces, as Gymnasium's Discrete(n) and Box(low, high, shape).

#include "actorcritic/core/error.hpp"
#include "actorcritic/core/types.hpp"

#include <fmt/format.h>

#include <cmath>
#include <cstdint>
#include <initializer_list>
#include <limits>
#include <string>
#include <utility>

namespace ac::envs {

/// Integers {0, ..., n-1}.
struct Discrete {
  std::int64_t n = 0;

  explicit Discrete(std::int64_t count) : n(count) { check_positive("Discrete: n", count); }

  [[nodiscard]] bool contains(std::int64_t action) const { return action >= 0 && action < n; }
  [[nodiscard]] std::string describe() const { return fmt::format("Discrete({})", n); }
  friend bool operator==(const Discrete&, const Discrete&) = default;
};

/// Vectors of K integers, component k in {0, ..., nvec[k] - 1} (Gymnasium's
/// MultiDiscrete): K discrete choices made together, e.g. one per joint.
struct MultiDiscrete {
  Eigen::Matrix<std::int64_t, Eigen::Dynamic, 1> nvec;

  explicit MultiDiscrete(Eigen::Matrix<std::int64_t, Eigen::Dynamic, 1> counts) : nvec(std::move(counts)) {
    if (nvec.size() == 0 || (nvec.array() < 1).any()) {
      throw_invalid_argument("MultiDiscrete: nvec: expected at least one component, each with n >= 1");
    }
  }
  MultiDiscrete(std::initializer_list<std::int64_t> counts)
      : MultiDiscrete(Eigen::Map<const Eigen::Matrix<std::int64_t, Eigen::Dynamic, 1>>(
            counts.begin(), static_cast<Index>(counts.size()))) {}

  /// K, the number of components.
  [[nodiscard]] Index dim() const { return nvec.size(); }
  /// Σ nvec: the logits a factored categorical policy needs.
  [[nodiscard]] Index total() const { return static_cast<Index>(nvec.sum()); }
  template <class Derived>
  [[nodiscard]] bool contains(const Eigen::MatrixBase<Derived>& action) const {
    return action.size() == dim() && (action.array() >= 0).all() && (action.array() < nvec.array()).all();
  }
  [[nodiscard]] std::string describe() const {
    return fmt::format("MultiDiscrete([{}])", fmt::join(nvec.data(), nvec.data() + nvec.size(), " "));
  }
  friend bool operator==(const MultiDiscrete& a, const MultiDiscrete& b) { return a.nvec == b.nvec; }
};

/// Vectors of n bits, each 0 or 1 (Gymnasium's MultiBinary): n on/off switches.
struct MultiBinary {
  Index n = 0;

  explicit MultiBinary(Index bits) : n(bits) { check_positive("MultiBinary: n", bits); }

  [[nodiscard]] Index dim() const { return n; }
  template <class Derived>
  [[nodiscard]] bool contains(const Eigen::MatrixBase<Derived>& action) const {
    return action.size() == n && ((action.array() == 0) || (action.array() == 1)).all();
  }
  [[nodiscard]] std::string describe() const { return fmt::format("MultiBinary({})", n); }
  friend bool operator==(const MultiBinary&, const MultiBinary&) = default;
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
