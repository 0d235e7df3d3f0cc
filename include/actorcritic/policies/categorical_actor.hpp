#pragma once
// A policy for Discrete action spaces: an Mlp from observations to logits,
// followed by a Categorical head. The head's gradients with respect to the
// logits flow back through the network with backward().

#include "actorcritic/core/generator.hpp"
#include "actorcritic/core/types.hpp"
#include "actorcritic/distributions/categorical.hpp"
#include "actorcritic/nn/mlp.hpp"
#include "actorcritic/policies/critic.hpp"
#include "actorcritic/policies/policy.hpp"
#include "actorcritic/policies/policy_network.hpp"

namespace ac {

template <RealScalar Scalar_>
class CategoricalActor {
 public:
  using Scalar = Scalar_;
  using Distribution = Categorical<Scalar>;
  using Actions = ActionIndices;

  CategoricalActor(Index observation_dim, Index action_count, const ActorConfig& config, Generator& rng)
      : net_(network_mlp_config(observation_dim, action_count, config), false, rng) {}
  CategoricalActor(Index observation_dim, Index action_count, const ActorConfig& config = {},
                   std::uint64_t seed = 0)
      : net_(network_mlp_config(observation_dim, action_count, config), false, seed) {}
  /// The network also outputs V(s) in a last row (see SharedActorCritic).
  CategoricalActor(WithValueRow, Index observation_dim, Index action_count, const ActorConfig& config,
                   Generator& rng)
      : net_(network_mlp_config(observation_dim, action_count, config), true, rng) {}

  /// The action distribution at a batch of observations (`obs_dim x batch`),
  /// over the legal actions of `masks` (`actions x batch`; empty: all legal).
  /// Caches the network's forward pass for backward().
  const Categorical<Scalar>& distribution(ConstMatrixRef<Scalar> observations,
                                          ActionMaskMap masks = no_action_masks()) {
    dist_.set_logits(net_.forward(observations), masks);
    return dist_;
  }
  [[nodiscard]] const Categorical<Scalar>& last_distribution() const { return dist_; }

  /// Accumulates dL/dθ given dL/d(logits) for the last distribution() or jvp() batch.
  void backward(ConstMatrixRef<Scalar> grad_logits) { net_.backward(grad_logits, "CategoricalActor"); }

  /// The logits' tangent (∂z/∂θ) v at the observations, `actions x batch`; the
  /// distribution there is left in last_distribution() and backward() applies.
  ConstMatrixMap<Scalar> jvp(ConstMatrixRef<Scalar> observations, ConstVectorRef<Scalar> v,
                             ActionMaskMap masks = no_action_masks()) {
    const auto tangent = net_.jvp(observations, v);
    dist_.set_logits(net_.last_output(), masks);
    if (!net_.has_value_row()) return {tangent.data(), tangent.rows(), tangent.cols()};
    if (tangent_.cols() < tangent.cols()) tangent_.resize(tangent.rows(), tangent.cols());
    tangent_.leftCols(tangent.cols()) = tangent;  // contiguous, without the value row
    return {tangent_.data(), tangent.rows(), tangent.cols()};
  }

  [[nodiscard]] Index action_count() const { return net_.head_rows(); }
  [[nodiscard]] Index observation_dim() const { return net_.mlp().inputs(); }
  [[nodiscard]] static constexpr Index action_rows() { return 1; }
  [[nodiscard]] Index parameter_rows() const { return net_.head_rows(); }
  nn::Mlp<Scalar>& network() { return net_.mlp(); }
  [[nodiscard]] const nn::Mlp<Scalar>& network() const { return net_.mlp(); }

 private:
  PolicyNetwork<Scalar> net_;
  Categorical<Scalar> dist_;
  Matrix<Scalar> tangent_;
};

}  // namespace ac
