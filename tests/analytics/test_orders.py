"""Orders: the signed webhook (signature, replay, idempotency, status changes), the one validation
path, ``import_orders`` and the admin upload, and the listing each supplier sees."""

import json
import logging
import sys
import time
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import translation

from analytics.identity import identify
from analytics.models import Account, Contact, Order, OrderStatusChange
from analytics.order_webhook import sign
from analytics.orders import order_revenue, validate_order

pytestmark = pytest.mark.django_db

CODE_A = "91620000MA7ABCDE0G"  # valid check digits (stdnum.cn.uscc)
CODE_B = "91530000MA6K12345M"
URL = "/api/v1/orders/"
HEADER = (
    "order_id,buyer_company,credit_code,contact_email,contact_phone,supplier,material,spec,"
    "quantity,unit,amount,currency,order_date,inquiry_id,status"
)


@pytest.fixture
def order(supplier_a, materials) -> dict:
    return {
        "order_id": "DD-2026-0001",
        "buyer_company": "亳州康源药业有限公司",
        "credit_code": CODE_A,
        "contact_email": "Li.Ming@kangyuan-yaoye.cn",
        "contact_phone": "139 1234 5678",
        "supplier": supplier_a.page.title,
        "material": "北芪",  # an alias of 黄芪
        "spec": "统货",
        "quantity": "500",
        "unit": "kg",
        "amount": "48000",
        "currency": "CNY",
        "order_date": "2026-05-01",
        "inquiry_id": 17,
        "status": "paid",
    }


def deliver(client: Client, body: dict | bytes, *, ts: int | None = None, **headers):
    """POST ``body`` signed as the trade system would, unless headers say otherwise."""
    raw = body if isinstance(body, bytes) else json.dumps(body, ensure_ascii=False).encode()
    stamp = str(int(time.time()) if ts is None else ts)
    signed = {
        "HTTP_X_YAOYUN_TIMESTAMP": stamp,
        "HTTP_X_YAOYUN_SIGNATURE": sign(settings.ORDER_WEBHOOK_SECRET, stamp, raw),
        "HTTP_ACCEPT_LANGUAGE": "en",
    }
    signed.update(headers)
    return client.post(URL, raw, content_type="application/json", **{
        k: v for k, v in signed.items() if v is not None
    })  # fmt: skip


def _error(field: str, message: str, code: str) -> dict:
    return {"error": code, "detail": [{"field": field, "message": message}]}


def test_a_signed_order_is_stored_and_answered(client, order, supplier_a, materials):
    response = deliver(Client(enforce_csrf_checks=True), order)

    assert response.status_code == 200
    assert response.json() == {
        "order_id": "DD-2026-0001",
        "buyer_company": "亳州康源药业有限公司",
        "credit_code": CODE_A,
        "contact_email": "li.ming@kangyuan-yaoye.cn",
        "contact_phone": "+8613912345678",
        "supplier": "甘肃岷州药业有限公司",
        "material": "黄芪",
        "spec": "统货",
        "quantity": "500",
        "unit": "kg",
        "amount": "48000.00",
        "currency": "CNY",
        "order_date": "2026-05-01",
        "ordered_at": "2026-05-01T23:59:59+08:00",
        "inquiry_id": "17",
        "status": "paid",
        "revenue": "48000.00",
        "account_id": Account.objects.get(credit_code=CODE_A).pk,
        "created": True,
    }
    stored = Order.objects.get()
    assert (stored.supplier_id, stored.material_id) == (supplier_a.page.pk, materials["黄芪"].pk)
    assert (stored.contact.email, stored.contact.phone) == (
        "li.ming@kangyuan-yaoye.cn",
        "13912345678",
    )  # fmt: skip  (the contact as identity stitching stores people)
    assert stored.contact.account == stored.account
    assert stored.account.name == "亳州康源药业有限公司"


def test_the_order_joins_the_buyer_company_and_contact_already_known(client, order):
    # given: the buyer read and inquired before, known by email; the company by credit code
    company = Account.objects.create(
        name="康源药业", credit_code=CODE_A, email_domain="kangyuan-yaoye.cn"
    )
    known = identify("visitor-liming", email="li.ming@kangyuan-yaoye.cn", name="李明")

    response = deliver(client, order)

    stored = Order.objects.get()
    assert response.status_code == 200
    assert (stored.account, stored.contact) == (company, known)
    assert Account.objects.count() == 1
    assert Contact.objects.count() == 1
    assert Contact.objects.get().phone == "13912345678"  # filled in from the order


def test_a_different_credit_code_is_a_different_company_despite_the_email_domain(client, order):
    company_a = Account.objects.create(
        name="康源药业", credit_code=CODE_A, email_domain="kangyuan-yaoye.cn"
    )

    response = deliver(client, {**order, "buyer_company": "", "credit_code": CODE_B})

    stored = Order.objects.get()
    assert response.status_code == 200
    assert stored.account != company_a
    assert (stored.account.name, stored.account.credit_code, stored.account.email_domain) == (
        CODE_B, CODE_B, None,
    )  # fmt: skip
    assert response.json()["buyer_company"] == CODE_B


def test_the_same_order_again_changes_nothing(client, order):
    first = deliver(client, order)
    updated_at = Order.objects.get().updated_at

    again = deliver(client, order, ts=int(time.time()) + 1)  # a retry, freshly signed

    assert (first.status_code, first.json()["created"]) == (200, True)
    assert (again.status_code, again.json()["created"]) == (200, False)
    assert {k: v for k, v in again.json().items() if k != "created"} == {
        k: v for k, v in first.json().items() if k != "created"
    }
    assert Order.objects.count() == 1
    assert Order.objects.get().updated_at == updated_at
    assert list(OrderStatusChange.objects.values_list("status", "amount", "source")) == [
        ("paid", Decimal("48000.00"), "webhook")
    ]


def test_each_status_change_updates_the_order_and_appends_history(client, order):
    deliver(client, order)
    answers = [deliver(client, {**order, "status": s}) for s in ("delivered", "accepted")]

    assert [(a.status_code, a.json()["created"], a.json()["status"]) for a in answers] == [
        (200, False, "delivered"), (200, False, "accepted"),
    ]  # fmt: skip
    assert Order.objects.count() == 1
    assert list(OrderStatusChange.objects.values_list("status", flat=True)) == [
        "paid", "delivered", "accepted",
    ]  # fmt: skip
    assert order_revenue(Order.objects.get()) == Decimal("48000.00")


@pytest.mark.parametrize("final", ["cancelled", "refunded"])
def test_cancelled_and_refunded_orders_carry_no_revenue(client, order, final):
    deliver(client, order)
    deliver(client, {**order, "status": "delivered"})

    response = deliver(client, {**order, "status": final})

    stored = Order.objects.with_revenue().get()
    assert response.json()["revenue"] == "0.00"
    assert (stored.status, stored.amount, stored.revenue) == (final, Decimal("48000.00"), 0)
    assert order_revenue(stored) == Decimal("0.00")
    assert list(OrderStatusChange.objects.values_list("status", "amount")) == [
        ("paid", Decimal("48000.00")),
        ("delivered", Decimal("48000.00")),
        (final, Decimal("48000.00")),
    ]


def test_an_amount_change_is_recorded_in_the_history(client, order):
    deliver(client, order)

    response = deliver(client, {**order, "amount": "45600.50"})

    assert response.json()["amount"] == "45600.50"
    assert list(OrderStatusChange.objects.values_list("status", "amount")) == [
        ("paid", Decimal("48000.00")), ("paid", Decimal("45600.50")),
    ]  # fmt: skip


def test_a_late_older_status_cannot_revive_a_refunded_order(client, order):
    deliver(client, order)
    deliver(client, {**order, "status": "refunded"})

    response = deliver(client, {**order, "status": "paid"}, ts=int(time.time()) + 1)

    assert response.status_code == 409
    assert response.json() == _error(
        "status", "The order is already refunded; it cannot become paid.", "conflict"
    )
    assert Order.objects.get().status == "refunded"
    assert OrderStatusChange.objects.count() == 2


def test_a_wrong_signature_is_refused_and_logged_without_the_body(client, order, caplog):
    stamp = str(int(time.time()))
    forged = sign("not-the-secret", stamp, json.dumps(order).encode())

    with caplog.at_level(logging.WARNING, logger="analytics.order_webhook"):
        response = deliver(client, order, ts=int(stamp), HTTP_X_YAOYUN_SIGNATURE=forged)

    assert response.status_code == 401
    assert response.json() == _error(
        "X-Yaoyun-Signature", "The signature does not match the body.", "invalid_signature"
    )
    assert not Order.objects.exists()
    assert not Account.objects.exists()
    body_length = len(json.dumps(order, ensure_ascii=False).encode())
    assert [r.getMessage() for r in caplog.records if r.name == "analytics.order_webhook"] == [
        f"order webhook refused (X-Yaoyun-Signature): timestamp='{stamp}' remote=127.0.0.1 "
        f"length={body_length}"
    ]
    for value in ("DD-2026-0001", "亳州康源", "li.ming", "13912345678", "48000"):
        assert value not in caplog.text


@pytest.mark.parametrize(
    ("headers", "field", "message"),
    [
        ({"HTTP_X_YAOYUN_TIMESTAMP": None}, "X-Yaoyun-Timestamp",
         "Send the time of signing in unix seconds."),
        ({"HTTP_X_YAOYUN_TIMESTAMP": "2026-05-01T10:00"}, "X-Yaoyun-Timestamp",
         "Send the time of signing in unix seconds."),
        ({"HTTP_X_YAOYUN_SIGNATURE": None}, "X-Yaoyun-Signature",
         "Send sha256= and the hex HMAC-SHA256 of timestamp.body."),
        ({"HTTP_X_YAOYUN_SIGNATURE": "md5=abc"}, "X-Yaoyun-Signature",
         "Send sha256= and the hex HMAC-SHA256 of timestamp.body."),
    ],
    ids=["no-timestamp", "iso-timestamp", "no-signature", "other-scheme"],
)  # fmt: skip
def test_missing_or_malformed_headers_are_refused(client, order, headers, field, message):
    response = deliver(client, order, **headers)

    assert response.status_code == 401
    assert response.json() == _error(field, message, "invalid_signature")
    assert not Order.objects.exists()


def test_a_body_changed_after_signing_is_refused(client, order):
    stamp = str(int(time.time()))
    signature = sign(settings.ORDER_WEBHOOK_SECRET, stamp, json.dumps(order).encode())
    tampered = json.dumps({**order, "amount": "1"}).encode()

    response = deliver(client, tampered, ts=int(stamp), HTTP_X_YAOYUN_SIGNATURE=signature)

    assert response.status_code == 401
    assert not Order.objects.exists()


@pytest.mark.parametrize(
    ("offset", "status"),
    [(-301, 409), (301, 409), (-299, 200), (299, 200)],
    ids=["older-than-5-min", "5-min-in-the-future", "just-inside-past", "just-inside-future"],
)
def test_timestamps_outside_five_minutes_are_replays(client, order, offset, status):
    response = deliver(client, order, ts=int(time.time()) + offset)

    assert response.status_code == status
    assert Order.objects.count() == (status == 200)
    if status == 409:
        assert response.json() == _error(
            "X-Yaoyun-Timestamp",
            "The timestamp is more than 5 minutes from the server's clock.",
            "replay",
        )


def test_a_reused_signature_is_a_replay(client, order):
    stamp = int(time.time())
    deliver(client, order, ts=stamp)
    deliver(client, {**order, "status": "refunded"}, ts=stamp + 1)
    raw = json.dumps(order, ensure_ascii=False).encode()

    # the first message captured and sent again, as it was
    response = deliver(client, raw, ts=stamp)

    assert response.status_code == 409
    assert response.json() == _error(
        "X-Yaoyun-Signature", "This signature was already used.", "replay"
    )
    assert Order.objects.get().status == "refunded"
    assert OrderStatusChange.objects.count() == 2


def test_a_refused_delivery_does_not_spend_its_signature(client, order):
    stamp = int(time.time())
    bad = {**order, "amount": "abc"}

    first, retry = deliver(client, bad, ts=stamp), deliver(client, bad, ts=stamp)

    assert (first.status_code, retry.status_code) == (400, 400)
    assert not Order.objects.exists()


def test_a_body_over_64_kb_is_refused_before_it_is_read(client, order):
    response = deliver(client, json.dumps({**order, "spec": "x" * 70_000}).encode())

    assert response.status_code == 413
    assert response.json() == _error("body", "larger than 65536 bytes", "too_large")
    assert not Order.objects.exists()


def test_without_a_secret_the_webhook_is_not_configured(client, order, settings):
    settings.ORDER_WEBHOOK_SECRET = ""

    response = deliver(client, order, HTTP_X_YAOYUN_SIGNATURE="sha256=" + "0" * 64)

    assert response.status_code == 503
    assert response.json() == _error("", "The order webhook is not configured.", "not_configured")
    assert not Order.objects.exists()


def test_every_field_error_is_answered_at_once_and_nothing_is_written(client, order):
    bad = {**order, "order_id": "", "unit": "斤", "amount": "-5", "colour": "red"}

    response = deliver(client, bad)

    assert response.status_code == 400
    assert response.json() == {
        "error": "invalid_order",
        "detail": [
            {"field": "colour", "message": "Unknown field."},
            {"field": "order_id", "message": "This field is required."},
            {"field": "unit", "message": "Use one of: kg, 吨, 件, 箱."},
            {"field": "amount", "message": "Must not be negative."},
        ],
    }
    assert (Order.objects.count(), Account.objects.count(), Contact.objects.count()) == (0, 0, 0)


@pytest.mark.parametrize("body", [b"[1, 2]", b"{not json", "\u9ec4".encode("utf-16")])
def test_a_body_that_is_not_one_json_object_is_refused(client, order, body):
    response = deliver(client, body)

    assert response.status_code == 400
    assert response.json() == _error("body", "Send one order as a JSON object.", "invalid_order")


FIELD_ERRORS = [
    (
        "order_id",
        "DD 0001",
        "Use 1 to 64 letters, digits and . _ : / - (starting with a letter or digit).",
    ),
    ("order_id", "", "This field is required."),
    ("buyer_company", "公" * 201, "At most 200 characters."),
    (
        "credit_code",
        "91620000MA7ABCDE0X",
        "Not a valid unified social credit code (18 characters with a correct check digit).",
    ),
    ("contact_email", "li.ming@", "Enter a valid email address."),
    (
        "contact_phone",
        "12345",
        "Enter a valid phone number (mainland China numbers may leave out +86).",
    ),
    (
        "supplier",
        "不存在的药业",
        "No supplier is named 不存在的药业 (use the exact name of its supplier page).",
    ),
    (
        "material",
        "龙骨粉",
        "龙骨粉 is not in the material dictionary (names and aliases are accepted).",
    ),
    ("spec", "x" * 101, "At most 100 characters."),
    ("quantity", "0", "Must be greater than 0."),
    ("quantity", "1,000", "Enter a number, like 500 or 12.5."),
    ("quantity", "1.2345", "At most 3 decimal places."),
    ("amount", "48000.001", "At most 2 decimal places."),
    ("amount", "NaN", "Enter a number, like 48000 or 48000.00."),
    ("amount", "1e12", "Too large (at most 12 digits before the decimal point)."),
    ("amount", True, "Must be text or a number."),
    ("unit", "斤", "Use one of: kg, 吨, 件, 箱."),
    ("currency", "USD", "Only CNY is accepted."),
    (
        "order_date",
        "2026/05/01",
        "Enter an ISO date (2026-05-01) or date and time (2026-05-01T10:30).",
    ),
    ("order_date", "2099-01-01", "The order date is in the future."),
    ("inquiry_id", "9" * 65, "At most 64 characters."),
    ("status", "shipped", "Use one of: paid, delivered, accepted, cancelled, refunded."),
    ("status", None, "This field is required."),
]


@pytest.mark.parametrize(
    ("field", "value", "message"),
    FIELD_ERRORS,
    ids=[f"{f}-{i}" for i, (f, _, _) in enumerate(FIELD_ERRORS)],
)
def test_validation_names_the_field_and_the_reason(order, field, value, message):
    with translation.override("en"):
        cleaned, errors = validate_order({**order, field: value})

    assert cleaned is None
    assert errors == [(field, message)]


def test_a_company_needs_a_name_or_a_credit_code(order):
    with translation.override("en"):
        _, errors = validate_order({**order, "buyer_company": "", "credit_code": ""})
        cleaned, none = validate_order({**order, "buyer_company": ""})

    assert errors == [
        ("buyer_company", "Give the buyer company's name or its unified social credit code.")
    ]
    assert (none, cleaned.credit_code, cleaned.buyer_company) == ([], CODE_A, "")


def test_optional_fields_may_be_left_out(order):
    required = ("order_id", "buyer_company", "supplier", "material", "quantity", "unit", "amount",
                "order_date", "status")  # fmt: skip
    minimal = {k: order[k] for k in required}
    cleaned, errors = validate_order({**minimal, "order_date": "2026-05-01T10:30:00"})

    assert errors == []
    assert (cleaned.currency, cleaned.contact_email, cleaned.inquiry_id) == ("CNY", "", "")
    assert cleaned.ordered_at.isoformat() == "2026-05-01T10:30:00+08:00"


# CSV import ----------------------------------------------------------------------------------


def _csv(tmp_path: Path, rows: list[str], *, bom: bool = False, name: str = "orders.csv") -> Path:
    path = tmp_path / name
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + "\r\n".join(rows).encode() + b"\r\n")
    return path


def _row(order_id: str, supplier: str, **changes: str) -> str:
    values = {
        "order_id": order_id, "buyer_company": "亳州康源药业有限公司", "credit_code": CODE_A,
        "contact_email": "li.ming@kangyuan-yaoye.cn", "contact_phone": "13912345678",
        "supplier": supplier, "material": "黄芪", "spec": "统货", "quantity": "500",
        "unit": "kg", "amount": "48000.00", "currency": "", "order_date": "2026-05-01",
        "inquiry_id": "", "status": "paid",
    }  # fmt: skip
    values.update(changes)
    return ",".join(values[name] for name in HEADER.split(","))


def _import(path: Path, capsys) -> tuple[str, str, bool]:
    failed = False
    with translation.override("en"):
        try:
            call_command("import_orders", str(path), "--no-progress")
        except CommandError as exc:
            failed = True
            print(exc, file=sys.stderr)
    out, err = capsys.readouterr()
    return out, err, failed


def test_import_reports_bad_rows_and_commits_the_good_ones(tmp_path, capsys, supplier_a, materials):
    name = supplier_a.page.title
    path = _csv(tmp_path, [
        HEADER,
        _row("DD-1", name),
        _row("DD-2", name, amount="4.8万", unit="斤"),
        _row("DD-3", "不存在的药业", contact_email="wang@kangyuan-yaoye.cn"),
        "",
        _row("DD-4", name, material="当归", status="delivered", contact_email="", contact_phone=""),
    ])  # fmt: skip

    out, err, failed = _import(path, capsys)

    assert failed
    assert err.splitlines() == [
        f"{path}:row 3 [unit]: Use one of: kg, 吨, 件, 箱.",
        f"{path}:row 3 [amount]: Enter a number, like 48000 or 48000.00.",
        f"{path}:row 4 [supplier]: No supplier is named 不存在的药业 (use the exact name of its "
        "supplier page).",
        "2 created, 0 updated, 0 unchanged, 2 row(s) failed",
    ]
    assert out == ""
    assert list(Order.objects.order_by("order_id").values_list("order_id", "status")) == [
        ("DD-1", "paid"), ("DD-4", "delivered"),
    ]  # fmt: skip
    assert not Contact.objects.filter(email="wang@kangyuan-yaoye.cn").exists()
    assert list(OrderStatusChange.objects.values_list("source", flat=True)) == ["csv", "csv"]


def test_import_again_counts_unchanged_and_updated_rows(tmp_path, capsys, supplier_a, materials):
    name = supplier_a.page.title
    first = _csv(tmp_path, [HEADER, _row("DD-1", name), _row("DD-2", name)], name="a.csv")
    second = _csv(tmp_path, [HEADER, _row("DD-1", name), _row("DD-2", name, status="refunded")],
                  name="b.csv")  # fmt: skip
    _import(first, capsys)

    out, err, failed = _import(second, capsys)

    assert (out.strip(), err, failed) == (
        "0 created, 1 updated, 1 unchanged, 0 row(s) failed",
        "",
        False,
    )
    assert Order.objects.get(order_id="DD-2").status == "refunded"
    assert OrderStatusChange.objects.count() == 3


def test_import_reads_excels_utf8_with_bom(tmp_path, capsys, supplier_a, materials):
    path = _csv(tmp_path, [HEADER, _row("DD-1", supplier_a.page.title)], bom=True)

    out, err, failed = _import(path, capsys)

    assert (out.strip(), err, failed) == (
        "1 created, 0 updated, 0 unchanged, 0 row(s) failed", "", False,
    )  # fmt: skip
    assert Order.objects.get().buyer_company == "亳州康源药业有限公司"


def test_import_refuses_other_encodings(tmp_path, capsys, supplier_a, materials):
    path = tmp_path / "gbk.csv"
    path.write_bytes(f"{HEADER}\r\n{_row('DD-1', supplier_a.page.title)}\r\n".encode("gbk"))

    with translation.override("en"), pytest.raises(CommandError) as raised:
        call_command("import_orders", str(path), "--no-progress")

    assert str(raised.value) == (
        f"{path}: The file is not UTF-8 text (byte {len(HEADER) + 7}); save it as CSV UTF-8 "
        "(Excel: CSV UTF-8 (Comma delimited))."
    )
    assert not Order.objects.exists()


@pytest.mark.parametrize(
    ("header", "message"),
    [
        ("order_id,supplier,material,quantity,unit,amount,order_date,status",
         "Missing column(s): buyer_company."),
        (HEADER + ",colour",
         "Unknown column(s): colour (the columns are: " + HEADER.replace(",", ", ") + ")."),
        (HEADER + ",status", "Repeated column(s): status."),
    ],
    ids=["missing", "unknown", "repeated"],
)  # fmt: skip
def test_import_refuses_a_file_whose_header_is_wrong(
    tmp_path, supplier_a, materials, header, message
):
    path = _csv(tmp_path, [header, _row("DD-1", supplier_a.page.title)])

    with translation.override("en"), pytest.raises(CommandError) as raised:
        call_command("import_orders", str(path), "--no-progress")

    assert str(raised.value) == f"{path}: {message}"
    assert not Order.objects.exists()


# Admin ---------------------------------------------------------------------------------------


def _upload(client: Client, content: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("orders.csv", content, content_type="text/csv")
    return client.post("/admin/orders/upload/", {"file": upload}, HTTP_ACCEPT_LANGUAGE="en")


def test_staff_upload_shows_the_same_row_report(client, staff, supplier_a, materials):
    name = supplier_a.page.title
    content = "\r\n".join([HEADER, _row("DD-1", name), _row("DD-2", name, quantity="0")])
    client.force_login(staff)

    page = client.get("/admin/orders/upload/")
    response = _upload(client, b"\xef\xbb\xbf" + content.encode())

    assert page.status_code == 200
    assert response.status_code == 200
    report = response.context["report"]
    assert [str(p) for p in report.problems] == ["row 3 [quantity]: Must be greater than 0."]
    assert report.summary() == "1 created, 0 updated, 0 unchanged, 1 row(s) failed"
    assert "1 created, 0 updated, 0 unchanged, 1 row(s) failed" in response.content.decode()
    assert list(Order.objects.values_list("order_id", flat=True)) == ["DD-1"]
    assert list(OrderStatusChange.objects.values_list("source", flat=True)) == ["admin"]


def test_staff_upload_of_a_non_utf8_file_says_why(client, staff, supplier_a, materials):
    client.force_login(staff)

    response = _upload(client, HEADER.encode() + "\r\n亳州".encode("gbk"))

    assert response.status_code == 200
    assert response.context["form"].errors["file"] == [
        f"The file is not UTF-8 text (byte {len(HEADER) + 2}); save it as CSV UTF-8 "
        "(Excel: CSV UTF-8 (Comma delimited))."
    ]
    assert not Order.objects.exists()


def test_a_supplier_cannot_upload_orders(client_a, supplier_a, materials):
    content = "\r\n".join([HEADER, _row("DD-1", supplier_a.page.title)]).encode()

    page = client_a.get("/admin/orders/upload/")
    response = _upload(client_a, content)

    assert (page.status_code, page.url) == (302, "/admin/")
    assert (response.status_code, response.url) == (302, "/admin/")
    assert not Order.objects.exists()


@pytest.fixture
def two_suppliers_orders(client, order, supplier_a, supplier_b) -> None:
    deliver(client, order)
    deliver(client, {**order, "order_id": "DD-B-0001", "supplier": supplier_b.page.title,
                     "credit_code": CODE_B, "buyer_company": "文山三七采购部",
                     "contact_email": "zhao@wenshan-caigou.cn", "contact_phone": ""})  # fmt: skip
    assert Order.objects.count() == 2


def test_a_supplier_lists_its_own_orders_only(client, two_suppliers_orders, supplier_b):
    client.force_login(supplier_b.user)

    response = client.get("/admin/orders/")

    assert response.status_code == 200
    assert [o.order_id for o in response.context["page"].object_list] == ["DD-B-0001"]
    body = response.content.decode()
    assert 'data-order="DD-B-0001"' in body  # positive control: the row marker is rendered
    assert "DD-2026-0001" not in body
    assert "亳州康源药业有限公司" not in body
    assert "Upload orders" not in body


def test_the_other_supplier_sees_its_own_and_not_bs(client, two_suppliers_orders, supplier_a):
    client.force_login(supplier_a.user)

    response = client.get("/admin/orders/", {"status": "paid"})

    assert response.status_code == 200
    assert [o.order_id for o in response.context["page"].object_list] == ["DD-2026-0001"]
    assert "DD-B-0001" not in response.content.decode()


def test_staff_list_every_order(client, two_suppliers_orders, staff):
    client.force_login(staff)

    response = client.get("/admin/orders/")

    assert response.status_code == 200
    assert sorted(o.order_id for o in response.context["page"].object_list) == [
        "DD-2026-0001", "DD-B-0001",
    ]  # fmt: skip


def test_admin_users_outside_any_supplier_cannot_list_orders(
    client, two_suppliers_orders, moderator
):
    client.force_login(moderator)

    response = client.get("/admin/orders/")

    assert (response.status_code, response.url) == (302, "/admin/")  # Wagtail's "no permission"
    assert "DD-B-0001" not in response.content.decode()


def test_the_webhook_is_in_the_published_api_schema(client):
    schema = client.get("/api/v1/openapi.json").json()

    operation = schema["paths"]["/api/v1/orders/"]["post"]
    assert [p["name"] for p in operation["parameters"]] == [
        "X-Yaoyun-Timestamp", "X-Yaoyun-Signature",
    ]  # fmt: skip
    body = operation["requestBody"]["content"]["application/json"]["schema"]
    assert list(body["properties"]) == HEADER.split(",")
