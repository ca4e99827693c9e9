"""Settings modules as a fresh process gets them: the safe default, dev, and production's checks."""

import json
import os
import secrets
import stat
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LOOPBACK = ["localhost", "127.0.0.1", "[::1]"]
SHOW = (
    "import json, os; from django.conf import settings as s; "
    "print(json.dumps({'module': os.environ['DJANGO_SETTINGS_MODULE'], 'debug': s.DEBUG, "
    "'hosts': s.ALLOWED_HOSTS, 'key': s.SECRET_KEY, 'site': s.SITE_URL}))"
)
ENTRY_POINTS = {
    "manage.py": [sys.executable, "manage.py", "shell", "-c", SHOW],
    "cms.wsgi": [sys.executable, "-c", f"import cms.wsgi; {SHOW}"],
    "cms.celery": [sys.executable, "-c", f"import cms.celery, django; django.setup(); {SHOW}"],
}
PRODUCTION = {
    "DJANGO_SETTINGS_MODULE": "cms.settings.production",
    "SECRET_KEY": secrets.token_urlsafe(48)[:50],
    "ALLOWED_HOSTS": "example.com",
    "DATABASE_URL": "postgres://x@localhost/x",
}


def run(args: list[str], var_dir: Path, **env: str) -> subprocess.CompletedProcess:
    """``args`` in the repository with nothing of this test run's environment but PATH."""
    clean = {"PATH": os.environ["PATH"], "HOME": str(var_dir), "YAOYUN_VAR_DIR": str(var_dir)}
    return subprocess.run(
        args, cwd=ROOT, env={**clean, **env}, capture_output=True, text=True, timeout=120
    )


def shown(result: subprocess.CompletedProcess) -> dict:
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("entry_point", ENTRY_POINTS)
def test_every_entry_point_defaults_to_the_safe_settings(tmp_path, entry_point):
    # when nobody names a settings module
    settings = shown(run(ENTRY_POINTS[entry_point], tmp_path))

    # then debug is off, only loopback names are served, and the key is this installation's own
    key_file = tmp_path / "secret_key"
    assert settings["module"] == "cms.settings.base"
    assert settings["debug"] is False
    assert settings["hosts"] == LOOPBACK
    assert settings["site"] == "http://localhost:8000"
    assert settings["key"] == key_file.read_text().strip()
    assert len(settings["key"]) >= 50
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600


def test_the_generated_key_is_kept_and_never_shared_between_installations(tmp_path):
    first, other = tmp_path / "first", tmp_path / "other"

    by_hand = shown(
        run(ENTRY_POINTS["manage.py"], first, DJANGO_SETTINGS_MODULE="cms.settings.dev")
    )
    worker = shown(run(ENTRY_POINTS["cms.celery"], first))
    elsewhere = shown(run(ENTRY_POINTS["manage.py"], other))

    assert by_hand["debug"] is True  # dev settings, run by hand, work without SECRET_KEY
    assert by_hand["hosts"] == LOOPBACK
    assert by_hand["key"] == worker["key"] == (first / "secret_key").read_text().strip()
    assert elsewhere["key"] != by_hand["key"]
    assert sorted(p.name for p in first.iterdir() if p.name.startswith(".secret")) == []


def test_secret_key_and_site_url_from_the_environment_win(tmp_path):
    settings = shown(
        run(
            ENTRY_POINTS["manage.py"],
            tmp_path,
            SECRET_KEY="k" * 50,
            SITE_URL="https://yaoyun.example/",
        )
    )

    assert settings["key"] == "k" * 50
    assert settings["site"] == "https://yaoyun.example"
    assert settings["hosts"] == [*LOOPBACK, "yaoyun.example"]
    assert not (tmp_path / "secret_key").exists()


@pytest.mark.parametrize(
    ("missing", "wrong", "message"),
    [
        ("SECRET_KEY", {}, "Set the environment variable SECRET_KEY."),
        ("ALLOWED_HOSTS", {}, "Set the environment variable ALLOWED_HOSTS."),
        ("", {"ALLOWED_HOSTS": "*"}, "Set ALLOWED_HOSTS to the host names the site answers to"),
        ("", {"ALLOWED_HOSTS": " , "}, "Set ALLOWED_HOSTS to the host names the site answers to"),
        ("DATABASE_URL", {}, "Set the environment variable DATABASE_URL."),
    ],
    ids=["no-secret-key", "no-allowed-hosts", "any-host", "empty-hosts", "no-database"],
)
def test_production_refuses_to_start_without_what_it_needs(tmp_path, missing, wrong, message):
    env = {name: value for name, value in PRODUCTION.items() if name != missing} | wrong

    result = run([sys.executable, "manage.py", "check"], tmp_path, **env)

    assert result.returncode == 1
    assert message in result.stderr
    assert not (tmp_path / "secret_key").exists()  # no key of its own made up on the way


def test_production_check_deploy_has_no_warning(tmp_path):
    result = run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        tmp_path,
        **PRODUCTION,
    )

    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout == "System check identified no issues (0 silenced).\n"


def test_production_builds_public_urls_from_its_host_not_localhost(tmp_path):
    settings = shown(run(ENTRY_POINTS["manage.py"], tmp_path, **PRODUCTION))

    assert settings["debug"] is False
    assert settings["hosts"] == ["example.com"]
    assert settings["site"] == "https://example.com"
    assert settings["key"] == PRODUCTION["SECRET_KEY"]
