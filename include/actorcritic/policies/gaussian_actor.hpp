#pragma once
// A policy for Box action spaces: an Mlp from observations to the mean μ(s),
// and a state-independent log σ (one learnable value per action dimension, as
// SB3 and Spinning Up do), followed by a DiagGaussian head. log σ lives in the
// network's flat parameter vector after the layers (MlpConfig::
// trailing_parameters), so optimizers, clipping, the trust-region step and
// checkpoints see one vector. Gradients and tangents are in the stacked
// distribution parameters [μ; log σ] (`2·dims x batch`).
//
// `Head` is DiagGaussian by default; SquashedGaussianActor is the same actor
// with a SquashedDiagGaussian head (actions tanh(u), for bounded Box spaces).

#include "actorcritic/core/action_masks.hpp"
#include "actorcritic/core/generator.hpp"
#include "actorcritic/core/types.hpp"
#include "actorcritic/distributions/diag_gaussian.hpp"
#include "actorcritic/distributions/squashed_gaussian.hpp"
#include "actorcritic/nn/mlp.hpp"
#include "actorcritic/policies/critic.hpp"
#include "actorcritic/policies/policy.hpp"
#include "actorcritic/policies/policy_network.hpp"

namespace ac {

template <RealScalar Scalar_, template <class> class Head = DiagGaussian>
class GaussianActor {
 public:
  /// What describes the action space to the constructor: the action's dimension.
  using Shape = Index;
  using Scalar = Scalar_;
  using Distribution = Head<Scalar>;
  using Actions = Matrix<Scalar>;

  GaussianActor(Index observation_dim, Index action_dim, const ActorConfig& config, Generator& rng)
      : net_(mlp_config(observation_dim, action_dim, config), false, rng) {
    initialize_log_std(config);
  }
  GaussianActor(Index observation_dim, Index action_dim, const ActorConfig& config = {}, std::uint64_t seed = 0)
      : net_(mlp_config(observation_dim, action_dim, config), false, seed) {
    initialize_log_std(config);
  }
  /// The network also outputs V(s) in a last row (see SharedActorCritic).
  GaussianActor(WithValueRow, Index observation_dim, Index action_dim, const ActorConfig& config, Generator& rng)
      : net_(mlp_config(observation_dim, action_dim, config), true, rng) {
    initialize_log_std(config);
  }

  /// The action distribution at a batch of observations (`obs_dim x batch`).
  /// `masks` exist for the algorithms' one call shape: continuous actions have
  /// none, so they must be empty.
  const Distribution& distribution(ConstMatrixRef<Scalar> observations,
                                           ActionMaskMap masks = no_action_masks()) {
    expect_no_masks(masks);
    dist_.set(net_.forward(observations), log_std());
    return dist_;
  }
  [[nodiscard]] const Distribution& last_distribution() const { return dist_; }

  /// Accumulates dL/dθ given dL/d[μ; log σ] (`2·dims x batch`) for the last
  /// distribution() or jvp() batch: μ's part through the network, log σ's
  /// summed over the batch (it is shared by every column).
  void backward(ConstMatrixRef<Scalar> grad) {
    check_shape("GaussianActor::backward: grad", grad.rows(), grad.cols(), parameter_rows(), dist_.batch());
    net_.backward(grad.topRows(action_dim()), "GaussianActor");
    network().gradients().tail(action_dim()) += grad.bottomRows(action_dim()).rowwise().sum();
  }

  /// The tangent of [μ; log σ] along the parameter direction v, `2·dims x batch`.
  ConstMatrixMap<Scalar> jvp(ConstMatrixRef<Scalar> observations, ConstVectorRef<Scalar> v,
                             ActionMaskMap masks = no_action_masks()) {
    expect_no_masks(masks);
    const Index d = action_dim(), batch = observations.cols();
    auto mean_tangent = net_.jvp(observations, v);
    dist_.set(net_.last_output(), log_std());
    if (tangent_.cols() < batch) tangent_.resize(2 * d, batch);
    auto out = tangent_.leftCols(batch);
    out.topRows(d) = mean_tangent;
    out.bottomRows(d) = v.tail(d).replicate(1, batch);
    return {tangent_.data(), 2 * d, batch};
  }

  /// log σ, one value per action dimension (a view into the parameters).
  [[nodiscard]] ConstVectorMap<Scalar> log_std() const {
    return {network().parameters().data() + network().layer_parameter_count(), action_dim()};
  }

  [[nodiscard]] Index action_dim() const { return net_.head_rows(); }
  [[nodiscard]] Index observation_dim() const { return network().inputs(); }
  [[nodiscard]] Index action_rows() const { return action_dim(); }
  [[nodiscard]] Index parameter_rows() const { return 2 * action_dim(); }
  nn::Mlp<Scalar>& network() { return net_.mlp(); }
  [[nodiscard]] const nn::Mlp<Scalar>& network() const { return net_.mlp(); }

 private:
  static void expect_no_masks(ActionMaskMap masks) {
    if (masks.size() != 0) {
      throw_invalid_argument("GaussianActor: masks: action masks apply to discrete actions only, got {}x{}",
                             masks.rows(), masks.cols());
    }
  }
  static nn::MlpConfig mlp_config(Index observation_dim, Index action_dim, const ActorConfig& config) {
    auto c = network_mlp_config(observation_dim, action_dim, config);
    c.trailing_parameters = action_dim;
    return c;
  }
  void initialize_log_std(const ActorConfig& config) {
    if (!std::isfinite(config.initial_log_std)) {
      throw_invalid_argument("ActorConfig.initial_log_std: expected a finite value, got {}", config.initial_log_std);
    }
    network().parameters().tail(action_dim()).setConstant(static_cast<Scalar>(config.initial_log_std));
  }

  PolicyNetwork<Scalar> net_;
  Distribution dist_;
  Matrix<Scalar> tangent_;
};

/// A Gaussian policy whose actions are squashed by tanh into a bounded Box
/// (SquashedDiagGaussian): the rollout keeps the pre-squash u, the environment
/// receives low + (tanh(u) + 1) (high − low) / 2.
template <RealScalar Scalar>
using SquashedGaussianActor = GaussianActor<Scalar, SquashedDiagGaussian>;

}  // namespace ac
