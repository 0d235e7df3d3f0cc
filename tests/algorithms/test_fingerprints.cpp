// Golden fingerprints: short seeded training runs of every algorithm family,
// hashed (FNV-1a over the bytes of the final parameters and normalizer
// statistics) and compared with the hashes committed below. The library
// promises the same bits for the same build flags on every x86-64 CPU
// (docs/reproducibility.md), so a CPU or cache size that changes a single bit
// fails here, by name, instead of turning a learning test flaky.
//
// Each run is also repeated with Eigen told other cache sizes: the hash must
// not move (the library's products are cut at fixed depths, core/product.hpp).
#include <actorcritic/actorcritic.hpp>
#include <catch2/catch.hpp>
#include <support/cache_sizes.hpp>

#include <fmt/format.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace {

using ac::envs::CartPole;
using ac::envs::Pendulum;

/// FNV-1a (the checkpoints' checksum) over the bytes of the arrays, in order.
template <class... Arrays>
std::uint64_t hash_of(const Arrays&... arrays) {
  std::string bytes;
  const auto append = [&](const auto& array) {
    const auto evaluated = array.eval();
    bytes.append(reinterpret_cast<const char*>(evaluated.data()), sizeof(*evaluated.data()) * evaluated.size());
  };
  (append(arrays), ...);
  return ac::fnv1a64(bytes);
}

template <class Actor>
std::uint64_t parameters_hash(const Actor& actor, const ac::Critic<float>& critic) {
  return hash_of(actor.network().parameters(), critic.network().parameters());
}

template <class Algorithm, class E>
void run_iterations(Algorithm& algorithm, ac::VectorEnv<E>& env, std::uint64_t seed, int iterations,
                    ac::VecNormalize* normalizer = nullptr) {
  ac::TrainingLoop<Algorithm> loop(seed, normalizer);
  for (int i = 0; i < iterations; ++i) loop.iterate(algorithm, env);
}

std::uint64_t reinforce_cartpole() {
  ac::VectorEnv<CartPole> env(8, 11);
  ac::Generator init(11);
  ac::CategoricalActor<float> actor(4, 2, {}, init);
  ac::Reinforce reinforce(actor);
  run_iterations(reinforce, env, 12, 4);
  return hash_of(actor.network().parameters());
}

// Separate categorical actor and critic on 8 CartPole envs seeded `seed`; the
// algorithm is made from them by `make` and iterated `iterations` times.
template <class Make>
std::uint64_t actor_critic_cartpole(std::uint64_t seed, const ac::ActorConfig& network, int iterations, Make make) {
  ac::VectorEnv<CartPole> env(8, seed);
  ac::Generator init(seed);
  ac::CategoricalActor<float> actor(4, 2, network, init);
  ac::Critic<float> critic(4, {.hidden = network.hidden, .layer_norm = network.layer_norm}, init);
  auto algorithm = make(actor, critic);
  run_iterations(algorithm, env, seed + 1, iterations);
  return parameters_hash(actor, critic);
}

std::uint64_t a2c_rmsprop_cartpole() {
  return actor_critic_cartpole(21, {}, 60, [](auto& actor, auto& critic) { return ac::A2C(actor, critic); });
}

// Adam (√v̂), layer norm, decoupled weight decay, and layers wider than one
// product block (160 > 64: the forward and input-gradient products are cut).
std::uint64_t a2c_adam_layer_norm_wide_cartpole() {
  return actor_critic_cartpole(31, {.hidden = {160, 96}, .layer_norm = true}, 40, [](auto& actor, auto& critic) {
    return ac::A2C(actor, critic, {.optimizer = ac::optim::AdamConfig{.learning_rate = 7e-4, .weight_decay = 1e-4, .decoupled_weight_decay = true}});
  });
}

std::uint64_t off_policy_vtrace_cartpole() {
  return actor_critic_cartpole(41, {}, 60, [](auto& actor, auto& critic) { return ac::OffPolicyActorCritic(actor, critic); });
}

// 8 envs x 64 steps: the policy gradient, the Fisher products and the critic's
// gradients are products of depth 512.
std::uint64_t trpo_cartpole() {
  return actor_critic_cartpole(51, {}, 3, [](auto& actor, auto& critic) {
    return ac::TRPO(actor, critic, ac::presets::trpo_cartpole());
  });
}

std::uint64_t ppo_clip_shared_trunk_cartpole() {
  ac::VectorEnv<CartPole> env(ac::presets::kPpoCartPoleEnvs, 61);
  ac::Generator init(61);
  ac::SharedActorCritic<ac::CategoricalActor<float>> model(4, 2, {}, init);
  ac::PPO ppo(model.actor(), model.critic(), ac::presets::ppo_cartpole(ac::PPOConfig::clip()));
  run_iterations(ppo, env, 62, 3);
  return hash_of(model.actor().network().parameters());
}

// A Gaussian head with VecNormalize (observations and rewards) and minibatches
// of 1024: products of depth 1024, which Eigen alone blocks by the L1 size.
std::uint64_t ppo_kl_gaussian_vec_normalize_pendulum() {
  ac::VectorEnv<Pendulum> env(ac::presets::kPpoPendulumEnvs, 71);
  ac::Generator init(71);
  ac::GaussianActor<float> actor(3, 1, ac::presets::pendulum_actor(), init);
  ac::Critic<float> critic(3, ac::presets::pendulum_critic(), init);
  ac::VecNormalize normalize(3, env.size(), ac::presets::pendulum_normalization());
  auto config = ac::presets::ppo_pendulum();
  const auto kl = ac::PPOConfig::kl_penalty();
  config.kl_coef = kl.kl_coef;
  config.clip_range = kl.clip_range;
  config.adaptive_kl = kl.adaptive_kl;
  ac::PPO ppo(actor, critic, config);
  run_iterations(ppo, env, 72, 2, &normalize);
  return hash_of(actor.network().parameters(), critic.network().parameters(),
                 normalize.observation_statistics().mean(), normalize.observation_statistics().var(),
                 normalize.return_statistics().var());
}

struct Golden {
  const char* name;
  std::function<std::uint64_t()> run;
  // Release builds, -ffp-contract=off, per build flavour (CMake's AC_ARCH):
  std::uint64_t portable;   // no -march: x86-64's SSE2 baseline
  std::uint64_t x86_64_v3;  // -march=x86-64-v3: AVX2 + FMA
  std::uint64_t x86_64_v4;  // -march=x86-64-v4: AVX-512
};

#ifndef AC_BUILD_FLAVOUR
#define AC_BUILD_FLAVOUR "other"
#endif
constexpr std::string_view kFlavour = AC_BUILD_FLAVOUR;

/// The committed fingerprint of this build's flavour, if it has one.
std::optional<std::uint64_t> committed(const Golden& golden) {
  if (kFlavour == "portable") return golden.portable;
  if (kFlavour == "x86-64-v3") return golden.x86_64_v3;
  if (kFlavour == "x86-64-v4") return golden.x86_64_v4;
  return std::nullopt;
}

// CMake names the flavour from AC_ARCH; the compiler's macros must agree, so
// that a misconfigured build cannot compare with another flavour's hashes.
#if defined(__AVX512F__)
constexpr std::string_view kMacroLevel = "x86-64-v4";
#elif defined(__AVX2__) && defined(__FMA__)
constexpr std::string_view kMacroLevel = "x86-64-v3";
#elif defined(__x86_64__) && !defined(__AVX__) && !defined(__FMA__)
constexpr std::string_view kMacroLevel = "portable";
#else
constexpr std::string_view kMacroLevel = "other";
#endif
static_assert(kFlavour == "other" || kFlavour == kMacroLevel,
              "AC_BUILD_FLAVOUR disagrees with the instruction set the compiler targets");

// The smallest L1 data cache of the CPUs a flavour runs on: 16 KiB on x86-64
// (AMD's Bulldozer family), 32 KiB on every AVX2 CPU. With AVX2 (and not with
// SSE2 or AVX-512), Eigen's GEMM takes another row paneling below 32 KiB and
// rounds differently (measured here), see core/product.hpp.
constexpr std::ptrdiff_t kSmallestL1 = kMacroLevel == "x86-64-v3" ? 32 * 1024 : 16 * 1024;

/// The caches each run is repeated under (L1, L2, L3 bytes): the smallest and a large CPU's.
constexpr std::array<std::array<std::ptrdiff_t, 3>, 2> kOtherCaches{
    {{kSmallestL1, 256 * 1024, 4 << 20}, {48 * 1024, 2 << 20, 105 << 20}}};

}  // namespace

TEST_CASE("seeded training runs match their committed fingerprints on every CPU and cache size",
          "[algorithms][fingerprint]") {
  // To update after an intended numerical change: run this test in each flavour
  // (cmake -DAC_ARCH=portable, x86-64-v3, x86-64-v4), check that the change
  // explains every moved hash, and paste the printed values into its column.
  const Golden runs[] = {
      {"REINFORCE, CartPole, categorical", reinforce_cartpole,
       0xdb0a86d1da245f39ull, 0xc0db31306eb59ebfull, 0x8d821f438e72e3adull},
      {"A2C (RMSprop), CartPole", a2c_rmsprop_cartpole,
       0xd9999236edd953cfull, 0x2a8712c248590ddcull, 0x6449af6141dab7adull},
      {"A2C (AdamW), layer norm, 160x96, CartPole", a2c_adam_layer_norm_wide_cartpole,
       0x0668242556514bebull, 0x4c19edd620e3c0e9ull, 0xa90c94f08096bc7bull},
      {"off-policy V-trace, CartPole", off_policy_vtrace_cartpole,
       0x73d608936bf7cf7cull, 0xe5fc0088e3a593feull, 0x6d9703b65e3a1b37ull},
      {"TRPO, CartPole", trpo_cartpole,
       0xa23ad01144ba9935ull, 0x6ff16a7cc350bd0bull, 0x9a343c272a7032d8ull},
      {"PPO-clip, shared trunk, CartPole", ppo_clip_shared_trunk_cartpole,
       0x1cc995ed3b0e6284ull, 0xde5b62d99d7c34e4ull, 0x51dae21c64846161ull},
      {"PPO-KL, Gaussian, VecNormalize, Pendulum", ppo_kl_gaussian_vec_normalize_pendulum,
       0xfd62382ccdc56658ull, 0xc9322de5bcf59b3full, 0x6d307eae04f02a30ull},
  };
  for (const auto& golden : runs) {
    const std::uint64_t hash = golden.run();
    INFO(fmt::format("{}: 0x{:016x}ull", golden.name, hash));
    for (const auto& [l1, l2, l3] : kOtherCaches) {
      const ac::test::CacheSizes sizes(l1, l2, l3);
      CHECK(golden.run() == hash);
    }
    if (const auto expected = committed(golden)) {
      CHECK(hash == *expected);
    } else {
      WARN(fmt::format("no committed fingerprint for the build flavour '{}'; {}: 0x{:016x}", kFlavour, golden.name,
                       hash));
    }
  }
}
