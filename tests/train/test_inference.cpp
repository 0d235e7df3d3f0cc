// A checkpoint loaded for acting (ac::InferencePolicy) acts as the run's own
// actor does on the normalized observation; a policy written as a C++ header
// (ac::policy_header_source) holds exactly the actor's weights and the frozen
// normalization. (That the header, compiled on its own, acts as
// actorcritic-eval does is tests/export/export_test.sh.)
#include <actorcritic/actorcritic.hpp>
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
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
