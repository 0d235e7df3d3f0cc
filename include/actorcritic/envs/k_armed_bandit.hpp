#pragma once
// The discrete variant of the lecture's single-state environment: k arms,
// arm i pays means[i] plus optional Gaussian noise, one-step episodes. The
// default means are all negative (−1, −2, …), so every return is negative.

#include "actorcritic/envs/env.hpp"

namespace ac::envs {

class KArmedBandit : public EpisodicEnv<KArmedBandit> {
 public:
  using Action = std::int64_t;
  using Observation = Eigen::Matrix<float, 1, 1>;

  static constexpr std::string_view kId = "KArmedBandit-v0";
  static constexpr long kMaxEpisodeSteps = 1;

  /// Means −1, −2, …, −k (arm 0 is best), no noise.
  static Eigen::VectorXd default_means(Index arms) { return -Eigen::VectorXd::LinSpaced(arms, 1.0, double(arms)); }

  explicit KArmedBandit(Eigen::VectorXd means = default_means(5), double noise_std = 0.0)
      : means_(std::move(means)), noise_std_(noise_std) {
    if (means_.size() < 2 || !means_.allFinite()) {
      throw_invalid_argument("KArmedBandit: means: expected at least two finite values, got {}", means_.size());
    }
    check_non_negative("KArmedBandit: noise_std", noise_std);
  }

  [[nodiscard]] Box observation_space() const { return Box(1.0f, 1.0f, 1); }
  [[nodiscard]] Discrete action_space() const { return Discrete(means_.size()); }
  [[nodiscard]] Eigen::VectorXd state() const { return Eigen::VectorXd(0); }
  [[nodiscard]] const Eigen::VectorXd& means() const { return means_; }

 private:
  friend class EpisodicEnv<KArmedBandit>;

  void reset_state(Generator&) {}
  void load_state(const Eigen::VectorXd&) {}
  [[nodiscard]] Observation observation() const { return Observation::Ones(); }

  Transition advance(Action action) {
    double reward = means_(static_cast<Index>(action));
    if (noise_std_ > 0.0) reward += noise_std_ * generator().normal();
    return {reward, true};
  }

  Eigen::VectorXd means_;
  double noise_std_;
};

}  // namespace ac::envs
