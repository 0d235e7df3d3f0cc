"""The Python package `actorcritic` (docs/python.md), run by ctest as `python`.

A run from Python is the CLI's run: the same summary as actorcritic-train with the
same flags, bit for bit apart from the wall time; a loaded policy acts as
actorcritic-eval did on its recorded episodes; evaluate() returns the recorded
episodes' returns; every bad input raises the stated error, naming it.

Environment: AC_TRAIN and AC_EVAL, the paths of actorcritic-train and actorcritic-eval.
"""

import csv
import json
import math
import os
import subprocess
import threading

import numpy as np
import pytest

import actorcritic
from python_envs import PythonCartPole, Space

TRAIN = os.environ["AC_TRAIN"]
EVAL = os.environ["AC_EVAL"]

# Short runs: the checks are about sameness, not about learning.
CARTPOLE = dict(algo="ppo-clip", env="CartPole-v1", steps=4096, seed=3, n_steps=128, hidden=[16, 16])
PENDULUM = dict(algo="ppo-clip", env="Pendulum-v1", steps=4096, seed=5, normalize_observations=True)


def cli_flags(settings):
    flags = []
    for name, value in settings.items():
        flags += ["--" + name.replace("_", "-"), actorcritic._flag_value(name, value)]
    return flags


def without_timing(summary, folder):
    """A summary without its times, and with the run's own folder written as DIR."""
    timing = ("wall_seconds", "steps_per_second", "collect_seconds", "update_seconds")
    text = json.dumps({k: v for k, v in summary.items() if k not in timing})
    return json.loads(text.replace(str(folder), "DIR"))


@pytest.fixture(scope="module")
def cartpole(tmp_path_factory):
    """A CartPole policy trained from Python, with its summary, checkpoint and recorded evaluation."""
    folder = tmp_path_factory.mktemp("cartpole")
    summary = actorcritic.train(**CARTPOLE, save=str(folder / "run.ckpt"), quiet=True)
    record = folder / "record.csv"
    subprocess.run([EVAL, "--load", str(folder / "run.ckpt"), "--episodes", "3", "--seed", "7", "--record",
                    str(record)], check=True, capture_output=True)
    return folder, summary, record


@pytest.fixture(scope="module")
def pendulum(tmp_path_factory):
    folder = tmp_path_factory.mktemp("pendulum")
    actorcritic.train(**PENDULUM, save=str(folder / "run.ckpt"), quiet=True)
    record = folder / "record.csv"
    subprocess.run([EVAL, "--load", str(folder / "run.ckpt"), "--episodes", "2", "--seed", "7", "--record",
                    str(record)], check=True, capture_output=True)
    return folder, record


def recorded(record):
    with open(record, newline="") as file:
        return list(csv.DictReader(file))


def test_the_package_names_its_algorithms_environments_and_version():
    assert "ppo-clip" in actorcritic.algorithms and "trpo" in actorcritic.algorithms
    assert "CartPole-v1" in actorcritic.environment_ids and "PendulumNoVel-v1" in actorcritic.environment_ids
    assert actorcritic.__version__.count(".") == 2


def test_a_run_from_python_is_the_cli_run(tmp_path):
    """The same flags and the same output paths (a checkpoint remembers them): the same summary apart from the
    wall time, and the same checkpoint, byte for byte."""
    outputs = dict(save=str(tmp_path / "run.ckpt"), summary=str(tmp_path / "summary.json"))
    from_python = actorcritic.train(**CARTPOLE, **outputs, quiet=True)
    python_checkpoint = (tmp_path / "run.ckpt").read_bytes()
    for path in outputs.values():
        os.remove(path)
    subprocess.run([TRAIN, *cli_flags({**CARTPOLE, **outputs}), "--quiet"], check=True, capture_output=True)
    with open(tmp_path / "summary.json") as file:
        from_cli = json.load(file)
    assert without_timing(from_python, tmp_path) == without_timing(from_cli, tmp_path)
    assert python_checkpoint == (tmp_path / "run.ckpt").read_bytes()
    assert from_python["steps"] == 4096 and math.isfinite(from_python["eval_return_mean"])


def test_outputs_are_written_where_the_keywords_say(tmp_path):
    result = actorcritic.train("a2c", "CartPole-v1", steps=512, csv=str(tmp_path / "log.csv"),
                               summary=str(tmp_path / "summary.json"), quiet=True, eval_episodes=2)
    assert (tmp_path / "log.csv").stat().st_size > 0
    with open(tmp_path / "summary.json") as file:
        assert json.load(file) == result
    assert result["algo"] == "a2c" and result["eval_episodes"] == 2


def test_a_built_in_environment_trains_with_the_gil_released(tmp_path):
    """While a thread trains, this thread runs Python and sees the CSV log part-way: rows written, not all of
    them. With the GIL held, it could only look before the run starts or after it ends."""
    log = tmp_path / "log.csv"
    thread = threading.Thread(target=actorcritic.train, args=("ppo-clip", "CartPole-v1", 100_000),
                              kwargs=dict(csv=str(log), quiet=True, eval_episodes=1))
    thread.start()
    iterations = 100_096 // 256  # the CSV's rows when the run ends: n_steps 32 x 8 envs per iteration
    seen_part_way = False
    while thread.is_alive() and not seen_part_way:
        if log.exists():
            rows = log.read_text().count("\n") - 1
            seen_part_way = 0 < rows < iterations
    thread.join()
    assert seen_part_way
    assert log.read_text().count("\n") - 1 == iterations


def test_seeds_return_the_summary_across_them():
    result = actorcritic.train("a2c", "CartPole-v1", steps=256, seeds=[4, 7], quiet=True, eval_episodes=2)
    assert result["seeds"] == [4, 7] and [run["seed"] for run in result["runs"]] == [4, 7]
    means = [run["eval_return_mean"] for run in result["runs"]]
    assert result["eval_return_mean"] == pytest.approx(sum(means) / 2, rel=1e-12)
    with pytest.raises(ValueError, match="give seed or seeds"):
        actorcritic.train("a2c", "CartPole-v1", steps=256, seed=1, seeds=[4, 7])


def test_a_loaded_discrete_policy_acts_as_actorcritic_eval_did(cartpole):
    folder, _, record = cartpole
    policy = actorcritic.load(folder / "run.ckpt")
    assert policy.observation_dim == 4 and policy.env_id == "CartPole-v1" and policy.algorithm == "ppo"
    assert policy.action_space == {"kind": "discrete", "n": 2} and not policy.recurrent
    rows = recorded(record)
    observations = np.array([[float(r[f"observation_{i}"]) for i in range(4)] for r in rows], dtype=np.float32)
    expected = [int(r["action_0"]) for r in rows]
    actions = [policy.act(o) for o in observations]
    assert all(isinstance(a, int) for a in actions)
    assert actions == expected
    # A batch in rows gives the same actions, as an int64 array.
    batch = policy.act(observations)
    assert batch.dtype == np.int64 and batch.tolist() == expected
    # float64 and lists are converted.
    assert policy.act(observations[0].astype(np.float64)) == expected[0]
    assert policy.act(observations[0].tolist()) == expected[0]


def test_a_loaded_gaussian_policy_acts_as_actorcritic_eval_did(pendulum):
    folder, record = pendulum
    policy = actorcritic.load(str(folder / "run.ckpt"))
    space = policy.action_space
    assert space["kind"] == "box" and space["shape"] == (1,) and space["low"] == [-2.0] and space["high"] == [2.0]
    rows = recorded(record)
    observations = np.array([[float(r[f"observation_{i}"]) for i in range(3)] for r in rows], dtype=np.float32)
    expected = np.array([[float(r["action_0"])] for r in rows], dtype=np.float32)
    one_by_one = np.array([policy.act(o) for o in observations])
    # The recorded text is the shortest decimal of each float: read back, it is the same float.
    assert np.array_equal(one_by_one, expected)
    assert np.array_equal(policy.act(observations), expected)


def test_evaluate_returns_the_episodes_actorcritic_eval_records(cartpole):
    folder, _, record = cartpole
    result = actorcritic.evaluate(folder / "run.ckpt", episodes=3, seed=7)
    rows = recorded(record)
    returns = [sum(float(r["reward"]) for r in rows if int(r["episode"]) == e) for e in range(3)]
    assert result["episodes"] == 3 and result["returns"] == returns
    assert result["mean"] == pytest.approx(np.mean(returns), rel=1e-12)
    assert result["std"] == pytest.approx(np.std(returns), rel=1e-12)
    policy = actorcritic.load(folder / "run.ckpt")
    assert actorcritic.evaluate(policy, "CartPole-v1", episodes=3, seed=7) == result


def test_bad_input_raises_value_error_naming_it(cartpole):
    folder = cartpole[0]
    cases = [
        (dict(algo="ppo-clip", env="CartPole-v1", steps=100, bogus=1), "bogus"),
        (dict(algo="ppo-clip", env="CartPole-v1", steps=100, n_steps=-4), "n_steps (--n-steps)"),
        (dict(algo="ppo-clip", env="CartPole-v1", steps=100, learning_rate="fast"), "learning_rate"),
        (dict(algo="ppo-clip", env="CartPole-v1", steps=100, hidden={"a": 1}), "hidden: expected a bool"),
        (dict(algo="ppo-clip", env="NoSuchEnv-v0", steps=100), "unknown environment \"NoSuchEnv-v0\""),
        (dict(algo="sarsa", env="CartPole-v1", steps=100), "unknown algorithm \"sarsa\""),
        (dict(algo="ppo-clip", env="CartPole-v1", steps=0), "steps (--steps)"),
    ]
    for arguments, named in cases:
        with pytest.raises(ValueError, match=None) as error:
            actorcritic.train(**arguments, quiet=True)
        assert named in str(error.value), (arguments, str(error.value))

    policy = actorcritic.load(folder / "run.ckpt")
    with pytest.raises(ValueError, match=r"observation: expected 4 values, or a batch .* got shape \(3\)"):
        policy.act(np.zeros(3, dtype=np.float32))
    with pytest.raises(ValueError, match=r"got shape \(2, 5\)"):
        policy.act(np.zeros((2, 5), dtype=np.float32))
    with pytest.raises(ValueError, match="observation: expected finite values"):
        policy.act(np.array([0.0, math.nan, 0.0, 0.0], dtype=np.float32))
    with pytest.raises(ValueError, match="observation row 1: expected finite values"):
        policy.act(np.array([[0, 0, 0, 0], [0, 0, math.inf, 0]], dtype=np.float32))
    with pytest.raises(ValueError, match="episodes"):
        actorcritic.evaluate(folder / "run.ckpt", episodes=0)
    with pytest.raises(OSError, match="trained on CartPole-v1, not Acrobot-v1"):
        actorcritic.evaluate(folder / "run.ckpt", env="Acrobot-v1")
    with pytest.raises(OSError, match="missing.ckpt"):
        actorcritic.load(folder / "missing.ckpt")


def test_a_recurrent_policy_acts_one_observation_at_a_time(tmp_path):
    actorcritic.train("a2c", "CartPoleNoVel-v1", steps=64, envs=2, eval_episodes=1, save=str(tmp_path / "gru.ckpt"),
                      quiet=True)
    policy = actorcritic.load(tmp_path / "gru.ckpt")
    assert policy.recurrent
    observation = np.full(policy.observation_dim, 0.02, dtype=np.float32)
    first = [policy.act(observation) for _ in range(5)]
    policy.reset_state()
    assert [policy.act(observation) for _ in range(5)] == first  # the same episode again, from a zero state
    with pytest.raises(ValueError, match="one observation at a time"):
        policy.act(np.zeros((2, policy.observation_dim), dtype=np.float32))


# --- the user's own environment ---------------------------------------------------------------------------


def test_a_python_cartpole_trains_exactly_as_the_built_in_one(tmp_path):
    """Same equations, same generator, same defaults (CartPole-v1's for a discrete environment):
    the run is the built-in run, step for step, apart from the environment's name."""
    settings = dict(algo="ppo-clip", steps=8192, seed=2, quiet=True)
    from_python = actorcritic.train(env=PythonCartPole, **settings, save=str(tmp_path / "python.ckpt"))
    built_in = actorcritic.train(env="CartPole-v1", **settings, save=str(tmp_path / "built_in.ckpt"))
    assert from_python["env"] == "python:PythonCartPole"
    for key in ("eval_return_mean", "eval_return_std", "eval_returns", "final_mean_return", "steps"):
        assert from_python[key] == built_in[key], key
    policy = actorcritic.load(tmp_path / "python.ckpt")
    assert policy.env_id == "python:PythonCartPole" and policy.action_space == {"kind": "discrete", "n": 2}
    # Evaluated on the Python environment: the built-in policy's episodes on the built-in environment.
    result = actorcritic.evaluate(policy, env=PythonCartPole, episodes=20, seed=4)
    assert result == actorcritic.evaluate(tmp_path / "built_in.ckpt", episodes=20, seed=4)
    with pytest.raises(OSError, match="trained on python:PythonCartPole"):
        actorcritic.evaluate(policy, env="CartPole-v1")


def test_two_threads_train_a_python_cartpole_as_one_does(tmp_path):
    """threads=2 runs PPO's critic on a second C++ thread; the Python environment is still stepped
    from one thread, and the run is the one-thread run, checkpoint byte for byte."""
    settings = dict(algo="ppo-clip", env=PythonCartPole, steps=8192, seed=3, quiet=True)
    one = actorcritic.train(**settings, threads=1, save=str(tmp_path / "run.ckpt"))
    one_bytes = (tmp_path / "run.ckpt").read_bytes()
    two = actorcritic.train(**settings, threads=2, save=str(tmp_path / "run.ckpt"))
    assert (tmp_path / "run.ckpt").read_bytes() == one_bytes
    for key in ("eval_return_mean", "eval_returns", "final_mean_return", "steps"):
        assert two[key] == one[key], key
    with pytest.raises(ValueError, match="threads"):
        actorcritic.train(**settings, threads=3)


def test_ppo_learns_a_python_cartpole_on_a_majority_of_three_seeds():
    """The README's example: 100k steps of PPO at the CLI's defaults reach 475 (measured 10/10 seeds)."""
    results = [actorcritic.train("ppo-clip", PythonCartPole, steps=100_000, seed=s, quiet=True)["eval_return_mean"]
               for s in (0, 1, 2)]
    assert sum(r >= 475 for r in results) >= 2, results


class Reach:
    """A continuous task in plain Python: move a point on a line to 0 (reward -|x|), 50 steps."""

    def __init__(self):
        self.observation_space = Space(shape=(1,))
        self.action_space = Space(shape=(1,), low=np.array([-1.0], dtype=np.float32),
                                  high=np.array([1.0], dtype=np.float32))
        self.rng = np.random.default_rng()

    def reset(self, seed=None):
        if seed is not None:
            self.rng = np.random.default_rng(seed)
        self.x, self.t = self.rng.uniform(-2, 2), 0
        return np.array([self.x], dtype=np.float32), {}

    def step(self, action):
        assert isinstance(action, np.ndarray) and action.shape == (1,) and action.dtype == np.float32
        self.x += 0.1 * float(np.clip(action[0], -1, 1))
        self.t += 1
        return np.array([self.x], dtype=np.float32), -abs(self.x), False, self.t >= 50, {}


@pytest.mark.parametrize("algo", ["rloo", "grpo"])
def test_group_starts_need_an_environment_that_restores_its_state(algo):
    with pytest.raises(RuntimeError, match="python:PythonCartPole: state: a run-time environment does not expose"):
        actorcritic.train(algo, PythonCartPole, steps=1000, quiet=True)


def test_a_continuous_python_environment_trains_a_gaussian_policy(tmp_path):
    result = actorcritic.train("ppo-clip", Reach, steps=20_000, seed=0, quiet=True, save=str(tmp_path / "r.ckpt"))
    untrained = actorcritic.train("ppo-clip", Reach, steps=64 * 8, seed=0, quiet=True, n_steps=64)
    assert result["eval_return_mean"] > untrained["eval_return_mean"] + 10, (result, untrained)
    policy = actorcritic.load(tmp_path / "r.ckpt")
    assert policy.action_space["kind"] == "box" and policy.action_space["low"] == [-1.0]
    assert policy.act(np.array([1.5], dtype=np.float32)).shape == (1,)


class Faulty(Reach):
    """Reach with one thing wrong, chosen by `fault`."""

    fault = None

    def reset(self, seed=None):
        observation, info = super().reset(seed)
        if self.fault == "reset-shape":
            return np.zeros(3, dtype=np.float32), info
        if self.fault == "reset-tuple":
            return observation
        return observation, info

    def step(self, action):
        observation, reward, terminated, truncated, info = super().step(action)
        if self.fault == "nan" and self.t == 3:
            observation = np.array([math.nan], dtype=np.float32)
        if self.fault == "raise" and self.t == 5:
            raise KeyError("the simulator lost its connection")
        return observation, reward, terminated, truncated, info


def faulty(fault):
    return type("Faulty_" + fault.replace("-", "_"), (Faulty,), {"fault": fault})


def test_a_faulty_python_environment_is_named_and_its_own_exception_surfaces():
    run = dict(algo="ppo-clip", steps=512, seed=0, quiet=True, n_steps=64)
    with pytest.raises(ValueError, match=r"python:Faulty_reset_shape: reset: observation: expected an array of shape "
                                         r"\(1,\)"):
        actorcritic.train(env=faulty("reset-shape"), **run)
    with pytest.raises(ValueError, match=r"python:Faulty_reset_tuple: reset: expected \(observation, info\)"):
        actorcritic.train(env=faulty("reset-tuple"), **run)
    with pytest.raises(ValueError, match="python:Faulty_nan: step: observation: expected finite values"):
        actorcritic.train(env=faulty("nan"), **run)
    with pytest.raises(KeyError, match="the simulator lost its connection") as error:
        actorcritic.train(env=faulty("raise"), **run)
    # The traceback reaches into the environment's own code.
    assert any(entry.name == "step" for entry in error.traceback)

    class NoStep:
        observation_space = Space(shape=(1,))
        action_space = Space(n=2)

        def reset(self, seed=None):
            return np.zeros(1, dtype=np.float32), {}

    with pytest.raises(ValueError, match=r"python:NoStep: expected a method step\(\)"):
        actorcritic.train(env=NoStep, **run)

    class NoSpace:
        action_space = Space(n=2)

        def reset(self, seed=None):
            return np.zeros(1, dtype=np.float32), {}

        def step(self, action):
            return np.zeros(1, dtype=np.float32), 0.0, False, False, {}

    with pytest.raises(ValueError, match="python:NoSpace: expected an observation_space"):
        actorcritic.train(env=NoSpace, **run)
    with pytest.raises(ValueError, match="env: expected an environment id or a callable"):
        actorcritic.train(env=3, **run)
