// Mlp: finite-difference gradient and jvp checks over random shapes, both
// activations, layer norm on and off, batch 1 and batch > 1; initialization,
// workspace reuse, bad input, and parameter files.
#include <actorcritic/nn/mlp.hpp>
#include <actorcritic/nn/parameter_io.hpp>
#include <catch2/catch.hpp>

#include <support/gradient_check.hpp>

#include <filesystem>
#include <fstream>
#include <vector>

using ac::Index;
using ac::Matrix;
using ac::Vector;
using ac::nn::Activation;
using ac::nn::Mlp;
using ac::test::numeric_gradient;
using ac::test::relative_error;

TEST_CASE("Mlp: gradients and jvp against finite differences", "[nn][mlp]") {
  const auto activation = GENERATE(Activation::tanh, Activation::relu);
  const bool layer_norm = GENERATE(false, true);
  const Index batch = GENERATE(1, 6);
  const int trial = GENERATE(0, 1, 2);
  ac::Generator shapes(100 + trial);
  ac::nn::MlpConfig config;
  config.inputs = 1 + static_cast<Index>(shapes.integer(6));
  config.outputs = 1 + static_cast<Index>(shapes.integer(4));
  config.hidden.clear();
  const auto depth = shapes.integer(4);  // 0..3 hidden layers
  // Widths from 3: a width-2 layer norm makes dL/dx vanish (see test_layers.cpp).
  for (std::uint64_t l = 0; l < depth; ++l) config.hidden.push_back(3 + static_cast<Index>(shapes.integer(9)));
  config.activation = activation;
  config.layer_norm = layer_norm;
  INFO("inputs " << config.inputs << " outputs " << config.outputs << " depth " << depth << " batch " << batch
                 << " activation " << ac::nn::to_string(activation) << " layer_norm " << layer_norm);

  Mlp<double> net(config, 7 + trial);
  ac::Generator rng(50 + trial);
  // Perturb every parameter so that layer-norm gains and biases are not trivial.
  Vector<double> noise(net.parameter_count());
  rng.fill_normal(noise, 0.0, 0.3);
  net.parameters() += noise;
  Matrix<double> x(config.inputs, batch), c(config.outputs, batch);
  rng.fill_normal(x);
  rng.fill_normal(c);

  const Vector<double> theta = net.parameters();
  const auto loss_params = [&](const Vector<double>& t) {
    Mlp<double> probe = net;
    probe.parameters() = t;
    return (c.array() * probe.forward(x).array()).sum();
  };
  const auto loss_input = [&](const Vector<double>& xv) {
    Mlp<double> probe = net;
    return (c.array() * probe.forward(Eigen::Map<const Matrix<double>>(xv.data(), config.inputs, batch)).array()).sum();
  };

  net.zero_gradients();
  net.forward(x);
  const Matrix<double> dx = net.backward(c);
  CHECK(relative_error(net.gradients(), numeric_gradient(loss_params, theta)) < 1e-6);
  const Vector<double> x_flat = Eigen::Map<const Vector<double>>(x.data(), x.size());
  CHECK(relative_error(Eigen::Map<const Vector<double>>(dx.data(), dx.size()), numeric_gradient(loss_input, x_flat)) <
        1e-6);

  // backward accumulates: a second call doubles the gradient.
  const Vector<double> once = net.gradients();
  net.forward(x);
  net.backward(c);
  CHECK(relative_error(net.gradients(), 2.0 * once) < 1e-12);

  Vector<double> v(net.parameter_count());
  rng.fill_normal(v);
  const Matrix<double> y_dot = net.jvp(x, v);
  const double h = 1e-6;
  Mlp<double> plus = net, minus = net;
  plus.parameters() = theta + h * v;
  minus.parameters() = theta - h * v;
  const Matrix<double> y_plus = plus.forward(x);
  const Matrix<double> y_minus = minus.forward(x);
  CHECK(relative_error(y_dot, (y_plus - y_minus) / (2 * h)) < 1e-6);

  // After jvp the caches hold x: backward(u) is Jᵀu, so uᵀ(Jv) = (Jᵀu)ᵀv.
  net.zero_gradients();
  net.backward(c);
  CHECK((c.array() * y_dot.array()).sum() == Approx(net.gradients().dot(v)).epsilon(1e-10));
}

TEST_CASE("Mlp: layout, initialization and determinism", "[nn][mlp]") {
  ac::nn::MlpConfig config{.inputs = 4, .hidden = {64, 64}, .outputs = 2, .output_gain = 0.01};
  Mlp<float> net(config, 3);
  CHECK(net.parameter_count() == (4 * 64 + 64) + (64 * 64 + 64) + (64 * 2 + 2));
  const auto& layers = net.linear_layers();
  REQUIRE(layers.size() == 3);
  const float* p = net.parameters().data();
  const Matrix<float> w0 = layers[0].weight(p);
  const Matrix<float> w2 = layers[2].weight(p);
  CHECK((w0.transpose() * w0 - 2.0f * Matrix<float>::Identity(4, 4)).norm() < 1e-4f);  // gain √2
  CHECK((w2 * w2.transpose() - 1e-4f * Matrix<float>::Identity(2, 2)).norm() < 1e-8f);   // gain 0.01
  for (const auto& layer : layers) CHECK(layer.bias(p).isZero());
  CHECK(Mlp<float>(config, 3).parameters() == net.parameters());
  CHECK(Mlp<float>(config, 4).parameters() != net.parameters());

  ac::nn::MlpConfig normed = config;
  normed.layer_norm = true;
  Mlp<float> with_norm(normed, 3);
  CHECK(with_norm.parameter_count() == net.parameter_count() + 2 * 64 * 2);
  for (const auto& norm : with_norm.layer_norms()) {
    CHECK(norm.gain(with_norm.parameters().data()).isOnes());
    CHECK(norm.bias(with_norm.parameters().data()).isZero());
  }
}

TEST_CASE("Mlp: workspaces are reused across batch sizes; copies are independent", "[nn][mlp]") {
  Mlp<double> net({.inputs = 3, .hidden = {8}, .outputs = 2}, 1);
  ac::Generator rng(2);
  Matrix<double> big(3, 10);
  rng.fill_normal(big);
  const Matrix<double> y_big = net.forward(big);
  const Matrix<double> small = big.leftCols(4);
  const Matrix<double> y_small = net.forward(small);  // smaller batch inside the same workspace
  CHECK(y_small.cols() == 4);
  // GEMM kernels differ by batch size, so equal up to rounding, not bit for bit.
  CHECK(y_small.isApprox(y_big.leftCols(4), 1e-14));
  CHECK(net.forward(big) == y_big);
  // A strided view of the same values (rows 1-3 of a taller matrix) gives the same bits as the
  // contiguous matrix: the input is copied column by column there and in one pass here.
  Matrix<double> tall = Matrix<double>::Constant(5, 10, 7.0);
  tall.middleRows(1, 3) = big;
  const ac::ConstMatrixRef<double> strided = tall.middleRows(1, 3);
  REQUIRE(strided.outerStride() == 5);
  CHECK(net.forward(strided) == y_big);

  Mlp<double> copy = net;
  copy.parameters().setZero();
  CHECK(net.forward(small) == y_small);
}

TEST_CASE("Mlp: bad input is rejected with a clear message", "[nn][mlp]") {
  CHECK_THROWS_WITH((Mlp<float>({.inputs = 0, .outputs = 2})), Catch::Contains("MlpConfig.inputs: expected a value > 0"));
  CHECK_THROWS_WITH((Mlp<float>({.inputs = 3, .hidden = {8, 0}, .outputs = 2})),
                    Catch::Contains("MlpConfig.hidden[1]"));
  Mlp<float> net({.inputs = 3, .hidden = {8}, .outputs = 2});
  CHECK_THROWS_WITH(net.backward(Matrix<float>::Zero(2, 1)), Catch::Contains("before forward"));
  CHECK_THROWS_WITH(net.forward(Matrix<float>::Zero(4, 5)), "Mlp::forward: x: expected a 3x5 matrix, got 4x5");
  net.forward(Matrix<float>::Zero(3, 5));
  CHECK_THROWS_WITH(net.backward(Matrix<float>::Zero(2, 4)), Catch::Contains("expected a 2x5 matrix, got 2x4"));
  CHECK_THROWS_WITH(net.accumulate_gradients(Matrix<float>::Zero(2, 4)),
                    "Mlp::accumulate_gradients: dy: expected a 2x5 matrix, got 2x4");
  CHECK_THROWS_WITH(net.jvp(Matrix<float>::Zero(3, 5), Vector<float>::Zero(3)), Catch::Contains("direction of"));
  Mlp<float> fresh({.inputs = 3, .hidden = {8}, .outputs = 2});
  CHECK_THROWS_WITH(fresh.accumulate_gradients(Matrix<float>::Zero(2, 1)),
                    "Mlp::accumulate_gradients: called before forward");
}

// accumulate_gradients is backward without dL/dx: the same gradients, bit for
// bit, for every kind of network (a recurrent one still backpropagates into
// its GRU, whose parameters lead the vector).
TEST_CASE("Mlp: accumulate_gradients gives backward's gradients bit for bit", "[nn][mlp]") {
  const auto activation = GENERATE(Activation::tanh, Activation::relu);
  const bool layer_norm = GENERATE(false, true);
  const std::vector<Index> hidden = GENERATE(std::vector<Index>{}, std::vector<Index>{7}, std::vector<Index>{64, 5});
  const Index recurrent = GENERATE(0, 4);
  const ac::nn::MlpConfig config{.inputs = 3, .hidden = hidden, .outputs = 2, .activation = activation,
                                 .layer_norm = layer_norm, .recurrent = recurrent};
  INFO("hidden layers " << hidden.size() << " layer_norm " << layer_norm << " recurrent " << recurrent);
  ac::Generator rng(31);
  Mlp<float> net(config, rng);
  const Index B = 3, T = 4;
  Matrix<float> x(3, B * T), dy(2, B * T), h0(4, B);
  rng.fill_normal(x);
  rng.fill_normal(dy);
  rng.fill_normal(h0);
  ac::nn::EpisodeStarts starts = ac::nn::EpisodeStarts::Constant(B * T, false);
  starts(B + 1) = true;
  const auto run = [&](bool input_gradient) {
    if (recurrent > 0) net.use_sequences(starts, h0);
    net.zero_gradients();
    net.gradients().setConstant(0.25f);  // both accumulate onto what is there
    net.forward(x);
    if (input_gradient) {
      net.backward(dy);
    } else {
      net.accumulate_gradients(dy);
    }
    return Vector<float>(net.gradients());
  };
  const Vector<float> with_input_gradient = run(true);
  const Vector<float> without = run(false);
  REQUIRE(with_input_gradient.size() == net.parameter_count());
  CHECK((with_input_gradient.array() != 0.25f).count() > net.parameter_count() / 2);
  CHECK(ac::test::same_bits(with_input_gradient, without));
}

TEST_CASE("parameter files round-trip and every bad file is a clear IoError", "[nn][io]") {
  namespace fs = std::filesystem;
  const fs::path dir = fs::temp_directory_path() / "ac_test_params";
  fs::remove_all(dir);
  fs::create_directories(dir);
  const fs::path file = dir / "net.acparams";
  Mlp<float> net({.inputs = 4, .hidden = {16, 16}, .outputs = 2, .layer_norm = true}, 5);
  ac::nn::save_parameters(file, net);
  Mlp<float> other({.inputs = 4, .hidden = {16, 16}, .outputs = 2, .layer_norm = true}, 6);
  REQUIRE(other.parameters() != net.parameters());
  ac::nn::load_parameters(file, other);
  CHECK(other.parameters() == net.parameters());

  const std::string good = ac::read_file(file);
  const auto write = [&](const std::string& bytes) {
    std::ofstream(file, std::ios::binary | std::ios::trunc) << bytes;
  };
  write("");
  CHECK_THROWS_WITH(ac::nn::load_parameters(file, other), Catch::Contains("file is empty"));
  write("PK\x03\x04 this is a zip file, not ours");
  CHECK_THROWS_WITH(ac::nn::load_parameters(file, other), Catch::Contains("bad magic"));
  write(good.substr(0, good.size() / 2));
  CHECK_THROWS_WITH(ac::nn::load_parameters(file, other), Catch::Contains("truncated"));
  std::string corrupted = good;
  corrupted[corrupted.size() / 2] ^= 0x10;
  write(corrupted);
  CHECK_THROWS_WITH(ac::nn::load_parameters(file, other), Catch::Contains("checksum mismatch"));
  write(good);
  Mlp<float> smaller({.inputs = 4, .hidden = {8}, .outputs = 2}, 5);
  CHECK_THROWS_WITH(ac::nn::load_parameters(file, smaller), Catch::Contains("the model expects"));
  Mlp<double> in_double({.inputs = 4, .hidden = {16, 16}, .outputs = 2, .layer_norm = true}, 5);
  CHECK_THROWS_WITH(ac::nn::load_parameters(file, in_double), Catch::Contains("4-byte scalars, expected 8-byte"));
  CHECK_THROWS_AS(ac::nn::load_parameters(dir / "missing", other), ac::IoError);
  CHECK(other.parameters() == net.parameters());  // failed loads leave the model as it was
  fs::remove_all(dir);
}
