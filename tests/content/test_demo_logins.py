"""Demo logins: the published passwords only where no other machine can reach the server."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from content.demo import ADMIN_PASSWORD, SUPPLIER_PASSWORD, is_loopback

SMALL_DEMO = ["--suppliers", "2", "--articles", "2", "--insights", "0", "--no-progress"]
SMALL_DEMO += ["--engagement-days", "0"]


def usable(username: str) -> bool:
    return get_user_model().objects.get(username=username).has_usable_password()


@pytest.mark.parametrize(
    ("host", "expected"),
    [
        ("127.0.0.1", True),
        ("127.0.0.2", True),
        ("localhost", True),
        ("::1", True),
        ("[::1]", True),
        ("0.0.0.0", False),
        ("::", False),
        ("192.0.2.10", False),
        ("yaoyun.example", False),
        ("", False),
    ],
)
def test_only_loopback_addresses_count_as_loopback(host, expected):
    assert is_loopback(host) is expected


def test_seed_demo_off_loopback_gives_the_demo_logins_no_usable_password(db, capsys):
    call_command("seed_demo", *SMALL_DEMO, "--host", "0.0.0.0")

    out = capsys.readouterr().out
    users = get_user_model().objects.order_by("username")
    assert list(users.values_list("username", flat=True)) == [
        "admin",
        "moderator",
        "supplier1",
        "supplier2",
    ]
    assert [u.has_usable_password() for u in users] == [False] * 4
    assert "demo logins have no usable password" in out
    assert "0.0.0.0" in out


def test_seed_demo_on_loopback_keeps_the_published_passwords(db, capsys):
    call_command("seed_demo", *SMALL_DEMO, "--host", "127.0.0.1")

    users = get_user_model().objects
    assert users.get(username="admin").check_password(ADMIN_PASSWORD)
    assert users.get(username="moderator").check_password(ADMIN_PASSWORD)
    assert users.get(username="supplier2").check_password(SUPPLIER_PASSWORD)
    assert "no usable password" not in capsys.readouterr().out


def test_seed_demo_off_loopback_with_demo_logins_asked_for(db, settings):
    settings.DEMO_LOGINS = True

    call_command("seed_demo", *SMALL_DEMO, "--host", "0.0.0.0")

    assert get_user_model().objects.get(username="supplier1").check_password(SUPPLIER_PASSWORD)


@pytest.fixture
def logins(db) -> None:
    """Demo logins as an earlier loopback run left them, one with a password of its own."""
    users = get_user_model().objects
    users.create_superuser("admin", "admin@example.com", ADMIN_PASSWORD)
    users.create_user("moderator", "moderator@example.com", "a-password-of-its-own")
    users.create_user("supplier7", "s7@example.com", SUPPLIER_PASSWORD)
    users.create_user("supplier8", "s8@example.com", None)
    users.create_user("alice", "alice@example.com", SUPPLIER_PASSWORD)  # not a demo login


def test_lock_demo_logins_off_loopback_locks_every_published_password(logins, capsys):
    call_command("lock_demo_logins", "--host", "0.0.0.0")

    out = capsys.readouterr().out
    assert "locked 2 demo login(s) with a published password (admin, supplier7)" in out
    assert not usable("admin")
    assert not usable("supplier7")
    assert (
        get_user_model().objects.get(username="moderator").check_password("a-password-of-its-own")
    )
    assert get_user_model().objects.get(username="alice").check_password(SUPPLIER_PASSWORD)

    call_command("lock_demo_logins", "--host", "0.0.0.0")  # a second start finds nothing left
    assert capsys.readouterr().out == ""


@pytest.mark.parametrize(("host", "demo_logins"), [("127.0.0.1", False), ("0.0.0.0", True)])
def test_lock_demo_logins_leaves_them_where_allowed(logins, settings, capsys, host, demo_logins):
    settings.DEMO_LOGINS = demo_logins

    call_command("lock_demo_logins", "--host", host)

    assert capsys.readouterr().out == ""
    assert get_user_model().objects.get(username="admin").check_password(ADMIN_PASSWORD)
    assert get_user_model().objects.get(username="supplier7").check_password(SUPPLIER_PASSWORD)
