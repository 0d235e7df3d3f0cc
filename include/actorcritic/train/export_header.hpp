#pragma once
// A trained policy as a dependency-free C++17 header: the actor's weights as
// constant arrays and its forward pass in plain loops, with the frozen
// observation normalization before it and the evaluator's action rule after
// it (the most likely action; the Gaussian mean clipped to the action space).
// The header includes <cmath> and <cstddef> only, so it builds wherever a
// C++17 compiler does: a robot's controller, a game, a microcontroller.
//
//   auto policy = ac::InferencePolicy<ac::CategoricalActor<float>>::load("cartpole.ckpt");
//   ac::write_file_atomically("policy.hpp", ac::policy_header_source(policy, {.name_space = "cartpole"}));
//
// The generated interface, in namespace `name_space`:
//   constexpr int observation_dim;
//   discrete:   constexpr int action_count;  int act(const float* observation);
//               int act(const float* observation, const bool* legal);  // masked: the most likely legal action
//   MultiDiscrete: constexpr int action_components, nvec[action_components], logit_count;
//               void act(const float* observation, int* action);      // each component's most likely value
//   MultiBinary: constexpr int action_components;  void act(const float* observation, int* action);  // bits
//   continuous: constexpr int action_dim;    void act(const float* observation, float* action);
//   void forward(const float* observation, float* output);  // logits, or the Gaussian mean, before the action rule
// A recurrent policy (a GRU before the layers) carries its state through an episode:
//   constexpr int state_dim;  struct State { float h[state_dim]; };  void reset(State& state);
//   and every act() and forward() above takes a `State& state` last, which it advances by one step.
//
// Exactness: the normalization is the library's arithmetic, so it is bit-exact.
// The network sums its products in a plain loop and calls std::tanh, where the
// library uses Eigen's blocked products and vectorized tanh: outputs agree to a
// few float roundings (docs/deployment.md gives the measured agreement), so a
// continuous action agrees within 1e-5 of max(1, |action|), and a discrete
// action is the same except where two logits tie within that tolerance.

#include "actorcritic/core/error.hpp"
#include "actorcritic/nn/activation.hpp"
#include "actorcritic/policies/policy.hpp"
#include "actorcritic/train/inference.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <iterator>
#include <vector>
#include <cctype>
#include <cmath>
#include <string>
#include <string_view>

namespace ac {

struct PolicyHeaderOptions {
  /// The namespace of the generated interface: an identifier, or nested ones joined by "::".
  std::string name_space{"policy"};
  /// Where the policy came from, for the header's opening comment (e.g. the checkpoint's path).
  std::string source{};
};

namespace detail {

inline bool is_cpp_keyword(std::string_view word) {
  static constexpr std::string_view kKeywords[] = {
      "alignas", "alignof", "and", "and_eq", "asm", "auto", "bitand", "bitor", "bool", "break", "case", "catch",
      "char", "char8_t", "char16_t", "char32_t", "class", "compl", "concept", "const", "consteval", "constexpr",
      "constinit", "const_cast", "continue", "co_await", "co_return", "co_yield", "decltype", "default", "delete",
      "do", "double", "dynamic_cast", "else", "enum", "explicit", "export", "extern", "false", "float", "for",
      "friend", "goto", "if", "inline", "int", "long", "mutable", "namespace", "new", "noexcept", "not", "not_eq",
      "nullptr", "operator", "or", "or_eq", "private", "protected", "public", "register", "reinterpret_cast",
      "requires", "return", "short", "signed", "sizeof", "static", "static_assert", "static_cast", "struct",
      "switch", "template", "this", "thread_local", "throw", "true", "try", "typedef", "typeid", "typename",
      "union", "unsigned", "using", "virtual", "void", "volatile", "wchar_t", "while", "xor", "xor_eq", "std",
      "import", "module"};
  return std::find(std::begin(kKeywords), std::end(kKeywords), word) != std::end(kKeywords);
}

/// Throws unless `name` is an identifier, or identifiers joined by "::", that a
/// program may declare (no keyword, no `std`, none of the names reserved to the
/// implementation: a leading underscore followed by a capital, or a double underscore).
inline void check_namespace_name(std::string_view name) {
  const auto fail = [&] {
    throw_invalid_argument(
        "policy_header_source: name_space: expected a C++ identifier or identifiers joined by \"::\" "
        "(not a keyword, not std, no reserved __ or _X), got \"{}\"",
        name);
  };
  if (name.empty()) fail();
  std::size_t start = 0;
  while (true) {
    const std::size_t end = std::min(name.find("::", start), name.size());
    const std::string_view part = name.substr(start, end - start);
    if (part.empty() || std::isdigit(static_cast<unsigned char>(part[0])) || is_cpp_keyword(part) ||
        part.find("__") != std::string_view::npos ||
        (part[0] == '_' && part.size() > 1 && std::isupper(static_cast<unsigned char>(part[1])))) {
      fail();
    }
    for (const char c : part) {
      if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_')) fail();
    }
    if (end == name.size()) return;
    start = end + 2;
  }
}

/// A float literal that reads back as exactly `v` (the shortest such decimal).
inline std::string float_literal(float v) {
  if (std::isinf(v)) return v > 0 ? "HUGE_VALF" : "-HUGE_VALF";
  std::string text = fmt::format("{}", v);
  if (text.find_first_of(".e") == std::string::npos) text += ".0";
  return text + "f";
}

/// `inline constexpr float name[n] = {...};`, eight values a line.
template <class Values>
std::string float_array(std::string_view name, const Values& values, std::string_view comment) {
  std::string out = fmt::format("// {}\ninline constexpr float {}[{}] = {{", comment, name, values.size());
  for (Index i = 0; i < static_cast<Index>(values.size()); ++i) {
    out += i % 8 == 0 ? "\n    " : " ";
    out += float_literal(static_cast<float>(values[i]));
    out += ',';
  }
  return out + "\n};\n";
}

/// A recurrent policy's act() functions: `code` with `State& state` appended to every definition's
/// parameters and `state` to every forward() call's arguments.
inline std::string with_state_argument(std::string_view code) {
  std::string out;
  std::size_t begin = 0;
  while (begin < code.size()) {
    const std::size_t end = std::min(code.find('\n', begin), code.size());
    std::string line(code.substr(begin, end - begin));
    if (line.starts_with("inline ") && line.ends_with(") {")) {
      line.insert(line.size() - 3, ", State& state");
    } else if (line.starts_with("  forward(observation, ") && line.ends_with(");")) {
      line.insert(line.size() - 2, ", state");
    }
    out += line;
    if (end < code.size()) out += '\n';
    begin = end + 1;
  }
  return out;
}

}  // namespace detail

/// The source of a dependency-free C++17 header computing `policy`'s
/// deterministic action (see the file comment for its interface and exactness).
template <Policy Actor>
std::string policy_header_source(const InferencePolicy<Actor>& policy, const PolicyHeaderOptions& options = {}) {
  static_assert(std::is_same_v<typename Actor::Scalar, float>,
                "policy_header_source: the exported forward pass computes in float; export a float policy");
  detail::check_namespace_name(options.name_space);
  constexpr bool discrete = InferencePolicy<Actor>::kDiscrete;
  constexpr bool multi = InferencePolicy<Actor>::kMultiAction;  // MultiDiscrete or MultiBinary
  constexpr bool squashed = kSquashedActions<typename Actor::Distribution>;  // tanh, then the bounds
  constexpr bool beta = kUnitIntervalActions<typename Actor::Distribution>;  // the Beta's mode, then the bounds
  const CheckpointEnvironment& env = policy.environment();
  const bool binary = env.multi_kind == "multi_binary";
  const auto& net = policy.actor().network();
  const nn::MlpConfig& architecture = net.config();
  const Index state_dim = architecture.recurrent;  // the GRU's width, 0 for a feed-forward network
  const auto& linears = net.linear_layers();
  const auto& norms = net.layer_norms();
  // Logits, means, or a Beta's z_α and z_β; a shared trunk's value row and a state-dependent log σ are left out.
  const Index head_rows = beta ? 2 * env.action_size : env.head_rows();
  const float* parameters = net.parameters().data();

  Index widest = std::max<Index>(env.observation_dim, head_rows);
  for (const Index width : architecture.hidden) widest = std::max(widest, width);

  std::string hidden = fmt::format("{}", env.observation_dim);
  if (state_dim > 0) hidden += fmt::format(" → GRU {}", state_dim);
  for (const Index width : architecture.hidden) {
    hidden += fmt::format(" → {}{} {}", width, architecture.layer_norm ? " layer-norm" : "",
                          nn::to_string(architecture.activation));
  }
  hidden += fmt::format(" → {} ({})", head_rows, discrete || multi ? "logits" : beta ? "z_alpha, z_beta" : "mean");
  const char* action_rule = discrete ? "the most likely one (the first on ties)"
                            : squashed ? "tanh of the Gaussian mean, rescaled to the action space"
                            : beta ? "the mode of the Beta distribution, rescaled from (0, 1) to the action space"
                            : !multi ? "the Gaussian mean, clipped to the action space"
                            : binary ? "each bit 1 where its logit is > 0"
                                     : "the most likely value of each component (the first on ties)";

  std::string out;
  out += fmt::format(
      "// A trained policy, generated by actorcritic-export (ac::policy_header_source). Do not edit.\n"
      "//   from:        {}\n"
      "//   run:         {} on {}, seed {}{}\n"
      "//   network:     {}\n"
      "//   observation: {}\n"
      "//   action:      {}\n"
      "// Dependency-free C++17 (<cmath>, <cstddef>). The action is the one actorcritic-eval takes; see\n"
      "// the library's docs/deployment.md for how exactly the two agree.\n",
      options.source.empty() ? "(not given)" : options.source, policy.algorithm(), env.id, policy.config().seed,
      policy.config().label.empty() ? "" : fmt::format(" ({})", policy.config().label), hidden,
      policy.normalizer() != nullptr && policy.normalizer()->config().observations
          ? fmt::format("normalized with the run's frozen statistics, clipped to ±{}",
                        static_cast<float>(policy.normalizer()->config().clip_observation))
          : std::string("used as it is"),
      action_rule);
  out += "#pragma once\n\n#include <cmath>\n#include <cstddef>\n\n";
  out += fmt::format("namespace {} {{\n\n", options.name_space);
  out += fmt::format("constexpr int observation_dim = {};\n", env.observation_dim);
  if (discrete) {
    out += fmt::format("constexpr int action_count = {};\n\n", head_rows);
  } else if (multi) {
    out += fmt::format("constexpr int action_components = {};\n", env.action_size);
    if (!binary) {
      out += fmt::format("constexpr int nvec[action_components] = {{{}}};\n", fmt::join(env.nvec, ", "));
      out += fmt::format("constexpr int logit_count = {};\n", head_rows);
    }
    out += "\n";
  } else {
    out += fmt::format("constexpr int action_dim = {};\n\n", env.action_size);
  }
  // The state argument that a recurrent policy's act() and forward() take last, and pass on.
  const std::string_view state_parameter = state_dim > 0 ? ", State& state" : "";
  if (state_dim > 0) {
    out += fmt::format(
        "/// The GRU's state, carried from one step of an episode to the next. A value-initialized State\n"
        "/// (all zeros) or reset() starts an episode; each act() or forward() advances it by one step.\n"
        "constexpr int state_dim = {};\n"
        "struct State {{\n"
        "  float h[state_dim] = {{}};\n"
        "}};\n\n"
        "/// Zeroes the state: call it when an episode starts (terminated, truncated, or the first).\n"
        "inline void reset(State& state) {{\n"
        "  for (int i = 0; i < state_dim; ++i) state.h[i] = 0.0f;\n"
        "}}\n\n",
        state_dim);
  }

  out += "namespace detail {\n\n";
  out += fmt::format("constexpr std::size_t kWidest = {};  // the widest layer, for the work buffers\n\n", widest);
  const VecNormalize* normalizer = policy.normalizer();
  const bool normalize = normalizer != nullptr && normalizer->config().observations;
  if (normalize) {
    out += detail::float_array("observation_mean", normalizer->observation_mean(), "the observation statistics' mean");
    out += detail::float_array("observation_inverse_std", normalizer->observation_inverse_std(),
                               "1 / sqrt(variance + ε) of the observation statistics");
    out += fmt::format("inline constexpr float observation_clip = {};\n\n",
                       detail::float_literal(static_cast<float>(normalizer->config().clip_observation)));
  }
  if (state_dim > 0) {
    const auto& gru = net.gru();
    const auto row_major = [](const auto& m) {
      std::vector<float> values;
      values.reserve(static_cast<std::size_t>(m.size()));
      for (Index i = 0; i < m.rows(); ++i) {
        for (Index k = 0; k < m.cols(); ++k) values.push_back(m(i, k));
      }
      return values;
    };
    out += detail::float_array("gru_input_weight", row_major(gru.input_weight(parameters)),
                               fmt::format("GRU: {} x {} input weights W_i, gates r, z, n, row by row", 3 * state_dim,
                                           env.observation_dim));
    out += detail::float_array("gru_hidden_weight", row_major(gru.hidden_weight(parameters)),
                               fmt::format("GRU: {} x {} recurrent weights W_h, gates r, z, n, row by row",
                                           3 * state_dim, state_dim));
    out += detail::float_array("gru_input_bias", gru.input_bias(parameters), "GRU: input bias b_i");
    out += detail::float_array("gru_hidden_bias", gru.hidden_bias(parameters), "GRU: recurrent bias b_h");
    out += "\n";
  }
  for (std::size_t l = 0; l < linears.size(); ++l) {
    const bool last = l + 1 == linears.size();
    const auto w = linears[l].weight(parameters);
    const auto b = linears[l].bias(parameters);
    const Index rows = last ? head_rows : w.rows();
    std::vector<float> weights;  // row-major: each output's weights together
    weights.reserve(static_cast<std::size_t>(rows * w.cols()));
    for (Index i = 0; i < rows; ++i) {
      for (Index k = 0; k < w.cols(); ++k) weights.push_back(w(i, k));
    }
    out += detail::float_array(fmt::format("weight{}", l), weights,
                               fmt::format("layer {}: {} x {} weights, row by row", l, rows, w.cols()));
    out += detail::float_array(fmt::format("bias{}", l), std::vector<float>(b.data(), b.data() + rows),
                               fmt::format("layer {}: bias", l));
    if (!last && architecture.layer_norm) {
      const auto g = norms[l].gain(parameters);
      const auto c = norms[l].bias(parameters);
      out += detail::float_array(fmt::format("norm_gain{}", l), g, fmt::format("layer {}: layer-norm gain", l));
      out += detail::float_array(fmt::format("norm_bias{}", l), c, fmt::format("layer {}: layer-norm bias", l));
    }
    out += "\n";
  }
  if constexpr (!discrete && !multi) {
    out += detail::float_array("action_low", env.action_low, "the action space's lower bounds");
    out += detail::float_array("action_high", env.action_high, "the action space's upper bounds");
    out += "\n";
  }

  out +=
      "// y = W x + b for W of rows x cols, stored row by row.\n"
      "inline void dense(const float* weight, const float* bias, std::size_t rows, std::size_t cols, const float* x,\n"
      "                  float* y) {\n"
      "  for (std::size_t i = 0; i < rows; ++i) {\n"
      "    float sum = 0.0f;\n"
      "    for (std::size_t k = 0; k < cols; ++k) sum += weight[i * cols + k] * x[k];\n"
      "    y[i] = sum + bias[i];\n"
      "  }\n"
      "}\n\n";
  if (architecture.layer_norm && !norms.empty()) {
    out += fmt::format(
        "// z ← g ⊙ (z − mean) / sqrt(variance + ε) + b, mean and biased variance over the n features.\n"
        "inline void layer_norm(const float* gain, const float* bias, std::size_t n, float* z) {{\n"
        "  const float inv_n = 1.0f / static_cast<float>(n);\n"
        "  float mean = 0.0f;\n"
        "  for (std::size_t i = 0; i < n; ++i) mean += z[i];\n"
        "  mean *= inv_n;\n"
        "  float variance = 0.0f;\n"
        "  for (std::size_t i = 0; i < n; ++i) variance += (z[i] - mean) * (z[i] - mean);\n"
        "  variance *= inv_n;\n"
        "  const float r = 1.0f / std::sqrt(variance + {});\n"
        "  for (std::size_t i = 0; i < n; ++i) z[i] = gain[i] * ((z[i] - mean) * r) + bias[i];\n"
        "}}\n\n",
        detail::float_literal(norms.front().epsilon()));
  }
  out += architecture.activation == nn::Activation::tanh
             ? "inline void activate(float* z, std::size_t n) {\n"
               "  for (std::size_t i = 0; i < n; ++i) z[i] = std::tanh(z[i]);\n"
               "}\n\n"
             : "inline void activate(float* z, std::size_t n) {\n"
               "  for (std::size_t i = 0; i < n; ++i) z[i] = z[i] > 0.0f ? z[i] : 0.0f;\n"
               "}\n\n";
  if (state_dim > 0) {
    out += fmt::format(
        "// σ(a) = (1 + tanh(a/2)) / 2, as the library computes it.\n"
        "inline float logistic(float a) {{ return 0.5f * std::tanh(0.5f * a) + 0.5f; }}\n\n"
        "// One GRU step (Cho et al. 2014, PyTorch's gate order r, z, n), h ← h':\n"
        "//   r = σ(W_ir x + b_ir + W_hr h + b_hr),  z = σ(W_iz x + b_iz + W_hz h + b_hz),\n"
        "//   n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn)),  h' = (1 − z) ⊙ n + z ⊙ h.\n"
        "inline void gru_step(const float* x, float* h) {{\n"
        "  float gi[{0}];\n"
        "  float gh[{0}];\n"
        "  dense(gru_input_weight, gru_input_bias, {0}, {1}, x, gi);\n"
        "  dense(gru_hidden_weight, gru_hidden_bias, {0}, {2}, h, gh);\n"
        "  for (std::size_t i = 0; i < {2}; ++i) {{\n"
        "    const float r = logistic(gi[i] + gh[i]);\n"
        "    const float z = logistic(gi[{2} + i] + gh[{2} + i]);\n"
        "    const float n = std::tanh(gi[{3} + i] + r * gh[{3} + i]);\n"
        "    h[i] = (1.0f - z) * n + z * h[i];\n"
        "  }}\n"
        "}}\n\n",
        3 * state_dim, env.observation_dim, state_dim, 2 * state_dim);
  }
  if constexpr (beta) {
    out +=
        "// log(1 + e^x) in double, as the library computes it.\n"
        "inline double softplus(double x) {\n"
        "  return (x > 0.0 ? x : 0.0) + std::log1p(std::exp(-std::fabs(x)));\n"
        "}\n\n";
  }
  out += "}  // namespace detail\n\n";

  out += fmt::format(
      "/// The network's {} for one raw observation, before the action rule.{}\n"
      "inline void forward(const float* observation, float* output{}) {{\n"
      "  float a[detail::kWidest];\n{}",
      discrete ? "logits (action_count values)"
      : multi  ? (binary ? "logits (one per bit)" : "logits (logit_count values, component after component)")
      : beta   ? "Beta parameters z_alpha then z_beta (2 action_dim values; alpha = 1 + softplus(z_alpha))"
               : "Gaussian mean (action_dim values)",
      state_dim > 0 ? "\n/// Advances the state by one step." : "", state_parameter,
      architecture.hidden.empty() ? "" : "  float b[detail::kWidest];\n");
  if (normalize) {
    out +=
        "  for (int i = 0; i < observation_dim; ++i) {\n"
        "    const float v = (observation[i] - detail::observation_mean[i]) * detail::observation_inverse_std[i];\n"
        "    a[i] = v < -detail::observation_clip ? -detail::observation_clip\n"
        "                                         : (v > detail::observation_clip ? detail::observation_clip : v);\n"
        "  }\n";
  } else {
    out += "  for (int i = 0; i < observation_dim; ++i) a[i] = observation[i];\n";
  }
  // The GRU's new state is the layers' input. Hidden layers alternate between the two buffers, b then a;
  // the last writes the output.
  Index inputs = env.observation_dim;
  std::string_view from = "a";
  if (state_dim > 0) {
    out += "  detail::gru_step(a, state.h);\n";
    inputs = state_dim;
    from = "state.h";
  }
  for (std::size_t l = 0; l + 1 < linears.size(); ++l) {
    const Index width = architecture.hidden[l];
    const std::string_view to = l % 2 == 0 ? "b" : "a";
    out += fmt::format("  detail::dense(detail::weight{0}, detail::bias{0}, {1}, {2}, {3}, {4});\n", l, width, inputs,
                       from, to);
    if (architecture.layer_norm) {
      out += fmt::format("  detail::layer_norm(detail::norm_gain{0}, detail::norm_bias{0}, {1}, {2});\n", l, width, to);
    }
    out += fmt::format("  detail::activate({}, {});\n", to, width);
    inputs = width;
    from = to;
  }
  out += fmt::format("  detail::dense(detail::weight{0}, detail::bias{0}, {1}, {2}, {3}, output);\n}}\n\n",
                     linears.size() - 1, head_rows, inputs, from);
  std::string acts;  // the action rule
  if constexpr (discrete) {
    acts +=
        "/// The most likely action (the first on ties) for one raw observation of observation_dim values.\n"
        "inline int act(const float* observation) {\n"
        "  float logits[action_count];\n"
        "  forward(observation, logits);\n"
        "  int best = 0;\n"
        "  for (int i = 1; i < action_count; ++i) {\n"
        "    if (logits[i] > logits[best]) best = i;\n"
        "  }\n"
        "  return best;\n"
        "}\n\n"
        "/// The most likely legal action (the first on ties) for one raw observation, for an environment\n"
        "/// that masks its actions: legal[i] says whether action i is allowed (action_count flags, as the\n"
        "/// environment's action mask gives them). Returns -1 when no action is legal.\n"
        "inline int act(const float* observation, const bool* legal) {\n"
        "  float logits[action_count];\n"
        "  forward(observation, logits);\n"
        "  int best = -1;\n"
        "  for (int i = 0; i < action_count; ++i) {\n"
        "    if (legal[i] && (best < 0 || logits[i] > logits[best])) best = i;\n"
        "  }\n"
        "  return best;\n"
        "}\n\n";
  } else if constexpr (multi) {
    if (binary) {
      acts +=
          "/// The action's bits (action_components values of 0 or 1) for one raw observation: each bit is\n"
          "/// 1 where its logit is > 0 (its probability above one half).\n"
          "inline void act(const float* observation, int* action) {\n"
          "  float logits[action_components];\n"
          "  forward(observation, logits);\n"
          "  for (int i = 0; i < action_components; ++i) action[i] = logits[i] > 0.0f ? 1 : 0;\n"
          "}\n\n";
    } else {
      acts +=
          "/// The action (action_components values) for one raw observation: the most likely value of\n"
          "/// each component (the first on ties), component k over its nvec[k] logits.\n"
          "inline void act(const float* observation, int* action) {\n"
          "  float logits[logit_count];\n"
          "  forward(observation, logits);\n"
          "  int offset = 0;\n"
          "  for (int k = 0; k < action_components; ++k) {\n"
          "    int best = 0;\n"
          "    for (int i = 1; i < nvec[k]; ++i) {\n"
          "      if (logits[offset + i] > logits[offset + best]) best = i;\n"
          "    }\n"
          "    action[k] = best;\n"
          "    offset += nvec[k];\n"
          "  }\n"
          "}\n\n";
    }
  } else if constexpr (beta) {
    acts +=
        "/// The action (action_dim values) for one raw observation of observation_dim values: the mode\n"
        "/// (alpha - 1) / (alpha + beta - 2) of each component's Beta distribution, with alpha = 1 +\n"
        "/// softplus(z_alpha) and beta = 1 + softplus(z_beta) in double, kept inside the open interval\n"
        "/// (0, 1) and rescaled to the action space.\n"
        "inline void act(const float* observation, float* action) {\n"
        "  float z[2 * action_dim];\n"
        "  forward(observation, z);\n"
        "  for (int i = 0; i < action_dim; ++i) {\n"
        "    const double alpha = 1.0 + detail::softplus(z[i]), beta = 1.0 + detail::softplus(z[action_dim + i]);\n"
        "    const double a = alpha - 1.0, s = a + (beta - 1.0);\n"
        "    float x = static_cast<float>(s > 0.0 ? a / s : 0.5);\n"
        "    const float lowest = 1.17549435e-38f, highest = 1.0f - 5.96046448e-08f;  // FLT_MIN, 1 - FLT_EPSILON / 2\n"
        "    x = x < lowest ? lowest : (x > highest ? highest : x);\n"
        "    action[i] = detail::action_low[i] + x * (detail::action_high[i] - detail::action_low[i]);\n"
        "  }\n"
        "}\n\n";
  } else if constexpr (squashed) {
    acts +=
        "/// The action (action_dim values) for one raw observation of observation_dim values: tanh of the\n"
        "/// Gaussian mean, rescaled from (-1, 1) to the action space.\n"
        "inline void act(const float* observation, float* action) {\n"
        "  forward(observation, action);\n"
        "  for (int i = 0; i < action_dim; ++i) {\n"
        "    const float y = std::tanh(action[i]);\n"
        "    const float width = detail::action_high[i] - detail::action_low[i];\n"
        "    action[i] = detail::action_low[i] + (y + 1.0f) * 0.5f * width;\n"
        "  }\n"
        "}\n\n";
  } else {
    acts +=
        "/// The action (action_dim values) for one raw observation of observation_dim values: the\n"
        "/// Gaussian mean, clipped to the action space.\n"
        "inline void act(const float* observation, float* action) {\n"
        "  forward(observation, action);\n"
        "  for (int i = 0; i < action_dim; ++i) {\n"
        "    const float v = action[i] < detail::action_low[i] ? detail::action_low[i] : action[i];\n"
        "    action[i] = v > detail::action_high[i] ? detail::action_high[i] : v;\n"
        "  }\n"
        "}\n\n";
  }
  if (state_dim > 0) {
    out += "// A recurrent policy: each act() takes the episode's State last and advances it by one step.\n\n";
    acts = detail::with_state_argument(acts);
  }
  out += acts;
  out += fmt::format("}}  // namespace {}\n", options.name_space);
  return out;
}

}  // namespace ac
