// actorcritic._core: the compiled half of the Python package (python/actorcritic/__init__.py is the
// other). It runs actorcritic-train's and actorcritic-eval's commands in this process, on the same
// object files as the tools, so a run from Python is the run the CLI makes with the same flags; and it
// wraps ac::InferencePolicy for acting on numpy arrays. Training and evaluation release the GIL.
#include "commands.hpp"
#include "environments.hpp"
#include "options.hpp"

#include <actorcritic/envs/dynamic_env.hpp>
#include <actorcritic/train/inference.hpp>

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <cmath>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace py = pybind11;

namespace {

/// Runs a tool's command on `arguments` (argv without the program) with the GIL released.
template <class Command>
auto run_command(Command&& command, const std::string& program, const std::vector<std::string>& arguments) {
  std::vector<std::string> words{program};
  words.insert(words.end(), arguments.begin(), arguments.end());
  std::vector<char*> argv;
  for (std::string& word : words) argv.push_back(word.data());
  argv.push_back(nullptr);
  py::gil_scoped_release release;
  return command(static_cast<int>(words.size()), argv.data());
}

// --- the user's own environment: a Gymnasium-style Python object behind ac::envs::DynamicEnv ---------------

/// `value` as a float32 vector of exactly `dim` values; a ValueError naming the env and `what` otherwise.
Eigen::VectorXf float_vector(const py::handle& value, ac::Index dim, std::string_view env, std::string_view what) {
  const auto array = py::array_t<float, py::array::c_style | py::array::forcecast>::ensure(value);
  if (!array || array.ndim() != 1 || array.shape(0) != dim) {
    throw ac::InvalidArgument(fmt::format("{}: {}: expected an array of shape ({},), got {}", env, what, dim,
                                          py::str(py::repr(value)).cast<std::string>()));
  }
  return Eigen::Map<const Eigen::VectorXf>(array.data(), dim);
}

/// One Python environment object: every call into it holds the GIL, which training releases.
template <class Action>
class PythonEnvInstance final : public ac::envs::EnvInstance<Action> {
 public:
  PythonEnvInstance(py::object env, std::string id, ac::Index observation_dim, ac::Index action_dim)
      : env_(std::move(env)), id_(std::move(id)), observation_dim_(observation_dim), action_dim_(action_dim) {}
  PythonEnvInstance(const PythonEnvInstance&) = delete;
  PythonEnvInstance& operator=(const PythonEnvInstance&) = delete;
  ~PythonEnvInstance() override {
    py::gil_scoped_acquire gil;
    env_ = py::object();
  }

  Eigen::VectorXf reset(std::optional<std::uint64_t> seed) override {
    py::gil_scoped_acquire gil;
    const py::object result = seed ? env_.attr("reset")(py::arg("seed") = *seed) : env_.attr("reset")();
    if (!py::isinstance<py::tuple>(result) || py::len(result) != 2) {
      throw ac::InvalidArgument(fmt::format("{}: reset: expected (observation, info), got {}", id_,
                                            py::str(py::repr(result)).cast<std::string>()));
    }
    return float_vector(result.cast<py::tuple>()[0], observation_dim_, id_, "reset: observation");
  }

  ac::envs::StepResult<Eigen::VectorXf> step(const Action& action) override {
    py::gil_scoped_acquire gil;
    py::object argument;
    if constexpr (std::is_integral_v<Action>) {
      argument = py::int_(action);
    } else {
      py::array_t<float> values(static_cast<py::ssize_t>(action_dim_));
      for (ac::Index i = 0; i < action_dim_; ++i) values.mutable_at(i) = action(i);
      argument = std::move(values);
    }
    const py::object result = env_.attr("step")(argument);
    if (!py::isinstance<py::tuple>(result) || py::len(result) != 5) {
      throw ac::InvalidArgument(
          fmt::format("{}: step: expected (observation, reward, terminated, truncated, info), "
                      "got {}",
                      id_, py::str(py::repr(result)).cast<std::string>()));
    }
    const auto t = result.cast<py::tuple>();
    ac::envs::StepResult<Eigen::VectorXf> out;
    out.observation = float_vector(t[0], observation_dim_, id_, "step: observation");
    try {
      out.reward = py::float_(t[1]).cast<double>();
    } catch (const py::error_already_set&) {
      throw ac::InvalidArgument(
          fmt::format("{}: step: reward: expected a number, got {}", id_, py::str(py::repr(t[1])).cast<std::string>()));
    }
    out.terminated = py::bool_(t[2]).cast<bool>();
    out.truncated = py::bool_(t[3]).cast<bool>();
    return out;
  }

 private:
  py::object env_;
  std::string id_;
  ac::Index observation_dim_, action_dim_;
};

/// `object.name`, or a ValueError naming the env and what it lacks.
py::object attribute(const py::handle& object, const char* name, std::string_view env, std::string_view expected) {
  if (!py::hasattr(object, name)) {
    throw ac::InvalidArgument(fmt::format("{}: expected {} (Gymnasium's API)", env, expected));
  }
  return object.attr(name);
}

/// The bounds of a Box space (`low`, `high`, `shape` of one dimension), as float32 vectors.
ac::envs::Box box_of(const py::handle& space, std::string_view env, std::string_view which) {
  const py::tuple shape = py::tuple(attribute(space, "shape", env, fmt::format("{}.shape", which)));
  if (py::len(shape) != 1 || shape[0].cast<long>() < 1) {
    throw ac::InvalidArgument(fmt::format("{}: {}.shape: expected one dimension of at least 1, got {}", env, which,
                                          py::str(py::repr(shape)).cast<std::string>()));
  }
  const auto dim = shape[0].cast<ac::Index>();
  const auto bound = [&](const char* name, float infinite) {
    if (!py::hasattr(space, name)) return Eigen::VectorXf::Constant(dim, infinite).eval();
    const py::object value = space.attr(name);
    const auto array = py::array_t<float, py::array::c_style | py::array::forcecast>::ensure(value);
    if (array && array.ndim() == 0) return Eigen::VectorXf::Constant(dim, *array.data()).eval();
    return float_vector(value, dim, env, fmt::format("{}.{}", which, name));
  };
  Eigen::VectorXf low = bound("low", -HUGE_VALF), high = bound("high", HUGE_VALF);  // each named if malformed
  try {
    return {std::move(low), std::move(high)};
  } catch (const ac::InvalidArgument& error) {  // the Box's own check: low <= high, no NaN
    throw ac::InvalidArgument(fmt::format("{}: {}: {}", env, which, error.what()));
  }
}

/// A Python environment's spec: one instance made to read its spaces (observation_space.shape,
/// action_space.n for Discrete, or .shape/.low/.high for Box); every copy a new make_env().
struct PythonEnvironment {
  std::unique_ptr<ac::envs::DiscreteDynamicEnv> discrete;
  std::unique_ptr<ac::envs::ContinuousDynamicEnv> continuous;
  cli::Environment row{};

  explicit PythonEnvironment(const py::object& make_env) {
    if (!PyCallable_Check(make_env.ptr())) {
      throw ac::InvalidArgument("env: expected an environment id or a callable that returns an environment");
    }
    const py::object probe = make_env();
    std::string id = "python:" + py::str(py::type::handle_of(probe).attr("__name__")).cast<std::string>();
    if (py::hasattr(probe, "spec") && !probe.attr("spec").is_none() && py::hasattr(probe.attr("spec"), "id")) {
      id = "python:" + py::str(probe.attr("spec").attr("id")).cast<std::string>();
    }
    for (const char* method : {"reset", "step"}) attribute(probe, method, id, fmt::format("a method {}()", method));
    const py::object observation_space = attribute(probe, "observation_space", id, "an observation_space");
    const ac::envs::Box observations = box_of(observation_space, id, "observation_space");
    const py::object action_space = attribute(probe, "action_space", id, "an action_space");
    const ac::Index observation_dim = observations.dim();
    if (py::hasattr(action_space, "n")) {
      const auto n = action_space.attr("n").cast<std::int64_t>();
      if (n < 1) throw ac::InvalidArgument(fmt::format("{}: action_space.n: expected at least 1, got {}", id, n));
      auto spec = std::make_shared<const ac::envs::DiscreteDynamicEnv::Spec>(
          ac::envs::DiscreteDynamicEnv::Spec{.id = id,
                                             .observation_space = observations,
                                             .action_space = ac::envs::Discrete(n),
                                             .max_episode_steps = 0,
                                             .make = make_instance<std::int64_t>(make_env, id, observation_dim, 1)});
      discrete = std::make_unique<ac::envs::DiscreteDynamicEnv>(std::move(spec));
      row = cli::custom_environment_row(*discrete);
    } else {
      const ac::envs::Box actions = box_of(action_space, id, "action_space");
      auto spec = std::make_shared<const ac::envs::ContinuousDynamicEnv::Spec>(ac::envs::ContinuousDynamicEnv::Spec{
          .id = id,
          .observation_space = observations,
          .action_space = actions,
          .max_episode_steps = 0,
          .make = make_instance<Eigen::VectorXf>(make_env, id, observation_dim, actions.dim())});
      continuous = std::make_unique<ac::envs::ContinuousDynamicEnv>(std::move(spec));
      row = cli::custom_environment_row(*continuous);
    }
  }
 private:
  template <class Action>
  static std::function<std::unique_ptr<ac::envs::EnvInstance<Action>>()> make_instance(const py::object& make_env,
                                                                                       const std::string& id,
                                                                                       ac::Index observation_dim,
                                                                                       ac::Index action_dim) {
    // The factory keeps the callable alive; it is copied and destroyed by C++ code, so its reference is
    // held in a shared pointer whose deleter takes the GIL.
    auto callable = std::shared_ptr<py::object>(new py::object(make_env), [](py::object* o) {
      py::gil_scoped_acquire gil;
      delete o;
    });
    return [callable, id, observation_dim, action_dim]() -> std::unique_ptr<ac::envs::EnvInstance<Action>> {
      py::gil_scoped_acquire gil;
      return std::make_unique<PythonEnvInstance<Action>>((*callable)(), id, observation_dim, action_dim);
    };
  }
};

/// A loaded policy, whatever its actor type: what Python's Policy calls.
class PolicyBase {
 public:
  virtual ~PolicyBase() = default;
  virtual py::object act(const py::object& observations) = 0;
  virtual void reset_state() = 0;
  [[nodiscard]] virtual const ac::CheckpointEnvironment& environment() const = 0;
  [[nodiscard]] virtual std::string algorithm() const = 0;
  [[nodiscard]] virtual bool recurrent() const = 0;
  std::string path;
};

template <class Actor>
class LoadedPolicy final : public PolicyBase {
  using Inference = ac::InferencePolicy<Actor>;

 public:
  explicit LoadedPolicy(const std::string& source) : policy_(Inference::load(source)) { path = source; }

  py::object act(const py::object& observations) override {
    const ac::Index dim = policy_.observation_dim();
    const auto values = py::array_t<float, py::array::c_style | py::array::forcecast>::ensure(observations);
    if (!values) throw ac::InvalidArgument("Policy.act: observation: expected an array of numbers");
    const bool batch = values.ndim() == 2;
    if (values.ndim() < 1 || values.ndim() > 2 || values.shape(values.ndim() - 1) != dim) {
      throw ac::InvalidArgument(fmt::format(
          "Policy.act: observation: expected {} values, or a batch with {} values in each row, got shape ({})", dim,
          dim, fmt::join(std::vector<py::ssize_t>(values.shape(), values.shape() + values.ndim()), ", ")));
    }
    if (batch && recurrent()) {
      throw ac::InvalidArgument(
          "Policy.act: observation: a recurrent policy acts on one observation at a time, carrying its state; "
          "expected a 1-D array");
    }
    const py::ssize_t rows = batch ? values.shape(0) : 1;
    const float* data = values.data();
    const auto one = [&](py::ssize_t row) {
      const Eigen::Map<const Eigen::VectorXf> observation(data + row * dim, dim);
      if (!observation.allFinite()) {
        throw ac::InvalidArgument(fmt::format("Policy.act: observation{}: expected finite values",
                                              batch ? fmt::format(" row {}", row) : std::string()));
      }
      return policy_.act(observation);
    };
    if constexpr (Inference::kDiscrete) {
      if (!batch) return py::int_(static_cast<long long>(one(0)));
      py::array_t<std::int64_t> actions(rows);
      for (py::ssize_t r = 0; r < rows; ++r) actions.mutable_at(r) = one(r);
      return actions;
    } else {
      using Element = std::conditional_t<Inference::kMultiAction, std::int64_t, float>;
      const ac::Index width = policy_.environment().action_size;
      py::array_t<Element> actions = batch ? py::array_t<Element>({rows, static_cast<py::ssize_t>(width)})
                                           : py::array_t<Element>(static_cast<py::ssize_t>(width));
      Element* out = actions.mutable_data();
      for (py::ssize_t r = 0; r < rows; ++r) {
        const auto action = one(r);
        for (ac::Index i = 0; i < width; ++i) out[r * width + i] = static_cast<Element>(action(i));
      }
      return actions;
    }
  }
  void reset_state() override { policy_.reset_state(); }
  [[nodiscard]] const ac::CheckpointEnvironment& environment() const override { return policy_.environment(); }
  [[nodiscard]] std::string algorithm() const override { return policy_.algorithm(); }
  [[nodiscard]] bool recurrent() const override { return policy_.actor().network().recurrent(); }

 private:
  Inference policy_;
};

/// The policy type a checkpoint holds (ac::with_checkpoint_actor, as actorcritic-export chooses it).
std::unique_ptr<PolicyBase> load_policy(const std::string& path) {
  py::gil_scoped_release release;
  return ac::with_checkpoint_actor(ac::read_run_header(path).header, [&]<class Actor>() -> std::unique_ptr<PolicyBase> {
    return std::make_unique<LoadedPolicy<Actor>>(path);
  });
}

/// Gymnasium's names for the action space: {"kind": "discrete", "n": ...}, {"kind": "box", "shape", "low",
/// "high"}, {"kind": "multi_discrete", "nvec"}, {"kind": "multi_binary", "n"}.
py::dict action_space(const ac::CheckpointEnvironment& e) {
  py::dict space;
  const std::string kind = e.action_kind();
  space["kind"] = kind == "continuous" ? std::string("box") : kind;
  if (kind == "discrete") {
    space["n"] = e.action_size;
  } else if (kind == "multi_discrete") {
    space["nvec"] = e.nvec;
  } else if (kind == "multi_binary") {
    space["n"] = e.action_size;
  } else {
    space["shape"] = py::make_tuple(e.action_size);
    space["low"] = e.action_low;
    space["high"] = e.action_high;
  }
  return space;
}

}  // namespace

PYBIND11_MODULE(_core, m) {
  m.doc() = "actorcritic's compiled core: use the package `actorcritic` (docs/python.md)";
  m.attr("version") = AC_VERSION;

  // Bad input is a ValueError naming it; files an OSError; every other library error a RuntimeError.
  py::register_exception_translator([](std::exception_ptr error) {
    try {
      if (error) std::rethrow_exception(error);
    } catch (const cli::UsageError& e) {
      PyErr_SetString(PyExc_ValueError, e.what());
    } catch (const ac::InvalidArgument& e) {
      PyErr_SetString(PyExc_ValueError, e.what());
    } catch (const ac::IoError& e) {
      PyErr_SetString(PyExc_OSError, e.what());
    }
  });

  m.def("algorithms", [] { return cli::kAlgorithms; });
  m.def("environment_ids", &cli::environment_ids);
  m.def(
      "train",
      [](const std::vector<std::string>& arguments, const py::object& make_env) {
        std::optional<PythonEnvironment> custom;
        if (!make_env.is_none()) custom.emplace(make_env);
        std::string summary;  // the last one: with --seeds, the summary across them
        run_command(
            [&](int argc, char** argv) {
              return cli::train_command(argc, argv, custom ? &custom->row : nullptr,
                                        [&summary](const std::string& json) { summary = json; });
            },
            "actorcritic.train", arguments);
        return summary;
      },
      py::arg("arguments"), py::arg("make_env") = py::none(),
      "Runs actorcritic-train on the flags `arguments` (without the program's name); with make_env, on the\n"
      "Python environments it returns. Returns the run's JSON summary.");
  m.def(
      "evaluate",
      [](const std::vector<std::string>& arguments, const py::object& make_env) {
        std::optional<PythonEnvironment> custom;
        if (!make_env.is_none()) custom.emplace(make_env);
        ac::EvaluationResult result;
        run_command(
            [&](int argc, char** argv) {
              return cli::evaluate_command(argc, argv, &result, false, custom ? &custom->row : nullptr);
            },
            "actorcritic.evaluate", arguments);
        return py::make_tuple(result.mean_return, result.std_return, result.returns);
      },
      py::arg("arguments"), py::arg("make_env") = py::none(),
      "Runs actorcritic-eval on the flags `arguments`; returns (mean, std, returns).");

  py::class_<PolicyBase>(m, "Policy", "A checkpoint's policy, for acting (actorcritic.load).")
      .def("act", &PolicyBase::act, py::arg("observation"),
           "The deterministic action for one observation (int, or a numpy array), or for a batch of\n"
           "observations in rows (a numpy array of actions).")
      .def("reset_state", &PolicyBase::reset_state,
           "A recurrent policy's next act() starts from a zero state (a new episode).")
      .def_property_readonly("observation_dim", [](const PolicyBase& p) { return p.environment().observation_dim; })
      .def_property_readonly("action_space", [](const PolicyBase& p) { return action_space(p.environment()); })
      .def_property_readonly("env_id", [](const PolicyBase& p) { return p.environment().id; })
      .def_property_readonly("algorithm", &PolicyBase::algorithm)
      .def_property_readonly("recurrent", &PolicyBase::recurrent)
      .def_readonly("path", &PolicyBase::path)
      .def("__repr__", [](const PolicyBase& p) {
        return fmt::format("<actorcritic.Policy {} on {} from {}>", p.algorithm(), p.environment().id, p.path);
      });
  m.def("load", &load_policy, py::arg("path"), "The policy of a checkpoint, for acting.");
}
