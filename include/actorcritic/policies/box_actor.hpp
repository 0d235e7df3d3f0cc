#pragma once
// Policies for Box action spaces: an Mlp from observations to the parameters
// of a distribution over continuous actions (`Head`):
//   GaussianActor          DiagGaussian: the mean μ(s) from the network and a
//                          state-independent log σ (one learnable value per
//                          action dimension, as SB3 and Spinning Up do);
//   SquashedGaussianActor  SquashedDiagGaussian: the same, actions tanh(u)
//                          rescaled to a bounded Box;
//   BetaActor              Beta: both z_α(s) and z_β(s) from the network
//                          (Chou et al. 2017), actions x ∈ (0, 1) rescaled to a
//                          bounded Box.
// A state-independent log σ lives in the network's flat parameter vector after
// the layers (MlpConfig::trailing_parameters), so optimizers, clipping, the
// trust-region step and checkpoints see one vector. With
// ActorConfig::state_dependent_std, log σ is a second block of network outputs
// instead ([μ; log σ] = the head's 2·dims rows, SAC's parameterization),
// initialized at ActorConfig::initial_log_std through its bias. A head without
// a log σ (Beta) always takes its 2·dims parameter rows from the network, with
// zero bias (α = β = 1 + log 2 at the start: mean 1/2, close to uniform); the
// two options do not apply to it. Gradients and tangents are in the stacked
// distribution parameters (`2·dims x batch`).

#include "actorcritic/core/action_masks.hpp"
#include "actorcritic/core/generator.hpp"
#include "actorcritic/core/types.hpp"
#include "actorcritic/distributions/beta.hpp"
#include "actorcritic/distributions/bounded_actions.hpp"
#include "actorcritic/distributions/diag_gaussian.hpp"
#include "actorcritic/distributions/squashed_gaussian.hpp"
#include "actorcritic/nn/mlp.hpp"
#include "actorcritic/policies/critic.hpp"
#include "actorcritic/policies/policy.hpp"
#include "actorcritic/policies/policy_network.hpp"

namespace ac {

template <RealScalar Scalar_, template <class> class Head = DiagGaussian>
class BoxActor {
 public:
  /// What describes the action space to the constructor: the action's dimension.
  using Shape = Index;
  using Scalar = Scalar_;
  using Distribution = Head<Scalar>;
  using Actions = Matrix<Scalar>;
  /// Whether the head has a log σ that may be state-independent (the Gaussians); else (Beta) all of its
  /// parameters are network outputs.
  static constexpr bool kHasLogStd = requires(const Distribution& d) { d.log_std(); };

  BoxActor(Index observation_dim, Index action_dim, const ActorConfig& config, Generator& rng)
      : dims_(action_dim), state_dependent_(!kHasLogStd || config.state_dependent_std),
        net_(mlp_config(observation_dim, action_dim, config), false, rng) {
    initialize_log_std(config);
  }
  BoxActor(Index observation_dim, Index action_dim, const ActorConfig& config = {}, std::uint64_t seed = 0)
      : dims_(action_dim), state_dependent_(!kHasLogStd || config.state_dependent_std),
        net_(mlp_config(observation_dim, action_dim, config), false, seed) {
    initialize_log_std(config);
  }
  /// The network also outputs V(s) in a last row (see SharedActorCritic).
  BoxActor(WithValueRow, Index observation_dim, Index action_dim, const ActorConfig& config, Generator& rng)
      : dims_(action_dim), state_dependent_(!kHasLogStd || config.state_dependent_std),
        net_(mlp_config(observation_dim, action_dim, config), true, rng) {
    initialize_log_std(config);
  }

  /// The action distribution at a batch of observations (`obs_dim x batch`).
  /// `masks` exist for the algorithms' one call shape: continuous actions have
  /// none, so they must be empty.
  const Distribution& distribution(ConstMatrixRef<Scalar> observations,
                                           ActionMaskMap masks = no_action_masks()) {
    expect_no_masks(masks);
    const auto y = net_.forward(observations);
    if (state_dependent_) {
      dist_.set(y.topRows(dims_), y.bottomRows(dims_));
    } else {
      dist_.set(y, independent_log_std());
    }
    return dist_;
  }
  [[nodiscard]] const Distribution& last_distribution() const { return dist_; }

  /// Accumulates dL/dθ given dL/d[μ; log σ] (`2·dims x batch`) for the last
  /// distribution() or jvp() batch: μ's part through the network, log σ's
  /// summed over the batch (it is shared by every column) — or, state-dependent,
  /// both through the network.
  void backward(ConstMatrixRef<Scalar> grad) {
    check_shape("BoxActor::backward: grad", grad.rows(), grad.cols(), parameter_rows(), dist_.batch());
    if (state_dependent_) {
      net_.backward(grad, "BoxActor");
      return;
    }
    net_.backward(grad.topRows(action_dim()), "BoxActor");
    network().gradients().tail(action_dim()) += grad.bottomRows(action_dim()).rowwise().sum();
  }

  /// The tangent of [μ; log σ] along the parameter direction v, `2·dims x batch`.
  ConstMatrixMap<Scalar> jvp(ConstMatrixRef<Scalar> observations, ConstVectorRef<Scalar> v,
                             ActionMaskMap masks = no_action_masks()) {
    expect_no_masks(masks);
    const Index d = action_dim(), batch = observations.cols();
    if (state_dependent_) {
      const auto tangent = net_.jvp(observations, v);
      const auto y = net_.last_output();
      dist_.set(y.topRows(d), y.bottomRows(d));
      if (tangent_.cols() < batch) tangent_.resize(2 * d, batch);
      tangent_.leftCols(batch) = tangent;  // contiguous, without a shared trunk's value row
      return {tangent_.data(), 2 * d, batch};
    }
    auto mean_tangent = net_.jvp(observations, v);
    dist_.set(net_.last_output(), independent_log_std());
    if (tangent_.cols() < batch) tangent_.resize(2 * d, batch);
    auto out = tangent_.leftCols(batch);
    out.topRows(d) = mean_tangent;
    out.bottomRows(d) = v.tail(d).replicate(1, batch);
    return {tangent_.data(), 2 * d, batch};
  }

  /// log σ, one value per action dimension (a view into the parameters); with a
  /// state-dependent log σ there is none (it is the distribution's, per state).
  [[nodiscard]] ConstVectorMap<Scalar> log_std() const
    requires kHasLogStd
  {
    if (state_dependent_) {
      throw UsageError("BoxActor::log_std: log σ depends on the state (ActorConfig::state_dependent_std); "
                       "read it from distribution(observations).log_std()");
    }
    return independent_log_std();
  }
  [[nodiscard]] bool state_dependent_std() const { return state_dependent_; }
  /// A recurrent policy's sequences for the next distribution() and jvp() (PolicyNetwork::use_sequences).
  void use_sequences(nn::EpisodeStartsRef starts, ConstMatrixRef<Scalar> h0) { net_.use_sequences(starts, h0); }

  [[nodiscard]] Index action_dim() const { return dims_; }
  [[nodiscard]] Index observation_dim() const { return network().inputs(); }
  [[nodiscard]] Index action_rows() const { return action_dim(); }
  [[nodiscard]] Index parameter_rows() const { return 2 * action_dim(); }
  nn::Mlp<Scalar>& network() { return net_.mlp(); }
  [[nodiscard]] const nn::Mlp<Scalar>& network() const { return net_.mlp(); }

 private:
  static void expect_no_masks(ActionMaskMap masks) {
    if (masks.size() != 0) {
      throw_invalid_argument("BoxActor: masks: action masks apply to discrete actions only, got {}x{}",
                             masks.rows(), masks.cols());
    }
  }
  /// The state-independent log σ after the layers' parameters (only where !state_dependent_).
  [[nodiscard]] ConstVectorMap<Scalar> independent_log_std() const {
    return {network().parameters().data() + network().layer_parameter_count(), action_dim()};
  }
  static nn::MlpConfig mlp_config(Index observation_dim, Index action_dim, const ActorConfig& config) {
    if (!kHasLogStd || config.state_dependent_std) return network_mlp_config(observation_dim, 2 * action_dim, config);
    auto c = network_mlp_config(observation_dim, action_dim, config);
    c.trailing_parameters = action_dim;
    return c;
  }
  void initialize_log_std(const ActorConfig& config) {
    if (!std::isfinite(config.initial_log_std)) {
      throw_invalid_argument("ActorConfig.initial_log_std: expected a finite value, got {}", config.initial_log_std);
    }
    if constexpr (!kHasLogStd) return;  // no log σ: the head's bias stays zero
    const auto value = static_cast<Scalar>(config.initial_log_std);
    if (state_dependent_) {  // the log σ rows' bias; their weights start small (the head's output gain)
      auto& net = network();
      net.linear_layers().back().bias(net.parameters().data()).segment(dims_, dims_).setConstant(value);
      return;
    }
    network().parameters().tail(action_dim()).setConstant(value);
  }

  Index dims_;
  bool state_dependent_;
  PolicyNetwork<Scalar> net_;
  Distribution dist_;
  Matrix<Scalar> tangent_;
};

/// A diagonal Gaussian policy (the default for Box spaces): actions clipped to the bounds.
template <RealScalar Scalar, template <class> class Head = DiagGaussian>
using GaussianActor = BoxActor<Scalar, Head>;

/// A Gaussian policy whose actions are squashed by tanh into a bounded Box
/// (SquashedDiagGaussian): the rollout keeps the pre-squash u, the environment
/// receives low + (tanh(u) + 1) (high − low) / 2.
template <RealScalar Scalar>
using SquashedGaussianActor = BoxActor<Scalar, SquashedDiagGaussian>;

/// A Beta policy for a bounded Box (Beta): the rollout keeps x ∈ (0, 1), the
/// environment receives low + x (high − low).
template <RealScalar Scalar>
using BetaActor = BoxActor<Scalar, Beta>;

}  // namespace ac
