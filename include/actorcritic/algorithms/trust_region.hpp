#pragma once
// The trust-region step rule (Schulman et al. 2015, TRPO; Kakade 2001, natural
// policy gradient): maximize the importance-weighted surrogate
//   L(θ) = mean(π_θ(a|s)/π_old(a|s) · A)
// subject to mean KL(π_old ‖ π_θ) ≤ δ, by
//   1. g = ∇L at θ_old,
//   2. s ≈ F⁻¹g by conjugate gradient on exact Fisher-vector products
//      F v = (1/B) Jᵀ M J v + damping·v, with J = ∂(distribution parameters)/∂θ
//      (Mlp::jvp, then backward) and M the distribution's Fisher metric,
//   3. the full step β s with β = √(2δ / sᵀFs) (the quadratic model's KL = δ),
//   4. a backtracking line search over β s · shrink^k that accepts the first
//      step whose mean KL ≤ δ and whose surrogate improved, and otherwise
//      restores θ_old (Appendix C). Without the line search it is the natural
//      policy gradient with step β s.
// Data-parallel, g, every Fisher-vector product and every line-search KL and
// surrogate are the global batch's (one allreduce each), so the conjugate-
// gradient iterates and the accepted step agree on every rank.

#include "actorcritic/algorithms/diagnostics.hpp"
#include "actorcritic/algorithms/objectives.hpp"
#include "actorcritic/core/communicator.hpp"
#include "actorcritic/core/error.hpp"
#include "actorcritic/optim/conjugate_gradient.hpp"
#include "actorcritic/policies/policy.hpp"

#include <cmath>
#include <vector>

namespace ac {

struct TrustRegionConfig {
  double max_kl = 0.01;          // δ (sb3-contrib target_kl, Spinning Up delta)
  int cg_iterations = 15;        // sb3-contrib cg_max_steps (Spinning Up: 10)
  double cg_damping = 0.1;       // sb3-contrib cg_damping
  bool line_search = true;       // false: the natural policy gradient
  double shrink = 0.8;           // sb3-contrib line_search_shrinking_factor (Spinning Up backtrack_coeff)
  int line_search_steps = 10;    // sb3-contrib line_search_max_iter

  template <class Archive>
  void serialize(Archive& a) {
    a.field("max_kl", max_kl);
    a.field("cg_iterations", cg_iterations);
    a.field("cg_damping", cg_damping);
    a.field("line_search", line_search);
    a.field("shrink", shrink);
    a.field("line_search_steps", line_search_steps);
  }
  void validate() const {
    check_positive("TrustRegionConfig.max_kl", max_kl);
    check_positive("TrustRegionConfig.cg_iterations", cg_iterations);
    check_non_negative("TrustRegionConfig.cg_damping", cg_damping);
    if (!(shrink > 0.0 && shrink < 1.0)) {
      throw_invalid_argument("TrustRegionConfig.shrink: expected a value in (0, 1), got {}", shrink);
    }
    check_positive("TrustRegionConfig.line_search_steps", line_search_steps);
  }
};

/// v ↦ (1/B) Jᵀ M J v, the Hessian of mean KL(π_old ‖ π_θ) at θ = θ_old, for
/// the policy's parameters at `observations` (the policy must be at θ_old).
template <Policy P>
class FisherVectorProduct {
 public:
  using Scalar = typename P::Scalar;

  /// `masks`: the observations' legal actions (empty: all legal); the metric is then the masked distribution's.
  FisherVectorProduct(P& policy, ConstMatrixRef<Scalar> observations, CommunicatorRef comm = {},
                      ActionMaskMap masks = no_action_masks())
      : policy_(policy), observations_(observations), comm_(comm), masks_(masks) {}

  void operator()(ConstVectorRef<Scalar> v, Vector<Scalar>& out) {
    const auto tangent = policy_.jvp(observations_, v, masks_);  // J v, parameter_rows x B
    const auto& dist = policy_.last_distribution();
    if (metric_.rows() != tangent.rows() || metric_.cols() != tangent.cols()) {
      metric_.resize(tangent.rows(), tangent.cols());
    }
    dist.fisher_product(tangent, metric_);                 // M J v, per sample
    metric_ *= static_cast<Scalar>(1.0 / double(observations_.cols()));
    policy_.network().zero_gradients();
    policy_.backward(metric_);                              // Jᵀ (M J v) / B
    average_gradients(comm_, policy_.network().gradients(), double(observations_.cols()), workspace_);
    out = policy_.network().gradients();
  }

 private:
  P& policy_;
  ConstMatrixRef<Scalar> observations_;
  CommunicatorRef comm_;
  ActionMaskMap masks_;
  Matrix<Scalar> metric_;
  std::vector<Scalar> workspace_;
};

/// The step rule; holds the workspaces (sized on the first call).
template <Policy P>
class TrustRegionStep {
 public:
  using Scalar = typename P::Scalar;
  using Distribution = typename P::Distribution;

  TrustRegionStep(P& policy, const TrustRegionConfig& config)
      : policy_(policy), config_(config),
        cg_(policy.network().parameter_count(),
            {.max_iterations = config.cg_iterations, .residual_tolerance = 1e-10, .damping = config.cg_damping}),
        old_(policy.last_distribution()) {  // a copy of the head (a MultiCategorical knows its components)
    config_.validate();
    const Index n = policy.network().parameter_count();
    gradient_.setZero(n);
    direction_.setZero(n);
    fisher_direction_.setZero(n);
    theta_old_.setZero(n);
  }

  [[nodiscard]] const TrustRegionConfig& config() const { return config_; }
  /// Data-parallel over `comm`'s ranks (a single process by default).
  void set_communicator(CommunicatorRef comm) { comm_ = comm; }

  /// One trust-region update of the policy on a batch (advantages 1 x B,
  /// behavior log-probs 1 x B, taken at the current θ = θ_old). Fills the
  /// policy fields of `d`: policy_loss (−surrogate before), kl, step_size,
  /// surrogate_improvement, entropy. `masks`: the samples' legal actions (empty: all legal).
  void apply(ConstMatrixRef<Scalar> observations, const Eigen::Ref<const typename P::Actions>& actions,
             ConstMatrixRef<Scalar> old_log_probs, ConstMatrixRef<Scalar> advantages, UpdateDiagnostics& d,
             ActionMaskMap masks = no_action_masks()) {
    const Index batch = observations.cols();
    const double scale = 1.0 / double(batch);
    theta_old_ = policy_.network().parameters();
    if (old_parameters_.rows() != policy_.parameter_rows() || old_parameters_.cols() != batch) {
      old_parameters_.resize(policy_.parameter_rows(), batch);
      kl_.resize(1, batch);
    }

    // 1. g = ∇L(θ_old): the objective gives ∇(−L), hence the minus.
    const auto& dist = policy_.distribution(observations, masks);
    dist.write_parameters(old_parameters_);
    old_.set_parameters(old_parameters_);
    objective_.begin(dist, actions);
    double loss_before = objective_.ratio_surrogate(old_log_probs, advantages, kOff, scale);
    objective_.entropy_bonus(0.0, scale);
    d.entropy = objective_.entropy();
    mean_across_ranks(comm_, double(batch), {&loss_before, &d.entropy});
    d.policy_loss = loss_before;
    policy_.network().zero_gradients();
    policy_.backward(objective_.gradient());
    average_gradients(comm_, policy_.network().gradients(), double(batch), workspace_);
    gradient_ = -policy_.network().gradients();

    // 2. s ≈ F⁻¹ g.
    FisherVectorProduct<P> fisher(policy_, observations, comm_, masks);
    cg_.solve(fisher, gradient_, direction_);
    // 3. β = √(2δ / sᵀFs), with the damped F the step was solved for.
    fisher(direction_, fisher_direction_);
    fisher_direction_ += static_cast<Scalar>(config_.cg_damping) * direction_;
    const double curvature = static_cast<double>(direction_.dot(fisher_direction_));
    if (!(curvature > 0.0) || !std::isfinite(curvature)) {
      // A zero gradient (e.g. all advantages 0) leaves nothing to do.
      policy_.network().parameters() = theta_old_;
      d.step_size = 0.0;
      d.kl = 0.0;
      d.surrogate_improvement = 0.0;
      return;
    }
    const double beta = std::sqrt(2.0 * config_.max_kl / curvature);

    // 4. Backtracking line search (or the plain natural step).
    double fraction = 1.0;
    for (int k = 0; k < (config_.line_search ? config_.line_search_steps : 1); ++k, fraction *= config_.shrink) {
      policy_.network().parameters() = theta_old_ + static_cast<Scalar>(beta * fraction) * direction_;
      const auto& trial = policy_.distribution(observations, masks);
      old_.kl(trial, kl_);
      double kl = static_cast<double>(kl_.mean());
      objective_.begin(trial, actions);
      double loss = objective_.ratio_surrogate(old_log_probs, advantages, kOff, scale);
      mean_across_ranks(comm_, double(batch), {&kl, &loss});
      if (!config_.line_search || (kl <= config_.max_kl && loss < loss_before)) {
        d.step_size = fraction;
        d.kl = kl;
        d.surrogate_improvement = loss_before - loss;
        return;
      }
    }
    policy_.network().parameters() = theta_old_;  // no acceptable step: keep θ_old
    d.step_size = 0.0;
    d.kl = 0.0;
    d.surrogate_improvement = 0.0;
  }

 private:

  P& policy_;
  TrustRegionConfig config_;
  optim::ConjugateGradient<Scalar> cg_;
  PolicyObjective<P> objective_;
  Distribution old_;
  Vector<Scalar> gradient_, direction_, fisher_direction_, theta_old_;
  Matrix<Scalar> old_parameters_, kl_;
  CommunicatorRef comm_;
  std::vector<Scalar> workspace_;
};

}  // namespace ac
