#!/usr/bin/env python3
"""The group baselines (RLOO, GRPO) against REINFORCE (recentred) and PPO-clip, with actorcritic-train's defaults apart from one budget per
environment: steps to the threshold (the first periodic evaluation, 20 deterministic episodes, at or above it)
and the final evaluation, over seeds 0..SEEDS-1, one run at a time.

  python3 benchmarks/group_baselines.py build/release/examples/actorcritic-train [SEEDS]
"""

import json
import os
import statistics
import subprocess
import sys
import tempfile

# environment: (budget, evaluation period, threshold: Gymnasium's reward_threshold)
ENVIRONMENTS = {"CartPole-v1": (500_000, 10_000, 475.0), "Acrobot-v1": (500_000, 20_000, -100.0)}
ALGORITHMS = ["reinforce", "rloo", "grpo", "ppo-clip"]


def run(train, algo, env, seed, folder):
    budget, every, _ = ENVIRONMENTS[env]
    summary = os.path.join(folder, f"{algo}-{env}-{seed}.json")
    subprocess.run([train, "--algo", algo, "--env", env, "--seed", str(seed), "--steps", str(budget),
                    "--eval-every", str(every), "--quiet", "--summary", summary], check=True, capture_output=True)
    with open(summary) as file:
        return json.load(file)


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    train = sys.argv[1]
    seeds = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    print(f"| algorithm | environment | steps to threshold (median; seeds reaching it) | final evaluation "
          f"(mean ± std over {seeds} seeds) | wall time per run |")
    print("|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as folder:
        for env, (budget, _, threshold) in ENVIRONMENTS.items():
            for algo in ALGORITHMS:
                reached, finals, walls = [], [], []
                for seed in range(seeds):
                    summary = run(train, algo, env, seed, folder)
                    hits = [e["steps"] for e in summary["evaluations"] if e["mean_return"] >= threshold]
                    if hits:
                        reached.append(hits[0])
                    finals.append(summary["eval_return_mean"])
                    walls.append(summary["wall_seconds"])
                median = f"{statistics.median(reached):,.0f}" if reached else "—"
                spread = statistics.pstdev(finals)
                print(f"| {algo} | {env} ({budget:,} steps) | {median} ({len(reached)}/{seeds}) | "
                      f"{statistics.mean(finals):.1f} ± {spread:.1f} | {statistics.mean(walls):.1f} s |", flush=True)


if __name__ == "__main__":
    main()
