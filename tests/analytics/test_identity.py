"""Identity: contacts and companies, reversible merges, logged-in buyers, the undo command."""

import json
import uuid
from datetime import date

import pytest
from django.core.management import CommandError, call_command

from analytics.backfill import import_events
from analytics.identity import IdentityError, identify, merge_contacts, undo_change
from analytics.models import (
    Account,
    Contact,
    IdentityChange,
    RawEvent,
    Visitor,
)
from analytics.processing import process_day

pytestmark = pytest.mark.django_db


def _events(visitor: str, day: str, count: int = 1) -> None:
    lines = [
        json.dumps({
            "event_id": str(uuid.uuid4()), "type": "pageview", "visitor_id": visitor,
            "url": "http://localhost/a/", "ts": f"{day}T10:0{i}:00+08:00",
        })
        for i in range(count)
    ]  # fmt: skip
    assert import_events(lines).stored == count


def test_company_email_names_the_account_and_free_mail_does_not():
    work = identify("visitor-aaa1", email="Wang@Tongrentang-Herbs.cn", name="王芳")
    private = identify("visitor-bbb2", email="wangfang88@qq.com")

    assert work.email == "wang@tongrentang-herbs.cn"
    assert work.account.email_domain == "tongrentang-herbs.cn"
    assert private.account is None
    colleague = identify("visitor-ccc3", email="zhao@tongrentang-herbs.cn")
    assert colleague.account == work.account
    assert Account.objects.count() == 1


def test_credit_code_identifies_the_company_across_domains():
    first = identify("visitor-aaa1", phone="138 0013 8000", company="同仁堂药材采购中心",
                     credit_code="91110000101234567X")  # fmt: skip
    second = identify("visitor-bbb2", email="li@trt-group.com", credit_code="91110000101234567x")

    assert first.phone == "13800138000"
    assert first.account == second.account
    assert second.account.email_domain == "trt-group.com"  # filled in, name kept
    assert second.account.name == "同仁堂药材采购中心"


@pytest.mark.parametrize(
    ("details", "message"),
    [
        ({}, "an email, a phone number or a user"),
        ({"email": "not-an-address"}, "is not an address"),
        ({"phone": "12ab"}, "is not a phone number"),
        ({"email": "a@b.cn", "credit_code": "123"}, "credit code"),
    ],
    ids=["nothing", "bad-email", "bad-phone", "bad-credit-code"],
)
def test_unusable_details_are_refused_and_nothing_is_written(details, message):
    with pytest.raises(IdentityError, match=message):
        identify("visitor-aaa1", **details)

    assert not Contact.objects.exists()
    assert not Visitor.objects.exists()
    assert not IdentityChange.objects.exists()


def test_the_same_person_by_phone_and_email_is_merged_and_the_merge_can_be_undone():
    by_phone = identify("visitor-phone", phone="13900001111")
    by_email = identify("visitor-email", email="chen@herbbuyer.com")

    both = identify("visitor-third", phone="13900001111", email="chen@herbbuyer.com")

    assert both == by_phone  # the older contact survives
    by_email.refresh_from_db()
    assert by_email.merged_into == by_phone
    assert set(by_phone.visitors.values_list("visitor_id", flat=True)) == {
        "visitor-phone", "visitor-email", "visitor-third",
    }  # fmt: skip
    merge = IdentityChange.objects.get(action="merge", visitor_id="visitor-email")

    moved = undo_change(merge.change_id)

    assert moved == 1
    assert Visitor.objects.get(visitor_id="visitor-email").contact == by_email
    by_email.refresh_from_db()
    assert by_email.merged_into is None
    assert not IdentityChange.objects.filter(
        change_id=merge.change_id, undone_at__isnull=True
    ).exists()
    assert IdentityChange.objects.filter(action="undo", visitor_id="visitor-email").count() == 1


def test_undo_leaves_a_visitor_that_moved_again_alone():
    a = identify("visitor-x123", email="a@firm-a.cn")
    b = Contact.objects.create(email="b@firm-b.cn")
    change = merge_contacts(b, a)
    c = Contact.objects.create(email="c@firm-c.cn")
    later = merge_contacts(c, b)

    assert undo_change(change) == 0  # the visitor now belongs to c through a later change
    assert Visitor.objects.get(visitor_id="visitor-x123").contact == c
    assert undo_change(later) == 1
    assert Visitor.objects.get(visitor_id="visitor-x123").contact == b


def test_a_logged_in_buyer_becomes_a_contact_but_supplier_users_do_not(
    supplier_a, django_user_model
):
    buyer = django_user_model.objects.create_user("buyer", "buyer@pharma-buyer.cn", "x")
    lines = [
        {"visitor_id": "visitor-buyer", "user": buyer.pk},
        {"visitor_id": "visitor-supplier", "user": supplier_a.user.pk},
    ]
    for line in lines:
        _events(line["visitor_id"], "2026-05-01")
        RawEvent.objects.filter(visitor_id=line["visitor_id"]).update(user_id=line["user"])

    process_day(date(2026, 5, 1))

    contact = Visitor.objects.get(visitor_id="visitor-buyer").contact
    assert (contact.user, contact.email) == (buyer, "buyer@pharma-buyer.cn")
    assert contact.account.email_domain == "pharma-buyer.cn"
    assert not Visitor.objects.filter(visitor_id="visitor-supplier").exists()


def test_identity_undo_command_reverses_a_link_and_refuses_twice(capsys):
    identify("visitor-undo1", email="undo@cmd-buyer.cn")
    change = IdentityChange.objects.get(visitor_id="visitor-undo1")

    call_command("identity_undo", str(change.change_id))

    assert Visitor.objects.get(visitor_id="visitor-undo1").contact is None
    assert "1 browser(s) moved back" in capsys.readouterr().out
    with pytest.raises(CommandError, match="no open change"):
        call_command("identity_undo", str(change.change_id))
    with pytest.raises(CommandError, match="not a change id"):
        call_command("identity_undo", "42")


def test_a_company_domain_another_account_holds_is_not_copied_onto_a_second_one():
    by_domain = identify("visitor-dom1", email="a@shared-domain.cn", company="域名公司")
    by_code = identify("visitor-code", phone="13700001111", company="代码公司",
                       credit_code="91110000101234567X")  # fmt: skip

    later = identify("visitor-both", email="b@shared-domain.cn", credit_code="91110000101234567X")

    assert later.account == by_code.account  # the credit code decides first
    by_code.account.refresh_from_db()
    assert by_code.account.email_domain is None  # still the other account's domain
    assert by_domain.account.email_domain == "shared-domain.cn"
