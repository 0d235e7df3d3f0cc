#pragma once
// How a bounded policy's actions reach a Box environment. A plain Gaussian's
// action is used as it is and clipped to [low, high]; two distributions instead
// produce actions that map onto the bounds exactly:
//   a squashed Gaussian (kSquashedActions): low + (tanh(u) + 1)(high − low)/2 for its pre-squash u;
//   a Beta (kUnitIntervalActions):          low + x (high − low) for its x ∈ (0, 1).
// The rollout keeps what the distribution sampled (u or x), so log-probabilities
// are recomputed exactly; the environment, the evaluation and the exported
// policy receive the mapped action. Both need finite bounds.

#include "actorcritic/core/error.hpp"
#include "actorcritic/core/types.hpp"

#include <fmt/format.h>

#include <cmath>
#include <string_view>

namespace ac {

/// Whether a distribution's actions are pre-squash values whose tanh the environment receives.
template <class Distribution>
inline constexpr bool kSquashedActions = requires { Distribution::kSquashed; };
/// Whether a distribution's actions are positions x ∈ (0, 1) within the bounds.
template <class Distribution>
inline constexpr bool kUnitIntervalActions = requires { Distribution::kUnitInterval; };
/// Whether a distribution's actions map onto the bounds (and so need finite ones).
template <class Distribution>
inline constexpr bool kBoundedActions = kSquashedActions<Distribution> || kUnitIntervalActions<Distribution>;

/// Where a bounded distribution's action component lies between low (0) and high (1).
template <class Distribution, class S>
float unit_position(S action) {
  static_assert(kBoundedActions<Distribution>, "unit_position: the distribution's actions are not bounded");
  if constexpr (kSquashedActions<Distribution>) {
    return (std::tanh(static_cast<float>(action)) + 1.0f) * 0.5f;
  } else {
    return static_cast<float>(action);
  }
}

/// The environment's action for one action column `u` of a bounded distribution, into `out`:
/// low + unit_position(u)(high − low), per component.
template <class Distribution, class U, class Out>
void to_bounds_into(const U& u, const Eigen::VectorXf& low, const Eigen::VectorXf& high, Out&& out) {
  for (Index i = 0; i < low.size(); ++i) out(i) = low(i) + unit_position<Distribution>(u(i)) * (high(i) - low(i));
}
template <class Distribution, class U>
Eigen::VectorXf to_bounds(const U& u, const Eigen::VectorXf& low, const Eigen::VectorXf& high) {
  Eigen::VectorXf a(low.size());
  to_bounds_into<Distribution>(u, low, high, a);
  return a;
}

/// Throws InvalidArgument unless a bounded distribution's Box has finite bounds;
/// `where` names the environment. Nothing to check for the others.
template <class Distribution>
void check_action_bounds(const Eigen::VectorXf& low, const Eigen::VectorXf& high, std::string_view where) {
  if constexpr (kBoundedActions<Distribution>) {
    if (!low.allFinite() || !high.allFinite()) {
      throw_invalid_argument("{}: a {} policy needs a bounded action space, got bounds [{}] to [{}]", where,
                             kSquashedActions<Distribution> ? "squashed Gaussian" : "Beta",
                             fmt::join(low.data(), low.data() + low.size(), ", "),
                             fmt::join(high.data(), high.data() + high.size(), ", "));
    }
  }
}

}  // namespace ac
