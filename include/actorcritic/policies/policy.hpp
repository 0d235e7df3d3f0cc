#pragma once
// What the algorithms need of a policy: an Mlp whose outputs parameterize a
// distribution head, with gradients and tangents expressed in the
// distribution's parameters (logits for Categorical, [μ; log σ] for
// DiagGaussian), so that one objective or trust-region step serves both.

#include "actorcritic/core/action_masks.hpp"
#include "actorcritic/core/types.hpp"
#include "actorcritic/nn/mlp.hpp"

#include <cmath>
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
  // The same over the legal actions of masks (empty: all legal; continuous policies take only empty masks).
  { policy.distribution(observations, no_action_masks()) } -> std::same_as<const typename P::Distribution&>;
  policy.jvp(observations, direction, no_action_masks());
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
namespace detail {
/// The fields an actor's and a critic's configuration share, in one order for checkpoints.
template <class Archive, class Config>
void serialize_hidden_layers(Archive& a, Config& c) {
  a.field("hidden", c.hidden, nn::MlpConfig::hidden_widths());
  a.field("activation", c.activation, nn::MlpConfig::known_activation());
  a.field("layer_norm", c.layer_norm);
  a.field("output_gain", c.output_gain, archive::Check{[](double g) { return g > 0 && std::isfinite(g); },
                                                       "a finite value > 0"});
}
/// A GRU's width, written only when there is one (so that feed-forward records keep their bytes).
template <class Archive, class Config>
void serialize_recurrent(Archive& a, Config& c) {
  archive::optional_field(a, "recurrent", c.recurrent > 0, c.recurrent, archive::between(1, nn::MlpConfig::kMaxWidth));
}
template <class Config>
void validate_hidden_layers(const Config& c) {
  nn::MlpConfig{.inputs = 1,
                .hidden = c.hidden,
                .outputs = 1,
                .activation = c.activation,
                .layer_norm = c.layer_norm,
                .output_gain = c.output_gain}
      .validate();
}
}  // namespace detail

struct ActorConfig {
  std::vector<Index> hidden{64, 64};  // SB3 MlpPolicy default
  nn::Activation activation = nn::Activation::tanh;
  bool layer_norm = false;
  double output_gain = 0.01;  // orthogonal init of the policy head (SB3, CleanRL)
  double initial_log_std = 0.0;  // Gaussian policies only: SB3 log_std_init
  /// Gaussian policies only: log σ as a network output (a function of the state, as in SAC),
  /// instead of one learnable value per dimension (SB3's PPO default).
  bool state_dependent_std = false;
  /// The width of a GRU before the hidden layers (nn::MlpConfig::recurrent; 0: a feed-forward policy).
  /// A recurrent policy runs over sequences: see PolicyNetwork::use_sequences.
  Index recurrent = 0;

  template <class Archive>
  void serialize(Archive& a) {
    detail::serialize_hidden_layers(a, *this);
    a.field("initial_log_std", initial_log_std);
    // Written only when set, so that the records of every other configuration keep their bytes.
    archive::optional_field(a, "state_dependent_std", state_dependent_std, state_dependent_std);
    detail::serialize_recurrent(a, *this);
  }
  void validate() const {
    detail::validate_hidden_layers(*this);
    check_non_negative("ActorConfig.recurrent", recurrent);
  }
};

}  // namespace ac
