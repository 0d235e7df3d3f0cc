#pragma once
// Rewards scaled by the running standard deviation of the discounted return,
// as SB3's VecNormalize (norm_reward): R ← γR + r, update the statistics of R,
// return clip(r / √(Var[R] + ε), ±clip), and R ← 0 when an episode ends.
// The mean is not subtracted: shifting rewards would change the task.

#include "actorcritic/core/running_mean_std.hpp"
#include "actorcritic/envs/wrapper.hpp"

#include <algorithm>
#include <cmath>

namespace ac::envs {

struct NormalizeRewardConfig {
  double gamma = 0.99;    // SB3 VecNormalize default
  double epsilon = 1e-8;
  double clip = 10.0;     // SB3 clip_reward
};

template <Env Inner>
class NormalizeReward : public Wrapper<Inner> {
 public:
  using typename Wrapper<Inner>::Observation;
  using typename Wrapper<Inner>::Action;

  explicit NormalizeReward(Inner inner, const NormalizeRewardConfig& config = {})
      : Wrapper<Inner>(std::move(inner)), config_(config) {
    if (!(config.gamma > 0.0 && config.gamma <= 1.0)) {
      throw_invalid_argument("NormalizeReward: gamma: expected a value in (0, 1], got {}", config.gamma);
    }
    check_positive("NormalizeReward: epsilon", config.epsilon);
    check_positive("NormalizeReward: clip", config.clip);
  }

  Observation reset(std::uint64_t seed) {
    discounted_return_ = 0.0;
    return this->inner_.reset(seed);
  }
  Observation reset() {
    discounted_return_ = 0.0;
    return this->inner_.reset();
  }

  StepResult<Observation> step(const Action& action) {
    auto result = this->inner_.step(action);
    if (training_) {
      discounted_return_ = discounted_return_ * config_.gamma + result.reward;
      statistics_.update(Eigen::Matrix<double, 1, 1>(discounted_return_));
    }
    result.reward = std::clamp(result.reward / std::sqrt(statistics_.var()(0) + config_.epsilon), -config_.clip,
                               config_.clip);
    if (result.terminated || result.truncated) discounted_return_ = 0.0;
    return result;
  }

  void set_training(bool training) { training_ = training; }
  [[nodiscard]] bool training() const { return training_; }
  [[nodiscard]] const RunningMeanStd& statistics() const { return statistics_; }
  RunningMeanStd& statistics() { return statistics_; }

  /// The inner environment's state, the return statistics and the running return.
  template <class Archive>
    requires Serializable<Inner>
  void serialize(Archive& a) {
    Wrapper<Inner>::serialize(a);
    a.field("statistics", statistics_);
    a.field("discounted_return", discounted_return_);
    a.field("training", training_);
  }

 private:
  NormalizeRewardConfig config_;
  RunningMeanStd statistics_{1};
  double discounted_return_ = 0.0;
  bool training_ = true;
};

}  // namespace ac::envs
