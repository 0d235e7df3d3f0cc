#pragma once
// A state-value function V(s): an Mlp from observations to one output.

#include "actorcritic/core/generator.hpp"
#include "actorcritic/core/types.hpp"
#include "actorcritic/nn/mlp.hpp"
#include "actorcritic/policies/policy.hpp"
#include "actorcritic/policies/policy_network.hpp"

#include <cstdint>
#include <optional>
#include <vector>

namespace ac {

/// The MlpConfig of a policy or value network from its config (ActorConfig,
/// CriticConfig: hidden widths, activation, layer norm, head gain).
template <class NetworkConfig>
nn::MlpConfig network_mlp_config(Index inputs, Index outputs, const NetworkConfig& c) {
  nn::MlpConfig config{.inputs = inputs, .hidden = c.hidden, .outputs = outputs, .activation = c.activation,
                       .layer_norm = c.layer_norm, .output_gain = c.output_gain};
  config.recurrent = c.recurrent;
  return config;
}

struct CriticConfig {
  std::vector<Index> hidden{64, 64};  // SB3 MlpPolicy default
  nn::Activation activation = nn::Activation::tanh;
  bool layer_norm = false;
  double output_gain = 1.0;  // orthogonal init of the value head (SB3, CleanRL)
  /// The width of a GRU before the hidden layers (0: a feed-forward critic); it runs over sequences
  /// (use_sequences), as a recurrent actor does.
  Index recurrent = 0;

  template <class Archive>
  void serialize(Archive& a) {
    detail::serialize_hidden_layers(a, *this);
    detail::serialize_recurrent(a, *this);
  }
  void validate() const {
    detail::validate_hidden_layers(*this);
    check_non_negative("CriticConfig.recurrent", recurrent);
  }
};

/// V(s): its own Mlp with one output, or a view of the value row of a network
/// it shares with the policy (SharedActorCritic builds that; the network must
/// outlive the view).
template <RealScalar Scalar_>
class Critic {
 public:
  using Scalar = Scalar_;

  Critic(Index observation_dim, const CriticConfig& config, Generator& rng)
      : owned_(std::in_place, network_mlp_config(observation_dim, 1, config), rng) {}
  explicit Critic(Index observation_dim, const CriticConfig& config = {}, std::uint64_t seed = 0)
      : owned_(std::in_place, network_mlp_config(observation_dim, 1, config), seed) {}
  /// V(s) as the last output row of `shared`, a network that also feeds a policy.
  explicit Critic(nn::Mlp<Scalar>& shared) : shared_(&shared) {}

  /// V at a batch of observations, `1 x batch` (a view valid until the next call).
  ConstMatrixMap<Scalar> values(ConstMatrixRef<Scalar> observations) {
    if (!shared_) return owned_->forward(observations);
    const auto y = shared_->forward(observations);
    forward_ = shared_->forward_count();
    if (values_.cols() < y.cols()) values_.resize(1, y.cols());
    values_.leftCols(y.cols()) = y.bottomRows(1);
    return {values_.data(), 1, y.cols()};
  }

  /// Accumulates dL/dθ given dL/dV (1 x batch) for the last values() batch.
  void backward(ConstMatrixRef<Scalar> grad_values) {
    if (!shared_) {
      owned_->accumulate_gradients(grad_values);  // dL/d(observations) is of no use
      return;
    }
    check_own_forward(*shared_, forward_, "Critic");
    const Index batch = shared_->last_output().cols();
    check_shape("Critic::backward: grad_values", grad_values.rows(), grad_values.cols(), 1, batch);
    if (padded_.cols() < batch) padded_.resize(shared_->outputs(), batch);
    auto padded = padded_.leftCols(batch);
    padded.topRows(shared_->outputs() - 1).setZero();
    padded.bottomRows(1) = grad_values;
    shared_->accumulate_gradients(padded);
  }

  /// For a recurrent network: the sequences the next values() run over (nn::Mlp::use_sequences). With a
  /// shared trunk the network is the policy's, and so are its sequences.
  void use_sequences(nn::EpisodeStartsRef starts, ConstMatrixRef<Scalar> h0) {
    if (!network().recurrent()) {
      throw UsageError("Critic::use_sequences: the network is feed-forward (CriticConfig::recurrent is 0)");
    }
    network().use_sequences(starts, h0);
  }

  /// Whether V(s) is a row of a network shared with the policy.
  [[nodiscard]] bool shares_network() const { return shared_ != nullptr; }
  nn::Mlp<Scalar>& network() { return shared_ ? *shared_ : *owned_; }
  [[nodiscard]] const nn::Mlp<Scalar>& network() const { return shared_ ? *shared_ : *owned_; }

 private:
  std::optional<nn::Mlp<Scalar>> owned_;
  nn::Mlp<Scalar>* shared_ = nullptr;
  std::uint64_t forward_ = 0;
  Matrix<Scalar> values_, padded_;
};

}  // namespace ac
