"""The set-based rollups, sessions and share tokens equal the row-by-row reference on a seeded,
random day of a few thousand events, and re-running them changes nothing."""

from datetime import UTC, date, datetime, timedelta

import pytest

from analytics.days import day_bounds
from analytics.identity import link_visitor
from analytics.models import (
    Account,
    Contact,
    DailyRollup,
    RawEvent,
    RollupMark,
    Session,
    ShareToken,
    Visitor,
)
from analytics.processing import process_pending
from analytics.rollups import METRICS, rollup_day
from analytics.sessions import build_sessions
from analytics.shares import register_share_tokens
from analytics.synthetic import Population, insert_synthetic, synthetic_day
from content.models import MaterialIndexPage, MaterialPage, SupplierPage
from tests.analytics.reference_rollups import reference_rollups
from tests.analytics.reference_sessions import reference_sessions
from tests.factories import ArticlePageFactory

DAY = date(2026, 5, 1)
DAYS = (DAY - timedelta(days=1), DAY, DAY + timedelta(days=1))
SESSION_FIELDS = (
    "visitor_id", "started_at", "ended_at", "pageviews", "events", "engaged_ms", "entry_page_id",
    "channel", "source", "share_token",
)  # fmt: skip


@pytest.fixture
def random_day(supplier_a, supplier_b, materials) -> int:
    """Articles of both suppliers, 200 readers (some of three buyer companies, one of them
    known but of no company), and about 4,000 events over three days."""
    names = list(materials)
    articles = []
    for i, parent in enumerate([supplier_a.page, supplier_b.page] * 3):
        article = ArticlePageFactory(parent=parent, title=f"文章{i}")
        article.materials.set([materials[names[i % 6]], materials[names[(i + 2) % 6]]][: i % 3])
        articles.append(article.pk)
    index = MaterialIndexPage.objects.get()
    hubs = [
        index.add_child(
            instance=MaterialPage(title=name, slug=f"hub-{i}", material=materials[name])
        ).pk
        for i, name in enumerate(names[:2])
    ]
    suppliers = list(SupplierPage.objects.values_list("pk", flat=True))
    visitors = [f"reader-{i:03d}" for i in range(200)]
    accounts = [Account.objects.create(name=f"公司{i}") for i in range(3)]
    for i, visitor_id in enumerate(visitors[:120]):
        contact = Contact.objects.create(account=accounts[i % 4] if i % 4 < 3 else None)
        Visitor.objects.create(
            visitor_id=visitor_id, first_seen=day_bounds(DAY)[0], contact=contact
        )
    population = Population([*articles, *hubs, *suppliers, None, 999_999], visitors)
    stored = 0
    for seed, day in enumerate(DAYS):
        stored += insert_synthetic(
            synthetic_day(day, 1_500 if day == DAY else 1_000, population, seed)
        )
    return stored


def _stored_rollups(day: date) -> dict:
    return {
        (r["dimension"], r["key"]): tuple(r[m] for m in METRICS)
        for r in DailyRollup.objects.filter(day=day).values("dimension", "key", *METRICS)
    }


def _stored_sessions(day: date) -> list[tuple]:
    start, end = day_bounds(day)
    rows = Session.objects.filter(started_at__gte=start, started_at__lt=end)
    return sorted(rows.values_list(*SESSION_FIELDS))


def test_the_random_day_has_what_makes_rollups_hard(random_day):
    end = day_bounds(DAY)[1]
    after_midnight = RawEvent.objects.filter(
        occurred_at__gte=end, occurred_at__lt=end + timedelta(hours=1)
    ).exclude(type="pageview")
    assert random_day == RawEvent.objects.count() > 3_500
    assert after_midnight.exists()
    assert RawEvent.objects.filter(type="share").count() > 20
    assert RawEvent.objects.filter(type="pageview").exclude(share_token="").exists()


def test_sql_rollups_equal_the_reference_on_a_random_day(random_day):
    for day in DAYS:
        rollup_day(day)

    for day in DAYS:
        expected = reference_rollups(day)
        assert len(expected) > 15
        assert {k[0] for k in expected} == {
            "site", "article", "supplier", "material", "channel", "account",
        }  # fmt: skip
        assert _stored_rollups(day) == expected


def test_sql_sessions_equal_the_reference_on_a_random_day(random_day):
    for day in DAYS:
        build_sessions(day)

    for day in DAYS:
        expected = sorted(
            tuple(getattr(s, f) for f in SESSION_FIELDS) for s in reference_sessions(day)
        )
        assert len(expected) > 100
        assert _stored_sessions(day) == expected


def test_share_tokens_are_registered_with_the_token_their_sharer_arrived_through(random_day):
    start, end = day_bounds(DAY)
    shares = RawEvent.objects.filter(type="share", occurred_at__gte=start, occurred_at__lt=end)
    arrived = dict(RawEvent.objects.filter(type="pageview").values_list("event_id", "share_token"))
    expected = {s.share_token: arrived.get(s.pageview_id, "") for s in shares}

    assert register_share_tokens(start, end) == len(expected)
    assert register_share_tokens(start, end) == 0

    assert dict(ShareToken.objects.values_list("token", "parent_token")) == expected
    assert any(expected.values())


def test_rerunning_rollups_and_sessions_gives_identical_rows(random_day):
    rollup_day(DAY)
    build_sessions(DAY)
    before = (_stored_rollups(DAY), _stored_sessions(DAY), DailyRollup.objects.count())

    rollup_day(DAY)
    build_sessions(DAY)

    assert (_stored_rollups(DAY), _stored_sessions(DAY), DailyRollup.objects.count()) == before


def _sentinel(day: date, dimension: str, key: str) -> None:
    """Mark a stored row so a recomputation of it shows (views can never be negative)."""
    DailyRollup.objects.filter(day=day, dimension=dimension, key=key).update(views=-1)


def _views(day: date, dimension: str = "site", key: str = "all") -> int | None:
    row = DailyRollup.objects.filter(day=day, dimension=dimension, key=key).first()
    return row.views if row else None


def _arrive(at: datetime, received: datetime, kind: str) -> None:
    """One event of ``kind`` occurring at ``at``, received later (a late batch)."""
    seed = int(received.timestamp())
    row = next(synthetic_day(DAY, 1, Population([None], ["reader-late"]), seed=seed))
    row.update(type=kind, occurred_at=at, received_at=received)
    insert_synthetic(iter([row]))


def test_the_periodic_run_processes_only_the_days_touched_since_its_last_run(random_day):
    for day in DAYS:
        rollup_day(day)
        _sentinel(day, "site", "all")
    mark = datetime(2026, 5, 3, 12, 0, tzinfo=UTC)
    RollupMark.objects.create(received_through=mark)
    local = day_bounds(DAY)[0].tzinfo
    # given: after the mark, a pageview of the last day and, at 03:00 on it, a follow-up that
    # may belong to a pageview of the day before
    _arrive(datetime(2026, 5, 2, 10, 0, tzinfo=local), mark + timedelta(minutes=1), "pageview")
    _arrive(datetime(2026, 5, 2, 3, 0, tzinfo=local), mark + timedelta(minutes=2), "scroll")

    # when
    touched = process_pending(now=mark + timedelta(minutes=5))

    # then: the two days are recomputed exactly, the first day is not touched
    assert touched == [DAY, DAY + timedelta(days=1)]
    assert _views(DAY - timedelta(days=1)) == -1
    for day in touched:
        assert _stored_rollups(day) == reference_rollups(day)
    assert RollupMark.objects.get().received_through == mark + timedelta(minutes=5)

    # a run within the margin looks again; one after it finds nothing and writes nothing
    assert process_pending(now=mark + timedelta(minutes=15)) == touched
    _sentinel(DAY, "site", "all")
    assert process_pending(now=mark + timedelta(minutes=40)) == []
    assert _views(DAY) == -1


def test_the_first_periodic_run_looks_back_to_yesterday(random_day):
    now = day_bounds(DAY + timedelta(days=3))[0] + timedelta(hours=12)

    touched = process_pending(now=now)

    # only the follow-ups reported after the last day's midnight were received since yesterday
    last = DAYS[-1]
    assert touched == [last, last + timedelta(days=1)]
    assert _views(DAY - timedelta(days=1)) is _views(DAY) is None
    assert _stored_rollups(last) == reference_rollups(last)
    assert RollupMark.objects.get().received_through == now


def test_identifying_a_visitor_re_rolls_only_the_companies_it_moved_between(
    random_day, django_capture_on_commit_callbacks
):
    for day in DAYS:
        rollup_day(day)
    moved = Visitor.objects.get(visitor_id="reader-000")  # of the first company
    old, new = moved.contact.account, Account.objects.get(name="公司1")
    untouched = Account.objects.get(name="公司2")
    for day in DAYS:
        _sentinel(day, "site", "all")
        _sentinel(day, "account", str(untouched.pk))

    with django_capture_on_commit_callbacks(execute=True):
        link_visitor("reader-000", Contact.objects.filter(account=new).first(), reason="test")

    for day in DAYS:
        expected = reference_rollups(day)
        stored = _stored_rollups(day)
        for account in (old, new):
            key = ("account", str(account.pk))
            assert stored[key] == expected[key]
        assert _views(day) == _views(day, "account", str(untouched.pk)) == -1
