// A network with a GRU before its layers (MlpConfig::recurrent): its outputs
// are the GRU's followed by a feed-forward network holding the same layer
// parameters; backward (through time) and jvp_sequences against central
// finite differences in double for the parameters, the inputs and the
// initial states, with and without layer norm and hidden layers, episodes
// starting mid-sequence; the layout of a network without a GRU is unchanged;
// its architecture record round-trips and is absent from feed-forward records.
#include <actorcritic/core/archive.hpp>
#include <actorcritic/nn/mlp.hpp>
#include <actorcritic/policies/categorical_actor.hpp>
#include <actorcritic/train/run.hpp>
#include <catch2/catch.hpp>
#include <support/gradient_check.hpp>

using ac::Index;
using ac::Matrix;
using ac::Vector;
using ac::nn::EpisodeStarts;
using ac::nn::Mlp;
using ac::nn::MlpConfig;
using ac::test::normal_matrix;
using ac::test::numeric_gradient;
using ac::test::relative_error;

namespace {

EpisodeStarts starts_for(Index B, Index T, ac::Generator& rng) {
  EpisodeStarts s = EpisodeStarts::Constant(B * T, false);
  for (Index c = B; c < B * T; ++c) s(c) = rng.uniform() < 0.3;
  return s;
}

}  // namespace

TEST_CASE("recurrent Mlp: the GRU's outputs through a feed-forward network with the same layers", "[nn][gru][mlp]") {
  ac::Generator rng(81);
  const MlpConfig config{.inputs = 3, .hidden = {6}, .outputs = 2, .trailing_parameters = 2, .recurrent = 4};
  Mlp<double> net(config, rng);
  REQUIRE(net.recurrent());
  REQUIRE(static_cast<std::uint64_t>(net.parameter_count()) == config.parameter_count());
  REQUIRE(net.layer_parameter_count() == net.parameter_count() - 2);  // the trailing values still come last
  const Index B = 2, T = 3;
  const Matrix<double> x = normal_matrix(3, B * T, rng), h0 = normal_matrix(4, B, rng);
  const EpisodeStarts starts = starts_for(B, T, rng);
  const Matrix<double> y = net.forward_sequences(x, starts, h0);
  // Independently: the GRU alone on the network's leading parameters, then a feed-forward Mlp on the rest.
  Matrix<double> h(4, B * T);
  ac::nn::GruCache<double> cache;
  net.gru().forward(net.parameters().data(), x, starts, h0, h, cache);
  CHECK(Matrix<double>(net.gru_states()) == h);
  MlpConfig plain = config;
  plain.inputs = 4;
  plain.recurrent = 0;
  Mlp<double> layers(plain, 0);
  layers.parameters() = net.parameters().tail(layers.parameter_count());
  CHECK(relative_error(y, Matrix<double>(layers.forward(h))) < 1e-15);
  // A recurrent network runs over sequences only; a feed-forward one has none.
  CHECK_THROWS_WITH(net.forward(x), Catch::Contains("call use_sequences first"));
  // forward() runs over the sequences use_sequences() gave, as forward_sequences does.
  net.use_sequences(starts, h0);
  CHECK(Matrix<double>(net.forward(x)) == y);
  CHECK_THROWS_WITH(net.forward(x.leftCols(B)), Catch::Contains("expected the 6 columns"));
  CHECK_THROWS_WITH(net.use_sequences(starts.head(5), h0), Catch::Contains("whole number of steps"));
  CHECK_THROWS_AS(layers.forward_sequences(h, starts, h0), ac::UsageError);
}

TEST_CASE("recurrent Mlp: backward through time and jvp against finite differences", "[nn][gru][mlp][gradient]") {
  ac::Generator rng(82);
  const bool layer_norm = GENERATE(false, true);
  const std::vector<Index> hidden = GENERATE(std::vector<Index>{}, std::vector<Index>{5});
  const Index B = GENERATE(1, 3), T = GENERATE(2, 5);
  const MlpConfig config{.inputs = 2, .hidden = hidden, .outputs = 3, .layer_norm = layer_norm, .recurrent = 4};
  Mlp<double> net(config, rng);
  Vector<double> noise(net.parameter_count());
  rng.fill_normal(noise, 0.0, 0.2);
  net.parameters() += noise;  // biases off zero, gains off one
  const Vector<double> theta = net.parameters();
  const Matrix<double> x = normal_matrix(2, B * T, rng), h0 = normal_matrix(4, B, rng, 0.5);
  const EpisodeStarts starts = starts_for(B, T, rng);
  const Matrix<double> w = normal_matrix(3, B * T, rng);
  const auto loss = [&](const Vector<double>& p, const Matrix<double>& xs, const Matrix<double>& hs) {
    net.parameters() = p;
    const double l = (w.array() * net.forward_sequences(xs, starts, hs).array()).sum();
    net.parameters() = theta;
    return l;
  };
  net.forward_sequences(x, starts, h0);
  net.zero_gradients();
  const Matrix<double> dx = net.backward(w);
  const Vector<double> grads = net.gradients();
  const Matrix<double> dh0 = net.initial_state_gradient();
  INFO("layer norm " << layer_norm << ", " << hidden.size() << " hidden layers, B " << B << ", T " << T);
  CHECK(relative_error(grads, numeric_gradient([&](const Vector<double>& p) { return loss(p, x, h0); }, theta)) < 1e-8);
  CHECK(relative_error(
            ac::test::flat(dx),
            numeric_gradient([&](const Vector<double>& v) { return loss(theta, ac::test::shaped(v, 2, B * T), h0); },
                             ac::test::flat(x))) < 1e-8);
  CHECK(relative_error(
            ac::test::flat(dh0),
            numeric_gradient([&](const Vector<double>& v) { return loss(theta, x, ac::test::shaped(v, 4, B)); },
                             ac::test::flat(h0))) < 1e-8);
  // jvp_sequences: the outputs' directional derivative along v.
  Vector<double> v(theta.size());
  rng.fill_normal(v);
  const Matrix<double> tangent = net.jvp_sequences(x, starts, h0, v);
  const double h = 1e-6;
  net.parameters() = theta + h * v;
  const Matrix<double> plus = net.forward_sequences(x, starts, h0);
  net.parameters() = theta - h * v;
  const Matrix<double> minus = net.forward_sequences(x, starts, h0);
  net.parameters() = theta;
  CHECK(relative_error(tangent, (plus - minus) / (2 * h)) < 1e-8);
}

TEST_CASE("recurrent Mlp: the architecture record holds the GRU's width, and only when there is one",
          "[nn][gru][mlp][checkpoint]") {
  const MlpConfig feed_forward{.inputs = 3, .hidden = {8}, .outputs = 2};
  MlpConfig recurrent = feed_forward;
  recurrent.recurrent = 16;
  ac::OutputArchive plain_out, recurrent_out;
  plain_out.field("architecture", feed_forward);
  recurrent_out.field("architecture", recurrent);
  CHECK(plain_out.bytes().find("recurrent") == std::string::npos);
  CHECK(recurrent_out.bytes().find("recurrent") != std::string::npos);
  for (const auto* bytes : {&plain_out.bytes(), &recurrent_out.bytes()}) {
    ac::InputArchive in(*bytes, "test");
    MlpConfig loaded;
    in.field("architecture", loaded);
    CHECK(loaded.recurrent == (bytes == &plain_out.bytes() ? 0 : 16));
    CHECK(loaded.parameter_count() == (bytes == &plain_out.bytes() ? feed_forward : recurrent).parameter_count());
  }
  // A feed-forward network's layout is the one it always had: its first layer's weights lead the vector.
  Mlp<float> net(feed_forward, 0);
  CHECK(net.linear_layers().front().offset() == 0);
}

TEST_CASE("recurrent policies run over the sequences they are given, and say so otherwise",
          "[nn][gru][policies][errors]") {
  const ac::ActorConfig config{.hidden = {8}, .recurrent = 6};
  ac::CategoricalActor<float> actor(4, 2, config, 3);
  REQUIRE(actor.network().recurrent());
  const Matrix<float> observations = Matrix<float>::Ones(4, 6);
  CHECK_THROWS_WITH(actor.distribution(observations), Catch::Contains("call use_sequences first"));
  const EpisodeStarts starts = EpisodeStarts::Constant(6, false);
  actor.use_sequences(starts, Matrix<float>::Zero(6, 2));  // 2 sequences of 3 steps
  CHECK(actor.distribution(observations).probs().allFinite());
  CHECK_THROWS_WITH(actor.distribution(Matrix<float>::Ones(4, 4)), Catch::Contains("expected the 6 columns"));
  CHECK_THROWS_WITH(actor.use_sequences(starts, Matrix<float>::Zero(5, 2)), Catch::Contains("h0"));
  ac::CategoricalActor<float> feed_forward(4, 2, {.hidden = {8}}, 3);
  CHECK_THROWS_WITH(feed_forward.use_sequences(starts, Matrix<float>::Zero(6, 2)), Catch::Contains("feed-forward"));
  // The GRU's width is recorded with the actor's and the critic's configurations, and only when there is one.
  const auto check_record = []<class Config>(const Config& recurrent, const Config& plain) {
    ac::OutputArchive out, plain_out;
    out.field("config", recurrent);
    plain_out.field("config", plain);
    CHECK(out.bytes().find("recurrent") != std::string::npos);
    CHECK(plain_out.bytes().find("recurrent") == std::string::npos);
    ac::InputArchive in(out.bytes(), "test");
    Config loaded;
    in.field("config", loaded);
    CHECK(loaded.recurrent == recurrent.recurrent);
  };
  check_record(config, ac::ActorConfig{.hidden = {8}});
  check_record(ac::CriticConfig{.recurrent = 5}, ac::CriticConfig{});
}
