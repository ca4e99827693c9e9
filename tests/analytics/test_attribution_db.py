"""Attribution from the database: journeys built from engaged reads, inquiries and orders, the
stored credit kept current (refunds, identity, rolled-up days, only the affected company), the
command's database mode and export round trip, and the API's supplier scope.

The scenario (times Asia/Shanghai, T0 = 2026-03-01 10:00):

company X (contacts c1, c2, c3)           company Y (contacts d1, d2)
  T0-100d c1 reads B1 (engaged; too old)     T0+1d d1 reads B1 (engaged, wechat)
  T0      c1 reads A1 (engaged, search)      T0+3d d2 reads A1 (engaged, search)
  T0+2d   c2 reads A2 (scroll 80, direct)    T0+4d order by d1, 5,000 CNY (no inquiry)
  T0+3d   c2 reads B1 (5 s, not engaged)
  T0+4d   c1 reads the supplier page (not an article)
  T0+5d   c3 reads B1 (engaged, social)
  T0+6d   inquiry by c2
  T0+8d   c1 reads A1 (engaged, search)
  T0+10d  order by c3, 10,000 CNY
  T0+12d  c1 reads A2 (engaged; after every conversion)
and an anonymous browser reads B1 (engaged) at T0+1d: no company, no touch.
A1, A2 are supplier A's (A1: 黄芪; A2: 黄芪 and 当归), B1 supplier B's (三七).
"""

import json
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone

from analytics.attribution import Options, attribute_journeys
from analytics.credits import STORED_MODELS, materialise_accounts, rebuild_credits
from analytics.identity import identify
from analytics.journeys import all_journeys
from analytics.models import (
    Account,
    AttributionCredit,
    Contact,
    Inquiry,
    Order,
    RawEvent,
    RollupMark,
    Visitor,
)
from analytics.orders import record_order, validate_order
from analytics.processing import process_day, process_pending
from analytics.queries.attribution import CreditQuery, computed_credit, stored_credit
from tests.analytics.helpers import read
from tests.factories import ArticlePageFactory

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 3, 1, 10, 0, tzinfo=timezone.get_default_timezone())
CODE_X = "91620000MA7ABCDE0G"
CODE_Y = "91530000MA6K12345M"
HALF_LIFE = 7.0  # days


def person(account: Account, name: str) -> Contact:
    contact = Contact.objects.create(name=name, email=f"{name}@{account.pk}.example.cn")
    contact.account = account
    contact.save()
    Visitor.objects.create(
        visitor_id=f"v-{name}", first_seen=T0 - timedelta(days=200), contact=contact
    )
    return contact


def order_row(number: str, supplier, contact: Contact, code: str, at: datetime, status: str):
    return {
        "order_id": number,
        "buyer_company": "",
        "credit_code": code,
        "contact_email": contact.email,
        "supplier": supplier.page.title,
        "material": "黄芪",
        "quantity": "100",
        "unit": "kg",
        "amount": "10000" if code == CODE_X else "5000",
        "order_date": timezone.localtime(at).strftime("%Y-%m-%dT%H:%M"),
        "status": status,
    }


def place_order(row: dict):
    data, errors = validate_order(row)
    assert errors == []
    return record_order(data, "webhook")[0]


@pytest.fixture
def world(supplier_a, supplier_b, materials):
    a1 = ArticlePageFactory(parent=supplier_a.page, title="岷县黄芪")
    a2 = ArticlePageFactory(parent=supplier_a.page, title="黄芪当归")
    b1 = ArticlePageFactory(parent=supplier_b.page, title="文山三七")
    a1.materials.set([materials["黄芪"]])
    a2.materials.set([materials["黄芪"], materials["当归"]])
    b1.materials.set([materials["三七"]])
    for page in (a1, a2, b1):
        page.save_revision().publish()
    x = Account.objects.create(name="亳州康源药业有限公司", credit_code=CODE_X)
    y = Account.objects.create(name="昆明济生堂", credit_code=CODE_Y)
    c1, c2, c3 = (person(x, n) for n in ("c1", "c2", "c3"))
    d1 = person(y, "d1")
    person(y, "d2")
    day = timedelta(days=1)
    read("v-c1", b1, T0 - 100 * day)
    read("v-c1", a1, T0)
    read("v-c2", a2, T0 + 2 * day, ms=5_000, scroll=80, channel="direct")
    read("v-c2", b1, T0 + 3 * day, ms=5_000, scroll=10, channel="direct")
    read("v-c1", supplier_a.page, T0 + 4 * day)
    read("v-c3", b1, T0 + 5 * day, channel="social")
    read("v-c1", a1, T0 + 8 * day)
    read("v-c1", a2, T0 + 12 * day)
    read("v-d1", b1, T0 + day, channel="wechat")
    read("v-d2", a1, T0 + 3 * day)
    read("v-anonymous", b1, T0 + day)
    inquiry = Inquiry.objects.create(
        supplier=supplier_a.page,
        material=materials["黄芪"],
        quantity=Decimal("500"),
        unit="kg",
        contact_name="c2",
        company=x.name,
        contact=c2,
        account=x,
    )
    Inquiry.objects.filter(pk=inquiry.pk).update(created_at=T0 + 6 * day)
    order_x = place_order(order_row("X-1", supplier_a, c3, CODE_X, T0 + 10 * day, "paid"))
    order_y = place_order(order_row("Y-1", supplier_b, d1, CODE_Y, T0 + 4 * day, "paid"))
    assert (order_x.account, order_y.account) == (x, y)
    materialise_accounts([x.pk, y.pk])
    return {"a1": a1, "a2": a2, "b1": b1, "x": x, "y": y, "c1": c1, "order_x": order_x,
            "supplier_a": supplier_a, "supplier_b": supplier_b, "materials": materials}  # fmt: skip


def keys(world, credits: dict) -> dict:
    """Article page ids → the scenario's names, values as (conversions, value) rounded to 9."""
    names = {str(world[n].pk): n for n in ("a1", "a2", "b1")}
    return {
        names.get(k, k): (round(c.conversions, 9), round(c.value, 9)) for k, c in credits.items()
    }


def decay(ages: list[float]) -> list[float]:
    raw = [2 ** (-age / HALF_LIFE) for age in ages]
    return [w / sum(raw) for w in raw]


def expected_by_article() -> dict:
    """Hand-computed credit, both companies together (see the module docstring)."""
    inquiry_td = decay([6, 4, 1])  # A1, A2, B1 before the inquiry (B1 at T0-100d is too old)
    x_td = decay([10, 8, 5, 2])  # A1, A2, B1, A1 before X's order
    y_td = decay([3, 1])  # B1, A1 before Y's order
    r = lambda n: round(n, 9)  # noqa: E731
    return {
        "first_touch": {
            "inquiry": {"a1": (1, 0)},
            "order": {"a1": (1, 10000), "b1": (1, 5000)},
        },
        "last_touch": {"inquiry": {"b1": (1, 0)}, "order": {"a1": (2, 15000)}},
        "linear": {
            "inquiry": {"a1": (r(1 / 3), 0), "a2": (r(1 / 3), 0), "b1": (r(1 / 3), 0)},
            "order": {"a1": (1, 7500), "a2": (0.25, 2500), "b1": (0.75, 5000)},
        },
        "time_decay": {
            "inquiry": {
                "a1": (r(inquiry_td[0]), 0),
                "a2": (r(inquiry_td[1]), 0),
                "b1": (r(inquiry_td[2]), 0),
            },
            "order": {
                "a1": (
                    r(x_td[0] + x_td[3] + y_td[1]),
                    r(10000 * (x_td[0] + x_td[3]) + 5000 * y_td[1]),
                ),
                "a2": (r(x_td[1]), r(10000 * x_td[1])),
                "b1": (r(x_td[2] + y_td[0]), r(10000 * x_td[2] + 5000 * y_td[0])),
            },
        },
        "u_shaped": {
            "inquiry": {"a1": (0.4, 0), "a2": (0.2, 0), "b1": (0.4, 0)},
            "order": {"a1": (1.3, 10500), "a2": (0.1, 1000), "b1": (0.6, 3500)},
        },
        # X's order: first A1, lead creation B1 (last touch by the inquiry), opportunity A1.
        "w_shaped": {"order": {"a1": (0.6, 6000), "a2": (0.1, 1000), "b1": (0.3, 3000)}},
    }


def stored(world, **query) -> dict:
    credit = stored_credit(CreditQuery(**query))
    return {m: {k: keys(world, c) for k, c in kinds.items()} for m, kinds in credit.items()}


def computed(world, **query) -> dict:
    credit = computed_credit(CreditQuery(**query)).models
    return {m: {k: keys(world, c) for k, c in kinds.items()} for m, kinds in credit.items()}


def test_stored_credit_matches_the_hand_computed_scenario(world):
    assert stored(world) == expected_by_article()


def test_computing_from_the_database_gives_the_stored_numbers(world):
    assert computed(world, models=STORED_MODELS) == expected_by_article()
    for by in ("supplier", "material", "channel"):
        assert computed(world, by=by) == stored(world, by=by)
    start, end = date(2026, 3, 8), date(2026, 3, 31)
    assert computed(world, start=start, end=end) == stored(world, start=start, end=end)


def test_journeys_hold_engaged_article_reads_of_each_company(world):
    journeys = {j.account: j for j in all_journeys()}

    x = journeys[str(world["x"].pk)]
    pages = [(t.article, t.ts - T0) for t in sorted(x.touches, key=lambda t: t.ts)]
    a1, a2, b1 = (str(world[n].pk) for n in ("a1", "a2", "b1"))
    day = timedelta(days=1)
    assert pages == [(b1, -100 * day), (a1, 0 * day), (a2, 2 * day), (b1, 5 * day),
                     (a1, 8 * day), (a2, 12 * day)]  # fmt: skip
    assert sorted((e.kind, e.ts - T0, float(e.value)) for e in x.events) == [
        ("inquiry", 6 * day, 0.0),
        ("order", 10 * day, 10000.0),
    ]
    assert set(journeys) == {str(world["x"].pk), str(world["y"].pk)}  # nobody else


def test_all_views_count_when_configured(world, settings):
    settings.ATTRIBUTION_TOUCHES = "views"
    materialise_accounts([world["x"].pk])

    linear = stored(world, models=("linear",))["linear"]["inquiry"]

    # c2's 5-second read of B1 at T0+3d now counts: A1, A2, B1, B1.
    assert linear == {"a1": (0.25, 0), "a2": (0.25, 0), "b1": (0.5, 0)}


def test_credit_by_supplier_material_and_channel(world):
    linear = {by: stored(world, models=("linear",), by=by)["linear"]["order"] for by in
              ("supplier", "material", "channel")}  # fmt: skip
    a, b = world["supplier_a"].page.pk, world["supplier_b"].page.pk
    m = {name: str(world["materials"][name].pk) for name in ("黄芪", "当归", "三七")}

    assert linear["supplier"] == {str(a): (1.25, 10000), str(b): (0.75, 5000)}
    # A2's quarter of X's order is shared by its two materials.
    assert linear["material"] == {
        m["黄芪"]: (1.125, 8750),
        m["当归"]: (0.125, 1250),
        m["三七"]: (0.75, 5000),
    }
    assert linear["channel"] == {
        "search": (1.0, 7500), "direct": (0.25, 2500), "social": (0.25, 2500),
        "wechat": (0.5, 2500),
    }  # fmt: skip


def test_a_period_keeps_the_lead_inquiry_before_it(world):
    # Only X's order (03-11) lies in the period; its lead inquiry (03-07) does not, and still
    # gives the order its W-shaped roles.
    result = stored(world, start=date(2026, 3, 8), end=date(2026, 3, 31))

    assert result["w_shaped"] == {
        "order": {"a1": (0.6, 6000), "a2": (0.1, 1000), "b1": (0.3, 3000)}
    }
    assert set(result["linear"]) == {"order"}
    assert result["linear"]["order"] == {"a1": (0.5, 5000), "a2": (0.25, 2500), "b1": (0.25, 2500)}


def test_a_refund_takes_the_value_back_out(world, django_capture_on_commit_callbacks):
    row = order_row("X-1", world["supplier_a"], Contact.objects.get(name="c3"), CODE_X,
                    T0 + timedelta(days=10), "refunded")  # fmt: skip

    with django_capture_on_commit_callbacks(execute=True):
        place_order(row)

    linear = stored(world, models=("linear",))["linear"]["order"]
    assert linear == {"a1": (1, 2500), "a2": (0.25, 0), "b1": (0.75, 2500)}
    x_rows = AttributionCredit.objects.filter(account=world["x"], conversion_kind="order")
    # first and last: A1 only; linear, time-decay, U and W: c1·A1, c2·A2 (two materials), c3·B1
    assert x_rows.count() == 1 + 1 + 4 * 4
    assert not x_rows.exclude(value=0).exists()


def test_rolling_up_a_day_re_attributes_only_the_companies_read_that_day(
    world, django_capture_on_commit_callbacks
):
    x_before = sorted(
        AttributionCredit.objects.filter(account=world["x"]).values_list("pk", flat=True)
    )
    y_before = set(
        AttributionCredit.objects.filter(account=world["y"]).values_list("pk", flat=True)
    )
    day = T0 + timedelta(days=1, hours=3)  # d2 reads A2 on 03-02 (no read of X that day)
    read("v-d2", world["a2"], day, channel="direct")

    with django_capture_on_commit_callbacks(execute=True):
        process_day(timezone.localdate(day))

    x_after = sorted(
        AttributionCredit.objects.filter(account=world["x"]).values_list("pk", flat=True)
    )
    assert x_after == x_before  # untouched: the same rows, not recomputed ones
    y_after = set(AttributionCredit.objects.filter(account=world["y"]).values_list("pk", flat=True))
    assert not y_after & y_before  # Y's rows were replaced
    linear = stored(world, models=("linear",))["linear"]["order"]
    # Y's order: B1, A2, A1 each 1/3 of 5,000; X's unchanged.
    assert linear["a2"] == (round(0.25 + 1 / 3, 9), round(2500 + 5000 / 3, 9))
    assert linear["b1"] == (round(0.25 + 1 / 3, 9), round(2500 + 5000 / 3, 9))


def test_linking_a_browser_brings_its_reads_into_the_company(
    world, django_capture_on_commit_callbacks
):
    read("v-new", world["b1"], T0 + timedelta(days=9), channel="referral")  # before X's order
    y_before = set(
        AttributionCredit.objects.filter(account=world["y"]).values_list("pk", flat=True)
    )

    with django_capture_on_commit_callbacks(execute=True):
        identify("v-new", email=f"c1@{world['x'].pk}.example.cn", reason="test")

    last = stored(world, models=("last_touch",))["last_touch"]["order"]
    assert last == {"a1": (1, 5000), "b1": (1, 10000)}  # X's last touch is now B1 at T0+9d
    y_after = set(AttributionCredit.objects.filter(account=world["y"]).values_list("pk", flat=True))
    assert y_after == y_before


def test_materialising_twice_writes_the_same_rows(world):
    fields = [f.name for f in AttributionCredit._meta.fields if f.name != "id"]
    first = sorted(AttributionCredit.objects.values_list(*fields))

    materialise_accounts([world["x"].pk, world["y"].pk])
    materialise_accounts([world["x"].pk])
    rebuilt = rebuild_credits()

    assert sorted(AttributionCredit.objects.values_list(*fields)) == first
    assert rebuilt == len(first) == AttributionCredit.objects.count()


def test_an_account_without_reads_or_conversions_stores_nothing(world):
    empty = Account.objects.create(name="空公司")

    assert materialise_accounts([empty.pk]) == 0
    assert not AttributionCredit.objects.filter(account=empty).exists()


def test_export_round_trip_gives_the_database_numbers(world, tmp_path: Path, capsys):
    file = tmp_path / "journeys.jsonl"

    call_command("attribution", "--export-journeys", str(file))
    call_command("attribution", "--json")
    from_database = capsys.readouterr().out.splitlines()[-1]
    call_command("attribution", "--journeys", str(file), "--json")
    from_file = capsys.readouterr().out

    assert json.loads(from_file) == json.loads(from_database)
    lines = [json.loads(line) for line in file.read_text().splitlines()]
    assert [line["account"] for line in lines] == [str(world["x"].pk), str(world["y"].pk)]
    assert lines[0]["touches"][1] == {"contact": str(world["c1"].pk), "article": world["a1"].pk,
                                      "ts": T0.astimezone(UTC).isoformat()}  # fmt: skip
    assert lines[0]["events"][1]["value"] == 10000
    assert set(json.loads(from_database)["models"]) == {*STORED_MODELS, "markov"}


def test_command_json_matches_the_hand_computed_numbers(world, capsys):
    call_command("attribution", "--json", "--model", "u_shaped", "--by", "supplier")
    result = json.loads(capsys.readouterr().out)

    a, b = str(world["supplier_a"].page.pk), str(world["supplier_b"].page.pk)
    orders = result["models"]["u_shaped"]["order"]
    assert orders[a] == {"conversions": pytest.approx(1.4), "value": pytest.approx(11500)}
    assert orders[b] == {"conversions": pytest.approx(0.6), "value": pytest.approx(3500)}


def test_command_refuses_database_options_with_a_file(world, tmp_path):
    file = tmp_path / "j.jsonl"
    file.write_text("")
    with pytest.raises(Exception, match="--start, --end and --by read the database"):
        call_command("attribution", "--journeys", str(file), "--by", "channel")


def test_file_and_database_agree_on_markov(world):
    journeys = list(all_journeys())
    direct = attribute_journeys(journeys, Options(models=("markov",)))

    via_query = computed_credit(CreditQuery(models=("markov",))).models

    assert set(via_query["markov"]["order"]) == set(direct.models["markov"]["order"])
    for article, credit in direct.models["markov"]["order"].items():
        assert via_query["markov"]["order"][article].value == credit.value


# --- API ----------------------------------------------------------------------------------


def test_api_staff_see_every_article(world, client):
    staff = get_user_model().objects.create_superuser("root", "root@example.com", "pw-123456")
    client.force_login(staff)

    response = client.get("/api/v1/analytics/attribution/?model=linear")

    assert response.status_code == 200
    body = response.json()["models"]["linear"]["order"]
    a1, a2, b1 = (str(world[n].pk) for n in ("a1", "a2", "b1"))
    assert body[a1] == {"conversions": 1.0, "value": 7500.0}
    assert set(body) == {a1, a2, b1}


def test_api_suppliers_see_only_their_own_articles(world, client):
    a1, a2, b1 = (str(world[n].pk) for n in ("a1", "a2", "b1"))
    client.force_login(world["supplier_a"].user)

    response = client.get("/api/v1/analytics/attribution/")

    assert response.status_code == 200
    models = response.json()["models"]
    assert set(models) == set(STORED_MODELS)
    for kinds in models.values():
        for credits in kinds.values():
            assert set(credits) <= {a1, a2}
    assert models["linear"]["order"][a2] == {"conversions": 0.25, "value": 2500.0}
    by_supplier = client.get("/api/v1/analytics/attribution/?by=supplier&model=first_touch")
    assert by_supplier.json()["models"]["first_touch"] == {
        "inquiry": {str(world["supplier_a"].page.pk): {"conversions": 1.0, "value": 0.0}},
        "order": {str(world["supplier_a"].page.pk): {"conversions": 1.0, "value": 10000.0}},
    }
    client.force_login(world["supplier_b"].user)
    b_models = client.get("/api/v1/analytics/attribution/").json()["models"]
    assert all(set(c) <= {b1} for kinds in b_models.values() for c in kinds.values())


def test_api_refuses_anonymous_and_other_users(world, client):
    assert client.get("/api/v1/analytics/attribution/").status_code == 401
    buyer = get_user_model().objects.create_user("buyer", "b@example.com", "pw-123456")
    client.force_login(buyer)

    response = client.get("/api/v1/analytics/attribution/")

    assert response.status_code == 403
    assert response.json()["error"] == "http_error"


@pytest.mark.parametrize(
    ("query", "field"),
    [("model=markov", "model"), ("by=campaign", "by"), ("start=2026-13-01", "start"),
     ("start=2026-03-09&end=2026-03-08", "end")],
    ids=["markov-not-stored", "unknown-by", "bad-date", "end-before-start"],
)  # fmt: skip
def test_api_names_the_bad_field(world, client, query, field):
    client.force_login(world["supplier_a"].user)

    response = client.get(f"/api/v1/analytics/attribution/?{query}")

    assert response.status_code == 400
    assert [d["field"] for d in response.json()["detail"]] == [field]


def test_api_is_in_the_openapi_schema(client):
    schema = client.get("/api/v1/openapi.json").json()
    params = schema["paths"]["/api/v1/analytics/attribution/"]["get"]["parameters"]
    assert [p["name"] for p in params] == ["model", "start", "end", "by"]


def test_orders_of_other_models_do_not_leak_into_other_kinds(world):
    assert not AttributionCredit.objects.filter(
        model="w_shaped", conversion_kind="inquiry"
    ).exists()
    assert set(AttributionCredit.objects.values_list("conversion_id", flat=True)) == {
        Inquiry.objects.get().pk,
        *Order.objects.values_list("pk", flat=True),
    }


def settled(world) -> datetime:
    """A periodic run has processed everything up to T0+20d (nothing arrived since)."""
    Order.objects.update(updated_at=T0 + timedelta(days=10))  # stamped now by place_order
    RollupMark.objects.create(received_through=T0 + timedelta(days=20))
    return T0 + timedelta(days=21)


def arrive(at: datetime) -> None:
    """d2's read of A2 at T0+2d 1h (and its follow-up) reached /collect at ``at``."""
    start = T0 + timedelta(days=2, hours=1)
    RawEvent.objects.filter(
        visitor_id="v-d2", occurred_at__gte=start, occurred_at__lt=start + timedelta(hours=1)
    ).update(received_at=at)


def credit_ids(account: Account) -> set[int]:
    return set(AttributionCredit.objects.filter(account=account).values_list("pk", flat=True))


def test_the_periodic_run_re_attributes_only_companies_with_new_events(
    world, django_capture_on_commit_callbacks
):
    # given: d2 (Y) reads A2 on a day X also read on (c2, T0+2d), arriving after the last run
    arrived = settled(world)
    x_before, y_before = credit_ids(world["x"]), credit_ids(world["y"])
    read("v-d2", world["a2"], T0 + timedelta(days=2, hours=1), channel="direct")
    arrive(arrived)

    # when
    with django_capture_on_commit_callbacks(execute=True):
        days = process_pending(now=arrived + timedelta(minutes=5))

    # then: the day was rolled up, X (no new event) kept its rows, Y's were recomputed
    assert days == [timezone.localdate(T0 + timedelta(days=2))]
    assert credit_ids(world["x"]) == x_before
    assert not credit_ids(world["y"]) & y_before
    linear = stored(world, models=("linear",))["linear"]["order"]
    # Y's order (T0+4d): B1 (T0+1d), A2 (T0+2d 1h), A1 (T0+3d) a third each of 5,000.
    assert linear["a2"] == (round(0.25 + 1 / 3, 9), round(2500 + 5000 / 3, 9))


def test_the_periodic_run_re_attributes_a_company_with_a_new_inquiry(
    world, django_capture_on_commit_callbacks
):
    arrived = settled(world)
    x_before, y_before = credit_ids(world["x"]), credit_ids(world["y"])
    inquiry = Inquiry.objects.create(
        supplier=world["supplier_b"].page,
        material=world["materials"]["三七"],
        quantity=Decimal("20"),
        unit="kg",
        contact_name="d1",
        company="昆明济生堂",
        contact=Contact.objects.get(name="d1"),
        account=world["y"],
    )  # written without queueing attribution, as a lost task would leave it
    Inquiry.objects.filter(pk=inquiry.pk).update(created_at=arrived)

    with django_capture_on_commit_callbacks(execute=True):
        days = process_pending(now=arrived + timedelta(minutes=5))

    assert days == []  # no event arrived: nothing to roll up
    assert credit_ids(world["x"]) == x_before
    y_rows = AttributionCredit.objects.filter(account=world["y"], conversion_kind="inquiry")
    assert not credit_ids(world["y"]) & y_before
    # first touch of Y's inquiry (at T0+21d): B1 (T0+1d) of d1
    assert list(y_rows.filter(model="first_touch").values_list("article_id", "credit")) == [
        (world["b1"].pk, 1.0)
    ]


def test_the_periodic_run_twice_changes_nothing_more(world, django_capture_on_commit_callbacks):
    arrived = settled(world)
    read("v-d2", world["a2"], T0 + timedelta(days=2, hours=1), channel="direct")
    arrive(arrived)
    with django_capture_on_commit_callbacks(execute=True):
        process_pending(now=arrived + timedelta(minutes=5))
    fields = [f.name for f in AttributionCredit._meta.fields if f.name != "id"]
    first = sorted(AttributionCredit.objects.values_list(*fields))
    x_before = credit_ids(world["x"])

    # a retry of the same run (the mark not yet moved) and the next run (nothing new)
    RollupMark.objects.update(received_through=T0 + timedelta(days=20))
    with django_capture_on_commit_callbacks(execute=True):
        process_pending(now=arrived + timedelta(minutes=5))
        process_pending(now=arrived + timedelta(hours=1))

    assert sorted(AttributionCredit.objects.values_list(*fields)) == first
    assert credit_ids(world["x"]) == x_before


def test_deleting_a_company_deletes_its_credit(world):
    y_rows = AttributionCredit.objects.filter(account=world["y"]).count()
    total = AttributionCredit.objects.count()
    x_id = world["x"].pk
    Order.objects.filter(account=world["x"]).delete()  # orders protect their company

    world["x"].delete()

    assert not AttributionCredit.objects.filter(account_id=x_id).exists()
    assert AttributionCredit.objects.count() == y_rows < total
