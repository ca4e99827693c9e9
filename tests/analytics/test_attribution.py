"""Rule-based attribution models over journeys, against hand-computed credit."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from analytics.attribution import (
    Conversion,
    Journey,
    Options,
    Touch,
    attribute_journeys,
    time_decay_weights,
    w_shaped_weights,
)

T0 = datetime(2024, 6, 1, tzinfo=UTC)
RULES = ("first_touch", "last_touch", "linear", "u_shaped")


def at(days: float = 0, hours: float = 0, seconds: float = 0) -> datetime:
    return T0 + timedelta(days=days, hours=hours, seconds=seconds)


def touches(*articles: str, contact: str = "x") -> list[Touch]:
    """One touch a day from T0, in the order given."""
    return [Touch(contact, article, at(days)) for days, article in enumerate(articles)]


def order(when: datetime, value: Decimal | float = 1000, contact: str = "x") -> Conversion:
    return Conversion("order", contact, when, value)


def inquiry(when: datetime, contact: str = "x") -> Conversion:
    return Conversion("inquiry", contact, when)


def credit(journeys: list[Journey], model: str, kind: str = "order", **options) -> dict:
    """{article: (conversions, value)} for one model and conversion kind."""
    result = attribute_journeys(journeys, Options(models=(model,), **options))
    credits = result.models.get(model, {}).get(kind, {})
    return {article: (c.conversions, c.value) for article, c in sorted(credits.items())}


def approx(expected: dict) -> dict:
    return {k: pytest.approx(v, abs=1e-12) for k, v in expected.items()}


# Each case: articles read one a day, then an order worth 1000 the day after the last read.
# one:   every model gives the single touch 1.
# two:   first a, last b; linear 1/2 each; U-shaped 50/50.
# three: linear 1/3 each; U-shaped a 0.4, b 0.2 (the middle gets all 0.2), c 0.4.
# many:  a b a c d (a read twice): linear per touch a 2/5, b c d 1/5;
#        U-shaped first a 0.4 + middle (b, a, c) 0.2/3 each: a 0.4 + 0.2/3 = 0.4667, b 0.0667,
#        c 0.0667, d 0.4.
CASES = {
    "one": (
        ["a"],
        {"first_touch": {"a": 1}, "last_touch": {"a": 1}, "linear": {"a": 1}, "u_shaped": {"a": 1}},
    ),
    "two": (
        ["a", "b"],
        {
            "first_touch": {"a": 1},
            "last_touch": {"b": 1},
            "linear": {"a": 0.5, "b": 0.5},
            "u_shaped": {"a": 0.5, "b": 0.5},
        },
    ),
    "three": (
        ["a", "b", "c"],
        {
            "first_touch": {"a": 1},
            "last_touch": {"c": 1},
            "linear": {"a": 1 / 3, "b": 1 / 3, "c": 1 / 3},
            "u_shaped": {"a": 0.4, "b": 0.2, "c": 0.4},
        },
    ),
    "many": (
        ["a", "b", "a", "c", "d"],
        {
            "first_touch": {"a": 1},
            "last_touch": {"d": 1},
            "linear": {"a": 2 / 5, "b": 1 / 5, "c": 1 / 5, "d": 1 / 5},
            "u_shaped": {"a": 0.4 + 0.2 / 3, "b": 0.2 / 3, "c": 0.2 / 3, "d": 0.4},
        },
    ),
}


@pytest.mark.parametrize("model", RULES)
@pytest.mark.parametrize("case", CASES, ids=str)
def test_position_models_share_one_order_by_hand(case: str, model: str) -> None:
    articles, expected = CASES[case]
    journey = Journey("acme", touches(*articles), [order(at(len(articles)))])

    got = credit([journey], model)

    assert got == approx({a: (share, share * 1000) for a, share in expected[model].items()})


def test_time_decay_halves_the_weight_every_seven_days() -> None:
    # ages 14, 7 and 0 days: weights 1/4, 1/2, 1 → sum 7/4 → shares 1/7, 2/7, 4/7
    journey = Journey("acme", [*touches("a"), Touch("x", "b", at(7)), Touch("x", "c", at(14))],
                      [order(at(14), 700)])  # fmt: skip

    assert credit([journey], "time_decay") == approx(
        {"a": (1 / 7, 100), "b": (2 / 7, 200), "c": (4 / 7, 400)}
    )


def test_time_decay_uses_the_exact_elapsed_time_not_days() -> None:
    # ages 84 hours (3.5 days) and 0: weights 2^-0.5 and 1 → shares 2^-0.5/(1 + 2^-0.5) = √2 − 1
    # and 1/(1 + 2^-0.5) = 2 − √2; whole days (3 or 4) would give 0.4271 or 0.4048 instead.
    journey = Journey("acme", [Touch("x", "a", at(0)), Touch("x", "b", at(hours=84))],
                      [order(at(hours=84), 1)])  # fmt: skip

    assert credit([journey], "time_decay") == approx(
        {"a": (2**0.5 - 1, 2**0.5 - 1), "b": (2 - 2**0.5, 2 - 2**0.5)}
    )
    assert time_decay_weights([0.0, 1.0], half_life=1.0) == [2 / 3, 1 / 3]


def test_time_decay_half_life_is_configurable() -> None:
    # half-life 1 day, ages 1 day and 0: weights 1/2 and 1 → 1/3 and 2/3
    journey = Journey("acme", touches("a", "b"), [order(at(1), 3)])

    got = credit([journey], "time_decay", half_life=timedelta(days=1))

    assert got == approx({"a": (1 / 3, 1), "b": (2 / 3, 2)})


def test_touches_of_every_contact_of_the_company_count_for_its_conversion() -> None:
    # x reads a (day 0) and c (day 2), y reads b (day 1); y orders on day 3:
    # first a (x's read), last c, linear 1/3 each.
    reads = [Touch("x", "a", at(0)), Touch("y", "b", at(1)), Touch("x", "c", at(2))]
    journey = Journey("acme", reads, [order(at(3), 300, contact="y")])

    assert credit([journey], "first_touch") == approx({"a": (1, 300)})
    assert credit([journey], "last_touch") == approx({"c": (1, 300)})
    assert credit([journey], "linear") == approx({"a": (1 / 3, 100), "b": (1 / 3, 100),
                                                  "c": (1 / 3, 100)})  # fmt: skip


def test_companies_are_attributed_separately() -> None:
    # acme's order goes to acme's reads only, beta's to beta's
    acme = Journey("acme", touches("a"), [order(at(1), 100)])
    beta = Journey("beta", touches("b", "c"), [order(at(2), 50)])

    assert credit([acme, beta], "last_touch") == approx({"a": (1, 100), "c": (1, 50)})


def test_only_touches_inside_the_lookback_window_and_not_after_the_conversion_count() -> None:
    # order at day 100; window [day 10, day 100] inclusive at both ends:
    # old: 90 days + 1 s before → out; edge: exactly 90 days before → in;
    # same: at the order's time → in; late: 1 s after → out. Linear: edge 1/2, same 1/2.
    reads = [
        Touch("x", "old", at(10, seconds=-1)),
        Touch("x", "edge", at(10)),
        Touch("x", "same", at(100)),
        Touch("x", "late", at(100, seconds=1)),
    ]
    journey = Journey("acme", reads, [order(at(100), 10)])

    assert credit([journey], "linear") == approx({"edge": (0.5, 5), "same": (0.5, 5)})
    assert credit([journey], "linear", lookback=timedelta(days=30)) == approx({"same": (1, 10)})


def test_a_conversion_without_a_counted_touch_is_unattributed() -> None:
    # the only read is 91 days before the order: nothing is credited, the order is counted
    journey = Journey("acme", [Touch("x", "a", at(0))], [order(at(91), 500)])

    result = attribute_journeys([journey], Options(models=("linear", "markov")))

    assert result.models == {}
    assert (result.totals["order"].conversions, result.totals["order"].value) == (1, 500)
    assert result.totals["order"].unattributed == 1


def test_each_conversion_has_its_own_window_and_inquiries_are_attributed_too() -> None:
    # reads a (day 0), b (day 1); inquiry on day 0 sees a; order on day 1 sees a, b
    journey = Journey("acme", touches("a", "b"), [inquiry(at(0)), order(at(1), 100)])

    assert credit([journey], "last_touch", kind="inquiry") == approx({"a": (1, 0)})
    assert credit([journey], "last_touch") == approx({"b": (1, 100)})


def test_ties_in_time_are_ordered_by_contact_then_article_whatever_the_input_order() -> None:
    # same instant: contact "ann" before "bob" (whatever their articles); same contact: article
    # "m" before "n"
    same = at(1)
    reads = [Touch("bob", "y", same), Touch("ann", "z", same)]
    forward = Journey("acme", reads, [order(at(2), 1)])
    backward = Journey("acme", reads[::-1], [order(at(2), 1)])
    one_reader = Journey("beta", [Touch("c", "n", same), Touch("c", "m", same)], [order(at(2), 1)])

    assert credit([forward], "first_touch") == credit([backward], "first_touch") == {"z": (1, 1)}
    assert credit([forward], "last_touch") == credit([backward], "last_touch") == {"y": (1, 1)}
    assert credit([one_reader], "first_touch") == {"m": (1, 1)}


def test_decimal_values_are_credited() -> None:
    journey = Journey("acme", touches("a", "b"), [order(at(2), Decimal("48000.50"))])

    assert credit([journey], "linear") == approx({"a": (0.5, 24000.25), "b": (0.5, 24000.25)})


# W-shaped, order on the day after the last read, roles first (F), lead creation (L: last read at
# or before the inquiry) and opportunity (O: last read): 0.3 each, the rest share 0.1.
W_CASES = {
    # a b | inquiry | c d e: F=a L=b O=e, c and d share 0.1 → 0.05 each
    "distinct roles": ("a b c d e", 1, {"a": 0.3, "b": 0.3, "c": 0.05, "d": 0.05, "e": 0.3}),
    # a | inquiry | b c d: F=L=a → 0.6; O=d 0.3; b and c 0.05 each
    "first is lead": ("a b c d", 0, {"a": 0.6, "b": 0.05, "c": 0.05, "d": 0.3}),
    # a b c | inquiry: F=a 0.3, L=O=c 0.6, b 0.1
    "lead is opportunity": ("a b c", 2, {"a": 0.3, "b": 0.1, "c": 0.6}),
    # one read holds all three roles: 1
    "one touch": ("a", 0, {"a": 1}),
    # a | inquiry | b: no other touch, each role 1/3: F=L=a 2/3, O=b 1/3
    "two touches": ("a b", 0, {"a": 2 / 3, "b": 1 / 3}),
    # a b | inquiry | c: no other touch, 1/3 each
    "three roles no others": ("a b c", 1, {"a": 1 / 3, "b": 1 / 3, "c": 1 / 3}),
    # a x | inquiry | x: the article x holds L and O (and is read twice): a 1/3, x 2/3
    "article holds two roles": ("a x x", 1, {"a": 1 / 3, "x": 2 / 3}),
}


@pytest.mark.parametrize("case", W_CASES, ids=str)
def test_w_shaped_roles_by_hand(case: str) -> None:
    articles, lead_day, expected = W_CASES[case]
    reads = touches(*articles.split())
    journey = Journey("acme", reads, [inquiry(at(lead_day, hours=1)), order(at(len(reads)), 100)])

    assert credit([journey], "w_shaped") == approx({a: (s, s * 100) for a, s in expected.items()})


def test_w_shaped_lead_is_the_first_inquiry_after_the_first_counted_touch() -> None:
    # inquiry on day -1 precedes every read (no lead touch), so the lead inquiry is day 1's:
    # reads a b c d (days 0-3), inquiries day -1, day 1 and day 2 → L = b; F=a O=d, c gets 0.1
    journey = Journey(
        "acme",
        touches("a", "b", "c", "d"),
        [inquiry(at(-1)), inquiry(at(1, hours=1)), inquiry(at(2, hours=1)), order(at(4), 10)],
    )

    assert credit([journey], "w_shaped") == approx({"a": (0.3, 3), "b": (0.3, 3), "c": (0.1, 1),
                                                    "d": (0.3, 3)})  # fmt: skip
    assert w_shaped_weights(4, 1) == pytest.approx([0.3, 0.3, 0.1, 0.3])


def test_w_shaped_leaves_out_orders_without_an_inquiry_and_inquiries_themselves() -> None:
    # acme orders without any inquiry; beta's only inquiry is before its reads
    acme = Journey("acme", touches("a", "b"), [order(at(2))])
    beta = Journey("beta", touches("c"), [inquiry(at(-1)), order(at(1))])

    result = attribute_journeys([acme, beta], Options(models=("w_shaped", "linear")))

    assert list(result.models) == ["linear"]
    assert credit([acme, beta], "w_shaped", kind="inquiry") == {}


def test_models_come_out_in_the_documented_order_with_inquiries_first() -> None:
    journey = Journey("acme", touches("a"), [order(at(1)), inquiry(at(0, hours=1))])

    result = attribute_journeys([journey])

    assert list(result.models) == ["first_touch", "last_touch", "linear", "time_decay",
                                   "u_shaped", "w_shaped", "markov"]  # fmt: skip
    assert list(result.models["linear"]) == ["inquiry", "order"]
    assert list(result.models["w_shaped"]) == ["order"]


def test_a_conversion_of_another_kind_is_refused() -> None:
    journey = Journey("acme", touches("a"), [Conversion("refund", "x", at(1), 5)])

    with pytest.raises(ValueError, match="an inquiry or an order, not 'refund'"):
        attribute_journeys([journey])
