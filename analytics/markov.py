"""Markov-chain removal-effect attribution, solved exactly as an absorbing chain.

Conventions are ChannelAttribution's (Anderl et al. 2016), so its numbers and ours agree up to its
simulation noise:

- a path's articles become sliding k-gram states (order k): ``a > b > c`` at order 2 is
  ``(a, b) → (b, c)``; a path shorter than k is one state of all its articles;
- consecutive identical states collapse (``a > a > b`` is ``a → b`` at order 1);
- every path, weighted by its conversions + nulls, walks start → its states, and its last state
  moves to conversion (weight: its conversions) and to null (weight: its nulls);
- removing an article sends every transition into a state that contains it to null;
- the removal effect of an article is ``1 − P(conversion without it) / P(conversion)``, which is
  also the share of converting walks that pass through it (what ChannelAttribution simulates);
- a conversion from a state is worth the mean value of the paths that converted from that state,
  and the value removal effect compares expected values the same way;
- credit = removal effect / sum of removal effects × total conversions (value likewise).

Instead of simulating walks we solve the chain: with Q the transient part of the transition
matrix, the expected visits to each state from start are ``n = (I − Qᵀ)⁻¹ e_start``, so
``P(conversion) = n · r`` where r is each state's probability of converting next. One sparse solve
for the full chain and one per article (the chain without that article's states). There is no step
cap, so long paths count in full where ChannelAttribution's simulation stops at the longest path.
"""

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

# Chains up to this many states are solved dense with numpy (an order-1 chain over 25 articles
# takes milliseconds); larger ones sparse with scipy, imported only then: importing
# scipy.sparse costs more than a second, most of an ``attribution --paths`` run.
DENSE_STATES = 300

State = tuple[str, ...]


@dataclass(frozen=True, slots=True)
class PathRow:
    """One aggregated path: its articles in order and how many walks on it converted or not."""

    articles: tuple[str, ...]
    conversions: float
    value: float
    nulls: float = 0.0


@dataclass(frozen=True, slots=True)
class MarkovCredit:
    conversions: float
    value: float
    removal_effect: float
    removal_effect_value: float


@dataclass
class _Chain:
    states: list[State]
    q: object  # transient → transient probabilities (index 0 is start): ndarray or csc_matrix
    to_conversion: np.ndarray  # probability of converting next, per transient state
    conversion_value: np.ndarray  # to_conversion × the mean value of a conversion from the state


def path_states(articles: Sequence[str], order: int) -> list[State]:
    """The k-gram states a path walks through, consecutive identical ones collapsed."""
    if len(articles) <= order:
        windows = [tuple(articles)]
    else:
        windows = [tuple(articles[i : i + order]) for i in range(len(articles) - order + 1)]
    states = [windows[0]]
    for window in windows[1:]:
        if window != states[-1]:
            states.append(window)
    return states


def build_chain(paths: Iterable[PathRow], order: int) -> _Chain:
    """Count the weighted transitions of every path and turn them into probabilities."""
    index: dict[State, int] = {(): 0}
    moves: dict[tuple[int, int], float] = defaultdict(float)
    converted: dict[int, float] = defaultdict(float)
    nulls: dict[int, float] = defaultdict(float)
    values: dict[int, float] = defaultdict(float)
    for path in paths:
        weight = path.conversions + path.nulls
        if weight <= 0 or not path.articles:
            continue
        previous = 0
        for state in path_states(path.articles, order):
            current = index.setdefault(state, len(index))
            moves[previous, current] += weight
            previous = current
        converted[previous] += path.conversions
        nulls[previous] += path.nulls
        values[previous] += path.value
    size = len(index)
    leaving = np.zeros(size)
    for (source, _), weight in moves.items():
        leaving[source] += weight
    for source, weight in converted.items():
        leaving[source] += weight
    for source, weight in nulls.items():
        leaving[source] += weight
    leaving[leaving == 0] = 1.0  # only start can leave nothing (no paths at all)
    pairs = np.array(list(moves), dtype=np.int64).reshape(-1, 2)
    sources, targets = pairs[:, 0], pairs[:, 1]
    weights = np.fromiter(moves.values(), dtype=float, count=len(moves))
    probabilities = weights / leaving[sources]
    if size <= DENSE_STATES:
        q = np.zeros((size, size))
        np.add.at(q, (sources, targets), probabilities)
    else:
        from scipy.sparse import csc_matrix

        q = csc_matrix((probabilities, (sources, targets)), shape=(size, size))
    to_conversion, conversion_value = np.zeros(size), np.zeros(size)
    for source, count in converted.items():
        if count > 0:
            to_conversion[source] = count / leaving[source]
            conversion_value[source] = to_conversion[source] * values[source] / count
    states = sorted(index, key=index.__getitem__)
    return _Chain(states, q, to_conversion, conversion_value)


def _absorbed(chain: _Chain, keep: np.ndarray) -> tuple[float, float]:
    """P(conversion) and expected conversion value from start over the kept states only."""
    q = chain.q[keep][:, keep]
    start = np.zeros(q.shape[0])
    start[0] = 1.0  # start is state 0 and is always kept
    if isinstance(q, np.ndarray):
        visits = np.linalg.solve((np.identity(q.shape[0]) - q).T, start)
    else:
        from scipy.sparse import identity
        from scipy.sparse.linalg import spsolve

        system = (identity(q.shape[0], format="csc") - q).T.tocsc()
        visits = np.atleast_1d(spsolve(system, start))
    return float(visits @ chain.to_conversion[keep]), float(visits @ chain.conversion_value[keep])


def removal_effects(chain: _Chain) -> dict[str, tuple[float, float]]:
    """Each article's removal effect on conversions and on value (one solve per article)."""
    every = np.ones(len(chain.states), dtype=bool)
    conversions, value = _absorbed(chain, every)
    holding: dict[str, list[int]] = defaultdict(list)
    for position, state in enumerate(chain.states):
        for article in set(state):
            holding[article].append(position)
    effects = {}
    for article in sorted(holding):
        keep = every.copy()
        keep[holding[article]] = False
        left, left_value = _absorbed(chain, keep)
        effect = max(0.0, 1.0 - left / conversions) if conversions > 0 else 0.0
        effect_value = max(0.0, 1.0 - left_value / value) if value > 0 else 0.0
        effects[article] = (effect, effect_value)
    return effects


def attribute_markov(paths: Iterable[PathRow], order: int = 1) -> dict[str, MarkovCredit]:
    """Credit per article: removal effect / sum of removal effects × total (conversions, value)."""
    if order not in (1, 2):
        raise ValueError("the Markov order must be 1 or 2")
    paths = list(paths)
    total = sum(path.conversions for path in paths)
    total_value = sum(path.value for path in paths if path.conversions > 0)
    if total <= 0:
        return {}
    effects = removal_effects(build_chain(paths, order))
    effect_sum = sum(effect for effect, _ in effects.values())
    value_sum = sum(effect_value for _, effect_value in effects.values())
    return {
        article: MarkovCredit(
            conversions=effect / effect_sum * total if effect_sum else 0.0,
            value=effect_value / value_sum * total_value if value_sum else 0.0,
            removal_effect=effect,
            removal_effect_value=effect_value,
        )
        for article, (effect, effect_value) in effects.items()
    }
