#pragma once
// Partially observed variants of the classic-control tasks: the velocity
// components of the observation are set to 0, so a policy that sees one
// observation cannot tell which way the system moves and must remember
// (the POMDP benchmarks of the recurrent-RL literature). As
// rl-baselines3-zoo's MaskVelocityWrapper does, the components are zeroed, not
// removed: the observation keeps its length and space, and the ids are the
// zoo's.
//   CartPoleNoVel-v1   CartPole-v1 without the cart's velocity (1) and the pole's angular velocity (3)
//   PendulumNoVel-v1   Pendulum-v1 without the angular velocity (2)
// Everything else (dynamics, rewards, time limits, seeding, state) is the inner task's.

#include <array>
#include <string_view>

#include "actorcritic/envs/cart_pole.hpp"
#include "actorcritic/envs/pendulum.hpp"
#include "actorcritic/envs/wrapper.hpp"

namespace ac::envs {

/// Inner with the observation components Traits::kVelocities zeroed, under the id Traits::kId.
template <Env Inner, class Traits>
class MaskVelocity : public Wrapper<Inner> {
 public:
  using typename Wrapper<Inner>::Observation;
  using typename Wrapper<Inner>::Action;
  static constexpr std::string_view kId = Traits::kId;  // as a built-in environment's

  MaskVelocity() : Wrapper<Inner>(Inner{}) {}
  explicit MaskVelocity(Inner inner) : Wrapper<Inner>(std::move(inner)) {}

  [[nodiscard]] std::string_view id() const { return kId; }

  Observation reset(std::uint64_t seed) { return masked(this->inner_.reset(seed)); }
  Observation reset() { return masked(this->inner_.reset()); }
  StepResult<Observation> step(const Action& action) {
    auto result = this->inner_.step(action);
    result.observation = masked(std::move(result.observation));
    return result;
  }

 private:
  static Observation masked(Observation observation) {
    for (const Index i : Traits::kVelocities) observation(i) = 0.0f;
    return observation;
  }
};

namespace detail {
struct CartPoleNoVelTraits {
  static constexpr std::string_view kId = "CartPoleNoVel-v1";
  static constexpr std::array<Index, 2> kVelocities{1, 3};
};
struct PendulumNoVelTraits {
  static constexpr std::string_view kId = "PendulumNoVel-v1";
  static constexpr std::array<Index, 1> kVelocities{2};
};
}  // namespace detail

using CartPoleNoVel = MaskVelocity<CartPole, detail::CartPoleNoVelTraits>;
using PendulumNoVel = MaskVelocity<Pendulum, detail::PendulumNoVelTraits>;

}  // namespace ac::envs
