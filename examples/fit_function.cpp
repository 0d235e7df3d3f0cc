// Supervised regression with the neural core: an Mlp (1 → 64 → 64 → 1, tanh)
// trained by Adam with gradient clipping and a linear learning-rate schedule
// to fit y = sin(3x) on [-1, 1]. Prints progress, writes a CSV of the
// learning curve, and saves the trained parameters.
//
//   fit_function [--steps N (3000)] [--seed S (0)] [--csv PATH] [--save PATH]
#include <actorcritic/actorcritic.hpp>

#include <fmt/core.h>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <string>

#include "example_options.hpp"

int main(int argc, char** argv) {
  return cli::guarded_main("fit_function", [&] {
    ExampleCommandLine options("fit_function", "An Mlp fitted to y = sin(3x) on [-1, 1] by Adam.");
    options.with_steps(3000, "training steps").with_seed().with_csv("fit_function.csv");
    std::string save = "fit_function.acparams";
    options.flags.text("--save", "write the trained parameters here", save);
    options.parse(argc, argv);
    constexpr ac::Index batch = 256;
    ac::Generator rng(options.seed);
    ac::nn::Mlp<float> net({.inputs = 1, .hidden = {64, 64}, .outputs = 1}, rng);
    ac::optim::Adam<float> adam(net.parameter_count(), {.learning_rate = 3e-3});
    const auto lr = ac::optim::Schedule::linear(3e-3, 3e-4);

    // A fixed evaluation grid; training batches are drawn fresh each step.
    ac::Matrix<float> grid(1, 201), grid_target(1, 201);
    for (ac::Index j = 0; j < 201; ++j) {
      grid(0, j) = -1.0f + 0.01f * static_cast<float>(j);
      grid_target(0, j) = std::sin(3.0f * grid(0, j));
    }
    ac::Matrix<float> x(1, batch), target(1, batch), dy(1, batch);

    std::string csv = "step,train_mse,eval_mse,grad_norm,learning_rate\n";
    const auto start = std::chrono::steady_clock::now();
    double eval_mse = 0;
    for (long step = 1; step <= options.steps; ++step) {
      rng.fill_uniform(x, -1.0, 1.0);
      target = x.array().unaryExpr([](float v) { return std::sin(3.0f * v); });
      const auto y = net.forward(x);
      dy = (2.0f / batch) * (y - target);  // d/dy of mean squared error
      const double train_mse = (y - target).squaredNorm() / batch;
      net.zero_gradients();
      net.backward(dy);
      const double grad_norm = ac::optim::clip_gradient_norm<float>(net.gradients(), 1.0);
      adam.set_learning_rate(lr(double(step - 1) / double(options.steps)));
      adam.step(net.parameters(), net.gradients());
      if (step % 100 == 0 || step == options.steps) {
        eval_mse = (net.forward(grid) - grid_target).squaredNorm() / 201.0;
        csv +=
            fmt::format("{},{:.6g},{:.6g},{:.6g},{:.6g}\n", step, train_mse, eval_mse, grad_norm, adam.learning_rate());
        const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        fmt::print("step {:>6}/{}  train mse {:.2e}  eval mse {:.2e}  |g| {:.2e}  {:.0f} steps/s\n", step,
                   options.steps, train_mse, eval_mse, grad_norm, step / seconds);
      }
    }
    ac::write_file_atomically(options.csv, csv);
    ac::nn::save_parameters(save, net);
    fmt::print("final eval mse {:.3e}; learning curve in {}, parameters in {}\n", eval_mse, options.csv, save);
    return eval_mse < 1e-2 ? 0 : 1;
  });
}
