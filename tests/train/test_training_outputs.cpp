// What a run shows and hands out besides its update: the action it takes for
// one observation (ac::Run::act, as evaluation takes it), stochastic
// evaluation, the evaluation columns of the CSV log, and the data behind the
// plots (the CSV reader, the mean across runs).
#include <actorcritic/actorcritic.hpp>
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <limits>
#include <string>
#include <vector>

using ac::envs::CartPole;
using ac::envs::Pendulum;

namespace {

std::filesystem::path scratch(const std::string& name) {
  const auto folder = std::filesystem::temp_directory_path() / "ac_test_training_outputs";
  std::filesystem::create_directories(folder);
  return folder / name;
}

bool has_gnuplot() { return std::system("command -v gnuplot >/dev/null 2>&1") == 0; }

bool is_png(const std::filesystem::path& path) {
  return std::filesystem::exists(path) && ac::read_file(path).starts_with("\x89PNG");
}

using PendulumRun = ac::Run<ac::A2C<ac::GaussianActor<float>>, Pendulum>;

PendulumRun normalized_pendulum_run() {
  ac::RunConfig config{.envs = 2, .seed = 4, .total_steps = 1000, .actor = {.hidden = {8}}, .critic = {.hidden = {8}}};
  config.normalization = ac::VecNormalizeConfig{.gamma = 0.9};
  PendulumRun run(config, PendulumRun::Settings{});
  for (int i = 0; i < 5; ++i) run.iterate();  // statistics away from (0, 1)
  return run;
}

}  // namespace

TEST_CASE("Run::act is the mode of the policy at the normalized observation, clipped to the action space",
          "[train][act]") {
  PendulumRun run = normalized_pendulum_run();
  // Large weights push the mean far outside Pendulum's torque range [-2, 2], so that clipping matters.
  run.actor().network().parameters() *= 40.0f;
  const ac::VecNormalize& normalizer = *run.normalizer();
  ac::Matrix<float> raw(3, 1);
  ac::Matrix<float> input(3, 1);
  ac::Matrix<float> mode(1, 1);
  long clipped = 0, steps = 0;
  run.evaluate(2, 9, [&](const ac::EvaluationStep<Pendulum>& step) {
    // Independently: normalize, take the mean, clip.
    for (int i = 0; i < 3; ++i) raw(i, 0) = step.observation(i);
    normalizer.normalize_observations(raw, input);
    run.actor().distribution(input).mode(mode);
    const float expected = std::clamp(mode(0, 0), -2.0f, 2.0f);
    clipped += std::fabs(mode(0, 0)) > 2.0f;
    ++steps;
    const auto action = run.act(step.observation);
    REQUIRE(action.size() == 1);
    CHECK(action(0) == expected);
    CHECK(step.action(0) == expected);  // evaluation took the same action
  });
  CHECK(steps == 400);  // two episodes of Pendulum's time limit
  CHECK(clipped > 0);

  CartPole env;
  ac::Run<ac::A2C<ac::CategoricalActor<float>>, CartPole> discrete(
      {.envs = 1, .seed = 2, .total_steps = 100, .actor = {.hidden = {8}}, .critic = {.hidden = {8}}}, {});
  const auto observation = env.reset(3);
  ac::Matrix<float> input_cartpole = observation.cast<float>();
  ac::ActionIndices best(1, 1);
  discrete.actor().distribution(input_cartpole).mode(best);
  CHECK(discrete.act(observation) == best(0, 0));
}

TEST_CASE("Run::act names a wrong-sized observation", "[train][act]") {
  ac::CategoricalActor<float> actor(4, 2, {.hidden = {8}}, 3);
  ac::ActionChooser<ac::CategoricalActor<float>> choose(actor, "Run::act");
  Eigen::VectorXf five = Eigen::VectorXf::Zero(5);
  CHECK_THROWS_WITH(choose(actor, five, nullptr), Catch::Contains("Run::act: observation: expected 4 values, got 5"));
}

TEST_CASE("stochastic evaluation draws the actions from the policy; deterministic takes its mode", "[train][evaluate]") {
  ac::CategoricalActor<float> actor(4, 2, {.hidden = {8}, .output_gain = 1.0}, 5);
  ac::Matrix<float> input(4, 1);
  double expected_zeros = 0.0, variance = 0.0;
  long zeros = 0, steps = 0, modes = 0;
  auto probability_of_zero = [&](const CartPole::Observation& observation) {
    input = observation.cast<float>();
    return static_cast<double>(actor.distribution(input).probs()(0, 0));
  };
  const auto stochastic = ac::evaluate(
      actor, CartPole{}, 60, 17, nullptr,
      [&](const ac::EvaluationStep<CartPole>& step) {
        const double p = probability_of_zero(step.observation);
        expected_zeros += p;
        variance += p * (1 - p);
        zeros += step.action == 0;
        modes += step.action == (p >= 0.5 ? 0 : 1);
        ++steps;
      },
      ac::EvaluationMode::stochastic);
  REQUIRE(steps > 500);
  // The count of action 0 is a sum of independent Bernoulli(p_t) draws: within 5 standard deviations.
  CHECK(std::fabs(double(zeros) - expected_zeros) < 5.0 * std::sqrt(variance));
  CHECK(modes < steps);  // not the mode every time
  // The same seed draws the same actions.
  const auto again = ac::evaluate(actor, CartPole{}, 60, 17, nullptr, ac::EvaluationMode::stochastic);
  CHECK(again.returns == stochastic.returns);
  // Deterministic: the more likely action at every step.
  long off_mode = 0;
  ac::evaluate(actor, CartPole{}, 5, 17, nullptr, [&](const ac::EvaluationStep<CartPole>& step) {
    const double p = probability_of_zero(step.observation);
    off_mode += step.action != (p >= 0.5 ? 0 : 1);
  });
  CHECK(off_mode == 0);
}

TEST_CASE("CsvLog fills the evaluation columns where an evaluation is given, nan elsewhere", "[train][csv]") {
  const auto path = scratch("eval_columns.csv");
  {
    ac::CsvLog log(path.string());
    ac::IterationInfo info;
    info.iteration = 1;
    info.steps = 100;
    info.mean_return = 12.5;
    info.episodes = 3;
    log(info);
    info.iteration = 2;
    info.steps = 200;
    const ac::EvaluationResult evaluation{.mean_return = 40.0, .std_return = 2.5, .episodes = 2, .returns = {37.5, 42.5}};
    log(info, &evaluation);
  }
  const ac::CsvColumns table = ac::read_csv_columns(path);
  REQUIRE(table.rows() == 2);
  CHECK(table.names.size() == 7 + ac::UpdateDiagnostics::fields.size());
  CHECK(std::isnan(table["eval_mean_return"][0]));
  CHECK(std::isnan(table["eval_std_return"][0]));
  CHECK(table["eval_mean_return"][1] == 40.0);
  CHECK(table["eval_std_return"][1] == 2.5);
  CHECK(table["steps"][1] == 200.0);
  CHECK(table["mean_return"][0] == 12.5);
  // A resumed log keeps the rows up to its checkpoint, evaluations included.
  { ac::CsvLog resumed = ac::CsvLog::resume(path.string(), 2); }
  CHECK(ac::read_csv_columns(path)["eval_mean_return"][1] == 40.0);
  CHECK_THROWS_WITH(table["eval_mean"], Catch::Contains("no column \"eval_mean\"; the file has iteration, steps"));
}

TEST_CASE("read_csv_columns names the file, line and column of a bad cell", "[train][csv]") {
  const auto path = scratch("bad.csv");
  ac::write_file_atomically(path, "steps,mean_return\n1,2\n3\n");
  CHECK_THROWS_WITH(ac::read_csv_columns(path), Catch::Contains("bad.csv line 3: expected 2 values, got 1"));
  ac::write_file_atomically(path, "steps,mean_return\n1,2\n3,x4\n");
  CHECK_THROWS_WITH(ac::read_csv_columns(path),
                    Catch::Contains("bad.csv line 3: column mean_return: expected a number, got \"x4\""));
  ac::write_file_atomically(path, "");
  CHECK_THROWS_WITH(ac::read_csv_columns(path), Catch::Contains("has no header row"));
}

TEST_CASE("plot_runs draws the mean of the runs' curves, interpolated onto the first run's steps", "[train][plot]") {
  const auto a = scratch("run_a.csv"), b = scratch("run_b.csv"), png = scratch("runs.png");
  ac::write_file_atomically(a, "steps,mean_return,eval_mean_return\n100,1,nan\n200,3,7\n300,5,nan\n");
  ac::write_file_atomically(b, "steps,mean_return,eval_mean_return\n150,10,nan\n200,nan,9\n250,20,nan\n");
  std::filesystem::path data = png;
  data += ".csv";
  std::filesystem::remove(data);
  try {
    ac::plot_runs({{"a", a}, {"b", b}}, png, "two runs");
  } catch (const ac::IoError&) {
    REQUIRE_FALSE(has_gnuplot());  // only a missing gnuplot may fail it; the data are written first
  }
  const ac::CsvColumns table = ac::read_csv_columns(data);
  REQUIRE(table.rows() == 3);
  // At 100 run b has not started (its first value is at 150): the mean is a's alone.
  CHECK(table["run0"][0] == 1.0);
  CHECK(std::isnan(table["run1"][0]));
  CHECK(table["mean"][0] == 1.0);
  // At 200 run b lies halfway between 10 (150) and 20 (250); its nan row there is skipped.
  CHECK(table["run1"][1] == 15.0);
  CHECK(table["mean"][1] == 9.0);
  CHECK(table["eval_mean"][1] == 8.0);  // both runs evaluated at 200
  CHECK(std::isnan(table["eval_mean"][0]));
  // At 300 run b has ended.
  CHECK(std::isnan(table["run1"][2]));
  CHECK(table["mean"][2] == 5.0);
  if (has_gnuplot()) CHECK(is_png(png));
  CHECK_THROWS_AS(ac::plot_runs({}, png, "none"), ac::InvalidArgument);
}

TEST_CASE("the learning curve and diagnostics of a run without a finished episode still draw", "[train][plot]") {
  if (!has_gnuplot()) {
    WARN("gnuplot is not installed: the images are not drawn here");
    return;
  }
  const auto path = scratch("short.csv");
  {
    ac::CsvLog log(path.string());
    ac::IterationInfo info;
    info.iteration = 1;
    info.steps = 64;
    info.mean_return = std::numeric_limits<double>::quiet_NaN();
    info.diagnostics.policy_loss = 0.25;
    log(info);
  }
  const auto curve = scratch("short.png"), diagnostics = scratch("short-diagnostics.png");
  std::filesystem::remove(curve);
  std::filesystem::remove(diagnostics);
  ac::plot_learning_curve(path, curve, "no episode");
  ac::plot_diagnostics(path, diagnostics, "one diagnostic");
  CHECK(is_png(curve));
  CHECK(is_png(diagnostics));
  // A log without any diagnostic value has no page to draw.
  const auto bare = scratch("bare.csv");
  { ac::CsvLog log(bare.string()); }
  CHECK_THROWS_WITH(ac::plot_diagnostics(bare, diagnostics, "none"),
                    Catch::Contains("expected a diagnostic column with a value"));
}
