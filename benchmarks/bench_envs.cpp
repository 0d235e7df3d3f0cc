// Environment throughput, single thread: steps/s of each environment (with
// reset on episode end), and of VectorEnv with N = 8 and 64. Also a threaded
// prototype (two persistent workers, one barrier per vector step) to decide
// whether VectorEnv should offer threads: see docs/envs.md for the verdict.
//
//   build/release/benchmarks/bench_envs
// Reference figures (issue 3), Gymnasium on this machine class: CartPole 116k/s,
// MountainCarContinuous 103k/s, MountainCar 53k/s, Pendulum 40k/s, Acrobot 18k/s;
// RLtools Pendulum 37M/s.
#include <actorcritic/envs/acrobot.hpp>
#include <actorcritic/envs/cart_pole.hpp>
#include <actorcritic/envs/env_variant.hpp>
#include <actorcritic/envs/mask_velocity.hpp>
#include <actorcritic/envs/mountain_car.hpp>
#include <actorcritic/envs/mountain_car_continuous.hpp>
#include <actorcritic/envs/pendulum.hpp>
#include <actorcritic/envs/single_state_bandit.hpp>
#include <actorcritic/envs/vector_env.hpp>
#include <benchmark/benchmark.h>

#include <atomic>
#include <barrier>
#include <thread>
#include <vector>

namespace {

using namespace ac::envs;

// A cheap deterministic action for step t (discrete: cycles; continuous: a ramp).
template <class E>
typename E::Action action_for(long t, const E& env) {
  if constexpr (DiscreteEnv<E>) {
    return static_cast<std::int64_t>(t % env.action_space().n);
  } else {
    return Eigen::VectorXf::Constant(env.action_space().dim(), static_cast<float>((t % 17) - 8) * 0.25f);
  }
}

template <class E>
void BM_Env(benchmark::State& state) {
  E env;
  env.reset(0);
  std::vector<typename E::Action> actions;
  for (long t = 0; t < 64; ++t) actions.push_back(action_for(t, env));
  long t = 0;
  for (auto _ : state) {
    const auto result = env.step(actions[static_cast<std::size_t>(t++ & 63)]);
    benchmark::DoNotOptimize(result.observation.data());
    if (result.terminated || result.truncated) env.reset();
  }
  state.counters["steps/s"] = benchmark::Counter(double(state.iterations()), benchmark::Counter::kIsRate);
}

template <class E>
void BM_VectorEnv(benchmark::State& state) {
  const ac::Index n = state.range(0);
  ac::VectorEnv<E> envs(n, 0);
  if constexpr (DiscreteEnv<E>) {
    std::vector<std::int64_t> actions(static_cast<std::size_t>(n));
    long t = 0;
    for (auto _ : state) {
      for (auto& a : actions) a = static_cast<std::int64_t>(t % envs.action_count());
      ++t;
      envs.step(actions);
      benchmark::DoNotOptimize(envs.observations().data());
    }
  } else {
    ac::Matrix<float> actions(envs.action_dim(), n);
    long t = 0;
    for (auto _ : state) {
      actions.setConstant(static_cast<float>((t++ % 17) - 8) * 0.25f);
      envs.step(actions);
      benchmark::DoNotOptimize(envs.observations().data());
    }
  }
  state.counters["steps/s"] = benchmark::Counter(double(state.iterations()) * double(n), benchmark::Counter::kIsRate);
}

// Threaded prototype: the N copies split between two persistent threads that
// meet at a barrier after every vector step (the least a threaded VectorEnv must do).
template <class E>
void BM_ThreadedPrototype(benchmark::State& state) {
  const std::size_t n = static_cast<std::size_t>(state.range(0));
  std::vector<E> envs(n);
  for (std::size_t i = 0; i < n; ++i) envs[i].reset(i);
  std::vector<typename E::Action> actions;
  for (long t = 0; t < 64; ++t) actions.push_back(action_for(t, envs[0]));
  std::atomic<bool> stop{false};
  std::atomic<long> step_index{0};
  std::barrier<> start(2), done(2);
  auto work = [&](std::size_t begin, std::size_t end) {
    const auto& action = actions[static_cast<std::size_t>(step_index.load(std::memory_order_relaxed) & 63)];
    for (std::size_t i = begin; i < end; ++i) {
      const auto r = envs[i].step(action);
      if (r.terminated || r.truncated) envs[i].reset();
    }
  };
  std::thread helper([&] {
    while (true) {
      start.arrive_and_wait();
      if (stop.load()) return;
      work(n / 2, n);
      done.arrive_and_wait();
    }
  });
  for (auto _ : state) {
    start.arrive_and_wait();
    work(0, n / 2);
    done.arrive_and_wait();
    step_index.fetch_add(1, std::memory_order_relaxed);
  }
  stop.store(true);
  start.arrive_and_wait();
  helper.join();
  state.counters["steps/s"] = benchmark::Counter(double(state.iterations()) * double(n), benchmark::Counter::kIsRate);
}

}  // namespace

BENCHMARK(BM_Env<CartPole>);
BENCHMARK(BM_Env<MountainCarContinuous>);
BENCHMARK(BM_Env<MountainCar>);
BENCHMARK(BM_Env<Pendulum>);
BENCHMARK(BM_Env<Acrobot>);
BENCHMARK(BM_VectorEnv<CartPole>)->Arg(8)->Arg(64);
BENCHMARK(BM_VectorEnv<MountainCarContinuous>)->Arg(8)->Arg(64);
BENCHMARK(BM_VectorEnv<MountainCar>)->Arg(8)->Arg(64);
BENCHMARK(BM_VectorEnv<Pendulum>)->Arg(8)->Arg(64);
BENCHMARK(BM_VectorEnv<Acrobot>)->Arg(8)->Arg(64);
// The tools' groups (examples/cli/environments.hpp), holding their first alternative: the cost of
// the dispatch and of the fixed-capacity observation, against the bare environment above.
using DiscreteTasks = EnvVariant<CartPole, CartPoleNoVel, MountainCar, Acrobot>;
using BoxTasks = EnvVariant<Pendulum, PendulumNoVel, MountainCarContinuous, SingleStateBandit>;
BENCHMARK(BM_Env<DiscreteTasks>);
BENCHMARK(BM_Env<BoxTasks>);
BENCHMARK(BM_VectorEnv<DiscreteTasks>)->Arg(8)->Arg(64);
BENCHMARK(BM_VectorEnv<BoxTasks>)->Arg(8)->Arg(64);
BENCHMARK(BM_ThreadedPrototype<CartPole>)->Arg(8)->Arg(64)->Arg(1024)->UseRealTime();
BENCHMARK(BM_ThreadedPrototype<Acrobot>)->Arg(8)->Arg(64)->Arg(1024)->UseRealTime();

BENCHMARK_MAIN();
