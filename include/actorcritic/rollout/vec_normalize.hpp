#pragma once
// Observation and reward normalization over all copies of a VectorEnv with
// one set of running statistics, as SB3's VecNormalize (ε 1e-8, clip 10):
//   observations  (o − μ) / √(σ² + ε), clipped to ±clip; μ, σ² of every
//                 observation seen while training;
//   rewards       r / √(Var[R] + ε), clipped to ±clip, with R ← γR + r the
//                 running discounted return of each copy (reset at episode end).
// The collector applies it between the environment and the buffer; evaluation
// applies the frozen observation statistics; checkpoints save them.
// (The single-env wrappers envs::NormalizeObservation / NormalizeReward keep
// per-copy statistics; this keeps one set, so a policy sees one scale.)
// Data-parallel (set_communicator), each rank normalizes its own environments
// and updates its statistics as it goes; synchronize(), once per iteration,
// replaces them on every rank with those of the last synchronized statistics
// merged with every rank's new samples (Chan's merge of count, mean, M2), so
// the ranks agree again.

#include "actorcritic/core/archive.hpp"
#include "actorcritic/core/communicator.hpp"
#include "actorcritic/core/error.hpp"
#include "actorcritic/core/exact_math.hpp"
#include "actorcritic/core/running_mean_std.hpp"
#include "actorcritic/core/types.hpp"

#include <algorithm>
#include <cmath>

namespace ac {

struct VecNormalizeConfig {
  bool observations = true;
  bool rewards = true;
  double gamma = 0.99;     // for the reward's discounted return; use the algorithm's γ
  double epsilon = 1e-8;   // SB3
  double clip_observation = 10.0;
  double clip_reward = 10.0;

  template <class Archive>
  void serialize(Archive& a) {
    a.field("observations", observations);
    a.field("rewards", rewards);
    a.field("gamma", gamma);
    a.field("epsilon", epsilon);
    a.field("clip_observation", clip_observation);
    a.field("clip_reward", clip_reward);
  }

  void validate() const {
    check_discount("VecNormalizeConfig.gamma", gamma);
    check_positive("VecNormalizeConfig.epsilon", epsilon);
    check_positive("VecNormalizeConfig.clip_observation", clip_observation);
    check_positive("VecNormalizeConfig.clip_reward", clip_reward);
  }
};

class VecNormalize {
 public:
  VecNormalize(Index observation_dim, Index envs, const VecNormalizeConfig& config = {})
      : config_(config), observation_stats_(observation_dim), return_stats_(1),
        returns_(Eigen::VectorXd::Zero(envs)) {
    config_.validate();
    check_positive("VecNormalize: envs", envs);
    refresh_scale();
    mark_synchronized();
  }

  [[nodiscard]] const VecNormalizeConfig& config() const { return config_; }
  [[nodiscard]] Index observation_dim() const { return observation_stats_.features(); }

  /// The ranks whose statistics synchronize() merges (a single process by default).
  void set_communicator(CommunicatorRef comm) {
    comm_ = comm;
    mark_synchronized();
  }

  /// Data-parallel: the statistics every rank saw since the last call, merged
  /// into the statistics all ranks had then; afterwards every rank holds the
  /// same. Every rank must call it. With one process it does nothing.
  void synchronize() {
    if (comm_.size() == 1) return;
    merge_pending(observation_stats_, observations_at_sync_, pending_observations_);
    merge_pending(return_stats_, returns_at_sync_, pending_returns_);
    mark_synchronized();
    refresh_scale();
  }

  /// While training (the default) observe() and normalize_rewards() update the statistics.
  void set_training(bool training) { training_ = training; }
  [[nodiscard]] bool training() const { return training_; }

  /// The first observations after the environments' reset (SB3 VecNormalize.reset):
  /// merged once, on the first call; later calls do nothing.
  void observe_reset(const Matrix<float>& raw) {
    if (reset_observed_) return;
    reset_observed_ = true;
    observe(raw);
  }

  /// Merges a batch of raw observations (obs_dim x n) into the statistics (training only).
  void observe(const Matrix<float>& raw) {
    if (!config_.observations || !training_) return;
    observation_stats_.update(raw, comm_.size() > 1 ? &pending_observations_ : nullptr);
    refresh_scale();
  }

  /// out = normalized raw (obs_dim x n) with the current statistics.
  template <class Out>
  void normalize_observations(const Matrix<float>& raw, Out&& out) const {
    check_shape("VecNormalize::normalize_observations: raw", raw.rows(), raw.cols(), observation_dim(), raw.cols());
    using S = typename std::decay_t<Out>::Scalar;
    if (!config_.observations) {
      out = raw.template cast<S>();
      return;
    }
    const auto c = static_cast<float>(config_.clip_observation);
    for (Index j = 0; j < raw.cols(); ++j) {
      out.col(j) = ((raw.col(j) - mean_).cwiseProduct(inverse_std_)).cwiseMax(-c).cwiseMin(c).template cast<S>();
    }
  }

  /// Scales the step's rewards (one per env) in place, given which envs ended;
  /// updates the return statistics while training.
  template <class Rewards, class Ended>
  void normalize_rewards(Rewards& rewards, const Ended& ended) {
    if (!config_.rewards) return;
    if (rewards.size() != returns_.size()) {
      throw_invalid_argument("VecNormalize::normalize_rewards: rewards: expected {} values, got {}", returns_.size(),
                             rewards.size());
    }
    if (training_) {
      for (Index i = 0; i < returns_.size(); ++i) returns_(i) = returns_(i) * config_.gamma + double(rewards(i));
      return_stats_.update(returns_.transpose(), comm_.size() > 1 ? &pending_returns_ : nullptr);
    }
    const double scale = 1.0 / std::sqrt(return_stats_.var()(0) + config_.epsilon);
    for (Index i = 0; i < returns_.size(); ++i) {
      using R = std::decay_t<decltype(rewards(i))>;
      rewards(i) = static_cast<R>(std::clamp(double(rewards(i)) * scale, -config_.clip_reward, config_.clip_reward));
      if (ended(i)) returns_(i) = 0.0;
    }
  }

  [[nodiscard]] const RunningMeanStd& observation_statistics() const { return observation_stats_; }
  /// The float shift and scale normalize_observations applies, (raw − mean) · inverse_std
  /// before clipping (a frozen copy of the statistics, e.g. for an exported policy).
  [[nodiscard]] const Eigen::VectorXf& observation_mean() const { return mean_; }
  [[nodiscard]] const Eigen::VectorXf& observation_inverse_std() const { return inverse_std_; }
  [[nodiscard]] const RunningMeanStd& return_statistics() const { return return_stats_; }

  /// The settings, the statistics and the training state (the per-env
  /// discounted returns reward scaling accumulates, whether the reset
  /// observations were merged). Loading takes the stored settings and the
  /// stored number of environments' returns; the observation dimension must match.
  template <class Archive>
  void serialize(Archive& a) {
    a.field("config", config_);
    a.field("observation_statistics", observation_stats_);
    a.field("return_statistics", return_stats_);
    if constexpr (Archive::loading) returns_.resize(0);
    a.field("returns", returns_, archive::all_finite());
    a.field("reset_observed", reset_observed_);
    if constexpr (Archive::loading) {
      refresh_scale();
      mark_synchronized();
    }
  }

 private:
  static void clear(Moments& m, Index features) {
    m.mean.setZero(features);  // no allocation once sized
    m.variance.setZero(features);
    m.count = 0.0;
  }
  void mark_synchronized() {
    observations_at_sync_ = observation_stats_;
    returns_at_sync_ = return_stats_;
    clear(pending_observations_, observation_stats_.features());
    clear(pending_returns_, 1);
  }
  void merge_pending(RunningMeanStd& stats, const RunningMeanStd& at_sync, const Moments& pending) {
    const Moments global = global_moments(comm_, pending);
    stats = at_sync;
    if (global.count > 0.0) stats.merge(global.mean, global.variance, global.count);
  }

  void refresh_scale() {
    mean_ = observation_stats_.mean().cast<float>();
    inverse_std_ = exact_sqrt(observation_stats_.var().array() + config_.epsilon).inverse().cast<float>().matrix();
  }

  VecNormalizeConfig config_;
  RunningMeanStd observation_stats_, return_stats_;
  Eigen::VectorXd returns_;
  bool reset_observed_ = false;
  Eigen::VectorXf mean_, inverse_std_;
  bool training_ = true;
  CommunicatorRef comm_;
  RunningMeanStd observations_at_sync_, returns_at_sync_;  // the statistics every rank had at the last synchronize()
  Moments pending_observations_, pending_returns_;          // this rank's samples since then
};

}  // namespace ac
