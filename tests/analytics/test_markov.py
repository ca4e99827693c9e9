"""Exact Markov removal-effect attribution against hand-solved chains."""

from datetime import UTC, datetime, timedelta
from fractions import Fraction

import pytest

from analytics.attribution import Conversion, Journey, Options, Touch, attribute_journeys
from analytics.markov import PathRow, attribute_markov, path_states

T0 = datetime(2024, 6, 1, tzinfo=UTC)

# Three articles, order 1:
#   a > b   1 conversion (value 100), 1 null
#   a > c   1 conversion (value 50)
#   b       1 null
# Transition counts (each path weighted by conversions + nulls):
#   start → a 3, start → b 1;  a → b 2, a → c 1;  b → conv 1, b → null 1 + 1;  c → conv 1
# Probabilities: start a 3/4, b 1/4;  a: b 2/3, c 1/3;  b: conv 1/3, null 2/3;  c: conv 1
# Reaching b: 3/4 · 2/3 + 1/4 = 3/4, reaching c: 3/4 · 1/3 = 1/4
# P(conv) = 3/4 · 1/3 (from b) + 1/4 · 1 (from c) = 1/4 + 1/4 = 1/2
#   without a: only start → b: 1/4 · 1/3 = 1/12         → RE(a) = 1 − (1/12)/(1/2) = 5/6
#   without b: only a → c: 3/4 · 1/3 = 1/4               → RE(b) = 1 − (1/4)/(1/2) = 1/2
#   without c: reach b 3/4 → 3/4 · 1/3 = 1/4             → RE(c) = 1/2
# ΣRE = 11/6; 2 conversions → a 5/6 ÷ 11/6 × 2 = 10/11, b 6/11, c 6/11
# Value: a conversion from b is worth 100 (mean of the paths converting from b), from c 50.
# E[value] = 1/4 · 100 + 1/4 · 50 = 75/2
#   without a: 1/12 · 100 = 25/3      → REv(a) = 1 − (25/3)/(75/2) = 1 − 2/9 = 7/9
#   without b: 1/4 · 50 = 25/2        → REv(b) = 1 − 1/3 = 2/3
#   without c: 1/4 · 100 = 25         → REv(c) = 1 − 2/3 = 1/3
# ΣREv = 16/9; value 150 → a 7/16 × 150 = 65.625, b 6/16 × 150 = 56.25, c 3/16 × 150 = 28.125
HAND_PATHS = [
    PathRow(("a", "b"), 1, 100, 1),
    PathRow(("a", "c"), 1, 50, 0),
    PathRow(("b",), 0, 0, 1),
]
HAND_CREDIT = {
    "a": (Fraction(10, 11), 65.625, Fraction(5, 6), Fraction(7, 9)),
    "b": (Fraction(6, 11), 56.25, Fraction(1, 2), Fraction(2, 3)),
    "c": (Fraction(6, 11), 28.125, Fraction(1, 2), Fraction(1, 3)),
}


def _rows(credits: dict) -> dict:
    return {
        article: (c.conversions, c.value, c.removal_effect, c.removal_effect_value)
        for article, c in credits.items()
    }


def _exact(expected: dict) -> dict:
    return {a: pytest.approx([float(x) for x in row], rel=1e-12) for a, row in expected.items()}


def test_a_hand_solved_three_article_chain() -> None:
    assert _rows(attribute_markov(HAND_PATHS)) == _exact(HAND_CREDIT)


def test_repeated_reads_collapse_so_they_change_nothing_at_order_1() -> None:
    # a > a > b walks a → b, exactly like a > b
    repeated = [PathRow(("a", "a", "b"), 1, 100, 1), *HAND_PATHS[1:]]

    assert _rows(attribute_markov(repeated)) == _exact(HAND_CREDIT)


@pytest.mark.parametrize(
    ("articles", "order", "states"),
    [
        (("a", "b", "c"), 1, [("a",), ("b",), ("c",)]),
        (("a", "a", "b", "b"), 1, [("a",), ("b",)]),
        (("a", "b", "c"), 2, [("a", "b"), ("b", "c")]),
        (("a", "a", "a", "b"), 2, [("a", "a"), ("a", "b")]),
        (("a", "b", "a", "b"), 2, [("a", "b"), ("b", "a"), ("a", "b")]),
        (("a",), 2, [("a",)]),
    ],
    ids=["order 1", "order 1 collapsed", "order 2", "order 2 collapsed", "back-steps", "short"],
)
def test_path_states_are_sliding_k_grams_with_repeats_collapsed(articles, order, states) -> None:
    assert path_states(articles, order) == states


def test_order_2_remembers_where_a_walk_came_from() -> None:
    # a > c converts, b > c does not. Order 1 merges the two c's (c: conv 1/2, null 1/2), so
    # without a: start → b → c: 1/2 · 1/2 = 1/4 of P = 1/2 → RE(a) = 1/2, RE(b) = 1/2, RE(c) = 1.
    # Order 2 keeps states (a,c) (always converts) and (b,c) (never): P = 1/2;
    # without a: 0 → RE(a) = 1; without b: 1/2 → RE(b) = 0; without c: 0 → RE(c) = 1.
    # Credit of 1 conversion: order 1 a 1/4, b 1/4, c 1/2; order 2 a 1/2, b 0, c 1/2.
    paths = [PathRow(("a", "c"), 1, 10, 0), PathRow(("b", "c"), 0, 0, 1)]

    first = attribute_markov(paths, order=1)
    second = attribute_markov(paths, order=2)

    assert {a: c.conversions for a, c in first.items()} == pytest.approx(
        {"a": 0.25, "b": 0.25, "c": 0.5}
    )
    assert {a: (c.conversions, c.removal_effect) for a, c in second.items()} == {
        "a": pytest.approx((0.5, 1.0)),
        "b": pytest.approx((0.0, 0.0)),
        "c": pytest.approx((0.5, 1.0)),
    }


def test_no_conversions_gives_no_credit_and_a_bad_order_is_refused() -> None:
    assert attribute_markov([PathRow(("a",), 0, 0, 3)]) == {}
    with pytest.raises(ValueError, match="order must be 1 or 2"):
        attribute_markov(HAND_PATHS, order=3)


def test_journeys_become_converting_paths_and_the_reads_after_the_last_order_a_null_path() -> None:
    # acme reads a, b, orders (100), then reads c: paths a > b (converted) and c (null).
    # beta reads b and never orders: path b (null).
    # start → a, b, c 1/3 each; a → b; b → conv 1/2, null 1/2; c → null.
    # P = (1/3 + 1/3) · 1/2 = 1/3; without a: 1/6 → RE 1/2; without b: 0 → RE 1;
    # without c: 1/3 → RE 0.  Credit: a 1/3, b 2/3, c 0 (value the same shares of 100).
    day = timedelta(days=1)
    acme = Journey(
        "acme",
        [Touch("x", "a", T0), Touch("x", "b", T0 + day), Touch("x", "c", T0 + 3 * day)],
        [Conversion("order", "x", T0 + 2 * day, 100)],
    )
    beta = Journey("beta", [Touch("y", "b", T0)], [])

    result = attribute_journeys([acme, beta], Options(models=("markov",)))

    assert list(result.models["markov"]) == ["order"]
    assert _rows(result.models["markov"]["order"]) == {
        "a": pytest.approx((1 / 3, 100 / 3, 0.5, 0.5)),
        "b": pytest.approx((2 / 3, 200 / 3, 1.0, 1.0)),
        "c": pytest.approx((0.0, 0.0, 0.0, 0.0), abs=1e-12),
    }


@pytest.mark.parametrize("order", [1, 2], ids=["order-1", "order-2"])
def test_the_dense_and_the_sparse_solve_agree(monkeypatch, order):
    # given: a chain with back-steps, repeats and paths that never convert
    paths = [
        PathRow(("a", "b", "a", "c"), 3, 300, 1),
        PathRow(("b", "b", "c"), 1, 50, 2),
        PathRow(("c", "a"), 0, 0, 4),
        PathRow(("a",), 2, 120, 1),
        PathRow(("d", "c", "b"), 1, 80, 0),
    ]
    dense = attribute_markov(paths, order)

    # when: the same chain solved sparse (scipy), as chains above DENSE_STATES are
    monkeypatch.setattr("analytics.markov.DENSE_STATES", 0)
    sparse = attribute_markov(paths, order)

    # then
    assert set(dense) == set(sparse) == {"a", "b", "c", "d"}
    for article, credit in dense.items():
        assert sparse[article].conversions == pytest.approx(credit.conversions, rel=1e-12)
        assert sparse[article].value == pytest.approx(credit.value, rel=1e-12)
        assert sparse[article].removal_effect == pytest.approx(credit.removal_effect, rel=1e-12)
    assert sum(c.conversions for c in dense.values()) == pytest.approx(7)
