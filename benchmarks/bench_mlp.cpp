// Mlp forward and forward+backward throughput in float, next to bare Eigen
// GEMMs of the same shapes measured in the same run. FLOPs count only the
// matrix products (2·in·out per column per GEMM): forward has one GEMM per
// layer; backward adds dW = dY·Xᵀ and dX = Wᵀ·dY per layer. The ratio
// mlp / bare is the efficiency the foundation issue targets (≥ 70% at batch ≥ 256).
// BM_SgemmPeak is Eigen's square float GEMM, the practical single-core peak of
// this build that benchmarks/speed.sh divides the configurations' FLOPs by.
// BM_HeadProduct times a policy head's products (rows x 64 times 64 x 256 forward,
// rows x 256 times 256 x 64 for the weight gradient) through the library's
// ac::assign_product/add_product (row by row up to kRowwiseProductMaxRows rows,
// core/product.hpp) next to Eigen's GEMM kernel on the same operands
// (BM_HeadProductEigen), to check that threshold on a new CPU.
//
//   build/release/benchmarks/bench_mlp --benchmark_counters_tabular=true
#include <actorcritic/core/product.hpp>
#include <actorcritic/nn/mlp.hpp>
#include <benchmark/benchmark.h>

#include <vector>

namespace {

struct Shape {
  ac::Index in;
  std::vector<ac::Index> hidden;
  ac::Index out;
};

const Shape kShapes[] = {{4, {64, 64}, 2}, {64, {256, 256}, 8}};

std::vector<ac::Index> widths(const Shape& s) {
  std::vector<ac::Index> w{s.in};
  w.insert(w.end(), s.hidden.begin(), s.hidden.end());
  w.push_back(s.out);
  return w;
}

double gemm_flops(const Shape& s, ac::Index batch) {
  const auto w = widths(s);
  double flops = 0;
  for (std::size_t l = 0; l + 1 < w.size(); ++l) flops += 2.0 * double(w[l]) * double(w[l + 1]) * double(batch);
  return flops;
}

void set_counters(benchmark::State& state, double flops_per_iteration) {
  state.counters["GFLOP/s"] =
      benchmark::Counter(flops_per_iteration * 1e-9, benchmark::Counter::kIsIterationInvariantRate);
  state.counters["batch"] = double(state.range(1));
}

void BM_MlpForward(benchmark::State& state) {
  const Shape& s = kShapes[state.range(0)];
  const ac::Index batch = state.range(1);
  ac::nn::Mlp<float> net({.inputs = s.in, .hidden = s.hidden, .outputs = s.out}, 1);
  ac::Matrix<float> x = ac::Matrix<float>::Random(s.in, batch);
  for (auto _ : state) {
    auto y = net.forward(x);
    benchmark::DoNotOptimize(y.data());
    benchmark::ClobberMemory();
  }
  set_counters(state, gemm_flops(s, batch));
}

void BM_BareGemmForward(benchmark::State& state) {
  const Shape& s = kShapes[state.range(0)];
  const ac::Index batch = state.range(1);
  const auto w = widths(s);
  std::vector<ac::Matrix<float>> weights, acts;
  acts.push_back(ac::Matrix<float>::Random(w[0], batch));
  for (std::size_t l = 0; l + 1 < w.size(); ++l) {
    weights.push_back(ac::Matrix<float>::Random(w[l + 1], w[l]));
    acts.push_back(ac::Matrix<float>(w[l + 1], batch));
  }
  for (auto _ : state) {
    for (std::size_t l = 0; l < weights.size(); ++l) acts[l + 1].noalias() = weights[l] * acts[l];
    benchmark::DoNotOptimize(acts.back().data());
    benchmark::ClobberMemory();
  }
  set_counters(state, gemm_flops(s, batch));
}

void BM_MlpForwardBackward(benchmark::State& state) {
  const Shape& s = kShapes[state.range(0)];
  const ac::Index batch = state.range(1);
  ac::nn::Mlp<float> net({.inputs = s.in, .hidden = s.hidden, .outputs = s.out}, 1);
  ac::Matrix<float> x = ac::Matrix<float>::Random(s.in, batch);
  ac::Matrix<float> dy = ac::Matrix<float>::Random(s.out, batch);
  for (auto _ : state) {
    net.forward(x);
    auto dx = net.backward(dy);
    benchmark::DoNotOptimize(dx.data());
    benchmark::DoNotOptimize(net.gradients().data());
    benchmark::ClobberMemory();
  }
  set_counters(state, 3.0 * gemm_flops(s, batch));
}

void BM_BareGemmForwardBackward(benchmark::State& state) {
  const Shape& s = kShapes[state.range(0)];
  const ac::Index batch = state.range(1);
  const auto w = widths(s);
  std::vector<ac::Matrix<float>> weights, grads, acts, deltas;
  acts.push_back(ac::Matrix<float>::Random(w[0], batch));
  deltas.push_back(ac::Matrix<float>(w[0], batch));
  for (std::size_t l = 0; l + 1 < w.size(); ++l) {
    weights.push_back(ac::Matrix<float>::Random(w[l + 1], w[l]));
    grads.push_back(ac::Matrix<float>::Zero(w[l + 1], w[l]));
    acts.push_back(ac::Matrix<float>(w[l + 1], batch));
    deltas.push_back(ac::Matrix<float>::Random(w[l + 1], batch));
  }
  for (auto _ : state) {
    for (std::size_t l = 0; l < weights.size(); ++l) acts[l + 1].noalias() = weights[l] * acts[l];
    for (std::size_t l = weights.size(); l-- > 0;) {
      grads[l].noalias() += deltas[l + 1] * acts[l].transpose();
      deltas[l].noalias() = weights[l].transpose() * deltas[l + 1];
    }
    benchmark::DoNotOptimize(deltas.front().data());
    benchmark::DoNotOptimize(grads.front().data());
    benchmark::ClobberMemory();
  }
  set_counters(state, 3.0 * gemm_flops(s, batch));
}

void BM_SgemmPeak(benchmark::State& state) {
  const ac::Index n = state.range(0);
  const ac::Matrix<float> a = ac::Matrix<float>::Random(n, n), b = ac::Matrix<float>::Random(n, n);
  ac::Matrix<float> c(n, n);
  for (auto _ : state) {
    c.noalias() = a * b;
    benchmark::DoNotOptimize(c.data());
    benchmark::ClobberMemory();
  }
  state.counters["GFLOP/s"] = benchmark::Counter(2.0 * double(n) * double(n) * double(n) * 1e-9,
                                                 benchmark::Counter::kIsIterationInvariantRate);
}

// The head's forward and weight-gradient products, depth 64, batch 256: `library` picks the route
// of core/product.hpp, else Eigen's GEMM call as one product.
template <bool library>
void head_product(benchmark::State& state) {
  const ac::Index rows = state.range(0), hidden = 64, batch = 256;
  const ac::Matrix<float> w = ac::Matrix<float>::Random(rows, hidden), h = ac::Matrix<float>::Random(hidden, batch);
  const ac::Matrix<float> dy = ac::Matrix<float>::Random(rows, batch);
  ac::Matrix<float> y(rows, batch), dw = ac::Matrix<float>::Zero(rows, hidden);
  for (auto _ : state) {
    if constexpr (library) {
      ac::assign_product(y, w, h);
      ac::add_product(dw, dy, h.transpose());
    } else {
      y.noalias() = w * h;
      for (ac::Index k = 0; k < batch; k += ac::kProductDepthBlock) {  // the depth blocks add_product cuts
        dw.noalias() += dy.middleCols(k, ac::kProductDepthBlock) * h.transpose().middleRows(k, ac::kProductDepthBlock);
      }
    }
    benchmark::DoNotOptimize(y.data());
    benchmark::DoNotOptimize(dw.data());
    benchmark::ClobberMemory();
  }
  state.counters["GFLOP/s"] = benchmark::Counter(2.0 * 2.0 * double(rows) * double(hidden) * double(batch) * 1e-9,
                                                 benchmark::Counter::kIsIterationInvariantRate);
}
void BM_HeadProduct(benchmark::State& state) { head_product<true>(state); }
void BM_HeadProductEigen(benchmark::State& state) { head_product<false>(state); }

void shapes_and_batches(benchmark::internal::Benchmark* b) {
  for (int shape = 0; shape < 2; ++shape) {
    for (int batch : {1, 64, 256, 2048}) b->Args({shape, batch});
  }
  b->ArgNames({"shape", "batch"});
}

}  // namespace

BENCHMARK(BM_MlpForward)->Apply(shapes_and_batches);
BENCHMARK(BM_BareGemmForward)->Apply(shapes_and_batches);
BENCHMARK(BM_MlpForwardBackward)->Apply(shapes_and_batches);
BENCHMARK(BM_BareGemmForwardBackward)->Apply(shapes_and_batches);

BENCHMARK(BM_HeadProduct)->DenseRange(1, 8)->ArgName("rows");
BENCHMARK(BM_HeadProductEigen)->DenseRange(1, 8)->ArgName("rows");

BENCHMARK(BM_SgemmPeak)->Arg(256)->Arg(512)->Arg(1024)->ArgName("n");

BENCHMARK_MAIN();
