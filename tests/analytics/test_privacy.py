"""PIPL requests: a person's export holds every table that stores them, and an erase leaves no
datum of theirs in any table; the retention purge of raw events and search logs."""

import json
import uuid
from datetime import date, timedelta
from decimal import Decimal
from urllib.parse import quote, quote_plus

import pytest
from django.apps import apps
from django.contrib.sessions.models import Session as LoginSession
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, models
from django.db.models import Q
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time
from wagtail.models import ModelLogEntry
from wagtail.rich_text import RichText

from analytics.backfill import import_events
from analytics.conversions import InquiryOrigin, record_inquiry, validate_inquiry
from analytics.identity import identify
from analytics.models import (
    Contact,
    DailyRollup,
    IdentityChange,
    Inquiry,
    Order,
    RawEvent,
    RetentionPurge,
    Session,
    ShareToken,
    Visitor,
)
from analytics.orders import record_order, validate_order
from analytics.privacy import (
    PrivacyError,
    erase_contact,
    export_contact,
    purge_expired,
    purge_raw_events,
)
from analytics.processing import process_day
from analytics.tasks import purge_expired_events
from search.indexing import index_pages
from search.models import SearchClick, SearchLog
from tests.factories import ArticlePageFactory, MaterialFactory

pytestmark = pytest.mark.django_db

DAY = date(2026, 5, 1)
EMAIL = "ouyang.lan@erase-buyer.cn"
PHONE = "13912345678"
NAME = "欧阳岚"
USERNAME = "ouyang-lan-buyer"
BROWSERS = ("visitor-ouyang-a", "visitor-ouyang-b", "visitor-ouyang-c", "visitor-ouyang-d")
QUERIES = ("岷县黄芪欧阳采购单", "当归欧阳询价")
OTHER_EMAIL, OTHER_BROWSER, OTHER_QUERY = "keep@other-buyer.cn", "visitor-other-1", "黄芪他人询价"
SHARE = "tok-ouyang-share"


def _event(visitor: str, minute: int, type_: str = "pageview", **fields) -> dict:
    return {"event_id": str(uuid.uuid4()), "type": type_, "visitor_id": visitor,
            "url": "http://localhost/a/", "ts": f"2026-05-01T10:{minute:02d}:00+08:00",
            **fields}  # fmt: skip


def _read(visitor: str, minute: int, **fields) -> None:
    assert import_events([json.dumps(_event(visitor, minute, **fields))]).stored == 1


def _indexed_article(supplier):
    page = ArticlePageFactory(
        parent=supplier.page, title="岷县黄芪统货", body=[("paragraph", RichText("<p>黄芪</p>"))]
    )
    page.save_revision().publish()
    index_pages([page.pk])
    return page


@pytest.fixture
def person(client, supplier_a, materials, django_user_model) -> Contact:
    """One buyer stored in every place the platform keeps people: browsers reading and sharing,
    searches and a result click, two contacts merged into one, a login and its session, an
    order; beside another buyer who must come through an erase untouched."""
    browser_a, browser_b, browser_c, browser_d = BROWSERS
    share_view = _event(browser_a, 0)
    share = _event(browser_a, 1, "share", pageview_id=share_view["event_id"],
                   share_token=SHARE, method="wechat")  # fmt: skip
    assert import_events(json.dumps(e) for e in (share_view, share)).stored == 2
    _read(browser_b, 5)
    _read(browser_c, 8)
    _read(browser_d, 9, ts="2026-05-02T09:00:00+08:00")  # logged in on a day not processed yet
    _read(OTHER_BROWSER, 10, url=f"http://localhost/a/?s={SHARE}", share_token=SHARE)
    user = django_user_model.objects.create_user(USERNAME, EMAIL, "x", first_name=NAME)
    RawEvent.objects.filter(visitor_id__in=[browser_c, browser_d]).update(user_id=user.pk)
    page = _indexed_article(supplier_a)
    client.get("/search/", {"q": QUERIES[0]}, HTTP_COOKIE=f"yy_vid={browser_a}")
    client.get("/api/v1/search/", {"q": QUERIES[1]}, HTTP_COOKIE=f"yy_vid={browser_b}")
    client.get("/search/", {"q": "黄芪"}, HTTP_COOKIE=f"yy_vid={browser_a}")
    client.get("/search/", {"q": "党参"}, HTTP_COOKIE=f"yy_vid={browser_d}")
    client.get("/search/", {"q": f"黄芪 联系 {PHONE}"})  # no cookie, but their own number
    client.get("/search/", {"q": OTHER_QUERY}, HTTP_COOKIE=f"yy_vid={OTHER_BROWSER}")
    log = SearchLog.objects.get(query="黄芪")
    client.get("/search/go/", {"log": log.pk, "page": page.pk, "pos": 0})
    by_email = identify(browser_a, email=EMAIL, name=NAME)
    identify(browser_b, phone=PHONE, name=NAME)
    identify(browser_b, email=EMAIL, phone=PHONE)  # the phone's contact merges into the email's
    identify(OTHER_BROWSER, email=OTHER_EMAIL)
    _inquire(page, browser_b)
    _order(supplier_a)
    process_day(DAY)  # links browser_c through the login, builds sessions and share tokens
    client.force_login(user)
    client.get("/")
    by_email.refresh_from_db()  # the login filled in its user
    _edit_in_the_admin(by_email, django_user_model)
    return by_email


def _edit_in_the_admin(contact: Contact, django_user_model) -> None:
    """Staff correct the contact in the admin: Wagtail logs the edit under the contact's name."""
    staff = Client()
    staff.force_login(django_user_model.objects.create_superuser("privacy-staff", "s@yaoyun.cn"))
    response = staff.post(
        reverse("buyer_contacts:edit", args=[contact.pk]),
        {"name": NAME, "email": EMAIL, "phone": "", "account": contact.account_id},
    )
    assert response.status_code == 302, response.content[:2000]
    assert ModelLogEntry.objects.filter(label__contains=NAME).exists()


def _inquire(page, browser: str) -> Inquiry:
    """An inquiry they sent from the article, with their details in the message as well."""
    MaterialFactory(name="黄芪")
    cleaned, errors = validate_inquiry({
        "material": "黄芪", "quantity": "500", "unit": "kg", "contact_name": NAME,
        "company": "欧阳药材行", "phone": PHONE, "email": EMAIL, "page_id": page.pk,
        "message": f"{NAME}：请回电 {PHONE}",
    })  # fmt: skip
    assert errors == []
    inquiry, created = record_inquiry(cleaned, InquiryOrigin(browser, "203.0.113.9"))
    assert created
    Inquiry.objects.filter(pk=inquiry.pk).update(notes=f"已电话联系{NAME}")
    return inquiry


def _order(supplier) -> None:
    data, errors = validate_order({
        "order_id": "DD-ERASE-1", "buyer_company": "欧阳采购药业", "contact_email": EMAIL,
        "contact_phone": f"+86 {PHONE}", "supplier": supplier.page.title, "material": "黄芪",
        "quantity": "200", "unit": "kg", "amount": "19800", "order_date": "2026-05-01",
        "status": "paid",
    })  # fmt: skip
    assert errors == []
    record_order(data, "csv")


def _forms(datum: str, field: models.Field) -> list[str]:
    """The ways a datum can be written into a column: as typed, URL-encoded, JSON-escaped."""
    if isinstance(field, models.JSONField):
        return [datum, json.dumps(datum)[1:-1]]
    return [datum, quote(datum), quote_plus(datum)]


def _match(field: models.Field, datum: str) -> Q | None:
    if isinstance(field, models.UUIDField):
        try:
            return Q(**{field.attname: uuid.UUID(datum)})
        except ValueError:
            return None
    if isinstance(field, models.CharField | models.TextField | models.JSONField):
        found = Q()
        for form in _forms(datum, field):
            found |= Q(**{f"{field.attname}__icontains": form})
        return found
    return None


def rows_holding(data: list[str]) -> dict[str, dict]:
    """Every row of every table with a text, JSON or UUID column holding one of the data:
    {model label: {pk: [(field, datum), …]}}. New tables are searched without a change here."""
    found: dict[str, dict] = {}
    tables = set(connection.introspection.table_names())
    for model in apps.get_models(include_auto_created=True):
        if model._meta.proxy or model._meta.db_table not in tables:
            continue
        for field in model._meta.concrete_fields:
            for datum in data:
                match = _match(field, datum)
                if match is None:
                    continue
                pks = model._base_manager.filter(match).values_list("pk", flat=True)
                for pk in pks:
                    rows = found.setdefault(model._meta.label, {})
                    rows.setdefault(pk, []).append((field.name, datum))
    return found


def _data() -> list[str]:
    return [EMAIL, PHONE, NAME, USERNAME, *BROWSERS, *QUERIES]


def _logins_of(user_id: int) -> int:
    return sum(
        s.get_decoded().get("_auth_user_id") == str(user_id) for s in LoginSession.objects.all()
    )


def test_export_holds_every_row_of_every_table_that_stores_the_person(person):
    holding = rows_holding(_data())

    exported = export_contact(person)

    assert {
        "analytics.Contact",
        "analytics.Visitor",
        "analytics.RawEvent",
        "analytics.Session",
        "analytics.IdentityChange",
        "analytics.ShareToken",
        "analytics.Inquiry",
        "analytics.Order",
        "search.SearchLog",
        "auth.User",
        "wagtailcore.ModelLogEntry",
    } <= set(holding)  # fmt: skip  (the scan does find them)
    for label, rows in holding.items():
        model = apps.get_model(label)
        exported_pks = {row[model._meta.pk.attname] for row in exported["tables"].get(label, [])}
        assert set(rows) <= exported_pks, f"{label} rows {rows} are missing from the export"
    tables = exported["tables"]
    assert [(c["email"], c["phone"]) for c in tables["analytics.Contact"]] == [
        (EMAIL, None), (None, PHONE),
    ]  # fmt: skip
    assert sorted(v["visitor_id"] for v in tables["analytics.Visitor"]) == list(BROWSERS[:3])
    assert sorted({e["visitor_id"] for e in tables["analytics.RawEvent"]}) == list(BROWSERS)
    assert sorted(s["query"] for s in tables["search.SearchLog"]) == sorted(
        [*QUERIES, "黄芪", "党参", f"黄芪 联系 {PHONE}"]
    )
    assert [(c["page_id"], c["position"]) for c in tables["search.SearchClick"]] == [
        (SearchClick.objects.get().page_id, 0)
    ]
    assert [u["username"] for u in tables["auth.User"]] == [USERNAME]
    assert [
        (o["order_id"], o["contact_email"], o["contact_phone"]) for o in tables["analytics.Order"]
    ] == [("DD-ERASE-1", EMAIL, f"+86{PHONE}")]
    assert "password" not in tables["auth.User"][0]
    assert exported["person"] == {
        "emails": [EMAIL], "phones": [PHONE], "names": [NAME], "company": "erase-buyer.cn",
    }  # fmt: skip
    json.dumps(exported)  # serialisable as it is


def test_erase_leaves_no_datum_of_the_person_in_any_table(
    person, django_capture_on_commit_callbacks
):
    user_id = person.user_id
    change_ids = set(
        IdentityChange.objects.filter(contact=person).values_list("change_id", flat=True)
    )
    other_before = {
        "contact": Contact.objects.filter(email=OTHER_EMAIL).count(),
        "events": RawEvent.objects.filter(visitor_id=OTHER_BROWSER).count(),
        "searches": SearchLog.objects.filter(visitor_id=OTHER_BROWSER, query=OTHER_QUERY).count(),
        "links": IdentityChange.objects.filter(visitor_id=OTHER_BROWSER).count(),
    }
    assert _logins_of(user_id) == 1

    with django_capture_on_commit_callbacks(execute=True):
        counts = erase_contact(person)

    assert rows_holding(_data()) == {}
    assert counts["analytics.Contact"] == 2  # the survivor and the contact merged into it
    assert counts["search.SearchLog"] == 5
    assert counts["search.SearchClick"] == 1
    assert counts["analytics.Inquiry"] == 1
    assert counts["auth.User"] == 1
    assert counts["sessions.Session"] == 1
    assert not IdentityChange.objects.filter(change_id__in=change_ids).exists()
    assert _logins_of(user_id) == 0
    assert ShareToken.objects.get(token=SHARE).sharer_visitor_id == "erased"
    kept = Inquiry.objects.values(
        "material__name",
        "quantity",
        "company",
        "contact_name",
        "phone",
        "email",
        "message",
        "notes",
        "contact",
        "visitor_id",
    )
    assert list(kept) == [{"material__name": "黄芪", "quantity": 500, "company": "欧阳药材行",
                           "contact_name": "", "phone": "", "email": "", "message": "",
                           "notes": "", "contact": None, "visitor_id": ""}]  # fmt: skip
    # the order is the buyer company's and the supplier's record: kept, without the person
    assert counts["analytics.Order"] == 1
    assert list(
        Order.objects.values_list(
            "order_id", "contact", "contact_email", "contact_phone", "amount", "account__name"
        )
    ) == [("DD-ERASE-1", None, "", "", Decimal("19800.00"), "erase-buyer.cn")]
    assert (
        other_before
        == {
            "contact": Contact.objects.filter(email=OTHER_EMAIL).count(),
            "events": RawEvent.objects.filter(visitor_id=OTHER_BROWSER).count(),
            "searches": SearchLog.objects.filter(
                visitor_id=OTHER_BROWSER, query=OTHER_QUERY
            ).count(),
            "links": IdentityChange.objects.filter(visitor_id=OTHER_BROWSER).count(),
        }
        == {"contact": 1, "events": 1, "searches": 1, "links": 1}
    )


REFUSE_USER_DELETE = {
    "sqlite": [
        "CREATE TRIGGER test_refuse_user_delete BEFORE DELETE ON auth_user "
        "BEGIN SELECT RAISE(ABORT, 'refused by test'); END"
    ],
    "postgresql": [
        "CREATE FUNCTION test_refuse() RETURNS trigger LANGUAGE plpgsql AS "
        "$$ BEGIN RAISE EXCEPTION 'refused by test'; END $$",
        "CREATE TRIGGER test_refuse_user_delete BEFORE DELETE ON auth_user "
        "FOR EACH ROW EXECUTE FUNCTION test_refuse()",
    ],
}


def test_an_erase_that_fails_at_its_last_step_leaves_everything_as_it_was(person):
    # given: the database refuses the last deletion (the login), after every other table's
    before = rows_holding(_data())
    with connection.cursor() as cursor:
        for statement in REFUSE_USER_DELETE[connection.vendor]:
            cursor.execute(statement)

    with pytest.raises(DatabaseError, match="refused by test"):
        erase_contact(person)

    assert rows_holding(_data()) == before
    assert SearchClick.objects.count() == 1
    assert ShareToken.objects.get(token=SHARE).sharer_visitor_id == BROWSERS[0]


def test_erase_re_rolls_the_days_the_person_read_on(person, django_capture_on_commit_callbacks):
    assert DailyRollup.objects.get(day=DAY, dimension="site").views == 4

    with django_capture_on_commit_callbacks(execute=True):
        erase_contact(person)

    site = DailyRollup.objects.get(day=DAY, dimension="site")
    assert (site.views, site.visitors) == (1, 1)  # only the other buyer's read is left
    assert list(Session.objects.values_list("visitor_id", flat=True)) == [OTHER_BROWSER]


def test_erasing_twice_is_harmless(person, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        erase_contact(person)
    left = {m._meta.label: m.objects.count() for m in (Contact, RawEvent, SearchLog, Visitor)}

    with django_capture_on_commit_callbacks(execute=True):
        again = erase_contact(person)

    assert set(again.values()) == {0}
    assert left == {
        m._meta.label: m.objects.count() for m in (Contact, RawEvent, SearchLog, Visitor)
    }


def test_erasing_the_contact_merged_away_erases_the_whole_person(person):
    merged = Contact.objects.get(phone=PHONE)

    counts = erase_contact(merged)

    assert counts["analytics.Contact"] == 2
    assert rows_holding(_data()) == {}


def test_a_contact_who_can_use_the_admin_is_refused_and_nothing_is_erased(supplier_a):
    _read("visitor-staff1", 0)
    contact = identify("visitor-staff1", email="staff@erase-buyer.cn", user_id=supplier_a.user.pk)

    with pytest.raises(PrivacyError, match="can use the admin"):
        erase_contact(contact)

    assert Contact.objects.filter(pk=contact.pk).exists()
    assert RawEvent.objects.filter(visitor_id="visitor-staff1").count() == 1
    assert Visitor.objects.filter(visitor_id="visitor-staff1").exists()
    assert IdentityChange.objects.filter(visitor_id="visitor-staff1").count() == 1


def test_privacy_command_exports_and_erases_by_the_merged_contacts_phone(person, capsys):
    call_command("privacy_request", "export", f"+86 {PHONE[:3]} {PHONE[3:]}")
    exported = json.loads(capsys.readouterr().out)
    call_command("privacy_request", "erase", PHONE, "--yes")

    assert sorted({e["visitor_id"] for e in exported["tables"]["analytics.RawEvent"]}) == list(
        BROWSERS
    )
    assert "erased: " in capsys.readouterr().out
    assert list(Contact.objects.values_list("email", flat=True)) == [OTHER_EMAIL]
    assert rows_holding(_data()) == {}


def test_privacy_command_on_someone_unknown_says_so_and_erases_nothing(person, capsys):
    events = RawEvent.objects.count()

    call_command("privacy_request", "erase", "nobody@unknown-buyer.cn", "--yes")
    with pytest.raises(CommandError, match=r"nothing stored about nobody@unknown-buyer\.cn"):
        call_command("privacy_request", "export", "nobody@unknown-buyer.cn")
    with pytest.raises(CommandError, match="is not an address"):
        call_command("privacy_request", "erase", "nobody@", "--yes")

    assert "nothing stored about nobody@unknown-buyer.cn" in capsys.readouterr().out
    assert RawEvent.objects.count() == events
    assert Contact.objects.count() == 3


def test_retention_purges_whole_old_days_and_their_rollups_stay(settings):
    settings.ANALYTICS_RAW_RETENTION_DAYS = 30
    for minute in (0, 1):
        _read("visitor-old1", minute, ts=f"2026-03-01T10:0{minute}:00+08:00")
    _read("visitor-new1", 0, ts="2026-04-20T10:00:00+08:00")
    process_day(date(2026, 3, 1))

    with freeze_time("2026-04-25T12:00:00+08:00"):
        deleted = purge_raw_events()

    assert deleted == 2
    assert list(RawEvent.objects.values_list("visitor_id", flat=True)) == ["visitor-new1"]
    assert DailyRollup.objects.get(day=date(2026, 3, 1), dimension="site").views == 2
    assert process_day(date(2026, 3, 1)) is False  # purged days are never recomputed to zero
    assert DailyRollup.objects.get(day=date(2026, 3, 1), dimension="site").views == 2
    assert not Session.objects.filter(visitor_id="visitor-old1").exists()


def _search_log(query: str, visitor: str, age_days: int) -> SearchLog:
    log = SearchLog.objects.create(
        query=query,
        result_count=1,
        engine="embedded",
        latency_ms=1.0,
        visitor_id=visitor,
        daily_id=f"daily-{visitor}" if visitor else "",
        network_id="n-0123456789abcdef01234567",  # known even without a cookie
    )
    SearchLog.objects.filter(pk=log.pk).update(created_at=timezone.now() - timedelta(days=age_days))
    SearchClick.objects.create(log=log, page_id=7, position=0)
    return log


def test_retention_unlinks_old_searches_from_visitors_and_drops_contact_details(settings):
    settings.ANALYTICS_RAW_RETENTION_DAYS = 30
    old = _search_log("岷县黄芪", "visitor-old1", age_days=40)
    phone = _search_log("黄芪 电话 13800001234", "visitor-old2", age_days=40)
    mail = _search_log("黄芪 buyer@old-buyer.cn", "", age_days=40)
    anonymous = _search_log("党参", "", age_days=40)
    recent = _search_log("当归 13800001234", "visitor-new1", age_days=5)

    result = purge_expired_events()
    again = purge_expired()

    assert result == {"events": 0, "search_logs_deleted": 2, "search_logs_unlinked": 2}
    assert again == {"events": 0, "search_logs_deleted": 0, "search_logs_unlinked": 0}
    rows = SearchLog.objects.values_list("pk", "visitor_id", "daily_id", "network_id")
    assert {pk: ids for pk, *ids in rows} == {
        old.pk: ["", "", ""], anonymous.pk: ["", "", ""],
        recent.pk: ["visitor-new1", "daily-visitor-new1", "n-0123456789abcdef01234567"],
    }  # fmt: skip
    assert not SearchLog.objects.filter(pk__in=[phone.pk, mail.pk]).exists()
    assert sorted(SearchClick.objects.values_list("log_id", flat=True)) == [
        old.pk, anonymous.pk, recent.pk,
    ]  # fmt: skip
    assert RetentionPurge.objects.count() == 2


def test_retention_switched_off_keeps_every_search(settings):
    settings.ANALYTICS_RAW_RETENTION_DAYS = 0
    old = _search_log("黄芪 13800001234", "visitor-old1", age_days=4000)

    assert purge_expired() == {"events": 0, "search_logs_deleted": 0, "search_logs_unlinked": 0}
    assert list(SearchLog.objects.values_list("pk", "visitor_id")) == [(old.pk, "visitor-old1")]
    assert not RetentionPurge.objects.exists()
