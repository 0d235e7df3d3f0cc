// Kernel throughput in elements/s (one element = one env-step of an N x T
// rollout, or one column of a distribution batch) at T·N = 2048·8 and at 1M,
// next to a naive scalar loop computing the same thing and a plain memory
// copy of the same bytes (the bandwidth bound: the kernel must at least read
// its inputs and write its output). Target (issue 4): GAE within 2× of the
// copy bound.
//
//   build/release/benchmarks/bench_kernels
#include <actorcritic/core/generator.hpp>
#include <actorcritic/kernels/advantages.hpp>
#include <actorcritic/kernels/categorical.hpp>
#include <actorcritic/kernels/gaussian.hpp>
#include <actorcritic/kernels/importance.hpp>
#include <benchmark/benchmark.h>

#include <cstring>
#include <vector>

namespace {

using ac::Index;
using M = ac::Matrix<float>;

struct Rollout {
  M rewards, values, next_values, terminated, ended, out, log_ratios, out2;
  explicit Rollout(Index n, Index t) {
    ac::Generator rng(1);
    for (M* m : {&rewards, &values, &next_values, &log_ratios}) {
      m->resize(n, t);
      rng.fill_normal(*m);
    }
    terminated = (M::Random(n, t).array() > 0.95f).cast<float>();
    ended = (terminated.array() + (M::Random(n, t).array() > 0.97f).cast<float>()).min(1.0f);
    out.resize(n, t);
    out2.resize(n, t);
  }
};

// Shapes: rollouts of N = 8 envs; T = 2048 (16k elements) or T = 131072 (1M elements).
constexpr Index kEnvs = 8;

void finish(benchmark::State& state, double elements, double bytes) {
  state.counters["elements/s"] = benchmark::Counter(elements, benchmark::Counter::kIsIterationInvariantRate);
  state.SetBytesProcessed(static_cast<int64_t>(bytes) * state.iterations());
}

void BM_Gae(benchmark::State& state) {
  Rollout r(kEnvs, state.range(0));
  for (auto _ : state) {
    ac::kernels::gae(r.rewards, r.values, r.next_values, r.terminated, r.ended, 0.99f, 0.95f, r.out);
    benchmark::DoNotOptimize(r.out.data());
    benchmark::ClobberMemory();
  }
  finish(state, double(r.out.size()), 6.0 * 4 * double(r.out.size()));
}

// The obvious scalar code: per env, backward over time, branches on the flags.
void BM_GaeNaive(benchmark::State& state) {
  Rollout r(kEnvs, state.range(0));
  const Index n = r.rewards.rows(), t = r.rewards.cols();
  for (auto _ : state) {
    for (Index e = 0; e < n; ++e) {
      float next_advantage = 0.0f;
      for (Index s = t; s-- > 0;) {
        const float bootstrap = r.terminated(e, s) != 0.0f ? 0.0f : r.next_values(e, s);
        const float delta = r.rewards(e, s) + 0.99f * bootstrap - r.values(e, s);
        if (r.ended(e, s) != 0.0f || s + 1 == t) next_advantage = 0.0f;
        next_advantage = delta + 0.99f * 0.95f * next_advantage;
        r.out(e, s) = next_advantage;
      }
    }
    benchmark::DoNotOptimize(r.out.data());
    benchmark::ClobberMemory();
  }
  finish(state, double(r.out.size()), 6.0 * 4 * double(r.out.size()));
}

// The bandwidth bound for GAE: read 5 N x T float inputs, write 1.
void BM_CopyGaeBytes(benchmark::State& state) {
  const std::size_t bytes = static_cast<std::size_t>(kEnvs * state.range(0)) * 4;
  std::vector<char> in(5 * bytes), out(5 * bytes);
  for (auto _ : state) {
    // 5 reads + 1 write ≈ a copy of 3 arrays (each copy reads one and writes one).
    std::memcpy(out.data(), in.data(), 3 * bytes);
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
  }
  finish(state, double(kEnvs * state.range(0)), 6.0 * double(bytes));
}

void BM_DiscountedReturns(benchmark::State& state) {
  Rollout r(kEnvs, state.range(0));
  for (auto _ : state) {
    ac::kernels::discounted_returns(r.rewards, r.next_values, r.terminated, r.ended, 0.99f, r.out);
    benchmark::DoNotOptimize(r.out.data());
    benchmark::ClobberMemory();
  }
  finish(state, double(r.out.size()), 5.0 * 4 * double(r.out.size()));
}

void BM_Vtrace(benchmark::State& state) {
  Rollout r(kEnvs, state.range(0));
  for (auto _ : state) {
    ac::kernels::vtrace(r.log_ratios, r.rewards, r.values, r.next_values, r.terminated, r.ended, 0.99f, 1.0f, 1.0f,
                        r.out, r.out2);
    benchmark::DoNotOptimize(r.out.data());
    benchmark::ClobberMemory();
  }
  finish(state, double(r.out.size()), 8.0 * 4 * double(r.out.size()));
}

void BM_CumulativeLogRatios(benchmark::State& state) {
  Rollout r(kEnvs, state.range(0));
  for (auto _ : state) {
    ac::kernels::cumulative_log_ratios(r.log_ratios, r.ended, r.out);
    benchmark::DoNotOptimize(r.out.data());
    benchmark::ClobberMemory();
  }
  finish(state, double(r.out.size()), 3.0 * 4 * double(r.out.size()));
}

// Distribution kernels: `state.range(0)` columns of 8-way logits / 8-dim Gaussians.
void BM_CategoricalKl(benchmark::State& state) {
  const Index b = state.range(0);
  M p = M::Random(8, b), q = M::Random(8, b), kl(1, b);
  for (auto _ : state) {
    ac::kernels::categorical_kl(p, q, kl);
    benchmark::DoNotOptimize(kl.data());
    benchmark::ClobberMemory();
  }
  finish(state, double(b), 4.0 * (16 + 1) * double(b));
}

void BM_CategoricalKlNaive(benchmark::State& state) {
  const Index b = state.range(0);
  M p = M::Random(8, b), q = M::Random(8, b), kl(1, b);
  for (auto _ : state) {
    for (Index j = 0; j < b; ++j) {
      float zp = 0, zq = 0;
      for (Index i = 0; i < 8; ++i) {
        zp += std::exp(p(i, j));
        zq += std::exp(q(i, j));
      }
      float total = 0;
      for (Index i = 0; i < 8; ++i) {
        const float pi = std::exp(p(i, j)) / zp;
        total += pi * (std::log(pi) - std::log(std::exp(q(i, j)) / zq));
      }
      kl(0, j) = total;
    }
    benchmark::DoNotOptimize(kl.data());
    benchmark::ClobberMemory();
  }
  finish(state, double(b), 4.0 * (16 + 1) * double(b));
}

void BM_DiagGaussianKl(benchmark::State& state) {
  const Index b = state.range(0);
  M mp = M::Random(8, b), lp = M::Random(8, b), mq = M::Random(8, b), lq = M::Random(8, b), kl(1, b);
  for (auto _ : state) {
    ac::kernels::diag_gaussian_kl(mp, lp, mq, lq, kl);
    benchmark::DoNotOptimize(kl.data());
    benchmark::ClobberMemory();
  }
  finish(state, double(b), 4.0 * (32 + 1) * double(b));
}

void BM_DiagGaussianKlNaive(benchmark::State& state) {
  const Index b = state.range(0);
  M mp = M::Random(8, b), lp = M::Random(8, b), mq = M::Random(8, b), lq = M::Random(8, b), kl(1, b);
  for (auto _ : state) {
    for (Index j = 0; j < b; ++j) {
      float total = 0;
      for (Index i = 0; i < 8; ++i) {
        const float sp = std::exp(lp(i, j)), sq = std::exp(lq(i, j)), gap = mp(i, j) - mq(i, j);
        total += std::log(sq / sp) + (sp * sp + gap * gap) / (2 * sq * sq) - 0.5f;
      }
      kl(0, j) = total;
    }
    benchmark::DoNotOptimize(kl.data());
    benchmark::ClobberMemory();
  }
  finish(state, double(b), 4.0 * (32 + 1) * double(b));
}

void BM_CopyKlBytes(benchmark::State& state) {
  // Gaussian KL reads 4 x 8 floats per column and writes 1: a copy of ~16.5 floats per column.
  const std::size_t floats = static_cast<std::size_t>(state.range(0)) * 33 / 2;
  std::vector<float> in(floats), out(floats);
  for (auto _ : state) {
    std::memcpy(out.data(), in.data(), floats * 4);
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
  }
  finish(state, double(state.range(0)), 4.0 * 33 * double(state.range(0)));
}

}  // namespace

// T = 2048 (T·N = 16k) and T = 131072 (T·N = 1M).
BENCHMARK(BM_Gae)->Arg(2048)->Arg(131072);
BENCHMARK(BM_GaeNaive)->Arg(2048)->Arg(131072);
BENCHMARK(BM_CopyGaeBytes)->Arg(2048)->Arg(131072);
BENCHMARK(BM_DiscountedReturns)->Arg(2048)->Arg(131072);
BENCHMARK(BM_Vtrace)->Arg(2048)->Arg(131072);
BENCHMARK(BM_CumulativeLogRatios)->Arg(2048)->Arg(131072);
// Batches of 16k and 1M columns.
BENCHMARK(BM_CategoricalKl)->Arg(16384)->Arg(1 << 20);
BENCHMARK(BM_CategoricalKlNaive)->Arg(16384)->Arg(1 << 20);
BENCHMARK(BM_DiagGaussianKl)->Arg(16384)->Arg(1 << 20);
BENCHMARK(BM_DiagGaussianKlNaive)->Arg(16384)->Arg(1 << 20);
BENCHMARK(BM_CopyKlBytes)->Arg(16384)->Arg(1 << 20);

BENCHMARK_MAIN();
