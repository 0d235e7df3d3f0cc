#pragma once
// GRPO, Group Relative Policy Optimization (Shao et al. 2024, "DeepSeekMath: Pushing the Limits of
// Mathematical Reasoning in Open Language Models", arXiv 2402.03300, §4.1), on complete episodes: no
// critic; the N envs form N/k groups of k whose episodes start from the same state
// (VectorEnv::share_start_states, as RLOO's). With R_i episode i's discounted return and its group's
// mean and standard deviation (k − 1 in the denominator),
//   A_i = (R_i − mean_g R) / (std_g R + ε)            every step of episode i gets A_i (outcome supervision)
// and the objective, maximized over several epochs of minibatches of the batch's steps (eq. 3),
//   J = (1/N) Σ_i (1/|o_i|) Σ_t [ min(r A_i, clip(r, 1 ± ε_clip) A_i) − β D(π_θ ‖ π_ref) ]
// with r = π_θ(a_t|s_t)/π_old(a_t|s_t), |o_i| the length of episode i, and D the KL to a frozen reference
// policy: in closed form (our distributions give it), or the paper's k3 estimate at the taken action,
// π_ref/π_θ − log(π_ref/π_θ) − 1 (eq. 4). The reference is the policy at the start of training, or is
// renewed every `reference_update_interval` updates (the paper's iterative GRPO). `episode_mean = false`
// weighs every step the same instead of every episode (DAPO's token-level mean, Yu et al. 2025).
//
// The std normalization makes the estimator biased: A_i divides by a statistic of the group that
// includes R_i itself, so E[A_i ∇log π(episode i)] is not a multiple of ∇J (the mean alone would be a
// baseline scaled by (k−1)/k: RLOO's unbiased estimate times (k−1)/k). It rescales each group's step
// to unit spread: groups whose returns barely differ get the same push as groups with large
// differences, and a group of equal returns gets none. docs/algorithms/grpo.md says more.

#include "actorcritic/algorithms/diagnostics.hpp"
#include "actorcritic/algorithms/minibatch.hpp"
#include "actorcritic/algorithms/objectives.hpp"
#include "actorcritic/algorithms/reinforce.hpp"
#include "actorcritic/core/archive.hpp"
#include "actorcritic/core/communicator.hpp"
#include "actorcritic/core/error.hpp"
#include "actorcritic/core/generator.hpp"
#include "actorcritic/kernels/group_advantages.hpp"
#include "actorcritic/optim/adam.hpp"
#include "actorcritic/policies/policy.hpp"
#include "actorcritic/rollout/rollout_buffer.hpp"

#include <array>
#include <cmath>
#include <span>
#include <string_view>
#include <vector>

namespace ac {

/// How GRPO measures the distance to its reference policy.
enum class ReferenceKl {
  exact,  // KL(π_θ(·|s) ‖ π_ref(·|s)) in closed form
  k3,     // π_ref(a|s)/π_θ(a|s) − log(π_ref(a|s)/π_θ(a|s)) − 1 at the taken action (the paper's estimator)
};

struct GrpoConfig {
  /// The paper's outcome reward is the episode's undiscounted return. Defaults measured on CartPole-v1
  /// (docs/algorithms/grpo.md): with γ = 0.99 the returns of long episodes saturate near 1/(1 − γ) and
  /// the group's normalization amplifies their small differences.
  double gamma = 1.0;
  /// k: the episodes drawn from each start state; the envs must be a multiple of it.
  Index group_size = 4;
  Index epochs = 10;          // passes over the batch's steps
  Index batch_size = 256;     // steps per minibatch
  double clip_range = 0.2;    // ε of the clipped surrogate (the paper's 0.2)
  double kl_coef = 0.0;       // β of the KL penalty to the reference; 0: none (the paper used 0.04)
  ReferenceKl kl_estimator = ReferenceKl::k3;
  /// Updates between renewals of the reference to the current policy; 0: the initial policy throughout.
  Index reference_update_interval = 0;
  bool episode_mean = true;   // (1/N) Σ_i (1/|o_i|) Σ_t as eq. 3; false: the mean over the batch's steps
  double advantage_epsilon = 1e-4;  // ε of A = (R − mean)/(std + ε)
  double ent_coef = 0.0;
  double max_grad_norm = 0.5;
  optim::AdamConfig optimizer{.learning_rate = 3e-4};

  template <class Archive>
  void serialize(Archive& a) {
    a.field("gamma", gamma);
    a.field("group_size", group_size, archive::at_least(2));
    a.field("epochs", epochs, archive::at_least(1));
    a.field("batch_size", batch_size, archive::at_least(1));
    a.field("clip_range", clip_range);
    a.field("kl_coef", kl_coef);
    a.field("kl_estimator", kl_estimator,
            archive::Check{[](ReferenceKl e) { return e == ReferenceKl::exact || e == ReferenceKl::k3; },
                           "0 (exact) or 1 (k3)"});
    a.field("reference_update_interval", reference_update_interval, archive::at_least(0));
    a.field("episode_mean", episode_mean);
    a.field("advantage_epsilon", advantage_epsilon);
    a.field("ent_coef", ent_coef);
    a.field("max_grad_norm", max_grad_norm);
    a.field("optimizer", optimizer);
  }

  void validate() const {
    check_discount("GrpoConfig.gamma", gamma);
    if (group_size < 2) {
      throw_invalid_argument("GrpoConfig.group_size: expected at least 2 episodes a start state, got {}",
                             group_size);
    }
    check_positive("GrpoConfig.epochs", epochs);
    check_positive("GrpoConfig.batch_size", batch_size);
    check_positive("GrpoConfig.clip_range", clip_range);
    check_non_negative("GrpoConfig.kl_coef", kl_coef);
    if (kl_estimator != ReferenceKl::exact && kl_estimator != ReferenceKl::k3) {
      throw_invalid_argument("GrpoConfig.kl_estimator: expected exact or k3, got {}", int(kl_estimator));
    }
    check_non_negative("GrpoConfig.reference_update_interval", reference_update_interval);
    if (!(advantage_epsilon >= 0.0 && std::isfinite(advantage_epsilon))) {
      throw_invalid_argument("GrpoConfig.advantage_epsilon: expected a finite number >= 0, got {}",
                             advantage_epsilon);
    }
    check_non_negative("GrpoConfig.ent_coef", ent_coef);
    check_positive("GrpoConfig.max_grad_norm", max_grad_norm);
    optimizer.validate();
  }
};

/// Complete episodes as RLOO's (detail::EpisodeLearner), PPO's clipped surrogate over minibatch epochs.
/// Data-parallel: each rank's envs hold whole groups; the minibatches are global (plan_minibatches).
/// Feed-forward policies only: the minibatches shuffle single steps.
template <Policy P>
class GRPO : public detail::EpisodeLearner<P, GrpoConfig> {
  using Base = detail::EpisodeLearner<P, GrpoConfig>;
  using Base::actor_, Base::comm_, Base::config_, Base::mask_, Base::objective_, Base::returns_, Base::workspace_;

 public:
  using Scalar = typename Base::Scalar;
  using Distribution = typename P::Distribution;
  static constexpr std::string_view kName = "grpo";
  [[nodiscard]] Index group_size() const { return config_.group_size; }

  GRPO(P& actor, const GrpoConfig& config = {})
      : Base(actor, config), old_full_(actor.last_distribution()), reference_mb_(actor.last_distribution()) {
    if (actor.network().recurrent()) {
      throw_invalid_argument("GRPO: actor: expected a feed-forward policy (the minibatches shuffle single steps), "
                             "got a recurrent one");
    }
    if (uses_reference()) reference_ = actor.network().parameters();
  }

  /// The optimizer's moments, and with a KL penalty the reference's parameters and the updates since its renewal.
  template <class Archive>
  void serialize(Archive& a) {
    Base::serialize(a);
    archive::optional_field(a, "reference", uses_reference(), reference_, archive::all_finite());
    archive::optional_field(a, "updates_since_reference", config_.reference_update_interval > 0,
                            updates_since_reference_, archive::at_least(0));
  }

  /// The reference policy's parameters (empty without a KL penalty).
  [[nodiscard]] const Vector<Scalar>& reference_parameters() const { return reference_; }

  /// The update on a batch of complete episodes, collected by the current policy from group starts;
  /// `rng` shuffles the minibatches.
  UpdateDiagnostics update(const RolloutBufferFor<P>& buffer, Generator& rng) {
    UpdateDiagnostics d = prepare(buffer, "GRPO::update");

    // 3. Epochs of shuffled minibatches of the episodes' steps.
    const MinibatchPlan plan = plan_minibatches(comm_, Index(order_.size()), config_.batch_size);
    reserve_minibatch(buffer, plan.slice);
    // The last epoch's size-weighted sums: policy loss, entropy, approx KL, clip fraction, reference KL, weight.
    std::array<double, 6> last_epoch{};
    for (Index epoch = 0; epoch < config_.epochs; ++epoch) {
      const bool measure_entropy = measures_entropy(config_.ent_coef, epoch, config_.epochs, false);
      detail::shuffle(order_, rng);
      last_epoch.fill(0.0);
      for (Index k = 0; k < plan.steps; ++k) {
        const Index size = plan.size(k);
        MinibatchLosses l = minibatch_gradient(buffer, plan.first(k), size, measure_entropy);
        l.grad_norm = this->step();
        const double w = double(size);
        for (std::size_t i = 0; i < 5; ++i) last_epoch[i] += w * l.values[i];
        last_epoch[5] += w;
        d.grad_norm = l.grad_norm;
      }
    }
    if (comm_.size() > 1) comm_.allreduce_sum(std::span<double>(last_epoch));
    if (const double weight = last_epoch[5]; weight > 0) {
      d.policy_loss = last_epoch[0] / weight;
      d.entropy = last_epoch[1] / weight;
      d.approx_kl = last_epoch[2] / weight;
      d.clip_fraction = last_epoch[3] / weight;
      if (uses_reference()) d.reference_kl = last_epoch[4] / weight;
    }
    d.epochs = double(config_.epochs);

    // 4. The exact mean KL(π_old ‖ π_new) of the update over the episodes' steps; the reference's renewal.
    old_full_.set_parameters(old_parameters_);
    old_full_.kl(actor_.distribution(buffer.observations, buffer.action_masks()), kl_row_);
    const double steps = static_cast<double>(mask_.sum());
    d.kl = static_cast<double>((kl_row_.array() * detail::as_row(mask_).array()).sum()) / steps;
    mean_across_ranks(comm_, steps, {&d.kl});
    if (config_.reference_update_interval > 0 &&
        ++updates_since_reference_ >= config_.reference_update_interval) {
      updates_since_reference_ = 0;
      if (uses_reference()) reference_ = actor_.network().parameters();
    }
    return d;
  }

  /// The gradient of −J (eq. 3) at the current parameters, into the actor's gradients(), without a step:
  /// one minibatch of every step of the batch, where r = 1. For tests and for inspecting the estimator.
  UpdateDiagnostics gradient(const RolloutBufferFor<P>& buffer) {
    UpdateDiagnostics d = prepare(buffer, "GRPO::gradient");
    const Index steps = Index(order_.size());
    reserve_minibatch(buffer, steps);
    const MinibatchLosses l = minibatch_gradient(buffer, 0, steps, true);
    d.policy_loss = l.values[0];
    d.entropy = l.values[1];
    if (uses_reference()) d.reference_kl = l.values[4];
    mean_across_ranks(comm_, double(steps), {&d.policy_loss, &d.entropy, &d.reference_kl});
    return d;
  }

 private:
  struct MinibatchLosses {
    std::array<double, 5> values{};  // policy loss, entropy, approx KL, clip fraction, reference KL
    double grad_norm = 0.0;
  };

  [[nodiscard]] bool uses_reference() const { return config_.kl_coef > 0.0; }

  /// Steps 1–2 of an update: each episode's return from its start, its group-normalized advantage, the
  /// steps' weights (sample_weights); the behavior's and the reference's distributions over the batch.
  UpdateDiagnostics prepare(const RolloutBufferFor<P>& buffer, std::string_view caller) {
    const Index n = buffer.envs();
    this->expect_whole_groups(caller, buffer);
    UpdateDiagnostics d;
    d.clip_range = config_.clip_range;
    d.learning_rate = config_.optimizer.learning_rate;
    d.kl_coef = config_.kl_coef;
    this->episode_returns(buffer);
    if (episode_advantages_.size() != n) episode_advantages_.resize(n);
    kernels::group_normalized_advantages(returns_.col(0), config_.group_size, config_.advantage_epsilon,
                                         episode_advantages_);
    d.batch_return = static_cast<double>(returns_.col(0).mean());
    mean_across_ranks(comm_, double(n), {&d.batch_return});
    sample_weights(buffer);
    actor_.distribution(buffer.observations, buffer.action_masks()).write_parameters(old_parameters_);
    if (uses_reference()) reference_distribution(buffer);
    return d;
  }

  /// order_: the batch's samples inside the first episodes (index t·N + n); weight_: each sample's weight
  /// c = M / (N |o_i|) with M the steps and N the episodes of every rank (episode_mean; else 1), so that the
  /// mean of c ℓ over all steps is eq. 3's (1/N) Σ_i (1/|o_i|) Σ_t ℓ; advantage_: c A_i.
  void sample_weights(const RolloutBufferFor<P>& buffer) {
    const Index n = buffer.envs(), steps = buffer.steps(), batch = buffer.size();
    if (weight_.cols() != batch) {
      weight_.resize(1, batch);
      advantage_.resize(1, batch);
      old_parameters_.resize(actor_.parameter_rows(), batch);
      kl_row_.resize(1, batch);
      reference_log_probs_.resize(1, batch);
      reference_parameters_.resize(actor_.parameter_rows(), batch);
      order_.reserve(static_cast<std::size_t>(batch));
    }
    lengths_ = mask_.rowwise().sum();
    const double all_steps = mean_across_ranks(comm_, static_cast<double>(lengths_.sum()), {});
    const double all_episodes = mean_across_ranks(comm_, double(n), {});
    order_.clear();
    for (Index t = 0; t < steps; ++t) {
      for (Index i = 0; i < n; ++i) {
        const Index j = t * n + i;
        if (mask_(i, t) == Scalar(0)) {
          weight_(0, j) = advantage_(0, j) = Scalar(0);
          continue;
        }
        const double length = static_cast<double>(lengths_(i));
        const double c = config_.episode_mean ? all_steps / (all_episodes * length) : 1.0;
        weight_(0, j) = static_cast<Scalar>(c);
        advantage_(0, j) = static_cast<Scalar>(c * static_cast<double>(episode_advantages_(i)));
        order_.push_back(j);
      }
    }
  }

  /// The reference policy's distribution parameters and log-probabilities of the taken actions over the batch:
  /// the actor's network runs once with the reference's parameters.
  void reference_distribution(const RolloutBufferFor<P>& buffer) {
    auto& parameters = actor_.network().parameters();
    parameters.swap(reference_);
    const auto& reference = actor_.distribution(buffer.observations, buffer.action_masks());
    reference.write_parameters(reference_parameters_);
    reference.log_prob(buffer.actions, reference_log_probs_);
    parameters.swap(reference_);
  }

  /// One minibatch: the samples order_[first … first + size), their gradient into the actor's gradients(),
  /// averaged over the ranks. With measure_entropy false (measures_entropy: only without an entropy bonus)
  /// the entropy term and values[1] are skipped.
  MinibatchLosses minibatch_gradient(const RolloutBufferFor<P>& buffer, Index first, Index size,
                                     bool measure_entropy) {
    MinibatchLosses l;
    actor_.network().zero_gradients();
    if (size > 0) {
      const double scale = 1.0 / double(size);
      mb_.gather(buffer, order_, first, size);
      auto advantages = mb_advantages_.leftCols(size);
      auto weights = mb_weights_.leftCols(size);
      detail::gather_columns(advantage_, order_, first, advantages);
      detail::gather_columns(weight_, order_, first, weights);

      objective_.begin(actor_.distribution(mb_.observations(), mb_.masks()), mb_.actions());
      l.values[0] = objective_.ratio_surrogate(mb_.old_log_probs(), advantages, config_.clip_range, scale);
      const auto& stats = objective_.ratio_statistics();
      l.values[2] = stats.approx_kl;
      l.values[3] = stats.clip_fraction;
      if (uses_reference()) {
        auto penalty = mb_penalty_.leftCols(size);
        penalty = weights * static_cast<Scalar>(config_.kl_coef * scale);
        if (config_.kl_estimator == ReferenceKl::k3) {
          auto reference_log_probs = mb_reference_log_probs_.leftCols(size);
          detail::gather_columns(reference_log_probs_, order_, first, reference_log_probs);
          l.values[0] += objective_.reference_k3_penalty(reference_log_probs, penalty);
        } else {
          auto reference_parameters = mb_reference_parameters_.leftCols(size);
          detail::gather_columns(reference_parameters_, order_, first, reference_parameters);
          reference_mb_.set_parameters(reference_parameters);
          l.values[0] += objective_.reference_kl_penalty(reference_mb_, penalty);
        }
        l.values[4] = objective_.mean_reference_kl();
      }
      if (measure_entropy) {
        const ConstMatrixRef<Scalar> weight_row = weights;
        l.values[0] += objective_.entropy_bonus(config_.ent_coef, scale, &weight_row);
        l.values[1] = objective_.entropy();
      }
      actor_.backward(objective_.gradient());
    }
    // Data-parallel: a rank whose slice is empty still meets the others' averages, then steps with them.
    average_gradients(comm_, actor_.network().gradients(), double(size), workspace_);
    return l;
  }

  void reserve_minibatch(const RolloutBufferFor<P>& buffer, Index minibatch) {
    if (mb_.capacity() >= minibatch) return;
    mb_.reserve(buffer, minibatch);
    for (Matrix<Scalar>* m : {&mb_advantages_, &mb_weights_, &mb_penalty_, &mb_reference_log_probs_}) {
      m->resize(1, minibatch);
    }
    mb_reference_parameters_.resize(actor_.parameter_rows(), minibatch);
  }

  Vector<Scalar> reference_;  // the reference policy's network parameters
  Index updates_since_reference_ = 0;
  Distribution old_full_, reference_mb_;  // copies of the policy's head (a MultiCategorical knows its components)
  Vector<Scalar> episode_advantages_, lengths_;
  Matrix<Scalar> weight_, advantage_, old_parameters_, kl_row_, reference_log_probs_, reference_parameters_;
  std::vector<Index> order_;
  PolicyMinibatch<P> mb_;  // the policy's part of a minibatch
  Matrix<Scalar> mb_advantages_, mb_weights_, mb_penalty_, mb_reference_log_probs_, mb_reference_parameters_;
};

template <Policy P>
GRPO(P&, const GrpoConfig& = {}) -> GRPO<P>;

}  // namespace ac
