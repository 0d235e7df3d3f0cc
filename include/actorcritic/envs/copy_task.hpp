#pragma once
// Several bandits at once: the demonstrations of MultiDiscrete and MultiBinary
// actions. Every step shows a target of K components, each one of N values,
// drawn uniformly with the environment's generator; the action names a value
// for every component, and the reward is the fraction of components named
// right. Then the next target is drawn. An episode is 16 steps (truncated,
// never terminated), so the return is 16 for a perfect policy and 16 / N in
// expectation for a uniformly random one.
//
// The components are independent, which is what factored action
// distributions assume: a MultiCategorical (or Bernoulli) policy has K·N (or K)
// logits, where one Categorical over the joint actions would need N^K.
//
//   CopyDigits-v0: 4 digits of 4 values, MultiDiscrete([4 4 4 4]) (256 joint
//                  actions); the observation is the target's one-hot per digit (16 values).
//   CopyBits-v0:   8 bits, MultiBinary(8) (256 joint actions); the observation is the target bits.

#include "actorcritic/envs/env.hpp"

#include <cmath>

namespace ac::envs {

/// The shared part (CRTP): K components of N values each.
template <class Derived, int K, int N>
class CopyTask : public EpisodicEnv<Derived> {
 public:
  using Action = IndexVector;
  static constexpr long kMaxEpisodeSteps = 16;
  static constexpr int kComponents = K, kValues = N;

  /// The target's components, in order.
  [[nodiscard]] Eigen::VectorXd state() const { return target_.template cast<double>(); }
  [[nodiscard]] const IndexVector& target() const { return target_; }

  CopyTask() : target_(IndexVector::Zero(K)) {}

 private:
  friend class EpisodicEnv<Derived>;

  void reset_state(Generator& rng) { draw(rng); }

  void load_state(const Eigen::VectorXd& state) {
    for (Index k = 0; k < K; ++k) {
      const double v = state(k);
      if (!(v >= 0 && v < N && std::floor(v) == v)) {
        throw_invalid_argument("{}: set_state: component {}: expected an integer in [0, {}), got {}", Derived::kId, k,
                               N, v);
      }
      target_(k) = static_cast<std::int64_t>(v);
    }
  }

  typename EpisodicEnv<Derived>::Transition advance(const Action& action) {
    const double right = static_cast<double>((action.array() == target_.array()).count());
    draw(this->generator());
    return {right / K, false};
  }

  void draw(Generator& rng) {
    for (Index k = 0; k < K; ++k) target_(k) = static_cast<std::int64_t>(rng.integer(N));
  }

 protected:
  IndexVector target_;
};

class CopyDigits : public CopyTask<CopyDigits, 4, 4> {
 public:
  using Observation = Eigen::Matrix<float, 16, 1>;
  static constexpr std::string_view kId = "CopyDigits-v0";

  [[nodiscard]] Box observation_space() const { return Box(0.0f, 1.0f, 16); }
  /// A reference to one constant space: EpisodicEnv checks every action against it, without allocating.
  [[nodiscard]] const MultiDiscrete& action_space() const {
    static const MultiDiscrete space{4, 4, 4, 4};
    return space;
  }

 private:
  friend class EpisodicEnv<CopyDigits>;
  [[nodiscard]] Observation observation() const {
    Observation o = Observation::Zero();
    for (Index k = 0; k < 4; ++k) o(k * 4 + target_(k)) = 1.0f;
    return o;
  }
};

class CopyBits : public CopyTask<CopyBits, 8, 2> {
 public:
  using Observation = Eigen::Matrix<float, 8, 1>;
  static constexpr std::string_view kId = "CopyBits-v0";

  [[nodiscard]] Box observation_space() const { return Box(0.0f, 1.0f, 8); }
  [[nodiscard]] MultiBinary action_space() const { return MultiBinary(8); }

 private:
  friend class EpisodicEnv<CopyBits>;
  [[nodiscard]] Observation observation() const { return target_.cast<float>(); }
};

}  // namespace ac::envs
