"""The weekly summary email: hand-counted figures, both parts, absolute links, one supplier's
data only, once per user and week, the Monday schedule, and the ``weekly_summary`` command.

The week is Monday 2026-11-02 to Sunday 2026-11-08, the previous one 2026-10-26 to 2026-11-01,
over the dashboard fixtures (tests/analytics/dashboard_data.py) plus the rows ``week`` adds.
"""

import copy
import io
import re
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.management import CommandError, call_command
from django.utils import timezone, translation
from django.utils.translation import gettext
from freezegun import freeze_time
from wagtail.users.models import UserProfile

from analytics.models import AttributionCredit, DailyRollup, Dimension, Inquiry
from analytics.models import WeeklySummaryDelivery as Delivery
from analytics.tasks import send_supplier_weekly_summary, send_weekly_summaries
from analytics.weekly import Week
from cms.celery import app as celery_app
from content.workspaces import add_supplier_user, create_supplier
from tests.analytics.dashboard_data import A1_TITLE, A2_TITLE, B1_TITLE, build_dashboard_data
from tests.analytics.weekly_mail_backend import DropOnceBackend

WEEK = "2026-11-02"
A_ONLY_COMPANY = "亳州康美药材行"
B_ONLY_COMPANY = "云南白药集团采购部"
SHANGHAI = timezone.get_default_timezone()


def _at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=SHANGHAI)


def _inquiry(supplier_id: int, material, company: str, at: datetime) -> Inquiry:
    inquiry = Inquiry.objects.create(
        supplier_id=supplier_id,
        material=material,
        quantity=Decimal("100.000"),
        unit="kg",
        contact_name="采购员",
        company=company,
    )
    Inquiry.objects.filter(pk=inquiry.pk).update(created_at=at)
    return inquiry


@pytest.fixture
def week(supplier_a, supplier_b, materials):
    """The dashboard fixtures, plus: A read on Sunday Nov 8 and on the next Monday (not this
    week); an A inquiry late on Sunday (this week) and one at Monday 00:00 (next week); an
    inquiry only B got; A's credit of 1,234.56 on Sunday; A's second user (English), an
    inactive one and one without an email address."""
    data = build_dashboard_data(supplier_a, supplier_b, materials)
    a, b = data.supplier_a, data.supplier_b
    for day, views, visitors, engaged in ((8, 2, 2, 1), (9, 100, 50, 40)):
        DailyRollup.objects.create(
            day=date(2026, 11, day),
            dimension=Dimension.SUPPLIER,
            key=str(a),
            views=views,
            visitors=visitors,
            engaged_reads=engaged,
        )
    data.late = _inquiry(a, materials["党参"], A_ONLY_COMPANY, _at(8, 23, 30))
    data.next_week = _inquiry(a, materials["人参"], A_ONLY_COMPANY, _at(9, 0))
    data.b_only = _inquiry(b, materials["三七"], B_ONLY_COMPANY, _at(6, 9))
    credit = AttributionCredit.objects.get(model="linear", supplier_id=a, day=date(2026, 11, 4))
    credit.pk, credit.article_id, credit.day = None, data.a2.pk, date(2026, 11, 8)
    credit.value = 1234.56
    credit.save()
    anna = add_supplier_user(supplier_a, "anna", "anna@example.com", None)
    UserProfile.objects.create(user=anna, preferred_language="en")
    gone = add_supplier_user(supplier_a, "gone", "gone@example.com", None)
    gone.is_active = False
    gone.save()
    add_supplier_user(supplier_a, "nomail", "", None)
    return data


def _to(address: str) -> list:
    return [m for m in mail.outbox if m.to == [address]]


def _html(message) -> str:
    [(html, mimetype)] = message.alternatives
    assert mimetype == "text/html"
    return html


def _figure_lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.startswith("- ") and ": " in line][:6]


def test_figures_of_the_week_against_the_previous_week(week):
    send_weekly_summaries.delay(WEEK)

    [message] = _to("alice@example.com")
    new = gettext("new")  # the site's language (Chinese): orders had none the week before
    # views 11 (Nov 3) + 2 (Nov 8) against 6 (Nov 1) + 5 (Oct 30); Nov 9 is next week's
    assert _figure_lines(message.body) == [
        "- 浏览量: 13 (11, +18.2%)",
        "- 读者（按日去重）: 8 (7, +14.3%)",
        "- 深度阅读: 6 (5, +20.0%)",
        # Nov 2, Nov 5 and Sunday 23:30 against Oct 26 (Monday 00:00 is next week's)
        "- 询价: 3 (1, +200.0%)",
        # the paid order of Nov 4; the refunded one of Nov 5 does not count
        f"- 订单: 1 (0, {new})",
        # linear credit 7,200 (Nov 4) + 1,234.56 (Sunday) against 3,000 (Oct 29)
        "- 归因收入: ¥8,434.56 (¥3,000.00, +181.2%)",
    ]
    assert f"1. {A1_TITLE}: 浏览量 8, 深度阅读 4" in message.body
    assert f"2. {A2_TITLE}: 浏览量 3, 深度阅读 1" in message.body
    listed = re.findall(r"^- 2026-\d\d-\d\d .+$", message.body, re.MULTILINE)
    assert listed == [
        "- 2026-11-02 黄芪 100 kg, 华东中药饮片采购中心",
        "- 2026-11-05 当归 100 kg, 华东中药饮片采购中心",
        f"- 2026-11-08 党参 100 kg, {A_ONLY_COMPANY}",
    ]


def test_both_parts_and_every_link_absolute(week):
    send_weekly_summaries.delay(WEEK)

    [message] = _to("alice@example.com")
    html = _html(message)
    site = settings.SITE_URL
    week_range = "start=2026-11-02&end=2026-11-08"
    dashboard = f"{site}/admin/analytics/?{week_range}&supplier={week.supplier_a}"
    inquiry_ids = list(
        Inquiry.objects.filter(supplier_id=week.supplier_a, created_at__gte=_at(2, 0))
        .exclude(pk=week.next_week.pk)
        .order_by("created_at")
        .values_list("pk", flat=True)
    )
    inquiry_links = [f"{site}/admin/inquiries/{pk}/" for pk in inquiry_ids]
    article = f"{site}/admin/analytics/articles/{week.a1.pk}/?{week_range}"
    for part in (message.body, html.replace("&amp;", "&")):
        assert dashboard in part
        assert article in part
        assert all(link in part for link in inquiry_links)
        assert f"{site}/admin/inquiries/" in part
    hrefs = re.findall(r'href="([^"]*)"', html)
    assert len(hrefs) == 7  # 2 articles, 3 inquiries, the inbox, the dashboard
    assert all(href.startswith(f"{site}/") for href in hrefs)
    assert all(url.startswith(f"{site}/") for url in re.findall(r"\S+://\S+", message.body))
    assert '<tr data-kpi="revenue">' in html
    assert "¥8,434.56" in html
    assert "¥3,000.00" in html


def test_one_email_per_active_user_with_an_address_in_their_language(week):
    send_weekly_summaries.delay(WEEK)

    assert sorted(m.to[0] for m in mail.outbox) == [
        "alice@example.com",
        "anna@example.com",
        "bob@example.com",
    ]
    [english] = _to("anna@example.com")
    assert "- Views: 13 (11, +18.2%)" in english.body
    assert "- Attributed revenue: ¥8,434.56 (¥3,000.00, +181.2%)" in english.body
    assert english.subject == ("Weekly summary for 甘肃岷州药业有限公司, 2026-11-02 to 2026-11-08")
    [chinese] = _to("alice@example.com")
    with translation.override("zh-hans"):
        assert chinese.subject == gettext(
            "Weekly summary for %(supplier)s, %(start)s to %(end)s"
        ) % {"supplier": "甘肃岷州药业有限公司", "start": "2026-11-02", "end": "2026-11-08"}
    assert '<html lang="zh-hans">' in _html(chinese)
    assert '<html lang="en">' in _html(english)


def test_a_suppliers_email_holds_nothing_of_another_supplier(week, supplier_a, supplier_b):
    send_weekly_summaries.delay(WEEK)

    [a_mail] = _to("alice@example.com")
    [b_mail] = _to("bob@example.com")
    b_inquiry_link = f"/admin/inquiries/{week.b_only.pk}/"
    for part in (a_mail.subject, a_mail.body, _html(a_mail)):
        assert B1_TITLE not in part
        assert B_ONLY_COMPANY not in part
        assert supplier_b.page.title not in part
        assert b_inquiry_link not in part
        assert f"supplier={week.supplier_b}" not in part
    for part in (b_mail.subject, b_mail.body, _html(b_mail)):
        assert A1_TITLE not in part
        assert A2_TITLE not in part
        assert A_ONLY_COMPANY not in part
        assert supplier_a.page.title not in part
    # B's own week: 9 views on Nov 3, its inquiry, 4,800 of credit
    assert _figure_lines(b_mail.body)[0] == "- 浏览量: 9 (4, +125.0%)"
    assert f"- 2026-11-06 三七 100 kg, {B_ONLY_COMPANY}" in b_mail.body
    assert "¥4,800.00" in b_mail.body


def test_a_retried_or_repeated_run_sends_nobody_twice(week, settings):
    # given a connection that drops on anna's message (after alice's went)
    settings.EMAIL_BACKEND = "tests.analytics.weekly_mail_backend.DropOnceBackend"
    DropOnceBackend.drop_once = {"anna@example.com"}

    # when A's task runs and is retried by its autoretry policy (apply without propagating
    # runs the retry at once), then the whole Monday run is started again
    retried = send_supplier_weekly_summary.apply(args=[week.supplier_a, WEEK], throw=False)
    send_weekly_summaries.delay(WEEK)

    # then the retry sent anna's only, and each user has exactly one
    assert retried.get() == 1
    assert sorted(m.to[0] for m in mail.outbox) == [
        "alice@example.com",
        "anna@example.com",
        "bob@example.com",
    ]
    assert DropOnceBackend.drop_once == set()
    rows = Delivery.objects.order_by("user__username").values_list("user__username", "week_start")
    assert list(rows) == [(n, date(2026, 11, 2)) for n in ("alice", "anna", "bob")]
    assert not Delivery.objects.filter(sent_at__isnull=True).exists()


def test_a_claim_left_by_a_dead_sender_is_taken_over_a_fresh_one_is_not(week, supplier_a):
    alice, anna = (get_user_model().objects.get(username=n) for n in ("alice", "anna"))
    now = timezone.now()
    for user, claimed in ((alice, now - timedelta(minutes=16)), (anna, now - timedelta(minutes=1))):
        Delivery.objects.create(
            supplier=supplier_a.page, user=user, week_start=date(2026, 11, 2), claimed_at=claimed
        )

    send_weekly_summaries.delay(WEEK)

    assert sorted(m.to[0] for m in mail.outbox) == ["alice@example.com", "bob@example.com"]
    assert Delivery.objects.get(user=alice).sent_at is not None
    assert Delivery.objects.get(user=anna).sent_at is None


def test_a_supplier_with_nothing_that_week_gets_the_what_to_do_email(week):
    quiet = create_supplier("四川川贝药材合作社")
    add_supplier_user(quiet, "carol", "carol@example.com", None)

    send_weekly_summaries.delay(WEEK)

    [message] = _to("carol@example.com")
    site = settings.SITE_URL
    names = {"supplier": "四川川贝药材合作社", "start": "2026-11-02", "end": "2026-11-08"}
    no_activity = "No activity for %(supplier)s last week (%(start)s to %(end)s): what to do"
    assert message.subject == gettext(no_activity) % names
    assert f"{site}/admin/pages/{quiet.page.pk}/add_subpage/" in message.body
    assert f"{site}/admin/pages/{quiet.page.pk}/edit/" in message.body
    assert f"supplier={quiet.page.pk}" in message.body
    assert "/admin/inquiries/" not in message.body  # no inquiry list, no inbox
    assert _figure_lines(message.body) == []
    assert "<ol>" in _html(message)


def test_the_monday_task_summarises_the_week_that_ended_in_shanghai():
    # Monday 00:30 in Shanghai is still Sunday in UTC: the week that ended is Nov 2 to 8.
    with freeze_time("2026-11-08T16:30:00Z"):
        assert Week.last_full() == Week(date(2026, 11, 2))
    assert Week.last_full(date(2026, 11, 15)) == Week(date(2026, 11, 2))  # a Sunday
    assert Week.of(date(2026, 11, 8)).start == date(2026, 11, 2)
    assert Week(date(2026, 11, 2)).end == date(2026, 11, 8)


def test_beat_runs_a_real_task_on_monday_at_eight_in_shanghai():
    entry = settings.CELERY_BEAT_SCHEDULE["analytics-weekly-summary"]
    celery_app.loader.import_default_modules()
    assert entry["task"] in celery_app.tasks
    assert celery_app.tasks[entry["task"]] is send_weekly_summaries._get_current_object()
    schedule = copy.copy(entry["schedule"])
    schedule.app = celery_app
    last_run = datetime(2026, 11, 2, 8, 0, tzinfo=SHANGHAI)

    def due_at(utc: str) -> bool:
        schedule.nowfun = lambda: datetime.fromisoformat(utc)
        return schedule.is_due(last_run).is_due

    assert not due_at("2026-11-08T23:59:00+00:00")  # Monday 07:59 in Shanghai
    assert due_at("2026-11-09T00:00:00+00:00")  # Monday 08:00 in Shanghai
    assert not due_at("2026-11-08T08:00:00+00:00")  # Sunday 16:00 in Shanghai


def _command(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("weekly_summary", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_preview_prints_the_text_part_and_sends_nothing(week, supplier_a, tmp_path):
    html_file = tmp_path / "week.html"

    out, _ = _command("--supplier", supplier_a.page.slug, "--week", "2026-11-05", "--preview")
    _command("--supplier", str(supplier_a.page.pk), "--week", WEEK, "--html", str(html_file))

    assert "- 浏览量: 13 (11, +18.2%)" in out
    assert out.startswith("Subject: ")
    html = html_file.read_text()
    assert '<tr data-kpi="revenue">' in html
    assert "<strong>¥8,434.56</strong>" in html
    assert mail.outbox == []
    assert not Delivery.objects.exists()


def test_send_to_the_suppliers_users_once_and_to_an_override_address(week, supplier_a):
    first, _ = _command("--supplier", supplier_a.page.slug, "--week", WEEK)
    again, _ = _command("--supplier", supplier_a.page.slug, "--week", WEEK)
    _command("--supplier", supplier_a.page.slug, "--week", WEEK, "--to", "qa@example.com")

    assert first.endswith("2026-11-02 to 2026-11-08: 2 sent, 0 already sent before\n")
    assert again.endswith("2026-11-02 to 2026-11-08: 0 sent, 2 already sent before\n")
    assert [m.to for m in mail.outbox] == [
        ["alice@example.com"],
        ["anna@example.com"],
        ["qa@example.com"],
    ]
    assert Delivery.objects.count() == 2


@pytest.mark.parametrize(
    ("args", "error"),
    [
        (["--supplier", "no-such-supplier"], "--supplier no-such-supplier: no such supplier"),
        (["--supplier", "999999"], "--supplier 999999: no such supplier"),
        (["--week", "2026-13-01"], "--week 2026-13-01: not a date"),
        (["--week", "last week"], "--week last week: not a date"),
        (["--week", "2099-01-01"], "--week 2099-01-01: the week 2098-12-29 to 2099-01-04 is not"),
        (["--preview"], "--supplier is required with --preview"),
        (["--to", "qa@example.com", "--preview"], "--to sends the email; it cannot go with"),
    ],
    ids=["unknown-slug", "unknown-id", "month-13", "words", "week-not-over", "preview-all", "to"],
)
def test_bad_options_are_named_and_nothing_is_sent(week, args, error):
    with pytest.raises(CommandError) as raised:
        _command(*args)

    assert str(raised.value).startswith(error)
    assert mail.outbox == []
    assert not Delivery.objects.exists()


def test_to_must_be_an_address(week, supplier_a):
    with pytest.raises(CommandError, match=r"^--to not-an-address: not an email address$"):
        _command("--supplier", supplier_a.page.slug, "--to", "not-an-address")

    assert mail.outbox == []
