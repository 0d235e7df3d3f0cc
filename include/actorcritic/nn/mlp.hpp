#pragma once
// A multilayer perceptron over column batches:
//   a₀ = x,  aₗ = f(LN(Wₗ aₗ₋₁ + bₗ))  for each hidden layer,  y = W_L a_{L-1} + b_L,
// with f = tanh or ReLU and the layer norm optional.
//
// With MlpConfig::recurrent = R > 0, a GRU of width R (nn/gru.hpp) comes
// first: a₀ = GRU(x) over sequences, so the network runs on batches of
// sequences (forward_sequences: time-major columns, episode starts, initial
// states) and backward and jvp go through time. Its parameters lead the flat
// vector; a network without one has exactly the layout it always had.
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
#include "actorcritic/nn/gru.hpp"
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
  /// The width of a GRU before the layers (0: none, a feed-forward network).
  Index recurrent = 0;

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
    // Written only for a recurrent network, so that every other record keeps its bytes.
    archive::optional_field(a, "recurrent", recurrent > 0, recurrent, archive::between(1, kMaxWidth));
  }

  /// The length of the flat parameter vector this architecture gives (computed
  /// without building the network, e.g. to check a file before allocating).
  [[nodiscard]] std::uint64_t parameter_count() const {
    std::uint64_t count = 0, in = static_cast<std::uint64_t>(inputs);
    if (recurrent > 0) {  // W_i, W_h, b_i, b_h of the three gates
      const auto r = static_cast<std::uint64_t>(recurrent);
      count += 3 * r * (in + r + 2);
      in = r;
    }
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
    check_non_negative("MlpConfig.recurrent", recurrent);
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
  /// Whether a GRU comes first (MlpConfig::recurrent > 0), and the GRU.
  [[nodiscard]] bool recurrent() const { return gru_.has_value(); }
  [[nodiscard]] const Gru<Scalar>& gru() const {
    if (!gru_) throw UsageError("Mlp::gru: this network has no recurrent layer (MlpConfig::recurrent is 0)");
    return *gru_;
  }

  Vector<Scalar>& parameters() { return params_; }
  [[nodiscard]] const Vector<Scalar>& parameters() const { return params_; }
  Vector<Scalar>& gradients() { return grads_; }
  [[nodiscard]] const Vector<Scalar>& gradients() const { return grads_; }
  void zero_gradients() { grads_.setZero(); }

  /// Re-draws every weight orthogonally (hidden_gain, output_gain), zero biases,
  /// layer norms to the identity.
  void initialize(Generator& rng) {
    params_.setZero();
    if (gru_) gru_->initialize(params_.data(), rng);
    for (std::size_t l = 0; l < linears_.size(); ++l) {
      const bool is_output = l + 1 == linears_.size();
      init_orthogonal<Scalar>(linears_[l].weight(params_.data()),
                              is_output ? config_.output_gain : config_.hidden_gain, rng);
    }
    for (const auto& norm : norms_) norm.initialize(params_.data());
  }

  /// y = net(x) for x of shape inputs x batch. The result views an internal
  /// buffer, valid until the next forward or jvp.
  /// A recurrent network runs over the sequences that use_sequences() gave.
  ConstMatrixMap<Scalar> forward(ConstMatrixRef<Scalar> x) {
    if (gru_) {
      check_sequence_columns("Mlp::forward", x.cols());
      return forward_sequences(x, sequence_starts_.head(x.cols()), sequence_h0_.leftCols(sequences_));
    }
    check_shape("Mlp::forward: x", x.rows(), x.cols(), config_.inputs, x.cols());
    if (x.cols() == 0) throw_invalid_argument("Mlp::forward: x: expected at least one column, got 0");
    reserve(x.cols());
    batch_ = x.cols();
    ++forward_count_;
    copy_columns(x, input_.leftCols(batch_));
    return forward_layers();
  }

  /// For a recurrent network: the next forward() and jvp() run over B = h0.cols() sequences whose
  /// columns (time-major) start episodes where `starts` says, from the GRU states h0 (`recurrent x B`).
  /// Kept until changed. Through it a policy, a critic, and both heads of a shared trunk run over
  /// sequences with the call shapes of a feed-forward network.
  void use_sequences(EpisodeStartsRef starts, ConstMatrixRef<Scalar> h0) {
    if (!gru_) throw UsageError("Mlp::use_sequences: the network is feed-forward (MlpConfig::recurrent is 0)");
    check_shape("Mlp::use_sequences: h0", h0.rows(), h0.cols(), gru_->hidden(), h0.cols());
    if (h0.cols() == 0 || starts.size() % h0.cols() != 0) {
      throw_invalid_argument("Mlp::use_sequences: starts: expected a whole number of steps of the {} sequences "
                             "of h0, got {} flags",
                             h0.cols(), starts.size());
    }
    // Workspaces that only grow, so that batches of changing size allocate nothing once the largest has run.
    if (sequence_starts_.size() < starts.size()) sequence_starts_.resize(starts.size());
    if (sequence_h0_.rows() != h0.rows() || sequence_h0_.cols() < h0.cols()) sequence_h0_.resize(h0.rows(), h0.cols());
    sequence_starts_.head(starts.size()) = starts;
    sequence_h0_.leftCols(h0.cols()) = h0;
    sequence_columns_ = starts.size();
    sequences_ = h0.cols();
  }

  /// A recurrent network over B = h0.cols() sequences: x is `inputs x (B·T)`,
  /// time-major (column t·B + b is step t of sequence b), `starts` marks the
  /// columns where an episode starts (the state carried in is zeroed), h0 the
  /// GRU's states before the first step (`recurrent x B`). Returns the outputs,
  /// `outputs x (B·T)`, valid until the next forward or jvp; the GRU's states
  /// after each step are gru_states().
  ConstMatrixMap<Scalar> forward_sequences(ConstMatrixRef<Scalar> x, EpisodeStartsRef starts,
                                           ConstMatrixRef<Scalar> h0) {
    if (!gru_) throw UsageError("Mlp::forward_sequences: this network has no recurrent layer: call forward");
    check_shape("Mlp::forward_sequences: x", x.rows(), x.cols(), config_.inputs, x.cols());
    if (x.cols() == 0) throw_invalid_argument("Mlp::forward_sequences: x: expected at least one column, got 0");
    reserve(x.cols());
    batch_ = x.cols();
    ++forward_count_;
    copy_columns(x, sequence_input_.leftCols(batch_));
    gru_->forward(params_.data(), x, starts, h0, input_.leftCols(batch_), gru_cache_);  // checks the shapes
    if (starts_.size() < batch_) starts_.resize(batch_);
    starts_.head(batch_) = starts;
    return forward_layers();
  }
  /// The GRU's state after each step of the last forward_sequences, `recurrent x (B·T)`:
  /// its last B columns are the states to carry into the next sequence.
  [[nodiscard]] ConstMatrixMap<Scalar> gru_states() const {
    return {input_.data(), gru_ ? gru_->hidden() : config_.inputs, batch_};
  }
  /// After backward() on a recurrent network: dL/dh0, `recurrent x B`.
  [[nodiscard]] ConstMatrixMap<Scalar> initial_state_gradient() const {
    return {initial_state_gradient_.data(), initial_state_gradient_.rows(),
            std::min(initial_state_gradient_.cols(), gru_cache_.batch)};
  }

 private:
  /// That use_sequences() gave sequences of `columns` columns in all.
  void check_sequence_columns(std::string_view where, Index columns) const {
    if (sequences_ == 0) {
      throw UsageError(fmt::format("{}: a recurrent network runs over sequences: call use_sequences first", where));
    }
    if (sequence_columns_ != columns) {
      throw_invalid_argument("{}: x: expected the {} columns of the sequences given to use_sequences, got {}", where,
                             sequence_columns_, columns);
    }
  }

  /// dst = x, in one pass when both are contiguous: Eigen would copy column by
  /// column, a loop per column of an environment's few observation values.
  static void copy_columns(ConstMatrixRef<Scalar> x, MatrixRef<Scalar> dst) {
    if (ac::detail::is_contiguous(x) && ac::detail::is_contiguous(dst)) {
      VectorMap<Scalar>(dst.data(), dst.size()) = ConstVectorMap<Scalar>(x.data(), x.size());
    } else {
      dst = x;
    }
  }

  /// The layers on input_'s first batch_ columns.
  ConstMatrixMap<Scalar> forward_layers() {
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

 public:

  /// How many forward passes (jvp included) have run: lets two views of one
  /// network (a shared actor-critic trunk) check that the cached pass is theirs.
  [[nodiscard]] std::uint64_t forward_count() const { return forward_count_; }

  /// The outputs of the last forward (or jvp), outputs x batch.
  [[nodiscard]] ConstMatrixMap<Scalar> last_output() const { return {output_.data(), config_.outputs, batch_}; }

  /// Given dL/dy for the last forward's batch, accumulates dL/dθ into
  /// gradients() and returns dL/dx (inputs x batch), valid until the next call.
  ConstMatrixMap<Scalar> backward(ConstMatrixRef<Scalar> dy) {
    backward_layers(dy, "Mlp::backward");
    return input_gradient(dy);
  }

  /// backward() without dL/dx, for callers that discard it (the policies and
  /// critics: their inputs are observations). The first layer's input
  /// gradient, W₁ᵀ·δ₁ with as few rows as the observation has, is a product
  /// Eigen runs far below its peak: skipping it saved about 5% of PPO's training
  /// on CartPole (docs/nn.md). The gradients are backward()'s, bit for bit. A
  /// recurrent network still computes it: its GRU's backward starts from it.
  void accumulate_gradients(ConstMatrixRef<Scalar> dy) {
    backward_layers(dy, "Mlp::accumulate_gradients");
    if (gru_) input_gradient(dy);
  }

  /// Forward pass at x, then the directional derivative of the outputs along the
  /// parameter direction v: (∂y/∂θ) v, outputs x batch. The forward caches are
  /// left for x, so a following backward() gives Jᵀ u at the same point, as the
  /// trust-region step's Fisher-vector product JᵀMJv needs.
  ConstMatrixMap<Scalar> jvp(ConstMatrixRef<Scalar> x, ConstVectorRef<Scalar> v) {
    if (gru_) {
      check_sequence_columns("Mlp::jvp", x.cols());
      return jvp_sequences(x, sequence_starts_.head(x.cols()), sequence_h0_.leftCols(sequences_), v);
    }
    if (v.size() != parameter_count()) {
      throw_invalid_argument("Mlp::jvp: v: expected a direction of {} parameters, got {}",
                             parameter_count(), v.size());
    }
    forward(x);
    return jvp_layers(v.data(), false);
  }

  /// forward_sequences, then the outputs' tangent along the parameter direction v (through time, the
  /// initial states held fixed); a following backward() gives Jᵀ u at the same point.
  ConstMatrixMap<Scalar> jvp_sequences(ConstMatrixRef<Scalar> x, EpisodeStartsRef starts, ConstMatrixRef<Scalar> h0,
                                       ConstVectorRef<Scalar> v) {
    if (v.size() != parameter_count()) {
      throw_invalid_argument("Mlp::jvp_sequences: v: expected a direction of {} parameters, got {}",
                             parameter_count(), v.size());
    }
    forward_sequences(x, starts, h0);
    gru_->jvp(params_.data(), v.data(), sequence_input_.leftCols(batch_), Matrix<Scalar>(), starts_.head(batch_),
              input_tangent_.leftCols(batch_), gru_cache_);
    return jvp_layers(v.data(), true);
  }

 private:
  /// The layers' tangent along direction d at the cached forward pass; with `input_moves`, the layers'
  /// input carries the tangent in input_tangent_ (the GRU's).
  ConstMatrixMap<Scalar> jvp_layers(const Scalar* d, bool input_moves) {
    const Scalar* p = params_.data();
    for (std::size_t l = 0; l < hidden_count(); ++l) {
      auto t = tangents_[l].leftCols(batch_);
      linears_[l].jvp_parameters(d, layer_input(l), t);
      if (l > 0) linears_[l].jvp_input_add(p, tangents_[l - 1].leftCols(batch_), t);
      if (l == 0 && input_moves) linears_[0].jvp_input_add(p, input_tangent_.leftCols(batch_), t);
      if (config_.layer_norm) {
        norms_[l].jvp(p, d, x_hat_[l].leftCols(batch_), rstd_[l].leftCols(batch_), t, t);
      }
      activation_multiply_derivative<Scalar>(config_.activation, activations_[l].leftCols(batch_), t, t);
    }
    const std::size_t last = hidden_count();
    auto out = output_tangent_.leftCols(batch_);
    linears_[last].jvp_parameters(d, layer_input(last), out);
    if (last > 0) linears_[last].jvp_input_add(p, tangents_[last - 1].leftCols(batch_), out);
    if (last == 0 && input_moves) linears_[0].jvp_input_add(p, input_tangent_.leftCols(batch_), out);
    return {output_tangent_.data(), config_.outputs, batch_};
  }

 public:
  /// Grows the workspaces to hold `batch` columns (never shrinks them).
  void reserve(Index batch) {
    if (batch <= capacity_) return;
    capacity_ = batch;
    const Index layer_inputs = gru_ ? gru_->hidden() : config_.inputs;
    input_.resize(layer_inputs, batch);
    layer_input_gradient_.resize(layer_inputs, batch);
    if (gru_) {
      sequence_input_.resize(config_.inputs, batch);
      input_gradient_.resize(config_.inputs, batch);
      input_tangent_.resize(layer_inputs, batch);
    }
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

  // dL/dθ of every layer given dL/dy, leaving δ of each hidden layer in deltas_.
  void backward_layers(ConstMatrixRef<Scalar> dy, std::string_view where) {
    if (batch_ == 0) throw_invalid_argument("{}: called before forward", where);
    check_shape({where, ": dy"}, dy.rows(), dy.cols(), config_.outputs, batch_);
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
  }

  // After backward_layers: dL/dx through the first layer (and, in a recurrent
  // network, the GRU, whose dL/dθ it accumulates).
  ConstMatrixMap<Scalar> input_gradient(ConstMatrixRef<Scalar> dy) {
    const Scalar* p = params_.data();
    auto dx = layer_input_gradient_.leftCols(batch_);
    if (hidden_count() == 0) {
      linears_[0].input_gradient(p, dy, dx);
    } else {
      linears_[0].input_gradient(p, deltas_[0].leftCols(batch_), dx);
    }
    if (!gru_) return {layer_input_gradient_.data(), config_.inputs, batch_};
    // Through time: dL/d(GRU outputs) is the layers' input gradient.
    const Index sequences = gru_cache_.batch;
    if (initial_state_gradient_.cols() < sequences) initial_state_gradient_.resize(gru_->hidden(), sequences);
    gru_->backward(p, grads_.data(), sequence_input_.leftCols(batch_), starts_.head(batch_), dx, Matrix<Scalar>(),
                   input_gradient_.leftCols(batch_), initial_state_gradient_.leftCols(sequences), gru_cache_);
    return {input_gradient_.data(), config_.inputs, batch_};
  }

  void build_layout() {
    Index offset = 0;
    Index in = config_.inputs;
    if (config_.recurrent > 0) {
      gru_.emplace(in, config_.recurrent, offset);
      offset += gru_->parameter_count();
      in = config_.recurrent;
    }
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
  // input_ is the layers' input: x, or the GRU's outputs; layer_input_gradient_ its gradient.
  Matrix<Scalar> input_, layer_input_gradient_, output_, output_tangent_;
  std::vector<Matrix<Scalar>> activations_, deltas_, tangents_, x_hat_, rstd_;
  // A recurrent network's: the GRU, the sequences' raw input, its gradient, the GRU's output tangent,
  // the episode starts and the GRU's caches of the last forward_sequences, dL/dh0.
  std::optional<Gru<Scalar>> gru_;
  Matrix<Scalar> sequence_input_, input_gradient_, input_tangent_, initial_state_gradient_;
  EpisodeStarts starts_;
  GruCache<Scalar> gru_cache_;
  // use_sequences(): the sequences that forward() and jvp() run over.
  EpisodeStarts sequence_starts_;
  Matrix<Scalar> sequence_h0_;
  Index sequence_columns_ = 0, sequences_ = 0;
};

}  // namespace ac::nn
