// Acting and what a run shows: a checkpoint loaded for acting
// (ac::InferencePolicy) acts as the run's own actor does on the normalized
// observation, and so does Run::act; a policy written as a C++ header
// (ac::policy_header_source) holds exactly the actor's weights and the frozen
// normalization (that the header, compiled on its own, acts as
// actorcritic-eval does is tests/export/export_test.sh); stochastic
// evaluation; the CSV log's evaluation columns; the data behind the plots.
// (One file with the run types it shares: Eigen-heavy files compile slowly.)
#include <actorcritic/actorcritic.hpp>
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <limits>
#include <string>
#include <vector>

using ac::envs::CartPole;
using ac::envs::Pendulum;
using Categorical = ac::CategoricalActor<float>;
using Gaussian = ac::GaussianActor<float>;

namespace {

/// PPO a few iterations into training, so that weights and statistics are not the initial ones.
template <class Actor, class E>
ac::Run<ac::PPO<Actor>, E> trained_run(bool normalize, bool shared_trunk, ac::ActorConfig actor) {
  ac::RunConfig config{.envs = 4, .seed = 3, .total_steps = 4096, .actor = actor, .critic = {.hidden = {16}}};
  config.shared_trunk = shared_trunk;
  if (normalize) config.normalization = ac::VecNormalizeConfig{.gamma = 0.9};
  auto ppo = ac::PPOConfig::clip();
  ppo.n_steps = 64;
  ppo.batch_size = 64;
  ppo.epochs = 2;
  ac::Run<ac::PPO<Actor>, E> run(config, ppo);
  for (int i = 0; i < 3; ++i) run.iterate();
  return run;
}

/// The floats of `inline constexpr float NAME[n] = {...};` in a generated header.
std::vector<float> array_in(const std::string& source, const std::string& name) {
  const auto start = source.find("inline constexpr float " + name + "[");
  REQUIRE(start != std::string::npos);
  const auto open = source.find('{', start), close = source.find('}', start);
  std::vector<float> values;
  std::string text = source.substr(open + 1, close - open - 1);
  for (std::size_t at = 0; (at = text.find_first_not_of(" \n,", at)) != std::string::npos;) {
    std::size_t used = 0;
    values.push_back(std::stof(text.substr(at), &used));
    at += used;
    REQUIRE(text[at] == 'f');  // a float literal
    ++at;
  }
  return values;
}

std::string header_error(const ac::InferencePolicy<Categorical>& policy, const std::string& name_space) {
  try {
    (void)ac::policy_header_source(policy, {.name_space = name_space, .source = ""});
  } catch (const ac::InvalidArgument& error) {
    return error.what();
  }
  return "no error";
}

}  // namespace

TEST_CASE("an inference policy acts as the run's actor does on the normalized observation", "[train][inference]") {
  auto run = trained_run<Gaussian, Pendulum>(true, true, {.hidden = {16, 16}});
  auto policy = ac::InferencePolicy<Gaussian>::from_checkpoint_bytes(run.to_checkpoint_bytes(), "ckpt");
  CHECK(policy.algorithm() == "ppo");
  CHECK(policy.environment().id == "Pendulum-v1");
  REQUIRE(policy.normalizer() != nullptr);
  CHECK_FALSE(policy.normalizer()->training());

  Pendulum env;
  auto observation = env.reset(11);
  ac::Matrix<float> raw(3, 1), normalized(3, 1);
  ac::Matrix<float> mean(1, 1);
  for (int step = 0; step < 50; ++step) {
    for (int i = 0; i < 3; ++i) raw(i, 0) = observation(i);  // (a block assignment trips GCC 12's -Warray-bounds)
    run.normalizer()->normalize_observations(raw, normalized);
    run.actor().distribution(normalized).mode(mean);
    const float expected = std::clamp(mean(0, 0), -2.0f, 2.0f);
    const Eigen::VectorXf action = policy.act(observation);
    REQUIRE(action.size() == 1);
    CHECK(action(0) == expected);  // the same arithmetic: bit for bit
    observation = env.step(action).observation;
  }

  CHECK_THROWS_WITH(policy.act(Eigen::VectorXf::Zero(4)),
                    Catch::Contains("InferencePolicy::act: observation: expected 3 values, got 4"));
  CHECK_THROWS_WITH(ac::InferencePolicy<Categorical>::from_checkpoint_bytes(run.to_checkpoint_bytes(), "ckpt"),
                    Catch::Contains("continuous actions"));
}

TEST_CASE("an exported header holds the actor's weights and the frozen normalization exactly", "[train][export]") {
  SECTION("Gaussian, shared trunk: the value row is left out, the action bounds are there") {
    auto run = trained_run<Gaussian, Pendulum>(true, true, {.hidden = {16, 8}});
    const auto policy = ac::InferencePolicy<Gaussian>::from_checkpoint_bytes(run.to_checkpoint_bytes(), "ckpt");
    const std::string source = ac::policy_header_source(policy, {.name_space = "robot::arm", .source = "arm.ckpt"});
    CHECK_THAT(source, Catch::Contains("namespace robot::arm {") && Catch::Contains("constexpr int action_dim = 1;") &&
                           Catch::Contains("constexpr int observation_dim = 3;") && Catch::Contains("from:        arm.ckpt"));
    CHECK_THAT(source, !Catch::Contains("action_count"));
    const auto& net = run.actor().network();
    const float* p = net.parameters().data();
    REQUIRE(net.linear_layers().size() == 3);
    for (std::size_t l = 0; l < 3; ++l) {
      const auto w = net.linear_layers()[l].weight(p);
      const auto b = net.linear_layers()[l].bias(p);
      const ac::Index rows = l == 2 ? 1 : w.rows();  // the network's last row is V(s)
      if (l == 2) CHECK(w.rows() == 2);
      const auto weights = array_in(source, "weight" + std::to_string(l));
      const auto bias = array_in(source, "bias" + std::to_string(l));
      REQUIRE(weights.size() == static_cast<std::size_t>(rows * w.cols()));
      REQUIRE(bias.size() == static_cast<std::size_t>(rows));
      for (ac::Index i = 0; i < rows; ++i) {
        CHECK(bias[static_cast<std::size_t>(i)] == b(i));
        for (ac::Index k = 0; k < w.cols(); ++k) CHECK(weights[static_cast<std::size_t>(i * w.cols() + k)] == w(i, k));
      }
    }
    const auto* normalizer = run.normalizer();
    const auto mean = array_in(source, "observation_mean");
    const auto inverse_std = array_in(source, "observation_inverse_std");
    REQUIRE(mean.size() == 3);
    REQUIRE(inverse_std.size() == 3);
    for (int i = 0; i < 3; ++i) {
      CHECK(mean[static_cast<std::size_t>(i)] == normalizer->observation_mean()(i));
      CHECK(inverse_std[static_cast<std::size_t>(i)] == normalizer->observation_inverse_std()(i));
    }
    CHECK(array_in(source, "action_low") == std::vector<float>{-2.0f});
    CHECK(array_in(source, "action_high") == std::vector<float>{2.0f});
    // The same policy gives the same bytes.
    CHECK(ac::policy_header_source(policy, {.name_space = "robot::arm", .source = "arm.ckpt"}) == source);
  }

  SECTION("categorical with layer norm and ReLU, no normalization") {
    auto run = trained_run<Categorical, CartPole>(
        false, false, {.hidden = {8}, .activation = ac::nn::Activation::relu, .layer_norm = true});
    const auto policy = ac::InferencePolicy<Categorical>::from_checkpoint_bytes(run.to_checkpoint_bytes(), "ckpt");
    const std::string source = ac::policy_header_source(policy);
    CHECK_THAT(source, Catch::Contains("namespace policy {") && Catch::Contains("constexpr int action_count = 2;") &&
                           Catch::Contains("int act(const float* observation)") &&
                           Catch::Contains("observation: used as it is") && Catch::Contains("z[i] > 0.0f"));
    CHECK_THAT(source, !Catch::Contains("observation_mean") && !Catch::Contains("std::tanh"));
    const auto& net = run.actor().network();
    const auto& norm = net.layer_norms().at(0);
    const auto gain = array_in(source, "norm_gain0");
    const auto bias = array_in(source, "norm_bias0");
    REQUIRE(gain.size() == 8);
    for (int i = 0; i < 8; ++i) {
      CHECK(gain[static_cast<std::size_t>(i)] == norm.gain(net.parameters().data())(i));
      CHECK(bias[static_cast<std::size_t>(i)] == norm.bias(net.parameters().data())(i));
    }
    CHECK_THAT(source, Catch::Contains("std::sqrt(variance + 1e-05f)"));

    for (const std::string bad : {"", "int", "std", "9lives", "a::", "::a", "a b", "__x", "_Upper", "x-y", "a::class"}) {
      CAPTURE(bad);
      CHECK_THAT(header_error(policy, bad), Catch::Contains("name_space: expected a C++ identifier"));
    }
    for (const std::string good : {"p", "_p", "my_robot::v2", "Policy9"}) {
      CAPTURE(good);
      CHECK(header_error(policy, good) == "no error");
    }
  }

  SECTION("recurrent: the GRU's four blocks row by row, and a State that every act() takes and advances") {
    auto run = trained_run<Categorical, CartPole>(true, false, {.hidden = {8}, .recurrent = 5});
    const auto policy = ac::InferencePolicy<Categorical>::from_checkpoint_bytes(run.to_checkpoint_bytes(), "ckpt");
    const std::string source = ac::policy_header_source(policy, {.name_space = "pole"});
    CHECK_THAT(source, Catch::Contains("network:     4 → GRU 5 → 8 tanh → 2 (logits)") &&
                           Catch::Contains("constexpr int state_dim = 5;") &&
                           Catch::Contains("float h[state_dim] = {};") &&
                           Catch::Contains("inline void reset(State& state)") &&
                           Catch::Contains("inline int act(const float* observation, State& state) {") &&
                           Catch::Contains("act(const float* observation, const bool* legal, State& state) {") &&
                           Catch::Contains("forward(const float* observation, float* output, State& state) {") &&
                           Catch::Contains("  forward(observation, logits, state);") &&
                           Catch::Contains("  detail::gru_step(a, state.h);\n"
                                           "  detail::dense(detail::weight0, detail::bias0, 8, 5, state.h, b);"));
    CHECK_THAT(source, !Catch::Contains("int act(const float* observation) {"));
    const auto& gru = run.actor().network().gru();
    const float* p = run.actor().network().parameters().data();
    const auto row_major = [](const auto& m) {
      std::vector<float> values;
      for (ac::Index i = 0; i < m.rows(); ++i) {
        for (ac::Index k = 0; k < m.cols(); ++k) values.push_back(m(i, k));
      }
      return values;
    };
    const auto input_weight = gru.input_weight(p);
    const auto hidden_weight = gru.hidden_weight(p);
    REQUIRE(input_weight.rows() == 15);
    CHECK(array_in(source, "gru_input_weight") == row_major(input_weight));
    CHECK(array_in(source, "gru_hidden_weight") == row_major(hidden_weight));
    const auto input_bias = gru.input_bias(p), hidden_bias = gru.hidden_bias(p);
    CHECK(array_in(source, "gru_input_bias") == std::vector<float>(input_bias.data(), input_bias.data() + 15));
    CHECK(array_in(source, "gru_hidden_bias") == std::vector<float>(hidden_bias.data(), hidden_bias.data() + 15));
    // The layers after the GRU take its width as their input.
    CHECK(array_in(source, "weight0").size() == 8 * 5);
    // A feed-forward policy's header declares no state.
    auto feed_forward = trained_run<Categorical, CartPole>(false, false, {.hidden = {8}});
    const std::string plain = ac::policy_header_source(
        ac::InferencePolicy<Categorical>::from_checkpoint_bytes(feed_forward.to_checkpoint_bytes(), "ckpt"));
    CHECK_THAT(plain, !Catch::Contains("State") && !Catch::Contains("gru"));
  }
}

TEST_CASE("float literals in a generated header read back exactly", "[train][export]") {
  using ac::detail::float_literal;
  CHECK(float_literal(1.0f) == "1.0f");
  CHECK(float_literal(-0.0f) == "-0.0f");
  CHECK(float_literal(2.5f) == "2.5f");
  CHECK(float_literal(1e-5f) == "1e-05f");
  CHECK(float_literal(std::numeric_limits<float>::infinity()) == "HUGE_VALF");
  CHECK(float_literal(-std::numeric_limits<float>::infinity()) == "-HUGE_VALF");
  ac::Generator rng(5);
  for (int i = 0; i < 1000; ++i) {
    const float v = static_cast<float>(rng.normal() * std::pow(10.0, rng.uniform() * 20 - 10));
    const std::string text = float_literal(v);
    REQUIRE(text.back() == 'f');
    CHECK(std::stof(text) == v);
  }
}

TEST_CASE("evaluate keeps every episode's return, and its mean and std are theirs", "[train][evaluate]") {
  ac::CategoricalActor<float> actor(4, 2, {.hidden = {8}}, 3);
  const auto result = ac::evaluate(actor, CartPole{}, 7, 11);
  REQUIRE(result.returns.size() == 7);
  double sum = 0.0, sum_sq = 0.0;
  for (const double r : result.returns) {
    CHECK(r >= 1.0);  // CartPole pays 1 a step, and an episode lasts at least one step
    sum += r;
    sum_sq += r * r;
  }
  CHECK(result.mean_return == Approx(sum / 7).epsilon(1e-12));
  CHECK(result.std_return == Approx(std::sqrt(std::max(0.0, sum_sq / 7 - (sum / 7) * (sum / 7)))).margin(1e-9));
}

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

}  // namespace

TEST_CASE("Run::act is the mode of the policy at the normalized observation, clipped to the action space",
          "[train][act]") {
  auto run = trained_run<Gaussian, Pendulum>(/*normalize=*/true, /*shared_trunk=*/false, {.hidden = {8}});
  // Large weights push the mean far outside Pendulum's torque range [-2, 2], so that clipping matters.
  run.actor().network().parameters() *= 500.0f;
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

  auto discrete = trained_run<Categorical, CartPole>(false, false, {.hidden = {8}});
  CartPole env;
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
