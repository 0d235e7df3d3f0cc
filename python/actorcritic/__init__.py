"""actorcritic from Python: the C++ library's trainers, evaluation and inference.

    import actorcritic
    result = actorcritic.train("ppo-clip", "CartPole-v1", steps=100_000, seed=1, csv="run.csv", save="run.ckpt")
    print(result["eval_return_mean"])
    policy = actorcritic.load("run.ckpt")
    action = policy.act(observation)          # deterministic, with the run's frozen normalization

train() is actorcritic-train: the same algorithms, environment ids, flags (as
keyword arguments, `_` for `-`), tuned defaults and outputs, run in this
process by the compiled module `actorcritic._core` with the GIL released.
See docs/python.md.
"""

import json
import math
import os

from . import _core

__all__ = ["train", "load", "evaluate", "Policy", "algorithms", "environment_ids", "__version__"]

__version__ = _core.version

#: The algorithms train() accepts (actorcritic-train --algo).
algorithms = list(_core.algorithms())

#: The built-in environment ids train() and evaluate() accept (actorcritic-train --env).
environment_ids = list(_core.environment_ids())

Policy = _core.Policy


def _flag_value(name, value):
    """The command-line text of a keyword argument's value; ValueError naming it otherwise."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return repr(value)  # the shortest text that reads back as the same double
    if isinstance(value, (str, os.PathLike)):
        return os.fspath(value)
    if isinstance(value, (list, tuple)) and value and all(
        isinstance(v, int) and not isinstance(v, bool) for v in value
    ):
        return ",".join(str(v) for v in value)
    raise ValueError(
        f"{name}: expected a bool, an int, a float, a string or a list of ints, got {value!r} ({type(value).__name__})"
    )


def _pythonic(message, names):
    """A command-line error in the names the caller used: `--n-steps: ...` → `n_steps (--n-steps): ...`."""
    for name in names:
        flag = "--" + name.replace("_", "-")
        if message.startswith(flag + ":") or message.startswith(flag + " "):
            return f"{name} ({flag}){message[len(flag):]}"
        if message.startswith("unknown flag " + flag):
            return f"{name}: unknown hyperparameter (no flag {flag}){message[len('unknown flag ' + flag):]}"
    return message


def _run(command, arguments, names):
    try:
        return command(arguments)
    except ValueError as error:
        raise ValueError(_pythonic(str(error), names)) from None


def train(algo, env, steps, seed=0, **hyperparameters):
    """Trains `algo` on the environment `env` for `steps` steps, as actorcritic-train does.

    `env` is a built-in id (environment_ids), or a callable that returns a new environment
    with Gymnasium's API: reset(seed=None) -> (observation, info), step(action) ->
    (observation, reward, terminated, truncated, info), observation_space.shape, and
    action_space.n (discrete) or action_space.shape/.low/.high (continuous). A
    gymnasium.Env works as it is; so does a plain class that only has these. The run
    makes `envs` of them and steps them from C++, holding the GIL only while it calls
    into them; it takes CartPole-v1's defaults for a discrete environment and
    Pendulum-v1's (with gamma 0.99) for a continuous one.

    Every other actorcritic-train flag is a keyword argument with `_` for `-`
    (n_steps=128, learning_rate=3e-4, hidden=[64, 64], normalize_observations=True,
    quiet=True), including the outputs: csv=, save=, plot=, summary=, tensorboard=.
    The defaults are the CLI's, tuned per algorithm and environment.

    Returns the run's summary (the JSON of --summary) as a dict: eval_return_mean,
    eval_return_std, final_mean_return, steps, wall_seconds, steps_per_second,
    config, ... With seeds=[0, 1, 2] (one run per seed), the summary across them:
    eval_return_mean over the seeds and each seed's in "runs". An unknown name or an
    invalid value raises ValueError naming it; a file that cannot be read or written
    raises OSError.
    """
    names = ["algo", "env", "steps", "seed", *hyperparameters]
    make_env = env if callable(env) else None
    if make_env is None and not isinstance(env, str):
        raise ValueError(f"env: expected an environment id or a callable that returns an environment, got {env!r}")
    arguments = ["--algo", _flag_value("algo", algo)]
    if make_env is None:
        arguments += ["--env", _flag_value("env", env)]
    arguments += ["--steps", _flag_value("steps", steps)]
    if hyperparameters.get("seeds") is None:
        arguments += ["--seed", _flag_value("seed", seed)]
    elif seed != 0:
        raise ValueError("seeds: give seed or seeds, not both")
    quiet = bool(hyperparameters.pop("quiet", False))
    for name, value in hyperparameters.items():
        if value is None:
            continue  # the CLI's default
        arguments += ["--" + name.replace("_", "-"), _flag_value(name, value)]
    if quiet:
        arguments.append("--quiet")
    return json.loads(_run(lambda a: _core.train(a, make_env), arguments, names))


def load(path):
    """The policy of a checkpoint (actorcritic-train --save, actorcritic.train(save=...)), for acting.

    policy.act(observation) takes one observation (a 1-D array of observation_dim
    values) or a batch (observations in rows) and returns the deterministic action
    actorcritic-eval takes: an int (discrete), or a numpy array.
    """
    return _core.load(os.fspath(path))


def evaluate(policy, env=None, episodes=20, seed=0, deterministic=True):
    """Mean and std of the returns of `episodes` episodes, as actorcritic-eval computes them.

    `policy` is a checkpoint's path or a Policy from load(); `env` must be the environment
    the policy was trained on: an id (the default: the checkpoint's), or for a policy
    trained on a Python environment, the callable that makes one. Returns a dict with
    mean, std, returns (one per episode) and episodes.
    """
    path = policy.path if isinstance(policy, Policy) else os.fspath(policy)
    arguments = ["--load", path, "--episodes", _flag_value("episodes", episodes), "--seed", _flag_value("seed", seed)]
    arguments += ["--deterministic", _flag_value("deterministic", deterministic)]
    make_env = env if callable(env) else None
    if env is not None and make_env is None:
        arguments += ["--env", _flag_value("env", env)]
    mean, std, returns = _run(lambda a: _core.evaluate(a, make_env), arguments,
                              ["episodes", "seed", "deterministic", "env"])
    return {"mean": mean, "std": std, "returns": list(returns), "episodes": len(returns)}
