// A user's program: includes the umbrella header and runs a network.
#include <actorcritic/actorcritic.hpp>

#include <cstdio>

int main() {
  ac::nn::Mlp<float> net({.inputs = 4, .hidden = {16}, .outputs = 2}, 7);
  ac::Matrix<float> x = ac::Matrix<float>::Ones(4, 3);
  const auto y = net.forward(x);
  if (y.rows() != 2 || y.cols() != 3 || !y.allFinite()) return 1;
  std::printf("consumer: %ld parameters, y(0,0) = %g\n", static_cast<long>(net.parameter_count()), y(0, 0));
  return 0;
}
