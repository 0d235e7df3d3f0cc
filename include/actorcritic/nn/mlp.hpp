#pragma once
// A multilayer perceptron over column batches:
//   a₀ = x,  aₗ = f(LN(Wₗ aₗ₋₁ + bₗ))  for each hidden layer,  y = W_L a_{L-1} + b_L,
// with f = tanh or ReLU and the layer norm optional.
//
// All parameters live in one contiguous vector (layer by layer: W, b, then the
// layer norm's gain and bias), and the gradient has the same layout, so
// optimizers, gradient clipping, conjugate gradient and checkpoints each work
// on a single flat vector. Workspaces grow to the largest batch seen and are
// reused: after the first call at a given batch size nothing is allocated.

#include "actorcritic/core/archive.hpp"
#include "actorcritic/core/error.hpp"
#include "actorcritic/core/generator.hpp"
#include "actorcritic/core/types.hpp"
#include "actorcritic/nn/activation.hpp"
#include "actorcritic/nn/init.hpp"
#include "actorcritic/nn/layer_norm.hpp"
#include "actorcritic/nn/linear.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string_view>
#include <vector>

namespace ac::nn {

struct MlpConfig {
  Index inputs = 0;
  std::vector<Index> hidden{64, 64};
  Index outputs = 0;
  Activation activation = Activation::tanh;
  bool layer_norm = false;
  double hidden_gain = std::sqrt(2.0);  // orthogonal init gain, SB3/CleanRL hidden layers
  double output_gain = 1.0;             // 0.01 for a policy head, 1.0 for a value head (SB3)
  /// Parameters appended after the layers' own, untouched by forward/backward/jvp
  /// and zeroed by initialize(): room for a model's other parameters (a Gaussian
  /// policy's state-independent log σ) in the same flat vector, so that optimizers,
  /// clipping, the trust-region step and checkpoints see one vector per model.
  Index trailing_parameters = 0;

  /// Widest layer and deepest network a stored architecture may claim (a
  /// guard against hostile files, far beyond any policy network).
  static constexpr std::uint64_t kMaxWidth = std::uint64_t{1} << 20;
  static constexpr std::size_t kMaxLayers = 64;

  /// The check of stored hidden widths (also used by the actor's and critic's configurations).
  static auto hidden_widths() {
    return archive::Check{[](const std::vector<Index>& h) {
                            return h.size() <= kMaxLayers && std::all_of(h.begin(), h.end(), [](Index w) {
                                     return w >= 1 && static_cast<std::uint64_t>(w) <= kMaxWidth;
                                   });
                          },
                          fmt::format("at most {} widths in 1..{}", kMaxLayers, kMaxWidth)};
  }

  /// Orthogonal-init gains are finite and positive.
  static void check_gain(std::string_view argument, double gain) {
    if (!(gain > 0 && std::isfinite(gain))) throw_invalid_argument("{}: expected a finite value > 0, got {}", argument, gain);
  }

  /// The check of a stored activation.
  static auto known_activation() {
    return archive::Check{[](Activation v) { return v == Activation::tanh || v == Activation::relu; },
                          std::string("0 (tanh) or 1 (relu)")};
  }

  template <class Archive>
  void serialize(Archive& a) {
    a.field("inputs", inputs, archive::between(1, kMaxWidth));
    a.field("hidden", hidden, hidden_widths());
    a.field("outputs", outputs, archive::between(1, kMaxWidth));
    a.field("activation", activation, known_activation());
    a.field("layer_norm", layer_norm);
    a.field("hidden_gain", hidden_gain);
    a.field("output_gain", output_gain);
    a.field("trailing_parameters", trailing_parameters, archive::between(0, kMaxWidth));
  }

  /// The length of the flat parameter vector this architecture gives (computed
  /// without building the network, e.g. to check a file before allocating).
  [[nodiscard]] std::uint64_t parameter_count() const {
    std::uint64_t count = 0, in = static_cast<std::uint64_t>(inputs);
    for (const Index width : hidden) {
      const auto w = static_cast<std::uint64_t>(width);
      count += in * w + w + (layer_norm ? 2 * w : 0);  // W, b, and the layer norm's gain and bias
      in = w;
    }
    const auto out = static_cast<std::uint64_t>(outputs);
    return count + in * out + out + static_cast<std::uint64_t>(trailing_parameters);
  }

  void validate() const {
    check_positive("MlpConfig.inputs", inputs);
    check_positive("MlpConfig.outputs", outputs);
    for (std::size_t i = 0; i < hidden.size(); ++i) {
      if (hidden[i] <= 0) {
        throw_invalid_argument("MlpConfig.hidden[{}]: expected a layer width > 0, got {}", i, hidden[i]);
      }
    }
    check_gain("MlpConfig.hidden_gain", hidden_gain);
    check_gain("MlpConfig.output_gain", output_gain);
    check_non_negative("MlpConfig.trailing_parameters", trailing_parameters);
  }
};

template <RealScalar Scalar_>
class Mlp {
 public:
  using Scalar = Scalar_;

  /// Orthogonally initialized from `rng`.
  Mlp(const MlpConfig& config, Generator& rng) : config_(config) {
    config_.validate();
    build_layout();
    initialize(rng);
  }

  /// Orthogonally initialized from a generator seeded with `seed`.
  explicit Mlp(const MlpConfig& config, std::uint64_t seed = 0) : config_(config) {
    config_.validate();
    build_layout();
    Generator rng(seed);
    initialize(rng);
  }

  [[nodiscard]] const MlpConfig& config() const { return config_; }
  [[nodiscard]] Index inputs() const { return config_.inputs; }
  [[nodiscard]] Index outputs() const { return config_.outputs; }
  [[nodiscard]] Index parameter_count() const { return params_.size(); }
  /// The layers' parameters come first; trailing_parameters follow them.
  [[nodiscard]] Index layer_parameter_count() const { return layer_parameter_count_; }
  [[nodiscard]] const std::vector<Linear<Scalar>>& linear_layers() const { return linears_; }
  [[nodiscard]] const std::vector<LayerNorm<Scalar>>& layer_norms() const { return norms_; }

  Vector<Scalar>& parameters() { return params_; }
  [[nodiscard]] const Vector<Scalar>& parameters() const { return params_; }
  Vector<Scalar>& gradients() { return grads_; }
  [[nodiscard]] const Vector<Scalar>& gradients() const { return grads_; }
  void zero_gradients() { grads_.setZero(); }

  /// Re-draws every weight orthogonally (hidden_gain, output_gain), zero biases,
  /// layer norms to the identity.
  void initialize(Generator& rng) {
    params_.setZero();
    for (std::size_t l = 0; l < linears_.size(); ++l) {
      const bool is_output = l + 1 == linears_.size();
      init_orthogonal<Scalar>(linears_[l].weight(params_.data()),
                              is_output ? config_.output_gain : config_.hidden_gain, rng);
    }
    for (const auto& norm : norms_) norm.initialize(params_.data());
  }

  /// y = net(x) for x of shape inputs x batch. The result views an internal
  /// buffer, valid until the next forward or jvp.
  ConstMatrixMap<Scalar> forward(ConstMatrixRef<Scalar> x) {
    check_shape("Mlp::forward: x", x.rows(), x.cols(), config_.inputs, x.cols());
    if (x.cols() == 0) throw_invalid_argument("Mlp::forward: x: expected at least one column, got 0");
    reserve(x.cols());
    batch_ = x.cols();
    ++forward_count_;
    input_.leftCols(batch_) = x;
    const Scalar* p = params_.data();
    for (std::size_t l = 0; l < hidden_count(); ++l) {
      auto a = activations_[l].leftCols(batch_);
      if (config_.layer_norm) {
        linears_[l].forward(p, layer_input(l), a);
        norms_[l].forward(p, a, a, x_hat_[l].leftCols(batch_), rstd_[l].leftCols(batch_));
        activation_forward<Scalar>(config_.activation, a, a);
      } else {
        // GEMM, then bias and activation fused in one pass over memory.
        linears_[l].multiply(p, layer_input(l), a);
        activation_forward_biased<Scalar>(config_.activation, linears_[l].bias(p), a);
      }
    }
    linears_.back().forward(p, layer_input(hidden_count()), output_.leftCols(batch_));
    return {output_.data(), config_.outputs, batch_};
  }

  /// How many forward passes (jvp included) have run: lets two views of one
  /// network (a shared actor-critic trunk) check that the cached pass is theirs.
  [[nodiscard]] std::uint64_t forward_count() const { return forward_count_; }

  /// The outputs of the last forward (or jvp), outputs x batch.
  [[nodiscard]] ConstMatrixMap<Scalar> last_output() const { return {output_.data(), config_.outputs, batch_}; }

  /// Given dL/dy for the last forward's batch, accumulates dL/dθ into
  /// gradients() and returns dL/dx (inputs x batch), valid until the next call.
  ConstMatrixMap<Scalar> backward(ConstMatrixRef<Scalar> dy) {
    if (batch_ == 0) throw_invalid_argument("Mlp::backward: called before forward");
    check_shape("Mlp::backward: dy", dy.rows(), dy.cols(), config_.outputs, batch_);
    const Scalar* p = params_.data();
    Scalar* g = grads_.data();
    const std::size_t last = hidden_count();
    linears_[last].accumulate_gradient(g, layer_input(last), dy);
    for (std::size_t l = last; l-- > 0;) {
      auto delta = deltas_[l].leftCols(batch_);
      if (l + 1 == last) {
        linears_[l + 1].input_gradient(p, dy, delta);
      } else {
        linears_[l + 1].input_gradient(p, deltas_[l + 1].leftCols(batch_), delta);
      }
      activation_multiply_derivative<Scalar>(config_.activation, activations_[l].leftCols(batch_), delta,
                                             delta);
      if (config_.layer_norm) {
        norms_[l].backward(p, g, x_hat_[l].leftCols(batch_), rstd_[l].leftCols(batch_), delta, delta);
      }
      linears_[l].accumulate_gradient(g, layer_input(l), delta);
    }
    auto dx = input_gradient_.leftCols(batch_);
    if (last == 0) {
      linears_[0].input_gradient(p, dy, dx);
    } else {
      linears_[0].input_gradient(p, deltas_[0].leftCols(batch_), dx);
    }
    return {input_gradient_.data(), config_.inputs, batch_};
  }

  /// Forward pass at x, then the directional derivative of the outputs along the
  /// parameter direction v: (∂y/∂θ) v, outputs x batch. The forward caches are
  /// left for x, so a following backward() gives Jᵀ u at the same point, as the
  /// trust-region step's Fisher-vector product JᵀMJv needs.
  ConstMatrixMap<Scalar> jvp(ConstMatrixRef<Scalar> x, ConstVectorRef<Scalar> v) {
    if (v.size() != parameter_count()) {
      throw_invalid_argument("Mlp::jvp: v: expected a direction of {} parameters, got {}",
                             parameter_count(), v.size());
    }
    forward(x);
    const Scalar* p = params_.data();
    const Scalar* d = v.data();
    for (std::size_t l = 0; l < hidden_count(); ++l) {
      auto t = tangents_[l].leftCols(batch_);
      linears_[l].jvp_parameters(d, layer_input(l), t);
      if (l > 0) linears_[l].jvp_input_add(p, tangents_[l - 1].leftCols(batch_), t);
      if (config_.layer_norm) {
        norms_[l].jvp(p, d, x_hat_[l].leftCols(batch_), rstd_[l].leftCols(batch_), t, t);
      }
      activation_multiply_derivative<Scalar>(config_.activation, activations_[l].leftCols(batch_), t, t);
    }
    const std::size_t last = hidden_count();
    auto out = output_tangent_.leftCols(batch_);
    linears_[last].jvp_parameters(d, layer_input(last), out);
    if (last > 0) linears_[last].jvp_input_add(p, tangents_[last - 1].leftCols(batch_), out);
    return {output_tangent_.data(), config_.outputs, batch_};
  }

  /// Grows the workspaces to hold `batch` columns (never shrinks them).
  void reserve(Index batch) {
    if (batch <= capacity_) return;
    capacity_ = batch;
    input_.resize(config_.inputs, batch);
    input_gradient_.resize(config_.inputs, batch);
    output_.resize(config_.outputs, batch);
    output_tangent_.resize(config_.outputs, batch);
    for (std::size_t l = 0; l < hidden_count(); ++l) {
      const Index width = config_.hidden[l];
      activations_[l].resize(width, batch);
      deltas_[l].resize(width, batch);
      tangents_[l].resize(width, batch);
      if (config_.layer_norm) {
        x_hat_[l].resize(width, batch);
        rstd_[l].resize(1, batch);
      }
    }
  }

 private:
  [[nodiscard]] std::size_t hidden_count() const { return config_.hidden.size(); }

  // The input of linear layer l for the current batch.
  [[nodiscard]] ConstMatrixMap<Scalar> layer_input(std::size_t l) const {
    const Matrix<Scalar>& a = l == 0 ? input_ : activations_[l - 1];
    return {a.data(), a.rows(), batch_};
  }

  void build_layout() {
    Index offset = 0;
    Index in = config_.inputs;
    for (const Index width : config_.hidden) {
      linears_.emplace_back(in, width, offset);
      offset += linears_.back().parameter_count();
      if (config_.layer_norm) {
        norms_.emplace_back(width, offset);
        offset += norms_.back().parameter_count();
      }
      in = width;
    }
    linears_.emplace_back(in, config_.outputs, offset);
    offset += linears_.back().parameter_count();
    layer_parameter_count_ = offset;
    offset += config_.trailing_parameters;
    if (static_cast<std::uint64_t>(offset) != config_.parameter_count()) {
      throw std::logic_error("Mlp: the layout and MlpConfig::parameter_count disagree");
    }
    params_ = Vector<Scalar>::Zero(offset);
    grads_ = Vector<Scalar>::Zero(offset);
    activations_.resize(hidden_count());
    deltas_.resize(hidden_count());
    tangents_.resize(hidden_count());
    x_hat_.resize(hidden_count());
    rstd_.resize(hidden_count());
  }

  MlpConfig config_;
  Index layer_parameter_count_ = 0;
  std::vector<Linear<Scalar>> linears_;
  std::vector<LayerNorm<Scalar>> norms_;
  Vector<Scalar> params_;
  Vector<Scalar> grads_;

  // Workspaces, `capacity_` columns each; the current batch uses the left `batch_`.
  Index capacity_ = 0;
  Index batch_ = 0;
  std::uint64_t forward_count_ = 0;
  Matrix<Scalar> input_, input_gradient_, output_, output_tangent_;
  std::vector<Matrix<Scalar>> activations_, deltas_, tangents_, x_hat_, rstd_;
};

}  // namespace ac::nn
