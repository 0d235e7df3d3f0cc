#pragma once
// Importance-sampled off-policy actor-critic on replayed rollouts, collected
// by an older behavior policy π_β. On each replayed rollout, with the current
// π_θ and V:
//   log ρ_t = log π_θ(a_t|s_t) − log π_β(a_t|s_t)
//   V-trace (Espeholt et al. 2018): critic targets v_t; policy weights
//     ρ̄_t (r_t + γ v_{t+1} − V(s_t)) with ρ̄_t = min(ρ̄, ρ_t).
//   Truncated per-decision weights (Precup et al. 2000; the lecture's ratio
//     products): w_t = min(c̄, Π_{i≤t in the episode} ρ_i) · A_t with A_t the
//     GAE(λ) advantage under the current critic; critic targets are V-trace's.
// The diagnostics report the spread of the per-decision log-weights, so a user
// can watch the products vanish or explode as θ drifts from β.

#include "actorcritic/algorithms/a2c.hpp"
#include "actorcritic/kernels/importance.hpp"
#include "actorcritic/rollout/recurrent_states.hpp"
#include "actorcritic/rollout/replay_buffer.hpp"

#include <cmath>
#include <optional>
#include <string_view>

namespace ac {

enum class ImportanceCorrection { vtrace, truncated_per_decision };

struct OffPolicyConfig {
  A2CConfig base{};  // SB3 A2C's defaults (RMSprop 7e-4)
  ImportanceCorrection correction = ImportanceCorrection::vtrace;
  double rho_bar = 1.0;       // IMPALA default
  double c_bar = 1.0;         // IMPALA default; also the per-decision truncation
  double gae_lambda = 1.0;    // for the per-decision advantages
  /// iterate(): rollouts kept; each update learns from the oldest, collected
  /// by the policy replay_capacity − 1 updates behind the current one.
  std::size_t replay_capacity = 8;

  template <class Archive>
  void serialize(Archive& a) {
    a.field("base", base);
    a.field("correction", correction,
            archive::Check{[](ImportanceCorrection c) {
                             return c == ImportanceCorrection::vtrace || c == ImportanceCorrection::truncated_per_decision;
                           },
                           "0 (V-trace) or 1 (truncated per-decision)"});
    a.field("rho_bar", rho_bar);
    a.field("c_bar", c_bar);
    a.field("gae_lambda", gae_lambda);
    a.field("replay_capacity", replay_capacity, archive::between(1, std::size_t{1} << 16));
  }

  void validate() const {
    base.validate();
    check_positive("OffPolicyConfig.rho_bar", rho_bar);
    check_positive("OffPolicyConfig.c_bar", c_bar);
    check_in_closed_range("OffPolicyConfig.gae_lambda", gae_lambda, 0.0, 1.0);
    check_positive("OffPolicyConfig.replay_capacity", replay_capacity);
  }
};

template <Policy P>
class OffPolicyActorCritic {
 public:
  using Scalar = typename P::Scalar;
  using PolicyType = P;
  using Settings = OffPolicyConfig;
  static constexpr std::string_view kName = "offpolicy";

  OffPolicyActorCritic(P& actor, Critic<Scalar>& critic, const OffPolicyConfig& config = {})
      : step_(actor, critic, config.base), config_(config) {
    config_.validate();
    if (recurrent_networks(actor, &critic).any()) {
      throw_invalid_argument(
          "OffPolicyActorCritic: actor, critic: expected feed-forward networks (ActorConfig::recurrent and "
          "CriticConfig::recurrent 0): replayed rollouts are not rerun as sequences");
    }
  }
  [[nodiscard]] const OffPolicyConfig& config() const { return config_; }
  [[nodiscard]] const OffPolicyConfig& settings() const { return config_; }
  [[nodiscard]] Index rollout_steps() const { return config_.base.n_steps; }
  P& actor() { return step_.actor(); }
  Critic<Scalar>* critic() { return &step_.critic(); }
  /// Data-parallel over `comm`'s ranks: each rank replays its own rollouts; the
  /// step and the log-weight diagnostics are the global batch's.
  void set_communicator(CommunicatorRef comm) {
    comm_ = comm;
    step_.set_communicator(comm);
  }
  /// The replayed rollouts (empty before the first update).
  [[nodiscard]] const std::optional<ReplayBuffer<Scalar, typename P::Actions>>& replay() const { return replay_; }

  /// The learner's state beyond the networks' parameters (optimizer moments,
  /// the replayed rollouts and their shapes), for checkpoints.
  template <class Archive>
  void serialize(Archive& a) {
    step_.serialize(a);
    bool has_replay = replay_.has_value();
    a.field("has_replay", has_replay);
    if (!has_replay) {
      if constexpr (Archive::loading) replay_.reset();
      return;
    }
    std::uint64_t envs = 0, observation_dim = 0, action_rows = 0, mask_rows = 0;
    if (replay_) {
      const auto& newest = replay_->recent(0);
      envs = static_cast<std::uint64_t>(newest.envs());
      observation_dim = static_cast<std::uint64_t>(newest.observations.rows());
      action_rows = static_cast<std::uint64_t>(newest.actions.rows());
      mask_rows = static_cast<std::uint64_t>(newest.masks.rows());
    }
    constexpr std::uint64_t kMax = std::uint64_t{1} << 20;
    a.field("envs", envs, archive::between(1, kMax));
    a.field("observation_dim", observation_dim, archive::between(1, kMax));
    a.field("action_rows", action_rows, archive::between(1, kMax));
    // Only a masking environment's replay has masks (the field is absent otherwise).
    archive::optional_field(a, "mask_rows", mask_rows > 0, mask_rows, archive::between(1, kMax));
    if constexpr (Archive::loading) {
      // Every stored rollout holds at least its observations: refuse shapes the file cannot hold before allocating.
      const auto per_rollout = observation_dim * envs * static_cast<std::uint64_t>(rollout_steps()) * sizeof(Scalar);
      a.require(per_rollout <= a.remaining(), "envs", "shapes the file holds data for");
      replay_.emplace(config_.replay_capacity, rollout_steps(), static_cast<Index>(envs),
                      static_cast<Index>(observation_dim), static_cast<Index>(action_rows),
                      static_cast<Index>(mask_rows));
    }
    a.field("replay", *replay_);
  }

  /// Stores a rollout the current policy collected in the replay buffer, then
  /// learns from the oldest rollout stored there (off-policy by up to
  /// replay_capacity − 1 updates).
  UpdateDiagnostics update(const RolloutBufferFor<P>& fresh) {
    if (!replay_) {
      replay_.emplace(config_.replay_capacity, fresh.steps(), fresh.envs(), fresh.observations.rows(),
                      fresh.actions.rows(), fresh.masks.rows());
    }
    replay_->push(fresh);
    return learn(replay_->recent(replay_->size() - 1));
  }

  /// One update from a rollout collected by a behavior policy (its log-probs in rollout.log_probs).
  UpdateDiagnostics learn(const RolloutBufferFor<P>& rollout) {
    UpdateDiagnostics d = compute_gradients(rollout);
    d.grad_norm = step_.clip_and_step();
    return d;
  }

  /// The estimator alone: the loss's gradient on a rollout of a behavior
  /// policy, in the actor's and critic's network gradients, with no clipping
  /// and no step (learn() is this, then both). The policy part is
  /// −mean(w_t ∇log π_θ(a_t|s_t)) with the weights w of the chosen correction.
  UpdateDiagnostics compute_gradients(const RolloutBufferFor<P>& rollout) {
    const Index n = rollout.envs(), steps = rollout.steps(), batch = rollout.size();
    reserve(n, steps);
    const auto gamma = static_cast<Scalar>(config_.base.gamma);
    UpdateDiagnostics d;

    // 1. Current policy and critic on the replayed data.
    const auto& dist = step_.actor().distribution(rollout.observations, rollout.action_masks());
    MatrixMap<Scalar> log_prob_row(log_ratios_.data(), 1, batch);
    dist.log_prob(rollout.actions, log_prob_row);
    log_ratios_ -= rollout.log_probs;  // log ρ = log π_θ − log π_β (same N x T layout)
    values_ = Eigen::Map<const Matrix<Scalar>>(step_.critic().values(rollout.observations).data(), n, steps);
    next_values_ = Eigen::Map<const Matrix<Scalar>>(step_.critic().values(rollout.next_observations).data(), n, steps);
    next_values_.array() *= Scalar(1) - rollout.terminated.array();

    // 2. V-trace targets for the critic (and the V-trace policy weights).
    kernels::vtrace(log_ratios_, rollout.rewards, values_, next_values_, rollout.terminated, rollout.ended, gamma,
                    static_cast<Scalar>(config_.rho_bar), static_cast<Scalar>(config_.c_bar), targets_, weights_);

    // 3. Per-decision log products: the lecture's diagnostic, and the alternative weights.
    kernels::cumulative_log_ratios(log_ratios_, rollout.ended, log_products_);
    double log_weight_mean = 0, log_weight_std = 0;
    const double log_weight_max_abs =
        max_across_ranks(comm_, static_cast<double>(log_products_.cwiseAbs().maxCoeff()));
    double truncated_fraction = static_cast<double>(
        (log_products_.array() > static_cast<Scalar>(std::log(config_.c_bar))).template cast<double>().mean());
    mean_across_ranks(comm_, double(batch), {&truncated_fraction});
    if (comm_.size() == 1) {
      log_weight_mean = static_cast<double>(log_products_.mean());
      log_weight_std = std::sqrt(
          static_cast<double>((log_products_.array() - static_cast<Scalar>(log_weight_mean)).square().mean()));
    } else {  // the global batch's mean and spread
      const Moments global = global_moments(comm_, kernels::detail::element_moments(log_products_));
      log_weight_mean = global.mean(0);
      log_weight_std = std::sqrt(global.variance(0));
    }
    if (config_.correction == ImportanceCorrection::truncated_per_decision) {
      kernels::gae(rollout.rewards, values_, next_values_, rollout.terminated, rollout.ended, gamma,
                   static_cast<Scalar>(config_.gae_lambda), advantages_);
      kernels::truncated_ratios(log_products_, static_cast<Scalar>(config_.c_bar), weights_);
      weights_.array() *= advantages_.array();
    }

    // 4. The shared actor-critic loss.
    d = step_.compute_gradients(rollout.observations, rollout.actions, weights_, targets_, rollout.action_masks());
    d.log_weight_mean = log_weight_mean;
    d.log_weight_std = log_weight_std;
    d.log_weight_max_abs = log_weight_max_abs;
    d.truncated_fraction = truncated_fraction;
    return d;
  }

 private:
  void reserve(Index n, Index steps) {
    if (weights_.rows() == n && weights_.cols() == steps) return;
    for (Matrix<Scalar>* m : {&log_ratios_, &values_, &next_values_, &targets_, &weights_, &log_products_, &advantages_}) {
      m->resize(n, steps);
    }
  }

  ActorCriticStep<P> step_;
  OffPolicyConfig config_;
  CommunicatorRef comm_;
  std::optional<ReplayBuffer<Scalar, typename P::Actions>> replay_;
  Matrix<Scalar> log_ratios_, values_, next_values_, targets_, weights_, log_products_, advantages_;
};

}  // namespace ac

namespace ac {
template <Policy P>
OffPolicyActorCritic(P&, Critic<typename P::Scalar>&, const OffPolicyConfig& = {}) -> OffPolicyActorCritic<P>;
}  // namespace ac
