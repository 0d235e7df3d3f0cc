// Data-parallel scaling: the same global experiment (ac::Run with the same
// RunConfig and settings) on however many ranks mpirun starts, for
//   PPO-clip on CartPole-v1 (rl-baselines3-zoo: 8 envs × 32 steps, 20 epochs of one minibatch of 256),
//   PPO on Pendulum-v1 (ac::presets::ppo_pendulum: 64 envs × 128 steps, minibatches of 1024, 10 epochs),
//   A2C on CartPole-v1 (SB3: 8 envs × 5 steps, one RMSprop step per rollout),
//   TRPO on CartPole-v1 (ac::presets::trpo_cartpole: 8 envs × 64 steps),
// printing, per configuration, the wall time of the slowest rank, the steps/s,
// and the time every rank spends inside collectives (allreduce and broadcast,
// timed by a communicator that wraps MPI's; the mean over ranks). One line per
// configuration, `scaling|mode|name|ranks|steps|seconds|steps_per_second|comm_seconds|collectives`,
// which benchmarks/scaling.sh runs for 1, 2 and 4 ranks and turns into ratios.
//
// Mode `independent` is the bound: every rank trains the whole configuration
// on its own (one process each, seeds 0, 1, …) at the same time, and the line
// reports their total steps over the slowest one's time: what N cores of this
// machine deliver to N processes that never communicate. A data-parallel run
// cannot beat it; on a shared or throttled machine it is below N.
//
//   mpirun --oversubscribe -np 2 build/release/benchmarks/bench_scaling [steps scale (1.0)] [parallel|independent]
#include <actorcritic/actorcritic.hpp>

#include "mpi_communicator.hpp"

#include <fmt/core.h>

#include <mpi.h>

#include <chrono>
#include <cstdlib>
#include <span>
#include <string>

namespace {

using Clock = std::chrono::steady_clock;

/// MPI's communicator, timing every collective.
class TimedCommunicator {
 public:
  explicit TimedCommunicator(ac::mpi::Communicator& inner) : inner_(inner) {}
  [[nodiscard]] int rank() const { return inner_.rank(); }
  [[nodiscard]] int size() const { return inner_.size(); }
  template <class T>
  void allreduce_sum(std::span<T> values) {
    timed([&] { inner_.allreduce_sum(values); });
  }
  template <class T>
  void broadcast(std::span<T> values, int root) {
    timed([&] { inner_.broadcast(values, root); });
  }
  void barrier() { inner_.barrier(); }
  double seconds = 0.0;
  long calls = 0;

 private:
  template <class F>
  void timed(F&& f) {
    const auto start = Clock::now();
    f();
    seconds += std::chrono::duration<double>(Clock::now() - start).count();
    ++calls;
  }
  ac::mpi::Communicator& inner_;
};
static_assert(ac::Communicator<TimedCommunicator>);

bool g_independent = false;

template <class Algorithm, class E>
void measure(const char* name, ac::mpi::Communicator& world, ac::RunConfig config,
             const typename Algorithm::Settings& settings) {
  TimedCommunicator timed(world);
  ac::SingleProcess alone;
  if (g_independent) config.seed = static_cast<std::uint64_t>(world.rank());
  ac::Run<Algorithm, E> run = g_independent ? ac::Run<Algorithm, E>(config, settings, E{}, alone)
                                            : ac::Run<Algorithm, E>(config, settings, E{}, timed);
  timed.seconds = 0.0;
  timed.calls = 0;
  world.barrier();
  const auto start = Clock::now();
  run.train();
  double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  MPI_Allreduce(MPI_IN_PLACE, &seconds, 1, MPI_DOUBLE, MPI_MAX, world.handle());  // the slowest rank
  double comm_seconds = timed.seconds;
  MPI_Allreduce(MPI_IN_PLACE, &comm_seconds, 1, MPI_DOUBLE, MPI_SUM, world.handle());
  comm_seconds /= world.size();
  double steps = double(run.steps());
  if (g_independent) MPI_Allreduce(MPI_IN_PLACE, &steps, 1, MPI_DOUBLE, MPI_SUM, world.handle());
  if (world.rank() == 0) {
    fmt::print("scaling|{}|{}|{}|{}|{:.4f}|{:.1f}|{:.4f}|{}\n", g_independent ? "independent" : "parallel", name,
               world.size(), steps, seconds, steps / seconds, comm_seconds, timed.calls);
    std::fflush(stdout);
  }
}

}  // namespace

int main(int argc, char** argv) {
  ac::mpi::prefer_small_message_defaults();  // as actorcritic-train does
  MPI_Init(&argc, &argv);
  {
    ac::mpi::Communicator world;
    const double scale = argc > 1 ? std::atof(argv[1]) : 1.0;
    g_independent = argc > 2 && std::string(argv[2]) == "independent";
    auto steps = [&](long n) { return static_cast<long>(double(n) * scale); };
    using Categorical = ac::CategoricalActor<float>;
    using Gaussian = ac::GaussianActor<float>;
    measure<ac::PPO<Categorical>, ac::envs::CartPole>(
        "ppo-clip CartPole-v1 (zoo)", world,
        {.envs = ac::presets::kPpoCartPoleEnvs, .seed = 0, .total_steps = steps(100'000)},
        ac::presets::ppo_cartpole());
    measure<ac::PPO<Gaussian>, ac::envs::Pendulum>(
        "ppo-clip Pendulum-v1", world,
        {.envs = 64,
         .seed = 0,
         .total_steps = steps(300'000),
         .actor = ac::presets::pendulum_actor(),
         .critic = ac::presets::pendulum_critic(),
         .normalization = ac::presets::pendulum_normalization()},
        ac::presets::ppo_pendulum());
    measure<ac::A2C<Categorical>, ac::envs::CartPole>("a2c CartPole-v1", world,
                                                      {.envs = 8, .seed = 0, .total_steps = steps(100'000)}, {});
    measure<ac::TRPO<Categorical>, ac::envs::CartPole>("trpo CartPole-v1", world,
                                                       {.envs = 8, .seed = 0, .total_steps = steps(100'000)},
                                                       ac::presets::trpo_cartpole());
  }
  MPI_Finalize();
  return 0;
}
