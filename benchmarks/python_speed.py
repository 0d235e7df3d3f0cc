#!/usr/bin/env python3
"""PPO on CartPole-v1 at the zoo configuration (100k steps, actorcritic-train's defaults), timed three ways
in the same run, each run REPEATS times, one at a time:

  cli       actorcritic-train --algo ppo-clip --env CartPole-v1 (the built-in environment)
  python    actorcritic.train("ppo-clip", "CartPole-v1", ...)   (the same, from Python)
  python-env actorcritic.train("ppo-clip", PythonCartPole, ...)  (CartPole in plain Python, stepped from C++)

Each time is the run's own wall_seconds (training and the final evaluation, as the summary reports it).
Prints the medians, steps/s, and the ratios to the CLI's median.

  PYTHONPATH=build/release/python python3 benchmarks/python_speed.py build/release/examples/actorcritic-train [REPEATS]
"""

import json
import os
import statistics
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "python"))

import actorcritic  # noqa: E402
from python_envs import PythonCartPole  # noqa: E402


def cli_run(train, seed, folder):
    summary = os.path.join(folder, f"cli{seed}.json")
    subprocess.run([train, "--algo", "ppo-clip", "--env", "CartPole-v1", "--seed", str(seed), "--quiet", "--summary",
                    summary], check=True, capture_output=True)
    with open(summary) as file:
        return json.load(file)


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    train = sys.argv[1]
    repeats = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    times = {"cli": [], "python": [], "python-env": []}
    returns = {name: [] for name in times}
    steps = 0
    with tempfile.TemporaryDirectory() as folder:
        for seed in range(repeats):
            runs = {
                "cli": lambda: cli_run(train, seed, folder),
                "python": lambda: actorcritic.train("ppo-clip", "CartPole-v1", steps=100_000, seed=seed, quiet=True),
                "python-env": lambda: actorcritic.train("ppo-clip", PythonCartPole, steps=100_000, seed=seed,
                                                        quiet=True),
            }
            for name, run in runs.items():
                summary = run()
                times[name].append(summary["wall_seconds"])
                returns[name].append(summary["eval_return_mean"])
                steps = summary["steps"]
    base = statistics.median(times["cli"])
    print(f"PPO-clip on CartPole-v1, {steps} steps, {repeats} runs each (seeds 0..{repeats - 1}), median wall time:")
    for name, values in times.items():
        median = statistics.median(values)
        print(f"  {name:<11} {median:6.2f} s  {steps / median:9.0f} steps/s  {median / base:5.2f}x the CLI's time  "
              f"(runs {', '.join(f'{v:.2f}' for v in values)}; eval returns {', '.join(f'{r:.0f}' for r in returns[name])})")


if __name__ == "__main__":
    main()
