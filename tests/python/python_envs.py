"""Environments written in plain Python for the tests and benchmarks/python_speed.py: Gymnasium's API
without Gymnasium (which Debian does not package)."""

import math

import numpy as np


class Space:
    """The attributes of a Gymnasium space that train() reads (no Gymnasium here)."""

    def __init__(self, shape=None, n=None, low=None, high=None):
        if shape is not None:
            self.shape = shape
        if n is not None:
            self.n = n
        if low is not None:
            self.low, self.high = low, high


class PythonCartPole:
    """CartPole-v1 in plain Python, from Gymnasium's equations (classic_control/cartpole.py): float64
    physics, float32 observations, numpy's PCG64 generator, and the 500-step limit gymnasium.make adds."""

    gravity, masscart, masspole, length, force_mag, tau = 9.8, 1.0, 0.1, 0.5, 10.0, 0.02
    total_mass = masspole + masscart
    polemass_length = masspole * length
    theta_threshold = 12 * 2 * math.pi / 360
    x_threshold = 2.4

    def __init__(self):
        high = np.array([self.x_threshold * 2, np.inf, self.theta_threshold * 2, np.inf], dtype=np.float32)
        self.observation_space = Space(shape=(4,), low=-high, high=high)
        self.action_space = Space(n=2)
        self.rng = np.random.default_rng()
        self.state = None
        self.elapsed = 0

    def reset(self, seed=None):
        if seed is not None:
            self.rng = np.random.default_rng(seed)
        self.state = self.rng.uniform(low=-0.05, high=0.05, size=(4,))
        self.elapsed = 0
        return np.array(self.state, dtype=np.float32), {}

    def step(self, action):
        x, x_dot, theta, theta_dot = self.state
        force = self.force_mag if action == 1 else -self.force_mag
        costheta, sintheta = math.cos(theta), math.sin(theta)
        temp = (force + self.polemass_length * (theta_dot * theta_dot) * sintheta) / self.total_mass
        thetaacc = (self.gravity * sintheta - costheta * temp) / (
            self.length * (4.0 / 3.0 - self.masspole * (costheta * costheta) / self.total_mass))
        xacc = temp - self.polemass_length * thetaacc * costheta / self.total_mass
        x, x_dot = x + self.tau * x_dot, x_dot + self.tau * xacc
        theta, theta_dot = theta + self.tau * theta_dot, theta_dot + self.tau * thetaacc
        self.state = np.array([x, x_dot, theta, theta_dot])
        terminated = bool(x < -self.x_threshold or x > self.x_threshold or theta < -self.theta_threshold
                          or theta > self.theta_threshold)
        self.elapsed += 1
        return np.array(self.state, dtype=np.float32), 1.0, terminated, self.elapsed >= 500, {}
