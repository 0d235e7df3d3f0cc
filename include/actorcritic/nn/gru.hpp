#pragma once
// A gated recurrent unit (Cho et al. 2014, "Learning Phrase Representations
// using RNN Encoder–Decoder for Statistical Machine Translation"), in
// PyTorch's form and gate order (r, z, n), over a batch of sequences:
//   r_t = σ(W_ir x_t + b_ir + W_hr h + b_hr)
//   z_t = σ(W_iz x_t + b_iz + W_hz h + b_hz)
//   n_t = tanh(W_in x_t + b_in + r_t ⊙ (W_hn h + b_hn))
//   h_t = (1 − z_t) ⊙ n_t + z_t ⊙ h,        h = h_{t−1}, or 0 where an episode starts at t.
// Like Linear, the layer owns no numbers: it knows where W_i (3H x I), W_h
// (3H x H), b_i and b_h (3H each) lie in a flat parameter vector, and the
// same offsets index the gradient and a jvp direction.
//
// Sequences are stored time-major: column t·B + b of an `I x (B·T)` input holds
// step t of sequence b, so the input projection W_i X is one product over all
// steps and each step's recurrent product covers the B sequences at once.
// `starts` (B·T flags, same order) marks the steps at which an episode starts:
// the state carried into them is zeroed, which is how one sequence holds the
// end of an episode and the beginning of the next. The forward pass keeps what
// backward (through time) and jvp need in a GruCache, which only grows, so a
// training loop allocates nothing after its first iteration.
// σ(a) is evaluated as (1 + tanh(a/2))/2: one vectorized kernel for both gates
// and the candidate, and the same bits wherever the same instruction set runs.

#include "actorcritic/core/error.hpp"
#include "actorcritic/core/generator.hpp"
#include "actorcritic/core/product.hpp"
#include "actorcritic/core/types.hpp"
#include "actorcritic/nn/init.hpp"

namespace ac::nn {

/// One flag per column of a sequence batch: whether an episode starts there.
using EpisodeStarts = Eigen::Array<bool, 1, Eigen::Dynamic>;
using EpisodeStartsRef = Eigen::Ref<const EpisodeStarts>;

/// What a Gru's forward pass keeps for backward and jvp: per column, the state
/// carried in (after resets), the gates r and z, the candidate n and the
/// recurrent candidate projection W_hn h + b_hn. Work matrices for the passes.
template <RealScalar Scalar>
struct GruCache {
  Matrix<Scalar> carried, r, z, n, hidden_candidate;  // H x (B·T)
  Matrix<Scalar> input_projection;                    // 3H x (B·T): W_i x + b_i, then backward's dL/d(W_i x)
  Matrix<Scalar> step_projection;                     // 3H x B: one step's W_h h + b_h, or its gradient/tangent
  Matrix<Scalar> state;                               // H x B: the state (or its gradient/tangent) being carried
  Index batch = 0, columns = 0;                       // of the last forward pass: B sequences, B·T columns

  void reserve(Index hidden, Index batch, Index columns) {
    for (Matrix<Scalar>* m : {&carried, &r, &z, &n, &hidden_candidate}) grow(*m, hidden, columns);
    grow(input_projection, 3 * hidden, columns);
    grow(step_projection, 3 * hidden, batch);
    grow(state, hidden, batch);
  }

 private:
  static void grow(Matrix<Scalar>& m, Index rows, Index cols) {
    if (m.rows() != rows || m.cols() < cols) m.resize(rows, cols);
  }
};

template <RealScalar Scalar>
class Gru {
 public:
  Gru(Index inputs, Index hidden, Index offset = 0) : inputs_(inputs), hidden_(hidden), offset_(offset) {
    check_positive("Gru: inputs", inputs);
    check_positive("Gru: hidden", hidden);
    check_non_negative("Gru: offset", offset);
  }

  [[nodiscard]] Index inputs() const { return inputs_; }
  [[nodiscard]] Index hidden() const { return hidden_; }
  [[nodiscard]] Index offset() const { return offset_; }
  [[nodiscard]] Index parameter_count() const { return 3 * hidden_ * (inputs_ + hidden_ + 2); }

  // The parameters' views: W_i, W_h, b_i, b_h in this order, each block's gates stacked as [r; z; n].
  MatrixMap<Scalar> input_weight(Scalar* flat) const { return {flat + offset_, 3 * hidden_, inputs_}; }
  ConstMatrixMap<Scalar> input_weight(const Scalar* flat) const { return {flat + offset_, 3 * hidden_, inputs_}; }
  MatrixMap<Scalar> hidden_weight(Scalar* flat) const { return {flat + hidden_weight_offset(), 3 * hidden_, hidden_}; }
  ConstMatrixMap<Scalar> hidden_weight(const Scalar* flat) const {
    return {flat + hidden_weight_offset(), 3 * hidden_, hidden_};
  }
  VectorMap<Scalar> input_bias(Scalar* flat) const { return {flat + bias_offset(), 3 * hidden_}; }
  ConstVectorMap<Scalar> input_bias(const Scalar* flat) const { return {flat + bias_offset(), 3 * hidden_}; }
  VectorMap<Scalar> hidden_bias(Scalar* flat) const { return {flat + bias_offset() + 3 * hidden_, 3 * hidden_}; }
  ConstVectorMap<Scalar> hidden_bias(const Scalar* flat) const {
    return {flat + bias_offset() + 3 * hidden_, 3 * hidden_};
  }

  /// Each gate's input and recurrent block (semi-)orthogonal with gain 1, biases 0 (as CleanRL's recurrent
  /// PPO initializes its recurrent layer; per gate, so that every recurrent map h ↦ W_h· h is orthogonal).
  void initialize(Scalar* params, Generator& rng) const {
    for (Index gate = 0; gate < 3; ++gate) {
      init_orthogonal<Scalar>(input_weight(params).middleRows(gate * hidden_, hidden_), 1.0, rng);
      init_orthogonal<Scalar>(hidden_weight(params).middleRows(gate * hidden_, hidden_), 1.0, rng);
    }
    input_bias(params).setZero();
    hidden_bias(params).setZero();
  }

  /// The outputs h_t (`H x (B·T)`) of B sequences of T steps, x `I x (B·T)`, from the states h0 (`H x B`).
  /// The final state is out's last B columns.
  void forward(const Scalar* params, ConstMatrixRef<Scalar> x, EpisodeStartsRef starts, ConstMatrixRef<Scalar> h0,
               MatrixRef<Scalar> out, GruCache<Scalar>& cache) const {
    const Index batch = h0.cols(), columns = x.cols();
    check_sequences("Gru::forward", x, starts, h0, out.rows(), out.cols());
    cache.reserve(hidden_, batch, columns);
    cache.batch = batch;
    cache.columns = columns;
    const Index H = hidden_;
    auto gi = cache.input_projection.leftCols(columns);
    assign_product(gi, input_weight(params), x);
    gi.colwise() += input_bias(params);
    auto gh = cache.step_projection.leftCols(batch);
    for (Index t = 0; t * batch < columns; ++t) {
      const Index c = t * batch;
      auto carried = cache.carried.middleCols(c, batch);
      carry_state(t == 0 ? h0 : ConstMatrixRef<Scalar>(out.middleCols(c - batch, batch)), starts, c, carried);
      assign_product(gh, hidden_weight(params), carried);
      gh.colwise() += hidden_bias(params);
      auto r = cache.r.middleCols(c, batch);
      auto z = cache.z.middleCols(c, batch);
      auto n = cache.n.middleCols(c, batch);
      r = logistic(gi.block(0, c, H, batch) + gh.topRows(H));
      z = logistic(gi.block(H, c, H, batch) + gh.middleRows(H, H));
      cache.hidden_candidate.middleCols(c, batch) = gh.bottomRows(H);
      n.array() = (gi.block(2 * H, c, H, batch).array() + r.array() * gh.bottomRows(H).array()).tanh();
      out.middleCols(c, batch).array() = (Scalar(1) - z.array()) * n.array() + z.array() * carried.array();
    }
  }

  /// Backpropagation through time for the last forward(): given dL/d out (`H x (B·T)`) and, if not empty,
  /// dL/d h_T for the final state (`H x B`, added to the last step's), accumulates dL/dθ into `grads` and
  /// writes dL/dx (`I x (B·T)`) and dL/dh0 (`H x B`) where those are not empty.
  void backward(const Scalar* params, Scalar* grads, ConstMatrixRef<Scalar> x, EpisodeStartsRef starts,
                ConstMatrixRef<Scalar> d_out, ConstMatrixRef<Scalar> d_final, MatrixRef<Scalar> dx,
                MatrixRef<Scalar> dh0, GruCache<Scalar>& cache) const {
    const Index columns = x.cols(), batch = cache.batch;
    expect_last_forward("Gru::backward", cache, columns);
    check_shape("Gru::backward: d_out", d_out.rows(), d_out.cols(), hidden_, columns);
    if (d_final.size() != 0) check_shape("Gru::backward: d_final", d_final.rows(), d_final.cols(), hidden_, batch);
    if (dx.size() != 0) check_shape("Gru::backward: dx", dx.rows(), dx.cols(), inputs_, columns);
    if (dh0.size() != 0) check_shape("Gru::backward: dh0", dh0.rows(), dh0.cols(), hidden_, batch);
    const Index H = hidden_;
    auto dh = cache.state.leftCols(batch);  // dL/dh_t, carried backwards
    if (d_final.size() != 0) {
      dh = d_final;
    } else {
      dh.setZero();
    }
    auto d_gi = cache.input_projection.leftCols(columns);  // the forward's W_i x + b_i is no longer needed
    auto d_gh = cache.step_projection.leftCols(batch);
    for (Index c = columns - batch; c >= 0; c -= batch) {
      dh += d_out.middleCols(c, batch);
      const auto r = cache.r.middleCols(c, batch).array();
      const auto z = cache.z.middleCols(c, batch).array();
      const auto n = cache.n.middleCols(c, batch).array();
      const auto carried = cache.carried.middleCols(c, batch);
      // Through n: its pre-activation a_n = gi_n + r ⊙ gh_n.
      d_gi.block(2 * H, c, H, batch).array() = dh.array() * (Scalar(1) - z) * (Scalar(1) - n.square());
      const auto da_n = d_gi.block(2 * H, c, H, batch).array();
      d_gh.bottomRows(H).array() = da_n * r;
      d_gi.block(0, c, H, batch).array() =
          da_n * cache.hidden_candidate.middleCols(c, batch).array() * r * (Scalar(1) - r);
      d_gi.block(H, c, H, batch).array() = dh.array() * (carried.array() - n) * z * (Scalar(1) - z);
      d_gh.topRows(2 * H) = d_gi.block(0, c, 2 * H, batch);
      add_product(hidden_weight(grads), d_gh, carried.transpose());
      hidden_bias(grads) += d_gh.rowwise().sum();
      // dL/d(carried state) = z ⊙ dh + W_hᵀ d_gh, then through the resets into the step before.
      dh.array() *= z;
      add_product(dh, hidden_weight(params).transpose(), d_gh);
      reset_gradient(starts, c, dh);
    }
    add_product(input_weight(grads), d_gi, x.transpose());
    input_bias(grads) += d_gi.rowwise().sum();
    if (dx.size() != 0) assign_product(dx, input_weight(params).transpose(), d_gi);
    if (dh0.size() != 0) dh0 = dh;
  }

  /// The tangent of the last forward()'s outputs along the parameter direction v and the input
  /// tangent x_dot (`I x (B·T)`, or empty for none), with the initial state held fixed.
  void jvp(const Scalar* params, const Scalar* direction, ConstMatrixRef<Scalar> x, ConstMatrixRef<Scalar> x_dot,
           EpisodeStartsRef starts, MatrixRef<Scalar> out_dot, GruCache<Scalar>& cache) const {
    const Index columns = x.cols(), batch = cache.batch;
    expect_last_forward("Gru::jvp", cache, columns);
    check_shape("Gru::jvp: out_dot", out_dot.rows(), out_dot.cols(), hidden_, columns);
    if (x_dot.size() != 0) check_shape("Gru::jvp: x_dot", x_dot.rows(), x_dot.cols(), inputs_, columns);
    const Index H = hidden_;
    auto gi_dot = cache.input_projection.leftCols(columns);  // overwrites the forward's projection
    assign_product(gi_dot, input_weight(direction), x);
    if (x_dot.size() != 0) add_product(gi_dot, input_weight(params), x_dot);
    gi_dot.colwise() += input_bias(direction);
    auto gh_dot = cache.step_projection.leftCols(batch);
    auto carried_dot = cache.state.leftCols(batch);
    carried_dot.setZero();  // the initial state is data: no tangent
    for (Index c = 0; c < columns; c += batch) {
      if (c > 0) {
        carried_dot = out_dot.middleCols(c - batch, batch);
        reset_gradient(starts, c, carried_dot);  // the same zeroing as the state's
      }
      const auto carried = cache.carried.middleCols(c, batch);
      assign_product(gh_dot, hidden_weight(direction), carried);
      add_product(gh_dot, hidden_weight(params), carried_dot);
      gh_dot.colwise() += hidden_bias(direction);
      const auto r = cache.r.middleCols(c, batch).array();
      const auto z = cache.z.middleCols(c, batch).array();
      const auto n = cache.n.middleCols(c, batch).array();
      // ṙ and ż in the input projection's rows (no longer needed), then ṅ, then ḣ.
      auto r_dot = gi_dot.block(0, c, H, batch).array();
      auto z_dot = gi_dot.block(H, c, H, batch).array();
      r_dot = (r_dot + gh_dot.topRows(H).array()) * r * (Scalar(1) - r);
      z_dot = (z_dot + gh_dot.middleRows(H, H).array()) * z * (Scalar(1) - z);
      const auto n_dot =
          (gi_dot.block(2 * H, c, H, batch).array() + r_dot * cache.hidden_candidate.middleCols(c, batch).array() +
           r * gh_dot.bottomRows(H).array()) *
          (Scalar(1) - n.square());
      out_dot.middleCols(c, batch).array() =
          z_dot * (carried.array() - n) + (Scalar(1) - z) * n_dot + z * carried_dot.array();
    }
  }

 private:
  [[nodiscard]] Index hidden_weight_offset() const { return offset_ + 3 * hidden_ * inputs_; }
  [[nodiscard]] Index bias_offset() const { return hidden_weight_offset() + 3 * hidden_ * hidden_; }

  /// σ(a) = (1 + tanh(a/2))/2, element by element.
  template <class Expression>
  static auto logistic(const Expression& a) {
    return (Scalar(0.5) * (Scalar(0.5) * a.array()).tanh() + Scalar(0.5)).matrix();
  }

  /// The state carried into step c's columns: `previous`, zeroed where an episode starts.
  template <class Out>
  static void carry_state(ConstMatrixRef<Scalar> previous, EpisodeStartsRef starts, Index c, Out&& carried) {
    for (Index b = 0; b < carried.cols(); ++b) {
      if (starts(c + b)) {
        carried.col(b).setZero();
      } else {
        carried.col(b) = previous.col(b);
      }
    }
  }
  /// Zeroes the columns of a state's gradient (or tangent) where step c started an episode.
  template <class M>
  static void reset_gradient(EpisodeStartsRef starts, Index c, M&& m) {
    for (Index b = 0; b < m.cols(); ++b) {
      if (starts(c + b)) m.col(b).setZero();
    }
  }
  /// backward and jvp continue the last forward(): the same columns.
  static void expect_last_forward(std::string_view where, const GruCache<Scalar>& cache, Index columns) {
    if (cache.batch == 0 || cache.columns != columns) {
      throw UsageError(
          fmt::format("{}: expected the {} columns of the last forward pass, got {}", where, cache.columns, columns));
    }
  }

  void check_sequences(std::string_view where, ConstMatrixRef<Scalar> x, EpisodeStartsRef starts,
                       ConstMatrixRef<Scalar> h0, Index out_rows, Index out_cols) const {
    const Index batch = h0.cols();
    if (x.rows() != inputs_) throw_invalid_argument("{}: x: expected {} rows, got {}", where, inputs_, x.rows());
    if (h0.rows() != hidden_ || batch < 1) {
      throw_invalid_argument("{}: h0: expected {} rows and at least one column, got {}x{}", where, hidden_, h0.rows(),
                             h0.cols());
    }
    if (x.cols() % batch != 0 || x.cols() == 0) {
      throw_invalid_argument("{}: x: expected T·B columns for B = {} sequences, got {}", where, batch, x.cols());
    }
    if (starts.size() != x.cols()) {
      throw_invalid_argument("{}: starts: expected {} flags, one per column of x, got {}", where, x.cols(),
                             starts.size());
    }
    check_shape({where, ": out"}, out_rows, out_cols, hidden_, x.cols());
  }

  Index inputs_, hidden_, offset_;
};

}  // namespace ac::nn
