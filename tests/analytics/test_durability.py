"""Acknowledged means durable: a server killed with SIGKILL mid-traffic loses no acknowledged
event, and a real Celery worker rolls them up afterwards."""

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request

import pytest
from django.utils import timezone

from analytics.models import DailyRollup, EventType, RawEvent
from analytics.processing import process_day
from analytics.tasks import process_days
from tests.analytics.helpers import CHROME, event
from tests.conftest import ROOT, _test_database_url, needs_worker

SENDERS = 4
BATCH = 10


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def server(transactional_db):
    """gunicorn (2 sync workers, like production) on the test database, in its own group."""
    port = _free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "cms.settings.test",
        "DATABASE_URL": _test_database_url(),
        "SITE_URL": f"http://127.0.0.1:{port}",
    }
    proc = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "cms.wsgi:application", "--workers", "2",
         "--bind", f"127.0.0.1:{port}", "--log-level", "warning"],
        cwd=ROOT, env=env, start_new_session=True,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        assert proc.poll() is None, "gunicorn exited during start-up"
        try:
            urllib.request.urlopen(f"{base}/healthz", timeout=1)
            break
        except OSError:
            assert time.monotonic() < deadline, "gunicorn did not answer /healthz in 60 s"
            time.sleep(0.2)
    yield base, proc
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


def _batch(base: str) -> list[dict]:
    url = f"{base}/suppliers/durable/"
    view = event("pageview", url=url, page_id=1, referrer="")
    follow = [
        event("engagement", url=url, pageview_id=view["event_id"], engaged_ms=1000 * i)
        for i in range(1, BATCH)
    ]
    return [view, *follow]


def _send_until_refused(base: str, acknowledged: list[str], stop: threading.Event) -> None:
    while not stop.is_set():
        batch = _batch(base)
        request = urllib.request.Request(
            f"{base}/collect",
            data=json.dumps(batch).encode(),
            headers={"Content-Type": "text/plain", "User-Agent": CHROME},
        )
        try:
            with urllib.request.urlopen(request, timeout=5) as response:
                if response.status == 204:
                    acknowledged.extend(e["event_id"] for e in batch)
        except (urllib.error.URLError, ConnectionError, OSError):
            return  # the server is gone; what was not acknowledged may or may not be stored


def test_sigkill_after_acknowledgement_loses_nothing(server):
    base, proc = server
    acknowledged: list[str] = []
    stop = threading.Event()
    senders = [
        threading.Thread(target=_send_until_refused, args=(base, acknowledged, stop))
        for _ in range(SENDERS)
    ]
    for sender in senders:
        sender.start()
    while len(acknowledged) < 300 * BATCH and proc.poll() is None:
        time.sleep(0.05)

    os.killpg(proc.pid, signal.SIGKILL)  # master and workers, mid-traffic, no shutdown
    proc.wait()
    stop.set()
    for sender in senders:
        sender.join(timeout=10)

    stored = {str(i) for i in RawEvent.objects.values_list("event_id", flat=True)}
    assert len(acknowledged) >= 300 * BATCH
    assert not set(acknowledged) - stored, "acknowledged events missing after SIGKILL"
    assert len(stored) - len(set(acknowledged)) <= SENDERS * BATCH  # only in-flight extras
    # and the rollup, run after the crash, counts every stored pageview once
    process_day(timezone.localdate())
    pageviews = RawEvent.objects.filter(type=EventType.PAGEVIEW).count()
    assert DailyRollup.objects.get(dimension="site").views == pageviews


@needs_worker
def test_a_real_worker_rolls_up_collected_events(celery_worker_process, client):
    batch = [event("pageview", page_id=5, referrer=""), event("pageview", page_id=5)]
    response = client.post(
        "/collect", json.dumps(batch), content_type="text/plain", HTTP_USER_AGENT=CHROME
    )
    assert response.status_code == 204

    result = process_days.delay([timezone.localdate().isoformat()])

    assert result.get(timeout=60) == 1
    assert DailyRollup.objects.get(dimension="site").views == 2
