#pragma once
// What the algorithms need of a policy: an Mlp whose outputs parameterize a
// distribution head, with gradients and tangents expressed in the
// distribution's parameters (logits for Categorical, [μ; log σ] for
// DiagGaussian), so that one objective or trust-region step serves both.

#include "actorcritic/core/types.hpp"
#include "actorcritic/nn/mlp.hpp"

#include <concepts>

namespace ac {

template <class P>
concept Policy = requires(P policy, const P& const_policy, ConstMatrixRef<typename P::Scalar> observations,
                          ConstMatrixRef<typename P::Scalar> grad, ConstVectorRef<typename P::Scalar> direction) {
  typename P::Scalar;
  typename P::Distribution;
  typename P::Actions;
  // The distribution at a batch of observations (obs_dim x batch); caches the forward pass.
  { policy.distribution(observations) } -> std::same_as<const typename P::Distribution&>;
  // Accumulates dL/dθ into network().gradients() given dL/d(distribution parameters).
  policy.backward(grad);
  // Forward at the observations, then the distribution parameters' tangent along θ-direction v.
  policy.jvp(observations, direction);
  { policy.network() } -> std::same_as<nn::Mlp<typename P::Scalar>&>;
  { const_policy.observation_dim() } -> std::convertible_to<Index>;
  { const_policy.action_rows() } -> std::convertible_to<Index>;
  { const_policy.parameter_rows() } -> std::convertible_to<Index>;
};

/// The distribution-head options shared by every policy.
struct ActorConfig {
  std::vector<Index> hidden{64, 64};  // SB3 MlpPolicy default
  nn::Activation activation = nn::Activation::tanh;
  bool layer_norm = false;
  double output_gain = 0.01;  // orthogonal init of the policy head (SB3, CleanRL)
  double initial_log_std = 0.0;  // Gaussian policies only: SB3 log_std_init

  template <class Archive>
  void serialize(Archive& a) {
    a.field("hidden", hidden, nn::MlpConfig::hidden_widths());
    a.field("activation", activation);
    a.field("layer_norm", layer_norm);
    a.field("output_gain", output_gain);
    a.field("initial_log_std", initial_log_std);
  }
  void validate() const {
    nn::MlpConfig{.inputs = 1, .hidden = hidden, .outputs = 1, .activation = activation}.validate();
  }
};

}  // namespace ac
