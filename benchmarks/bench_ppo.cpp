// PPO end to end, single-threaded, with the allocation count of the training loop.
//
// 1. CartPole-v1 with rl-baselines3-zoo's hyperparameters (ac::presets::ppo_cartpole):
//    wall time for 100k steps, steps/s, the step at which the 100-episode mean
//    first reaches 475, and the GFLOP/s of the update phase next to the bare
//    Eigen GEMMs of the same shapes (forward W·X, backward Wᵀ·Δ and Δ·Xᵀ); and
//    the update's time against its bare parts: those GEMMs' time (through the
//    library's depth-blocked products, as the networks run them) plus one
//    bias + tanh per hidden unit per sample visit at the rate measured here
//    (the library's activation_forward_biased). What is left over is the
//    rest of the update: products' packing and call overhead beyond the bare
//    ones, tanh', the objective, the optimizer, the minibatch gathers.
//    SB3 on this machine class (issue 6): 25–32 s per 100k steps (3.1–4.1k
//    steps/s), 475 first reached at 57k–69k steps.
// 2. Pendulum-v1 (ac::presets::ppo_pendulum, RLtools-like; 64 envs × 128 steps):
//    steps/s and the evaluation return at 300k steps, median over seeds.
//    RLtools (OpenBLAS, one thread): 300k steps in 0.4–0.8 s, about −173.
// 3. Heap allocations inside the training loop after the first iteration,
//    counted by replacing malloc (which operator new and Eigen's aligned
//    allocator both call); also for the action spaces of issue 17 (masked
//    GridMaze-v0, MultiDiscrete CopyDigits-v0, MultiBinary CopyBits-v0) and for
//    recurrent policies and critics (CartPoleNoVel-v1, whole sequences and chunks),
//    and for CartPole on two threads (PPO::set_threads).
// 4. --zoo-parts: the bare parts of RLtools' zoo configuration on Pendulum-v1 (speed.sh's (c)),
//    10M steps: the products and bias + tanh of its collection and update, and Pendulum's steps
//    (speed.sh sets them beside the trainer's own collect_seconds and update_seconds).
//
//   build/release/benchmarks/bench_ppo [cartpole seeds (5)] [pendulum seeds (10)]   (0 skips a part)
//   build/release/benchmarks/bench_ppo --allocations      (part 3 alone)
//   build/release/benchmarks/bench_ppo --zoo-parts        (4. alone: see zoo_parts)
#include <actorcritic/actorcritic.hpp>

#include "../tests/support/counting_malloc.hpp"  // replaces malloc: counts allocations

#include <fmt/core.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <numeric>
#include <string_view>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;
double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

/// Multiply-accumulates of the weight matrices of an MLP (per sample, forward).
long weight_macs(const ac::nn::Mlp<float>& net) {
  long macs = 0;
  for (const auto& layer : net.linear_layers()) macs += long(layer.inputs()) * long(layer.outputs());
  return macs;
}

/// FLOPs of one training pass per sample: the forward (2·MACs) and the
/// backward's weight gradients (2·MACs) and input gradients (2·MACs), but not
/// the first layer's input gradient, which the policies and critics skip
/// (nn::Mlp::accumulate_gradients).
double training_flops(const ac::nn::Mlp<float>& net) {
  const auto& first = net.linear_layers().front();
  return 6.0 * double(weight_macs(net)) - 2.0 * double(first.inputs()) * double(first.outputs());
}

/// GFLOP/s of the bare GEMMs one fwd+bwd of these layer shapes needs, at `batch` columns: Eigen's own
/// products, or the library's (`library`: ac::assign_product and ac::add_product, which cut the depth
/// into fixed blocks of 64 for bits that do not depend on the cache, core/product.hpp).
double bare_gemm_gflops(const ac::nn::Mlp<float>& net, ac::Index batch, bool library) {
  std::vector<ac::Matrix<float>> w, x, y, dy, dx, dw;
  for (const auto& layer : net.linear_layers()) {
    w.push_back(ac::Matrix<float>::Random(layer.outputs(), layer.inputs()));
    x.push_back(ac::Matrix<float>::Random(layer.inputs(), batch));
    y.push_back(ac::Matrix<float>(layer.outputs(), batch));
    dy.push_back(ac::Matrix<float>::Random(layer.outputs(), batch));
    dx.push_back(ac::Matrix<float>(layer.inputs(), batch));
    dw.push_back(ac::Matrix<float>::Zero(layer.outputs(), layer.inputs()));
  }
  const long repeats = 2000;
  const auto start = Clock::now();
  for (long r = 0; r < repeats; ++r) {
    for (std::size_t l = 0; l < w.size(); ++l) {
      if (library) {
        ac::assign_product(y[l], w[l], x[l]);
        if (l > 0) ac::assign_product(dx[l], w[l].transpose(), dy[l]);
        ac::add_product(dw[l], dy[l], x[l].transpose());
      } else {
        y[l].noalias() = w[l] * x[l];
        if (l > 0) dx[l].noalias() = w[l].transpose() * dy[l];
        dw[l].noalias() += dy[l] * x[l].transpose();
      }
    }
  }
  const double t = seconds_since(start);
  return training_flops(net) * double(batch) * double(repeats) / t / 1e9;
}

/// Seconds per element of the hidden layers' bias + tanh (the library's own pass), over a `rows` x `batch` activation.
double bare_tanh_seconds(ac::Index rows, ac::Index batch) {
  const ac::Matrix<float> pre = ac::Matrix<float>::Random(rows, batch);
  const ac::Vector<float> bias = ac::Vector<float>::Random(rows);
  ac::Matrix<float> a(rows, batch);
  const long repeats = 4000;
  double t = 0;
  for (long r = 0; r < repeats; ++r) {
    a = pre;  // fresh inputs each time, as after a product; the copy is not timed
    const auto start = Clock::now();
    ac::nn::activation_forward_biased<float>(ac::nn::Activation::tanh, bias, a);
    t += seconds_since(start);
  }
  return t / double(repeats) / double(rows * batch);
}

/// Hidden units per sample (one bias + activation pass each in a forward).
long hidden_units(const ac::nn::Mlp<float>& net) {
  const auto& hidden = net.config().hidden;
  return std::accumulate(hidden.begin(), hidden.end(), 0L);
}

void cartpole(int seeds) {
  fmt::print("PPO-clip on CartPole-v1, rl-baselines3-zoo hyperparameters, 100k steps\n");
  fmt::print("{:>4} {:>9} {:>10} {:>12} {:>11} {:>11} {:>9} {:>12}\n", "seed", "seconds", "steps/s", "first 475",
             "update s", "update GF/s", "eval", "allocs>it1");
  const long steps = 100'000;
  double update_gflops_sum = 0, update_seconds_sum = 0, bare = 0, library = 0, tanh_seconds = 0, bare_seconds = 0;
  for (int seed = 0; seed < seeds; ++seed) {
    const auto config = ac::presets::ppo_cartpole();
    ac::VectorEnv<ac::envs::CartPole> env(ac::presets::kPpoCartPoleEnvs, static_cast<std::uint64_t>(seed));
    ac::Generator init(static_cast<std::uint64_t>(seed)), rng(static_cast<std::uint64_t>(seed));
    ac::CategoricalActor<float> actor(4, 2, {}, init);
    ac::Critic<float> critic(4, {}, init);
    ac::PPO ppo(actor, critic, config);
    ac::Collector<ac::CategoricalActor<float>> collector;
    if (seed == 0) {
      bare = bare_gemm_gflops(actor.network(), config.batch_size, false);
      library = bare_gemm_gflops(actor.network(), config.batch_size, true);
      tanh_seconds = bare_tanh_seconds(actor.network().linear_layers().front().outputs(), config.batch_size);
    }
    // The train() loop spelled out, to time the update phase on its own.
    double update_seconds = 0;
    long first_475 = -1, allocations_after_first = 0, taken = 0;
    const auto start = Clock::now();
    for (long iteration = 0; taken < steps; ++iteration) {
      const long before = ac::test::heap_allocations.load();
      const auto& buffer = collector.collect(env, actor, &critic, rng, config.n_steps);
      ppo.set_progress(double(taken + buffer.size()) / double(steps));  // as TrainingLoop::iterate (and SB3)
      const auto t = Clock::now();
      ppo.update(buffer, rng);
      update_seconds += seconds_since(t);
      taken += buffer.size();
      if (iteration > 0) allocations_after_first += ac::test::heap_allocations.load() - before;
      if (first_475 < 0 && env.episodes().size() == 100 && env.episodes().mean_return() >= 475.0) first_475 = taken;
    }
    const double total = seconds_since(start);
    const long samples_per_update = config.n_steps * env.size();
    const double update_flops = (training_flops(actor.network()) + training_flops(critic.network())) *
                                double(samples_per_update) * double(config.epochs) * double(taken / samples_per_update);
    const double gflops = update_flops / update_seconds / 1e9;
    update_gflops_sum += gflops;
    update_seconds_sum += update_seconds;
    // The update's two irreducible parts timed bare: its GEMMs at the bare rate, and one tanh per hidden
    // unit of each forward (the backward's tanh' is a product over memory, not counted).
    const double sample_visits = double(taken / samples_per_update) * double(samples_per_update) * double(config.epochs);
    bare_seconds += update_flops / (library * 1e9) +
                    double(hidden_units(actor.network()) + hidden_units(critic.network())) * sample_visits * tanh_seconds;
    const double evaluation = ac::evaluate(actor, ac::envs::CartPole{}, 20, 1000 + seed).mean_return;
    fmt::print("{:>4} {:>9.3f} {:>10.0f} {:>12} {:>11.3f} {:>11.1f} {:>9.1f} {:>12}\n", seed, total,
               double(taken) / total, first_475, update_seconds, gflops, evaluation, allocations_after_first);
  }
  fmt::print("update phase: {:.1f} GFLOP/s = {:.0f}% of the bare GEMMs of the same shapes at batch 256 ({:.1f} GFLOP/s)\n",
             update_gflops_sum / seeds, 100.0 * update_gflops_sum / seeds / bare, bare);
  fmt::print("update phase: {:.3f} s = the bare GEMMs ({:.1f} GFLOP/s, the library's depth-blocked products) and bias + "
             "tanh ({:.2f} ns per element) of its shapes, {:.3f} s, and {:.3f} s more ({:.0f}%)\n\n",
             update_seconds_sum / seeds, library, tanh_seconds * 1e9, bare_seconds / seeds,
             (update_seconds_sum - bare_seconds) / seeds, 100.0 * (update_seconds_sum - bare_seconds) / update_seconds_sum);
}

void pendulum(int seeds) {
  fmt::print("PPO on Pendulum-v1 (ac::presets::ppo_pendulum), 300k steps\n");
  fmt::print("{:>4} {:>9} {:>10} {:>10} {:>12}\n", "seed", "seconds", "steps/s", "eval", "allocs>it1");
  std::vector<double> returns;
  for (int seed = 0; seed < seeds; ++seed) {
    ac::VectorEnv<ac::envs::Pendulum> env(ac::presets::kPpoPendulumEnvs, static_cast<std::uint64_t>(seed));
    ac::Generator init(static_cast<std::uint64_t>(seed));
    ac::GaussianActor<float> actor(3, 1, ac::presets::pendulum_actor(), init);
    ac::Critic<float> critic(3, ac::presets::pendulum_critic(), init);
    ac::VecNormalize normalize(3, env.size(), ac::presets::pendulum_normalization());
    ac::PPO ppo(actor, critic, ac::presets::ppo_pendulum());
    long after_first = -1;
    double seconds = 0;
    ac::train(
        ppo, env, 300'000, static_cast<std::uint64_t>(seed),
        [&](const ac::IterationInfo& info) {
          if (info.iteration == 1) after_first = ac::test::heap_allocations.load();
          seconds = info.seconds;
        },
        &normalize);
    const long allocations = ac::test::heap_allocations.load() - after_first;
    normalize.set_training(false);
    const double evaluation = ac::evaluate(actor, ac::envs::Pendulum{}, 20, 1000 + seed, &normalize).mean_return;
    returns.push_back(evaluation);
    fmt::print("{:>4} {:>9.3f} {:>10.0f} {:>10.1f} {:>12}\n", seed, seconds, 300'000.0 / seconds, evaluation,
               allocations);
  }
  std::sort(returns.begin(), returns.end());
  const std::size_t n = returns.size();
  const double median = n % 2 == 1 ? returns[n / 2] : 0.5 * (returns[n / 2 - 1] + returns[n / 2]);
  fmt::print("median evaluation return over {} seeds: {:.1f}\n", n, median);
}

/// Seconds of one forward pass's products through the library's assign_product at `batch` columns.
double bare_forward_seconds(const ac::nn::Mlp<float>& net, ac::Index batch) {
  std::vector<ac::Matrix<float>> w, x, y;
  for (const auto& layer : net.linear_layers()) {
    w.push_back(ac::Matrix<float>::Random(layer.outputs(), layer.inputs()));
    x.push_back(ac::Matrix<float>::Random(layer.inputs(), batch));
    y.push_back(ac::Matrix<float>(layer.outputs(), batch));
  }
  const long repeats = 20000;
  const auto start = Clock::now();
  for (long r = 0; r < repeats; ++r) {
    for (std::size_t l = 0; l < w.size(); ++l) ac::assign_product(y[l], w[l], x[l]);
  }
  return seconds_since(start) / double(repeats);
}

/// The bare parts of PPO on Pendulum-v1 in RLtools' zoo configuration (speed.sh's (c): 64 envs x 128
/// steps, minibatches of 1024, one epoch, separate 3-32-32-1 tanh networks), scaled to `steps`
/// environment steps: what the trainer's collection and update could not do without.
/// Collection: both networks' forward products at 64 columns, their bias + tanh, and the 64
/// Pendulums' own steps (fixed torques, resets at the time limit). Update: both networks' forward and
/// backward products at 1024 columns (the library's rate at those shapes) and their bias + tanh.
/// Not counted: sampling, normalization, the objective, tanh', Adam, gathers, packing beyond the
/// bare products' own. One line: "zoo parts: ..." for speed.sh.
void zoo_parts(long steps) {
  const ac::Index envs = 64, batch = 1024;
  ac::Generator init(0);
  const ac::ActorConfig actor_config{.hidden = {32, 32}, .activation = ac::nn::Activation::tanh};
  const ac::CriticConfig critic_config{.hidden = {32, 32}, .activation = ac::nn::Activation::tanh};
  ac::GaussianActor<float> actor(3, 1, actor_config, init);
  ac::Critic<float> critic(3, critic_config, init);
  const auto& a = actor.network();
  const auto& c = critic.network();
  const double steps_d = double(steps), batches = steps_d / double(envs);
  const long units = hidden_units(a) + hidden_units(c);
  const double collect_products = batches * (bare_forward_seconds(a, envs) + bare_forward_seconds(c, envs));
  const double collect_tanh = steps_d * double(units) * bare_tanh_seconds(32, envs);
  const double update_products =
      steps_d * (training_flops(a) / (bare_gemm_gflops(a, batch, true) * 1e9) +
                 training_flops(c) / (bare_gemm_gflops(c, batch, true) * 1e9));
  const double update_tanh = steps_d * double(units) * bare_tanh_seconds(32, batch);
  // Pendulum's steps alone, timed over a tenth of the steps and scaled.
  ac::VectorEnv<ac::envs::Pendulum> env(envs, 0);
  const ac::Matrix<float> torques = ac::Matrix<float>::Constant(1, envs, 0.5f);
  const long env_batches = std::max(1L, steps / envs / 10);
  const auto start = Clock::now();
  for (long b = 0; b < env_batches; ++b) env.step(torques);
  const double env_steps = seconds_since(start) * batches / double(env_batches);
  fmt::print("zoo parts: {} steps; collection: products {:.3f} s, bias + tanh {:.3f} s, Pendulum steps {:.3f} s; "
             "update: products {:.3f} s, bias + tanh {:.3f} s\n",
             steps, collect_products, collect_tanh, env_steps, update_products, update_tanh);
}

}  // namespace

/// PPO with the policy E's action space calls for: heap allocations after the first of 20 iterations.
template <class E>
long allocations_after_first(const ac::PPOConfig& config, const ac::ActorConfig& actor = {},
                             const ac::CriticConfig& critic = {}, bool shared_trunk = false, int threads = 1) {
  using Actor = ac::PolicyFor<E>;
  ac::VectorEnv<E> env(8, 0);
  ac::Generator init(0), rng(0);
  ac::ActorCriticModel<Actor> model(env.observation_dim(), ac::Run<ac::PPO<Actor>, E>::action_shape(env), actor,
                                    critic, true, shared_trunk, init);
  ac::PPO ppo(model.actor(), *model.critic(), config);
  ppo.set_threads(threads);
  ac::Collector<Actor> collector;
  long allocations = 0;
  for (int iteration = 0; iteration < 20; ++iteration) {
    const long before = ac::test::heap_allocations.load();
    ppo.update(collector.collect(env, model.actor(), model.critic(), rng, config.n_steps), rng);
    if (iteration > 0) allocations += ac::test::heap_allocations.load() - before;
  }
  return allocations;
}

void action_spaces() {
  fmt::print("heap allocations after the first of 20 PPO iterations, by action space:\n");
  fmt::print("  Discrete (CartPole-v1):        {}\n",
             allocations_after_first<ac::envs::CartPole>(ac::presets::ppo_cartpole()));
  fmt::print("  Discrete, two threads:         {}\n",
             allocations_after_first<ac::envs::CartPole>(ac::presets::ppo_cartpole(), {}, {}, false, 2));
  fmt::print("  Box (Pendulum-v1):             {}\n",
             allocations_after_first<ac::envs::Pendulum>(ac::presets::ppo_pendulum()));
  fmt::print("  masked Discrete (GridMaze-v0): {}\n",
             allocations_after_first<ac::envs::GridMaze>(ac::presets::ppo_grid_maze()));
  fmt::print("  MultiDiscrete (CopyDigits-v0): {}\n",
             allocations_after_first<ac::envs::CopyDigits>(ac::presets::ppo_copy_task()));
  fmt::print("  MultiBinary (CopyBits-v0):     {}\n",
             allocations_after_first<ac::envs::CopyBits>(ac::presets::ppo_copy_task()));
  auto chunks = ac::presets::ppo_cartpole();
  chunks.batch_size = 64;
  chunks.sequence_length = 8;  // 32 chunks of 8 steps, 8 per minibatch
  const auto actor = ac::presets::cartpole_novel_actor();
  const auto critic = ac::presets::cartpole_novel_critic();
  fmt::print("  recurrent, whole sequences (CartPoleNoVel-v1): {}\n",
             allocations_after_first<ac::envs::CartPoleNoVel>(ac::presets::ppo_cartpole(), actor, critic));
  fmt::print("  recurrent, chunks of 8:                        {}\n",
             allocations_after_first<ac::envs::CartPoleNoVel>(chunks, actor, critic));
  fmt::print("  recurrent, shared trunk, chunks of 8:          {}\n",
             allocations_after_first<ac::envs::CartPoleNoVel>(chunks, actor, {}, true));
}

int main(int argc, char** argv) {
  if (argc > 1 && std::string_view(argv[1]) == "--allocations") {  // the allocation counts alone
    action_spaces();
    return 0;
  }
  if (argc > 1 && std::string_view(argv[1]) == "--zoo-parts") {  // (c)'s bare parts alone
    zoo_parts(10'000'000);
    return 0;
  }
  // Seed counts: a count of 0 skips that section (`bench_ppo 3 0`: CartPole alone).
  int seeds[2] = {5, 10};
  for (int i = 1; i < argc && i <= 2; ++i) {
    const std::string_view text(argv[i]);
    int count = -1;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), count);
    if (error != std::errc{} || end != text.data() + text.size() || count < 0) {
      fmt::print(stderr, "usage: bench_ppo [cartpole seeds (5)] [pendulum seeds (10)] | --allocations | --zoo-parts\n"
                         "bench_ppo: {}: expected a number of seeds (0 or more), got \"{}\"\n",
                 i == 1 ? "cartpole seeds" : "pendulum seeds", text);
      return 2;
    }
    seeds[i - 1] = count;
  }
  if (seeds[0] > 0) cartpole(seeds[0]);
  if (seeds[1] > 0) pendulum(seeds[1]);
  action_spaces();
  return 0;
}
