"""Our exact models beside the ChannelAttribution package on a generated set of journeys.

Heuristics must agree to 1e-9. ChannelAttribution estimates the Markov removal effects by
simulating walks (100,000 a fold here, the fold closest to the median reported), so they must
agree within five standard errors of that simulation; both figures are printed side by side
(run with ``-s`` to see them).
"""

import math
import random

import pytest

from analytics.attribution import Options, attribute_paths
from analytics.markov import PathRow

ca = pytest.importorskip("ChannelAttribution", reason="channelattribution is not installed")
pd = pytest.importorskip("pandas")

ARTICLES = [f"a{number}" for number in range(1, 9)]
SIMULATIONS = 1_000_000  # split over ChannelAttribution's 10 folds
FOLDS = 10


def generated_paths(seed: int = 11, journeys: int = 4000) -> dict[str, list[float]]:
    """Journeys of 1-6 reads with repeats and back-steps; some articles convert more often."""
    rng = random.Random(seed)
    paths: dict[str, list[float]] = {}
    for _ in range(journeys):
        reads = [rng.choice(ARTICLES)]
        for _ in range(rng.randint(0, 5)):
            step = rng.random()
            reads.append(reads[-1] if step < 0.1 else reads[-2] if step < 0.2 and len(reads) > 1
                         else rng.choice(ARTICLES))  # fmt: skip
        chance = 0.1 + 0.15 * ("a3" in reads) + 0.1 * (reads[-1] == "a1") + 0.05 * len(reads) / 6
        counts = paths.setdefault(" > ".join(reads), [0, 0.0, 0])
        if rng.random() < chance:
            counts[0] += 1
            counts[1] += rng.choice([8000, 20000, 48000])
        else:
            counts[2] += 1
    return paths


@pytest.fixture(scope="module")
def paths() -> dict[str, list[float]]:
    return generated_paths()


@pytest.fixture(scope="module")
def frame(paths):
    rows = [(path, *counts) for path, counts in paths.items()]
    return pd.DataFrame(
        rows, columns=["path", "total_conversions", "total_conversion_value", "total_null"]
    )


def _ours(paths: dict[str, list[float]], model: str, order: int = 1) -> dict:
    rows = [PathRow(tuple(p.split(" > ")), *counts) for p, counts in paths.items()]
    result = attribute_paths(rows, Options(models=(model,), markov_order=order))
    return result.models[model]["conversion"]


def test_heuristics_equal_channelattribution(paths, frame) -> None:
    theirs = ca.heuristic_models(frame, "path", "total_conversions",
                                 var_value="total_conversion_value")  # fmt: skip
    theirs = theirs.set_index("channel_name")

    for model, name in [("first_touch", "first_touch"), ("last_touch", "last_touch"),
                        ("linear", "linear_touch")]:  # fmt: skip
        ours = _ours(paths, model)
        for article in ARTICLES:
            credit = ours.get(article)
            mine = (credit.conversions, credit.value) if credit else (0.0, 0.0)
            their = (theirs.at[article, f"{name}_conversions"], theirs.at[article, f"{name}_value"])
            assert mine == pytest.approx(their, rel=1e-9, abs=1e-9), (model, article)


@pytest.mark.parametrize("order", [1, 2])
def test_markov_removal_effects_agree_within_the_simulation_error(paths, frame, order) -> None:
    # no step cap (max_step far above the longest path), so both solve the same chain
    theirs = ca.markov_model(
        frame, "path", "total_conversions", var_value="total_conversion_value",
        var_null="total_null", order=order, nsim_start=SIMULATIONS, max_step=1000,
        out_more=True, verbose=False, flg_pro=False,
    )  # fmt: skip
    effects = theirs["removal_effects"].set_index("channel_name")
    credit = theirs["result"].set_index("channel_name")
    ours = _ours(paths, "markov", order)
    total = sum(counts[0] for counts in paths.values())
    walks = SIMULATIONS / FOLDS * total / sum(c[0] + c[2] for c in paths.values())
    effect_sum = sum(c.removal_effect for c in ours.values())

    print(f"\norder {order}: article  RE exact / theirs   RE value   credit exact / theirs")
    for article in ARTICLES:
        mine, their = ours[article], effects.loc[article]
        p = mine.removal_effect
        error = 5 * math.sqrt(p * (1 - p) / walks)  # five standard errors of a simulated share
        print(
            f"  {article}  {p:.5f} / {their.removal_effects_conversion:.5f}"
            f"   {mine.removal_effect_value:.5f} / {their.removal_effects_conversion_value:.5f}"
            f"   {mine.conversions:.3f} / {credit.at[article, 'total_conversions']:.3f}"
        )
        assert their.removal_effects_conversion == pytest.approx(p, abs=error)
        # values are drawn per conversion from {8000, 20000, 48000}: E[v²]/E[v]² = 1.44, plus room
        # for the draw being per state
        value_error = error * math.sqrt(1.8)
        assert their.removal_effects_conversion_value == pytest.approx(
            mine.removal_effect_value, abs=value_error
        )
        credit_error = total * error * (1 + len(ARTICLES) * p / effect_sum) / effect_sum
        assert credit.at[article, "total_conversions"] == pytest.approx(
            mine.conversions, abs=credit_error
        )
