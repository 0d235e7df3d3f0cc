#pragma once
// The network under a policy. Its first `head_rows` outputs parameterize the
// distribution (logits, or the Gaussian mean). With a value row — the shared
// actor-critic trunk of SharedActorCritic — the network has one more output,
// V(s), which a Critic reads as a view of the same Mlp; the policy's backward
// then pads its gradient with a zero value row, so the two heads' gradients
// add up in the one gradient vector.
//
// A recurrent network (a GRU first: ActorConfig::recurrent) runs over batches
// of sequences. use_sequences() says which: the episode starts of the columns
// and the GRU's states before the first step (the network keeps them:
// nn::Mlp::use_sequences). forward, jvp and backward then work as for a
// feed-forward network, over observations whose columns are the sequences'
// steps, time-major, so the policies and the algorithms' objectives keep their
// one call shape.

#include "actorcritic/core/error.hpp"
#include "actorcritic/core/generator.hpp"
#include "actorcritic/core/types.hpp"
#include "actorcritic/nn/mlp.hpp"

#include <cstdint>
#include <stdexcept>

namespace ac {

/// Constructor tag: build a policy whose network carries an extra V(s) output row.
struct WithValueRow {};

/// Throws std::logic_error unless the network's cached forward pass is the one
/// `view` recorded: with a shared trunk, a backward after the other head's
/// forward would differentiate at the wrong inputs.
template <RealScalar Scalar>
void check_own_forward(const nn::Mlp<Scalar>& net, std::uint64_t recorded, const char* view) {
  if (net.forward_count() != recorded) {
    throw std::logic_error(fmt::format(
        "{}::backward: the shared network ran another forward pass since this head's; with a shared trunk, "
        "call each head's backward right after its own forward (policy: distribution → backward; "
        "critic: values → backward)",
        view));
  }
}

template <RealScalar Scalar>
class PolicyNetwork {
 public:
  /// The distribution's rows of the network output: a strided view (the value row is skipped).
  using HeadMap = Eigen::Map<const Matrix<Scalar>, 0, Eigen::OuterStride<>>;

  /// `config.outputs` is the number of head rows; `value_row` adds the V(s) row.
  PolicyNetwork(nn::MlpConfig config, bool value_row, Generator& rng)
      : head_rows_(config.outputs), net_(with_value_row(config, value_row), rng) {}
  PolicyNetwork(nn::MlpConfig config, bool value_row, std::uint64_t seed)
      : head_rows_(config.outputs), net_(with_value_row(config, value_row), seed) {}

  HeadMap forward(ConstMatrixRef<Scalar> observations) {
    auto y = net_.forward(observations);
    forward_ = net_.forward_count();
    return head(y.data(), y.cols());
  }

  /// Forward at the observations, then the head rows' tangent along v (`head_rows x batch`).
  HeadMap jvp(ConstMatrixRef<Scalar> observations, ConstVectorRef<Scalar> v) {
    auto tangent = net_.jvp(observations, v);
    forward_ = net_.forward_count();
    return head(tangent.data(), tangent.cols());
  }

  /// For a recurrent network: the sequences the next forward and jvp run over (nn::Mlp::use_sequences;
  /// with a shared trunk, the critic's values run over them too). Kept until changed.
  void use_sequences(nn::EpisodeStartsRef starts, ConstMatrixRef<Scalar> h0) {
    if (!net_.recurrent()) {
      throw UsageError("PolicyNetwork::use_sequences: the network is feed-forward (ActorConfig::recurrent is 0)");
    }
    net_.use_sequences(starts, h0);
  }

  [[nodiscard]] HeadMap last_output() const {
    auto y = net_.last_output();
    return head(y.data(), y.cols());
  }

  /// Accumulates dL/dθ given dL/d(head rows) for the last forward or jvp.
  void backward(ConstMatrixRef<Scalar> grad_head, const char* view) {
    if (!has_value_row()) {
      net_.accumulate_gradients(grad_head);  // dL/d(observations) is of no use
      return;
    }
    check_own_forward(net_, forward_, view);
    check_shape({view, "::backward: grad"}, grad_head.rows(), grad_head.cols(), head_rows_, net_.last_output().cols());
    if (padded_.cols() < grad_head.cols()) padded_.resize(net_.outputs(), grad_head.cols());
    auto padded = padded_.leftCols(grad_head.cols());
    padded.topRows(head_rows_) = grad_head;
    padded.bottomRows(1).setZero();
    net_.accumulate_gradients(padded);
  }

  [[nodiscard]] Index head_rows() const { return head_rows_; }
  [[nodiscard]] bool has_value_row() const { return net_.outputs() > head_rows_; }
  nn::Mlp<Scalar>& mlp() { return net_; }
  [[nodiscard]] const nn::Mlp<Scalar>& mlp() const { return net_; }

 private:
  static nn::MlpConfig with_value_row(nn::MlpConfig config, bool value_row) {
    config.validate();
    if (value_row) config.outputs += 1;
    return config;
  }
  HeadMap head(const Scalar* data, Index cols) const {
    return HeadMap(data, head_rows_, cols, Eigen::OuterStride<>(net_.outputs()));
  }

  Index head_rows_;
  nn::Mlp<Scalar> net_;
  std::uint64_t forward_ = 0;
  Matrix<Scalar> padded_;
};

}  // namespace ac
