// Invalid-action masking through the algorithms (Huang & Ontañón 2020):
// every algorithm steps GridMaze-v0 with legal actions only (and, with the
// masks hidden, does not); the updates recompute the behavior's masked
// log-probabilities (PPO's first ratio is 1, the off-policy step's first
// importance weights are 1, TRPO's masked KL stays within δ); TRPO's Fisher
// product with masks is the finite-difference Hessian of the masked KL;
// evaluation and Run::act choose legal actions; and masked PPO solves the maze
// in a budget in which PPO without the masks does not.
#include <actorcritic/actorcritic.hpp>
#include <catch2/catch.hpp>
#include <support/learning.hpp>

#include "support/gradient_check.hpp"

#include <cmath>

using ac::ActionMasks;
using ac::Index;
using ac::Matrix;
using ac::Vector;
using ac::envs::GridMaze;
using Categorical = ac::CategoricalActor<float>;

namespace {

/// GridMaze that counts the illegal actions it is stepped with (over every instance).
class CountingMaze : public ac::envs::Wrapper<GridMaze> {
 public:
  CountingMaze() : Wrapper<GridMaze>(GridMaze{}) {}
  ac::envs::StepResult<Observation> step(const Action& action) {
    illegal += inner_.action_mask()(action) ? 0 : 1;
    ++steps;
    return inner_.step(action);
  }
  static inline long illegal = 0, steps = 0;
};
static_assert(ac::envs::MaskedEnv<CountingMaze>);

ac::RunConfig maze_run(long total_steps, std::uint64_t seed = 3) {
  return {.envs = 4, .seed = seed, .total_steps = total_steps, .actor = {.hidden = {16}}, .critic = {.hidden = {16}}};
}

/// Trains `Algorithm` on the counting maze, with or without its masks; returns the illegal steps taken.
template <class Algorithm, class E>
long illegal_steps(const typename Algorithm::Settings& settings, long total_steps) {
  CountingMaze::illegal = CountingMaze::steps = 0;
  ac::Run<Algorithm, E> run(maze_run(total_steps), settings);
  run.train();
  (void)run.evaluate(3, 99, ac::EvaluationMode::stochastic);
  REQUIRE(CountingMaze::steps >= total_steps);
  return CountingMaze::illegal;
}

template <class Algorithm>
void check_legal_only(const typename Algorithm::Settings& settings, long total_steps) {
  INFO(Algorithm::kName);
  CHECK(illegal_steps<Algorithm, CountingMaze>(settings, total_steps) == 0);
  // The same run without the masks steps illegal moves (three of four are, on average): the check can fail.
  CHECK(illegal_steps<Algorithm, ac::envs::WithoutActionMask<CountingMaze>>(settings, total_steps) > 100);
}

}  // namespace

TEST_CASE("with masks every algorithm trains and evaluates on legal actions only", "[algorithms][masks]") {
  auto ppo = ac::presets::ppo_grid_maze();
  ppo.n_steps = 64;
  check_legal_only<ac::PPO<Categorical>>(ppo, 2048);
  check_legal_only<ac::A2C<Categorical>>({}, 2048);
  check_legal_only<ac::Reinforce<Categorical>>({}, 2048);
  auto trpo = ac::presets::trpo_cartpole();
  trpo.n_steps = 64;
  check_legal_only<ac::TRPO<Categorical>>(trpo, 2048);
  check_legal_only<ac::OffPolicyActorCritic<Categorical>>({}, 2048);
}

TEST_CASE("the updates recompute the behavior's masked log-probabilities", "[algorithms][masks]") {
  SECTION("PPO: one epoch over the whole rollout starts from ratios of 1") {
    auto ppo = ac::presets::ppo_grid_maze();
    ppo.epochs = 1;
    ppo.n_steps = 64;
    ppo.batch_size = 4 * 64;
    ac::Run<ac::PPO<Categorical>, GridMaze> run(maze_run(4096), ppo);
    for (int i = 0; i < 3; ++i) {
      const auto d = run.iterate();
      CHECK(d.approx_kl < 1e-9);  // log π_new = log π_old sample by sample (float rounding only)
      CHECK(d.clip_fraction == 0.0);
      CHECK(std::isfinite(d.kl));
      CHECK(d.kl > 0.0);  // the step moved the policy
    }
  }
  SECTION("off-policy: the freshest rollout's importance weights are 1") {
    ac::OffPolicyConfig c;
    c.replay_capacity = 1;
    ac::Run<ac::OffPolicyActorCritic<Categorical>, GridMaze> run(maze_run(4096), c);
    for (int i = 0; i < 3; ++i) CHECK(run.iterate().log_weight_max_abs < 1e-5);
  }
  SECTION("TRPO: accepted steps keep the masked KL within delta") {
    auto trpo = ac::presets::trpo_cartpole();
    trpo.n_steps = 64;
    ac::Run<ac::TRPO<Categorical>, GridMaze> run(maze_run(4096), trpo);
    int accepted = 0;
    for (int i = 0; i < 8; ++i) {
      const auto d = run.iterate();
      CHECK(std::isfinite(d.kl));
      CHECK(d.kl <= trpo.trust_region.max_kl);
      accepted += d.step_size > 0;
    }
    CHECK(accepted >= 4);
  }
}

TEST_CASE("with masks, the Fisher-vector product is the finite-difference Hessian of the masked KL",
          "[algorithms][masks][trpo]") {
  ac::Generator rng(31);
  ac::CategoricalActor<double> actor(6, 5, ac::ActorConfig{.hidden = {8}, .output_gain = 1.0}, rng);
  const Index batch = 7;
  const Matrix<double> x = ac::test::normal_matrix(6, batch, rng);
  ActionMasks masks(5, batch);
  for (Index j = 0; j < batch; ++j) {
    for (Index i = 0; i < 5; ++i) masks(i, j) = (i + 2 * j) % 3 != 0;
  }
  const ac::ActionMaskMap m(masks.data(), 5, batch);
  const ac::Categorical<double> old = actor.distribution(x, m);
  REQUIRE(old.masked());
  const Vector<double> theta = actor.network().parameters();
  Vector<double> v = ac::test::normal_matrix(theta.size(), 1, rng);
  v.normalize();
  Vector<double> product(theta.size());
  ac::FisherVectorProduct<ac::CategoricalActor<double>> fisher(actor, x, {}, m);
  fisher(v, product);
  const auto mean_kl = [&](const Vector<double>& p) {
    actor.network().parameters() = p;
    Matrix<double> kl(1, batch);
    old.kl(actor.distribution(x, m), kl);
    return kl.mean();
  };
  const auto kl_gradient = [&](const Vector<double>& at) { return ac::test::numeric_gradient(mean_kl, at, 1e-5); };
  const double h = 2e-5;
  const Vector<double> hessian_v = (kl_gradient(theta + h * v) - kl_gradient(theta - h * v)) / (2 * h);
  actor.network().parameters() = theta;
  INFO("‖Fv‖ " << product.norm() << ", ‖Hv‖ " << hessian_v.norm());
  CHECK(ac::test::relative_error(product, hessian_v) < 1e-5);
  // Without the masks the metric is another one: the comparison can fail.
  ac::FisherVectorProduct<ac::CategoricalActor<double>> unmasked(actor, x);
  Vector<double> other(theta.size());
  unmasked(v, other);
  CHECK(ac::test::relative_error(other, hessian_v) > 1e-2);
}

TEST_CASE("evaluation, Run::act and the inference policy choose legal actions", "[algorithms][masks][train]") {
  ac::Run<ac::PPO<Categorical>, GridMaze> run(maze_run(1024), ac::presets::ppo_grid_maze());
  run.train();
  long steps = 0;
  for (const auto mode : {ac::EvaluationMode::deterministic, ac::EvaluationMode::stochastic}) {
    run.evaluate(
        5, 7,
        [&](const ac::EvaluationStep<GridMaze>& s) {
          Index cell = 0;
          s.observation.maxCoeff(&cell);
          CHECK(GridMaze::legal(int(cell / 7), int(cell % 7), s.action));
          ++steps;
        },
        mode);
  }
  CHECK(steps > 100);
  const auto path = std::filesystem::temp_directory_path() / "ac_test_masked_policy.ckpt";
  run.save(path);
  auto policy = ac::InferencePolicy<Categorical>::load(path);
  std::filesystem::remove(path);
  GridMaze env;
  for (int r = 0; r < 7; ++r) {
    for (int c = 0; c < 7; ++c) {
      if (!GridMaze::open(r, c)) continue;
      env.set_state(Eigen::Vector2d(r, c));
      ActionMasks mask = env.action_mask();
      const ac::ActionMaskMap legal(mask.data(), 8, 1);
      GridMaze::Observation o = GridMaze::Observation::Zero();
      o(r * 7 + c) = 1.0f;
      const auto chosen = policy.act(o, legal);
      CHECK(GridMaze::legal(r, c, chosen));
      CHECK(run.act(o, legal) == chosen);
    }
  }
}

TEST_CASE("masked PPO solves GridMaze-v0 in a budget in which PPO without the masks does not",
          "[algorithms][masks][learning]") {
  // 18 rollouts of 8 x 128 steps. Measured over seeds 0-9 (examples/action_masking, deterministic
  // evaluations every 1024 steps): masked PPO solved the maze (return >= 0.8, at most 22 moves) by
  // 3k-13k steps on every seed; without the masks, the earliest any seed solved it was 23.5k steps.
  constexpr long kBudget = 18'000;
  ac::test::LearningTrials masked_trials("masked PPO, GridMaze-v0, 18k steps: return >= 0.8");
  ac::test::LearningTrials unmasked_trials("PPO without masks, GridMaze-v0, 18k steps: return < 0.8");
  for (const std::uint64_t seed : ac::test::learning_seeds()) {
    const ac::RunConfig config{.envs = ac::presets::kPpoGridMazeEnvs, .seed = seed, .total_steps = kBudget};
    ac::Run<ac::PPO<Categorical>, GridMaze> masked(config, ac::presets::ppo_grid_maze());
    masked.train();
    const double with = masked.evaluate(1, seed + 1000).mean_return;
    masked_trials.record(seed, with, with >= 0.8);
    ac::Run<ac::PPO<Categorical>, ac::envs::WithoutActionMask<GridMaze>> unmasked(config, ac::presets::ppo_grid_maze());
    unmasked.train();
    const double without = unmasked.evaluate(1, seed + 1000).mean_return;
    unmasked_trials.record(seed, without, without < 0.8);
  }
  AC_CHECK_LEARNING_MAJORITY(masked_trials);
  AC_CHECK_LEARNING_MAJORITY(unmasked_trials);
}
