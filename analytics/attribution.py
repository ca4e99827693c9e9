"""Attribution models as pure functions over journeys and aggregated paths (no database).

A journey is every touch of every contact of one buyer company. For each conversion the touches
that count are those at or before its time and no older than the lookback window (both ends
inclusive), ordered by time; touches with the same time are ordered by contact, then article
(string order), so the order never depends on how the input listed them and a database run and
its exported journey file agree.

Rule-based models give each counted touch a weight (the weights of one conversion sum to 1); an
article's credit for a conversion is the sum of its touches' weights, and its value credit is that
share of the conversion's value. Credits are float64, neither rounded nor truncated: a rule-based
credit is exact up to float rounding (~1e-15 relative), so sums over many conversions add up to
the totals; round (to 2 places for CNY) only when displaying or storing.

- first_touch / last_touch: all to the first / last touch.
- linear: 1/n per touch, so an article read twice in four touches gets 2/4.
- time_decay: weight 2^(−age / half-life), age the exact elapsed time before the conversion.
- u_shaped: one touch 1; two touches 1/2 each; more: 0.4 first, 0.4 last, 0.2 shared by the rest.
- w_shaped (orders only): the lead-creation inquiry is the account's earliest inquiry that is at or
  after the order's first counted touch and at or before the order; roles are the first touch, the
  last touch at or before that inquiry (lead creation) and the last touch (opportunity), 0.3 each,
  the touches holding no role share 0.1, a touch holding several roles gets their sum, and with no
  touch outside the roles each role is worth 1/3. Orders without such an inquiry get no W credit.
- markov: see ``analytics.markov``; each conversion's counted touches are a converting path, and
  the touches after an account's last conversion of the kind (those within the lookback window of
  the last of them) are one non-converting path.

A conversion with no counted touch is unattributed under every model (counted in the totals).
"""

from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

from analytics.markov import PathRow, attribute_markov

LOOKBACK = timedelta(days=90)
HALF_LIFE = timedelta(days=7)
INQUIRY, ORDER, CONVERSION = "inquiry", "order", "conversion"
KINDS = (INQUIRY, ORDER, CONVERSION)
MODELS = ("first_touch", "last_touch", "linear", "time_decay", "u_shaped", "w_shaped", "markov")
PATH_MODELS = ("first_touch", "last_touch", "linear", "u_shaped", "markov")


@dataclass(frozen=True, slots=True)
class Touch:
    contact: str
    article: str
    ts: datetime


@dataclass(frozen=True, slots=True)
class Conversion:
    kind: str  # INQUIRY or ORDER
    contact: str
    ts: datetime
    value: Decimal | float = 0


@dataclass(frozen=True, slots=True)
class Journey:
    account: str
    touches: Sequence[Touch]
    events: Sequence[Conversion]


@dataclass(frozen=True, slots=True)
class Options:
    models: Sequence[str] = MODELS
    lookback: timedelta = LOOKBACK
    half_life: timedelta = HALF_LIFE
    markov_order: int = 1


@dataclass(slots=True)
class Credit:
    conversions: float = 0.0
    value: float = 0.0
    removal_effect: float | None = None
    removal_effect_value: float | None = None


@dataclass(slots=True)
class Totals:
    conversions: float = 0.0
    value: float = 0.0
    unattributed: float = 0.0  # conversions with no counted touch


Credits = dict[str, Credit]  # article → credit


@dataclass
class Attribution:
    """model → conversion kind → article → credit, and per kind what there was to attribute."""

    models: dict[str, dict[str, Credits]] = field(default_factory=dict)
    totals: dict[str, Totals] = field(default_factory=dict)


def touch_order(touch: Touch) -> tuple[datetime, str, str]:
    return touch.ts, touch.contact, touch.article


def first_touch_weights(count: int) -> list[float]:
    return [1.0] + [0.0] * (count - 1)


def last_touch_weights(count: int) -> list[float]:
    return [0.0] * (count - 1) + [1.0]


def linear_weights(count: int) -> list[float]:
    return [1.0 / count] * count


def u_shaped_weights(count: int) -> list[float]:
    if count <= 2:
        return [1.0 / count] * count
    return [0.4] + [0.2 / (count - 2)] * (count - 2) + [0.4]


def time_decay_weights(ages: Sequence[float], half_life: float) -> list[float]:
    """Weights 2^(−age / half-life) normalised to 1; ages and half-life in the same unit."""
    raw = [2.0 ** (-age / half_life) for age in ages]
    total = sum(raw)
    return [weight / total for weight in raw]


def w_shaped_weights(count: int, lead: int) -> list[float]:
    """Roles first (0), lead creation (``lead``) and opportunity (last); see the module doc."""
    roles = [0, lead, count - 1]
    others = count - len(set(roles))
    role_share, other_share = (0.3, 0.1 / others) if others else (1.0 / 3.0, 0.0)
    weights = [other_share] * count
    for position in set(roles):
        weights[position] = 0.0
    for position in roles:
        weights[position] += role_share
    return weights


def _add(
    credits: Credits,
    articles: Sequence[str],
    weights: Sequence[float],
    value: float,
    count: float = 1.0,
) -> None:
    """Share ``count`` conversions worth ``value`` in all among the articles by weight."""
    for article, weight in zip(articles, weights, strict=True):
        if weight:
            credit = credits.get(article)
            if credit is None:
                credit = credits[article] = Credit()
            credit.conversions += weight * count
            credit.value += weight * value


@dataclass
class _Timeline:
    """One journey's touches in order, with their times as seconds for bisecting windows."""

    touches: list[Touch]
    seconds: list[float]

    @classmethod
    def of(cls, journey: Journey) -> "_Timeline":
        touches = sorted(journey.touches, key=touch_order)
        return cls(touches, [touch.ts.timestamp() for touch in touches])

    def window(self, at: float, lookback: float) -> tuple[int, int]:
        return bisect_left(self.seconds, at - lookback), bisect_right(self.seconds, at)


def _lead_position(timeline: _Timeline, start: int, at: float, inquiries: list[float]) -> int:
    """Position (from ``start``) of the lead-creation touch, or −1 without a lead inquiry."""
    first = bisect_left(inquiries, timeline.seconds[start])
    if first == len(inquiries) or inquiries[first] > at:
        return -1
    return bisect_right(timeline.seconds, inquiries[first]) - 1 - start


class _Collector:
    """Accumulates the requested rule-based models and Markov paths, conversion by conversion."""

    def __init__(self, options: Options) -> None:
        self.options = options
        self.result = Attribution()
        self.rules = [m for m in options.models if m != "markov"]
        self.paths: dict[str, dict[tuple[str, ...], list[float]]] = defaultdict(dict)
        self.lookback = options.lookback.total_seconds()
        self.half_life = options.half_life.total_seconds()

    def credits(self, model: str, kind: str) -> Credits:
        return self.result.models.setdefault(model, {}).setdefault(kind, {})

    def add_path(self, kind: str, articles: tuple[str, ...], converted: bool, value: float) -> None:
        counts = self.paths[kind].setdefault(articles, [0.0, 0.0, 0.0])
        counts[0 if converted else 2] += 1
        counts[1] += value

    def convert(self, timeline: _Timeline, conversion: Conversion, inquiries: list[float]) -> None:
        if conversion.kind not in (INQUIRY, ORDER):
            raise ValueError(f"a conversion is an inquiry or an order, not {conversion.kind!r}")
        at, value = conversion.ts.timestamp(), float(conversion.value)
        totals = self.result.totals.setdefault(conversion.kind, Totals())
        totals.conversions += 1
        totals.value += value
        start, end = timeline.window(at, self.lookback)
        if start == end:
            totals.unattributed += 1
            return
        articles = [touch.article for touch in timeline.touches[start:end]]
        lead = -1
        if conversion.kind == ORDER and "w_shaped" in self.rules:
            lead = _lead_position(timeline, start, at, inquiries)
        for model in self.rules:
            weights = self.weights(model, timeline, (start, end), at, lead)
            if weights is not None:
                _add(self.credits(model, conversion.kind), articles, weights, value)
        if "markov" in self.options.models:
            self.add_path(conversion.kind, tuple(articles), True, value)

    def weights(
        self, model: str, timeline: _Timeline, window: tuple[int, int], at: float, lead: int
    ) -> list[float] | None:
        """One conversion's touch weights under ``model``; None when the model does not apply."""
        start, end = window
        if model == "time_decay":
            ages = [at - seconds for seconds in timeline.seconds[start:end]]
            return time_decay_weights(ages, self.half_life)
        if model == "w_shaped":
            return w_shaped_weights(end - start, lead) if lead >= 0 else None
        return RULES[model](end - start)

    def leave(self, timeline: _Timeline, kind: str, last_conversion: float | None) -> None:
        """The touches after the last conversion of ``kind``: one path that did not convert."""
        after = 0 if last_conversion is None else bisect_right(timeline.seconds, last_conversion)
        if after == len(timeline.touches):
            return
        start, end = timeline.window(timeline.seconds[-1], self.lookback)
        articles = tuple(touch.article for touch in timeline.touches[max(start, after) : end])
        self.add_path(kind, articles, False, 0.0)


RULES = {
    "first_touch": first_touch_weights,
    "last_touch": last_touch_weights,
    "linear": linear_weights,
    "u_shaped": u_shaped_weights,
}


@dataclass(frozen=True, slots=True)
class TouchWeights:
    """One conversion's counted touches (in order) and their weights under one model."""

    conversion: Conversion
    model: str
    touches: Sequence[Touch]
    weights: Sequence[float]


def conversion_weights(journey: Journey, options: Options = Options()) -> Iterator[TouchWeights]:
    """Every conversion's touch weights under each requested rule-based model (not Markov),
    by the same rules ``attribute_journeys`` sums per article; for storing credit per touch
    (contact, channel) rather than per article. Conversions with no counted touch yield nothing.
    """
    collector = _Collector(options)
    timeline = _Timeline.of(journey)
    events = sorted(journey.events, key=lambda event: event.ts)
    inquiries = [event.ts.timestamp() for event in events if event.kind == INQUIRY]
    for event in events:
        if event.kind not in (INQUIRY, ORDER):
            raise ValueError(f"a conversion is an inquiry or an order, not {event.kind!r}")
        at = event.ts.timestamp()
        start, end = timeline.window(at, collector.lookback)
        if start == end:
            continue
        lead = -1
        if event.kind == ORDER and "w_shaped" in collector.rules:
            lead = _lead_position(timeline, start, at, inquiries)
        touches = timeline.touches[start:end]
        for model in collector.rules:
            weights = collector.weights(model, timeline, (start, end), at, lead)
            if weights is not None:
                yield TouchWeights(event, model, touches, weights)


def attribute_journeys(journeys: Iterable[Journey], options: Options = Options()) -> Attribution:
    """Credit per model, conversion kind and article for every conversion of every journey.

    This is the one entry point for journey files and the database alike: build ``Journey``
    objects (article ids as strings, times timezone-aware) and pass them here. For contact-level
    credit pass one journey per contact instead of one per company.
    """
    collector = _Collector(options)
    for journey in journeys:
        timeline = _Timeline.of(journey)
        events = sorted(journey.events, key=lambda event: event.ts)
        inquiries = [event.ts.timestamp() for event in events if event.kind == INQUIRY]
        for event in events:
            collector.convert(timeline, event, inquiries)
        if "markov" in options.models and timeline.touches:
            for kind in (INQUIRY, ORDER):
                times = [event.ts.timestamp() for event in events if event.kind == kind]
                collector.leave(timeline, kind, times[-1] if times else None)
    result = collector.result
    for kind, paths in collector.paths.items():
        if kind in result.totals:
            rows = [PathRow(articles, *counts) for articles, counts in paths.items()]
            _add_markov(result, kind, rows, options.markov_order)
    result.models = {
        model: {kind: result.models[model][kind] for kind in KINDS if kind in result.models[model]}
        for model in MODELS
        if model in result.models
    }
    return result


def _add_markov(result: Attribution, kind: str, rows: list[PathRow], order: int) -> None:
    credits = attribute_markov(rows, order)
    if credits:
        result.models.setdefault("markov", {})[kind] = {
            article: Credit(c.conversions, c.value, c.removal_effect, c.removal_effect_value)
            for article, c in credits.items()
        }


def attribute_paths(paths: Iterable[PathRow], options: Options = Options()) -> Attribution:
    """ChannelAttribution's aggregated paths: the position-based models (per walk on each path,
    weighted by its conversions) and Markov. Paths carry no times, so no time-decay or W-shaped."""
    rows = list(paths)
    result = Attribution()
    totals = result.totals[CONVERSION] = Totals()
    for row in rows:
        totals.conversions += row.conversions
        totals.value += row.value
    for model in options.models:
        if model in RULES and totals.conversions > 0:
            credits = result.models.setdefault(model, {}).setdefault(CONVERSION, {})
            for row in rows:
                if row.conversions > 0:
                    weights = RULES[model](len(row.articles))
                    _add(credits, row.articles, weights, row.value, row.conversions)
    if "markov" in options.models:
        _add_markov(result, CONVERSION, rows, options.markov_order)
    return result
