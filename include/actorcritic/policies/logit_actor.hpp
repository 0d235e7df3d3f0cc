#pragma once
// The common part of the policies whose network outputs the logits of a
// discrete distribution head — Categorical (Discrete), MultiCategorical
// (MultiDiscrete), Bernoulli (MultiBinary): the network, the head, the forward
// pass into the head (with the state's action masks where the head takes
// them), backward of dL/d(logits), and the logits' tangent for TRPO. The
// named actors derive from it and add only their constructors.

#include "actorcritic/core/action_masks.hpp"
#include "actorcritic/core/generator.hpp"
#include "actorcritic/core/types.hpp"
#include "actorcritic/nn/mlp.hpp"
#include "actorcritic/policies/critic.hpp"
#include "actorcritic/policies/policy.hpp"
#include "actorcritic/policies/policy_network.hpp"

#include <cstdint>
#include <utility>

namespace ac {

template <template <class> class Head, RealScalar Scalar_>
class LogitActor {
 public:
  using Scalar = Scalar_;
  using Distribution = Head<Scalar>;
  using Actions = typename Distribution::Actions;

  /// The action distribution at a batch of observations (`obs_dim x batch`),
  /// over the legal actions of `masks` (stacked like the logits; empty: all
  /// legal). Caches the network's forward pass for backward().
  const Distribution& distribution(ConstMatrixRef<Scalar> observations, ActionMaskMap masks = no_action_masks()) {
    dist_.set_logits(net_.forward(observations), masks);
    return dist_;
  }
  [[nodiscard]] const Distribution& last_distribution() const { return dist_; }

  /// Accumulates dL/dθ given dL/d(logits) for the last distribution() or jvp() batch.
  void backward(ConstMatrixRef<Scalar> grad_logits) { net_.backward(grad_logits, name_); }

  /// The logits' tangent (∂z/∂θ) v at the observations, `logits x batch`; the
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

  /// A recurrent policy's sequences for the next distribution() and jvp() (PolicyNetwork::use_sequences).
  void use_sequences(nn::EpisodeStartsRef starts, ConstMatrixRef<Scalar> h0) { net_.use_sequences(starts, h0); }

  [[nodiscard]] Index observation_dim() const { return net_.mlp().inputs(); }
  /// Rows of the logits (the network's head).
  [[nodiscard]] Index parameter_rows() const { return net_.head_rows(); }
  nn::Mlp<Scalar>& network() { return net_.mlp(); }
  [[nodiscard]] const nn::Mlp<Scalar>& network() const { return net_.mlp(); }

 protected:
  /// `head_rows` logits; `value_row`: the network also outputs V(s) (SharedActorCritic);
  /// `name`: the actor's class, for messages.
  LogitActor(const char* name, Index observation_dim, Index head_rows, const ActorConfig& config, bool value_row,
             Generator& rng, Distribution head)
      : name_(name), net_(network_mlp_config(observation_dim, head_rows, config), value_row, rng),
        dist_(std::move(head)) {}
  LogitActor(const char* name, Index observation_dim, Index head_rows, const ActorConfig& config, std::uint64_t seed,
             Distribution head)
      : name_(name), net_(network_mlp_config(observation_dim, head_rows, config), false, seed),
        dist_(std::move(head)) {}

  const char* name_;
  PolicyNetwork<Scalar> net_;
  Distribution dist_;
  Matrix<Scalar> tangent_;
};

}  // namespace ac
