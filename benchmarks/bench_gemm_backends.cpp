// The small GEMMs of a PPO update through each GEMM backend this field uses,
// measured in one run on one core: Eigen (as the library calls it, through
// ac::assign_product / ac::add_product) against a CBLAS backend (OpenBLAS or
// BLIS, chosen at build time, see benchmarks/CMakeLists.txt), libxsmm, or a
// kernel of our own (sequential_gemm.hpp; with it, also a hidden layer's
// forward with bias and tanh fused into the GEMM's pass).
//
// The shapes are those of the CartPole and Pendulum configurations of
// benchmarks/speed.sh: for each layer of a 64-64 (or 32-32) MLP at a minibatch
// of 256 (or 1024) columns, the forward y = W x, the input gradient
// dx = Wᵀ dy and the weight gradient dW += dy xᵀ — 6 · Σ in·out · batch FLOPs.
// Every backend's result is checked against Eigen's within float rounding.
//
//   build/release/benchmarks/bench_gemm_backends_openblas   (OPENBLAS_NUM_THREADS=1 is set inside)
//   build/release/benchmarks/bench_gemm_backends_own        (no dependency: always in the full build)
#include <actorcritic/core/product.hpp>
#include <actorcritic/core/types.hpp>

#include <fmt/core.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <string>
#include <vector>

#if defined(AC_BENCH_CBLAS)
#include <cblas.h>
#endif
#if defined(AC_BENCH_LIBXSMM)
#include <libxsmm.h>
#endif
#if defined(AC_BENCH_OWN)
#include <actorcritic/nn/activation.hpp>

#include "sequential_gemm.hpp"
#endif

namespace {

using Clock = std::chrono::steady_clock;
using ac::Index;
using Matrix = ac::Matrix<float>;

struct Layer {
  Matrix w, x, y, dy, dx, dw;
};

std::vector<Layer> make_layers(const std::vector<Index>& widths, Index batch) {
  std::vector<Layer> layers;
  for (std::size_t l = 0; l + 1 < widths.size(); ++l) {
    const Index in = widths[l], out = widths[l + 1];
    layers.push_back({Matrix::Random(out, in), Matrix::Random(in, batch), Matrix(out, batch),
                      Matrix::Random(out, batch), Matrix(in, batch), Matrix::Zero(out, in)});
  }
  return layers;
}

double flops(const std::vector<Layer>& layers) {
  double f = 0;
  for (const auto& l : layers) f += 6.0 * double(l.w.rows()) * double(l.w.cols()) * double(l.x.cols());
  return f;
}

/// One forward + backward of every layer, as nn::Linear does it.
void eigen_pass(std::vector<Layer>& layers) {
  for (auto& l : layers) {
    ac::assign_product(l.y, l.w, l.x);
    ac::assign_product(l.dx, l.w.transpose(), l.dy);
    ac::add_product(l.dw, l.dy, l.x.transpose());
  }
}

#if defined(AC_BENCH_CBLAS)
void cblas_pass(std::vector<Layer>& layers) {
  for (auto& l : layers) {
    const int out = int(l.w.rows()), in = int(l.w.cols()), batch = int(l.x.cols());
    cblas_sgemm(CblasColMajor, CblasNoTrans, CblasNoTrans, out, batch, in, 1.0f, l.w.data(), out, l.x.data(), in, 0.0f,
                l.y.data(), out);
    cblas_sgemm(CblasColMajor, CblasTrans, CblasNoTrans, in, batch, out, 1.0f, l.w.data(), out, l.dy.data(), out, 0.0f,
                l.dx.data(), in);
    cblas_sgemm(CblasColMajor, CblasNoTrans, CblasTrans, out, in, batch, 1.0f, l.dy.data(), out, l.x.data(), in, 1.0f,
                l.dw.data(), out);
  }
}
#endif

#if defined(AC_BENCH_LIBXSMM)
/// libxsmm JIT-compiles small GEMMs (by default up to (M·N·K)^(1/3) = 64) and
/// hands larger ones to a BLAS, so the batch and the gradient's depth are cut
/// into tiles of 64 columns, the way libxsmm is used for small matrices.
void libxsmm_pass(std::vector<Layer>& layers) {
  constexpr libxsmm_blasint kTile = 64;
  const float one = 1.0f, zero = 0.0f;
  for (auto& l : layers) {
    const libxsmm_blasint out = l.w.rows(), in = l.w.cols(), batch = l.x.cols();
    for (libxsmm_blasint j = 0; j < batch; j += kTile) {
      const libxsmm_blasint n = std::min(kTile, batch - j);
      libxsmm_sgemm("N", "N", &out, &n, &in, &one, l.w.data(), &out, l.x.data() + j * in, &in, &zero,
                    l.y.data() + j * out, &out);
      libxsmm_sgemm("T", "N", &in, &n, &out, &one, l.w.data(), &out, l.dy.data() + j * out, &out, &zero,
                    l.dx.data() + j * in, &in);
      libxsmm_sgemm("N", "T", &out, &in, &n, &one, l.dy.data() + j * out, &out, l.x.data() + j * in, &in, &one,
                    l.dw.data(), &out);
    }
  }
}
#endif

#if defined(AC_BENCH_OWN)
using Own = ac::bench::SequentialGemm<float>;

/// Wᵀ for the input gradient: the kernel reads A by columns, so the transpose is copied once per layer and pass
/// (into a buffer that only grows, so that the timed passes allocate nothing).
const float* transposed(const Matrix& w) {
  static std::vector<float> buffer;
  if (buffer.size() < static_cast<std::size_t>(w.size())) buffer.resize(static_cast<std::size_t>(w.size()));
  Eigen::Map<Matrix>(buffer.data(), w.cols(), w.rows()) = w.transpose();
  return buffer.data();
}

void own_pass(std::vector<Layer>& layers) {
  for (auto& l : layers) {
    const Index out = l.w.rows(), in = l.w.cols(), batch = l.x.cols();
    Own::run(out, batch, in, l.w.data(), out, l.x.data(), 1, in, l.y.data(), out, false);
    Own::run(in, batch, out, transposed(l.w), in, l.dy.data(), 1, out, l.dx.data(), in, false);
    Own::run(out, in, batch, l.dy.data(), out, l.x.data(), in, 1, l.dw.data(), out, true);
  }
}

/// Whether the kernel's products equal, bit for bit, one multiply-add chain per coefficient over k in
/// order (what makes them the same for every vector width): every product of one pass over the layers.
bool own_equals_scalar_chains(const std::vector<Index>& widths, Index batch) {
  auto layers = make_layers(widths, batch);
  own_pass(layers);
  for (const auto& l : layers) {
    const Index out = l.w.rows(), in = l.w.cols();
    for (Index j = 0; j < batch; ++j) {
      for (Index i = 0; i < out; ++i) {
        float y = 0;
        for (Index k = 0; k < in; ++k) y = ac::bench::multiply_add(l.w(i, k), l.x(k, j), y);
        if (y != l.y(i, j)) return false;
      }
      for (Index i = 0; i < in; ++i) {
        float dx = 0;
        for (Index k = 0; k < out; ++k) dx = ac::bench::multiply_add(l.w(k, i), l.dy(k, j), dx);
        if (dx != l.dx(i, j)) return false;
      }
    }
    for (Index i = 0; i < out; ++i) {
      for (Index k = 0; k < in; ++k) {
        float dw = 0;  // make_layers starts dW at zero
        for (Index j = 0; j < batch; ++j) dw = ac::bench::multiply_add(l.dy(i, j), l.x(k, j), dw);
        if (dw != l.dw(i, k)) return false;
      }
    }
  }
  return true;
}

/// The hidden layers' forward, y = tanh(W x + b), as nn::Mlp runs it (GEMM, then bias and tanh in one pass)
/// and with the kernel's fused bias and tanh; `bias` holds each layer's b.
void eigen_hidden_forward(std::vector<Layer>& layers, const std::vector<ac::Vector<float>>& bias) {
  for (std::size_t l = 0; l + 1 < layers.size(); ++l) {
    ac::assign_product(layers[l].y, layers[l].w, layers[l].x);
    ac::nn::Tanh::forward_biased<float>(bias[l], layers[l].y);
  }
}
void own_hidden_forward(std::vector<Layer>& layers, const std::vector<ac::Vector<float>>& bias) {
  for (std::size_t l = 0; l + 1 < layers.size(); ++l) {
    auto& layer = layers[l];
    const Index out = layer.w.rows(), in = layer.w.cols(), batch = layer.x.cols();
    Own::run(out, batch, in, layer.w.data(), out, layer.x.data(), 1, in, layer.y.data(), out, false, bias[l].data());
  }
}
#endif

/// GFLOP/s of `pass` over the layers, the best of 5 timed blocks of `repeats`.
template <class Pass>
double rate(std::vector<Layer>& layers, Pass pass, long repeats) {
  double best = 0;
  for (int block = 0; block < 5; ++block) {
    const auto start = Clock::now();
    for (long r = 0; r < repeats; ++r) pass(layers);
    const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
    best = std::max(best, flops(layers) * double(repeats) / seconds / 1e9);
  }
  return best;
}

/// Largest |a − b| relative to the largest |a| over every output of one pass.
template <class Pass>
double difference_from_eigen(const std::vector<Index>& widths, Index batch, Pass pass) {
  std::srand(7);
  auto reference = make_layers(widths, batch);
  std::srand(7);
  auto other = make_layers(widths, batch);
  eigen_pass(reference);
  pass(other);
  double worst = 0;
  for (std::size_t l = 0; l < reference.size(); ++l) {
    for (const auto& [a, b] : {std::pair{&reference[l].y, &other[l].y}, std::pair{&reference[l].dx, &other[l].dx},
                               std::pair{&reference[l].dw, &other[l].dw}}) {
      worst = std::max(worst, double((*a - *b).cwiseAbs().maxCoeff() / (a->cwiseAbs().maxCoeff() + 1e-30f)));
    }
  }
  return worst;
}

}  // namespace

int main() {
  setenv("OPENBLAS_NUM_THREADS", "1", 1);  // one core, as every figure here
  setenv("BLIS_NUM_THREADS", "1", 1);
#if defined(AC_BENCH_LIBXSMM)
  libxsmm_init();
#endif
  struct Shape {
    std::string name;
    std::vector<Index> widths;
    Index batch;
  };
  const Shape shapes[] = {{"CartPole actor 4-64-64-2, batch 256", {4, 64, 64, 2}, 256},
                          {"Pendulum zoo actor 3-32-32-1, batch 1024", {3, 32, 32, 1}, 1024},
                          {"wide 64-256-256-8, batch 256", {64, 256, 256, 8}, 256}};
  fmt::print("{:<42} {:>10} {:>12} {:>10} {:>16}\n", "shapes (fwd + both backward GEMMs)", "Eigen", AC_BENCH_NAME,
             "× Eigen", "max rel. diff");
  for (const auto& s : shapes) {
    auto layers = make_layers(s.widths, s.batch);
    const long repeats = std::max(10L, long(2e9 / flops(layers)));
    const double eigen = rate(layers, eigen_pass, repeats);
#if defined(AC_BENCH_CBLAS)
    const double other = rate(layers, cblas_pass, repeats);
    const double diff = difference_from_eigen(s.widths, s.batch, cblas_pass);
#elif defined(AC_BENCH_LIBXSMM)
    const double other = rate(layers, libxsmm_pass, repeats);
    const double diff = difference_from_eigen(s.widths, s.batch, libxsmm_pass);
#elif defined(AC_BENCH_OWN)
    const double other = rate(layers, own_pass, repeats);
    const double diff = difference_from_eigen(s.widths, s.batch, own_pass);
#endif
    fmt::print("{:<42} {:>10.1f} {:>12.1f} {:>9.2f}× {:>16.2e}\n", s.name, eigen, other, other / eigen, diff);
  }
#if defined(AC_BENCH_OWN)
  bool chains = true;
  for (const auto& s : shapes) chains = chains && own_equals_scalar_chains(s.widths, s.batch);
  fmt::print("own kernel = one multiply-add chain per coefficient, bit for bit: {}\n", chains ? "yes" : "NO");
  // The hidden layers' forward with bias and tanh: microseconds per pass, best of 5 blocks.
  fmt::print("\n{:<42} {:>10} {:>12} {:>10} {:>16}\n", "hidden layers' forward + bias + tanh (µs)", "Eigen",
             "own, fused", "× Eigen", "max abs. diff");
  for (const auto& s : shapes) {
    auto layers = make_layers(s.widths, s.batch);
    std::vector<ac::Vector<float>> bias;
    for (const auto& l : layers) bias.push_back(ac::Vector<float>::Random(l.w.rows()));
    const long repeats = std::max(10L, long(1e9 / flops(layers)));
    const auto micros = [&](auto pass) {
      double best = 1e300;
      for (int block = 0; block < 5; ++block) {
        const auto start = Clock::now();
        for (long r = 0; r < repeats; ++r) pass(layers, bias);
        best = std::min(best, std::chrono::duration<double>(Clock::now() - start).count() / double(repeats) * 1e6);
      }
      return best;
    };
    const double eigen = micros(eigen_hidden_forward), own = micros(own_hidden_forward);
    eigen_hidden_forward(layers, bias);
    std::vector<Matrix> reference;
    for (const auto& l : layers) reference.push_back(l.y);
    own_hidden_forward(layers, bias);
    float diff = 0;
    for (std::size_t l = 0; l + 1 < layers.size(); ++l) {
      diff = std::max(diff, (layers[l].y - reference[l]).cwiseAbs().maxCoeff());
    }
    fmt::print("{:<42} {:>10.2f} {:>12.2f} {:>9.2f}× {:>16.2e}\n", s.name, eigen, own, eigen / own, double(diff));
  }
#endif
#if defined(AC_BENCH_LIBXSMM)
  libxsmm_finalize();
#endif
  return 0;
}
