// The small GEMMs of a PPO update through each GEMM backend this field uses,
// measured in one run on one core: Eigen (as the library calls it, through
// ac::assign_product / ac::add_product) against a CBLAS backend (OpenBLAS or
// BLIS, chosen at build time, see benchmarks/CMakeLists.txt) and libxsmm.
//
// The shapes are those of the CartPole and Pendulum configurations of
// benchmarks/speed.sh: for each layer of a 64-64 (or 32-32) MLP at a minibatch
// of 256 (or 1024) columns, the forward y = W x, the input gradient
// dx = Wᵀ dy and the weight gradient dW += dy xᵀ — 6 · Σ in·out · batch FLOPs.
// Every backend's result is checked against Eigen's within float rounding.
//
//   build/release/benchmarks/bench_gemm_backends_openblas   (OPENBLAS_NUM_THREADS=1 is set inside)
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
#endif
    fmt::print("{:<42} {:>10.1f} {:>12.1f} {:>9.2f}× {:>16.2e}\n", s.name, eigen, other, other / eigen, diff);
  }
#if defined(AC_BENCH_LIBXSMM)
  libxsmm_finalize();
#endif
  return 0;
}
