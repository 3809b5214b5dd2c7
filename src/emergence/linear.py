"""Least-squares pieces that the models and the counterfactuals stages share: the trend design, the residual-maker
matrix and the Newey-West lag rule."""

from __future__ import annotations

import math

import numpy as np


def trend_design(years: np.ndarray) -> np.ndarray:
    """Constant and a trend counted in years from the first one."""
    return np.column_stack([np.ones(len(years)), years - years[0]])


def annihilator(X: np.ndarray) -> np.ndarray:
    """I - X X+: the matrix that turns a series into its OLS residuals on X."""
    return np.eye(len(X)) - X @ np.linalg.pinv(X)


def newey_west_lags(n: int) -> int:
    """Newey and West's (1994) rule of thumb floor(4 (n/100)^(2/9)): 2 lags for n = 15, 3 for n = 29."""
    return int(math.floor(4 * (n / 100) ** (2 / 9)))
