"""Headless Chromium: what the tracker sends to /collect matches what a reader really did."""

import re
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from analytics import views as collect_views
from analytics.models import RawEvent
from content.demo import seed
from content.models import ArticlePage
from tests.browser.chromium import ARTIFACTS, CHROMIUM_ARGS, require_chromium

pytestmark = pytest.mark.browser
# Headless Chromium says "HeadlessChrome", which /collect files as a bot and does not store.
# Set with --user-agent, not per context: Playwright's override misses beacons sent on unload.
DESKTOP_UA = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/126.0.0.0 Safari/537.36"
)
PRIVACY_SIGNALS = {
    "dnt": "Object.defineProperty(Navigator.prototype, 'doNotTrack', {get: () => '1'});",
    "gpc": "Object.defineProperty(Navigator.prototype, 'globalPrivacyControl', {get: () => true});",
}


@pytest.fixture
def article(transactional_db) -> ArticlePage:
    """A supplier article with a test-report PDF, long enough to scroll through."""
    seed(suppliers=2, articles=6, insights=1)
    for page in ArticlePage.objects.live().filter(supplier__isnull=False).order_by("pk"):
        if any(block.block_type == "report" for block in page.body):
            return page
    pytest.fail("the demo seed made no article with a test report")


@pytest.fixture
def received(monkeypatch) -> list[dict]:
    """Every event /collect stored, in arrival order, and every batch it refused or lost.

    Wraps the view's calls (the live server runs in this process), so repeated sends show up
    even though the unique event_id keeps them out of the table.
    """
    seen: list[dict] = []
    parse, record = collect_views.parse_batch, collect_views.record_events

    def parse_batch(body: bytes, max_events: int) -> list[dict]:
        try:
            return parse(body, max_events)
        except collect_views.SchemaError as exc:
            seen.append({"refused": exc.detail})
            raise

    def record_events(events: list[dict], origin) -> int:
        try:
            stored = record(events, origin)
        except Exception as exc:
            seen.append({"failed": repr(exc)})
            raise
        seen.extend({**event, "bot": origin.client.bot_reason} for event in events)
        return stored

    monkeypatch.setattr(collect_views, "parse_batch", parse_batch)
    monkeypatch.setattr(collect_views, "record_events", record_events)
    return seen


@pytest.fixture
def chromium_args() -> list[str]:
    return [*CHROMIUM_ARGS, f"--user-agent={DESKTOP_UA}"]


@pytest.fixture
def tabbed_browser(tmp_path) -> Iterator:
    """Chromium started here and attached over CDP without Playwright's default overrides.

    Playwright's focus emulation keeps every page it launches "visible", so switching tabs
    never hides one. Attached with no_defaults, its default context behaves like a reader's
    window: the tab behind another one is hidden and fires visibilitychange.
    """
    executable = require_chromium()
    from playwright.sync_api import sync_playwright

    profile = tmp_path / "profile"
    chromium = subprocess.Popen(
        [
            executable,
            "--headless",
            *CHROMIUM_ARGS,
            "--remote-debugging-port=0",  # a free port, written to DevToolsActivePort
            f"--user-data-dir={profile}",
            f"--user-agent={DESKTOP_UA}",
            "--window-size=1280,720",
            "about:blank",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        port = _devtools_port(profile / "DevToolsActivePort", chromium)
        with sync_playwright() as playwright:
            browser = playwright.chromium.connect_over_cdp(
                f"http://127.0.0.1:{port}", no_defaults=True
            )
            yield browser
            browser.close()
    finally:
        chromium.terminate()
        chromium.wait(timeout=20)


def _devtools_port(port_file: Path, chromium: subprocess.Popen) -> str:
    deadline = time.monotonic() + 30
    while not (port_file.exists() and port_file.read_text().strip()):
        assert chromium.poll() is None, "chromium exited during start-up"
        assert time.monotonic() < deadline, "chromium opened no DevTools port in 30 s"
        time.sleep(0.1)
    return port_file.read_text().split()[0]


def wait_for(received: list[dict], done: Callable[[list[dict]], bool], timeout: float = 10.0):
    """Poll until ``done`` holds for the events received, then until 1 s passes without more."""
    deadline = time.monotonic() + timeout
    while not done(received):
        assert time.monotonic() < deadline, f"timed out; received {received}"
        time.sleep(0.2)
    count = -1
    while count != len(received) and time.monotonic() < deadline + 5:
        count = len(received)
        time.sleep(1.0)


def of_type(events: list[dict], kind: str) -> list[dict]:
    return [e for e in events if e.get("type") == kind]


def pageviews(events: list[dict]) -> int:
    """Distinct pageviews: a batch in flight when a page closes is legitimately sent again."""
    return len({e["event_id"] for e in of_type(events, "pageview")})


def problems(received: list[dict]) -> list[dict]:
    """Batches /collect refused or could not store, and events it filed as a bot's."""
    return [e for e in received if "refused" in e or "failed" in e or e["bot"]]


def keep_active(page, seconds: float) -> None:
    """Move the mouse every 200 ms: the tracker counts time within 30 s of an interaction."""
    end = time.monotonic() + seconds
    step = 0
    while time.monotonic() < end:
        step += 1
        page.mouse.move(200 + (step * 37) % 600, 200 + (step * 53) % 300)
        page.wait_for_timeout(200)


def test_visit_is_reported_as_it_happened(live_server, article, received, tabbed_browser, tmp_path):
    from playwright.sync_api import expect

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    context = tabbed_browser.contexts[0]
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    page = context.pages[0]
    download_dir = tmp_path / "downloads"
    download_dir.mkdir()
    tabbed_browser.new_browser_cdp_session().send(
        "Browser.setDownloadBehavior",
        {"behavior": "allowAndName", "downloadPath": str(download_dir)},
    )

    # given a reader who reads actively for a while and scrolls to 60 %
    page.goto(live_server.url + article.url)
    loaded = time.monotonic()
    assert page.evaluate("document.documentElement.scrollHeight > 2 * innerHeight")
    keep_active(page, 4)
    page.evaluate("scrollTo(0, document.documentElement.scrollHeight * 0.6 - innerHeight)")
    depth = page.evaluate(
        "Math.round((pageYOffset + innerHeight) * 100 / document.documentElement.scrollHeight)"
    )
    # when they switch to another tab for 3 s (not reading), then come back
    hidden_at = time.monotonic()
    other = context.new_page()
    other.bring_to_front()
    page.wait_for_function("document.visibilityState === 'hidden'")
    time.sleep(3)
    page.bring_to_front()
    page.wait_for_function("document.visibilityState === 'visible'")
    back_at = time.monotonic()
    # and download the test report and copy the share link
    page.mouse.move(300, 300)
    page.click("a.download")
    _wait_for_file(download_dir)
    page.click("#share-copy")
    expect(page.locator("#share-copy")).to_have_text("✔")
    shared_url = page.input_value("#share-url")
    copied = page.evaluate("navigator.clipboard.readText()")
    page.screenshot(path=str(ARTIFACTS / "tracker-article.png"))
    wait_for(received, lambda events: of_type(events, "share"))  # nothing in flight at close
    closed_at = time.monotonic()
    page.close()
    other.close()

    # then /collect received exactly what happened, each event once
    wait_for(received, lambda events: len(of_type(events, "engagement")) >= 2)
    assert problems(received) == []
    reader = [e for e in received if e.get("page_id") == article.pk]
    assert [e for e in reader if "visitor_id" in e] == []  # the banner was not answered
    ids = [e["event_id"] for e in reader]
    assert len(ids) == len(set(ids))
    (pageview,) = of_type(reader, "pageview")
    assert pageview["url"] == live_server.url + article.url
    assert "share_token" not in pageview
    assert all(e["pageview_id"] == pageview["event_id"] for e in reader if e is not pageview)

    # active time: the visible stretches, but not the 3 s behind another tab
    active = (hidden_at - loaded) + (closed_at - back_at)
    engaged = max(e["engaged_ms"] for e in of_type(reader, "engagement")) / 1000
    print(f"active time: measured {active:.2f} s, reported {engaged:.2f} s")
    assert active - 1.5 <= engaged <= active + 2.5, (active, engaged)
    # depth: what the reader saw when leaving the tab; clicking later scrolled further
    assert abs(of_type(reader, "engagement")[0]["scroll_pct"] - depth) <= 2
    milestones = [e["scroll_pct"] for e in of_type(reader, "scroll")]
    assert milestones[:2] == [25, 50]
    assert milestones == [25, 50, 75, 100][: len(milestones)]

    (download,) = of_type(reader, "download")
    assert download["target"] == live_server.url + _report_url(article)
    (share,) = of_type(reader, "share")
    assert share["method"] == "copy"
    assert copied == shared_url
    assert parse_qs(urlsplit(shared_url).query) == {"s": [share["share_token"]]}
    assert len(share["share_token"]) >= 10
    stored = RawEvent.objects.filter(page_id=article.pk)
    assert sorted(e.event_id for e in stored) == sorted(ids)

    # and a second reader who opens the shared link arrives through that share
    second = tabbed_browser.new_context().new_page()
    second.goto(shared_url)
    wait_for(received, lambda events: pageviews(events) == 2)
    arrival = of_type(received, "pageview")[-1]
    assert arrival["share_token"] == share["share_token"]
    assert RawEvent.objects.get(event_id=arrival["event_id"]).share_token == share["share_token"]


def _wait_for_file(directory: Path, timeout: float = 10.0) -> Path:
    deadline = time.monotonic() + timeout
    while True:
        done = [p for p in directory.iterdir() if not p.name.endswith(".crdownload")]
        if done and done[0].stat().st_size:
            return done[0]
        assert time.monotonic() < deadline, "the report did not download"
        time.sleep(0.1)


def _report_url(article: ArticlePage) -> str:
    (report,) = [block.value for block in article.body if block.block_type == "report"]
    return report["document"].url


@pytest.mark.parametrize("signal", ["dnt", "gpc"])
def test_privacy_signal_means_no_cookie_no_banner_and_a_daily_id(
    live_server, article, received, browser, settings, signal
):
    from playwright.sync_api import expect

    settings.ANALYTICS_CONSENT = "ask"
    context = browser.new_context(locale="zh-CN")
    context.add_init_script(PRIVACY_SIGNALS[signal])
    page = context.new_page()

    page.goto(live_server.url + article.url)
    keep_active(page, 1)
    page.mouse.wheel(0, 1500)
    expect(page.locator("#yy-consent")).to_be_hidden()
    assert page.evaluate("localStorage.length + sessionStorage.length") == 0
    page.screenshot(path=str(ARTIFACTS / f"tracker-{signal}.png"))
    page.close()

    wait_for(received, lambda events: of_type(events, "engagement"))
    assert problems(received) == []
    assert context.cookies() == []
    assert [e for e in received if "visitor_id" in e] == []
    assert {e.visitor_kind for e in RawEvent.objects.all()} == {"daily"}
    context.close()


def test_visitor_cookie_only_after_the_reader_accepts(
    live_server, article, received, browser, settings
):
    from playwright.sync_api import expect

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    settings.ANALYTICS_CONSENT = "ask"
    context = browser.new_context(locale="zh-CN")
    page = context.new_page()
    banner = page.locator("#yy-consent")

    # given a reader who has not answered the banner yet
    page.goto(live_server.url + article.url)
    expect(banner).to_be_visible()
    page.screenshot(path=str(ARTIFACTS / "tracker-consent-banner.png"))
    keep_active(page, 1)
    page.wait_for_timeout(2500)  # past the tracker's 2 s batching: what it queued is sent
    wait_for(received, lambda events: of_type(events, "pageview"))
    before = len(received)
    assert context.cookies() == []

    # when they accept and read on
    page.get_by_role("button", name="同意").click()
    expect(banner).to_be_hidden()
    cookies = {cookie["name"]: cookie for cookie in context.cookies()}
    page.goto(live_server.url + "/insights/")
    expect(banner).to_be_hidden()  # the choice is remembered
    page.close()

    # then every later event carries the cookie's id, and only those
    wait_for(received, lambda events: pageviews(events) == 2)
    assert problems(received) == []
    assert set(cookies) == {"yy_consent", "yy_vid"}
    assert cookies["yy_consent"]["value"] == "1"
    assert cookies["yy_vid"]["sameSite"] == "Lax"
    assert cookies["yy_vid"]["expires"] > time.time() + 364 * 86400
    visitor_id = cookies["yy_vid"]["value"]
    assert [e for e in received[:before] if "visitor_id" in e] == []
    assert {e.get("visitor_id") for e in received[before:]} == {visitor_id}
    # (a batch in flight when the page closed is sent again: the server keeps it once)
    later_ids = {e["event_id"] for e in received[before:]}
    later = RawEvent.objects.filter(event_id__in=later_ids)
    assert {(e.visitor_id, e.visitor_kind) for e in later} == {(visitor_id, "cookie")}
    assert later.count() == len(later_ids)
    context.close()


def test_declining_records_the_choice_and_nothing_else(
    live_server, article, received, browser, settings
):
    from playwright.sync_api import expect

    settings.ANALYTICS_CONSENT = "ask"
    context = browser.new_context(locale="zh-CN")
    page = context.new_page()

    page.goto(live_server.url + article.url)
    page.get_by_role("button", name="拒绝").click()
    expect(page.locator("#yy-consent")).to_be_hidden()
    page.goto(live_server.url + "/insights/")
    expect(page.locator("#yy-consent")).to_be_hidden()
    page.close()

    wait_for(received, lambda events: pageviews(events) == 2)
    assert problems(received) == []
    cookies = context.cookies()
    assert [(c["name"], c["value"]) for c in cookies] == [("yy_consent", "0")]
    assert cookies[0]["expires"] < time.time() + 181 * 86400
    assert [e for e in received if "visitor_id" in e] == []
    assert {e.visitor_kind for e in RawEvent.objects.all()} == {"daily"}
    context.close()


def test_anonymous_mode_never_asks_and_the_qr_code_carries_a_token(
    live_server, article, received, browser, settings
):
    from playwright.sync_api import expect

    settings.ANALYTICS_CONSENT = "anonymous"
    context = browser.new_context(locale="zh-CN")
    page = context.new_page()

    page.goto(live_server.url + article.url)
    keep_active(page, 1)
    assert page.locator("#yy-consent").count() == 0  # not even rendered
    page.get_by_text("显示微信二维码").click()
    qr = page.locator("#share-qr img")
    expect(qr).to_have_attribute("src", re.compile(r"\?s="))  # set when the QR is shown
    expect(qr).to_be_visible()
    qr_src = qr.get_attribute("src")
    page.close()

    wait_for(received, lambda events: of_type(events, "engagement"))
    assert problems(received) == []
    assert context.cookies() == []
    assert [e for e in received if "visitor_id" in e] == []
    (share,) = of_type(received, "share")
    assert share["method"] == "qr"
    assert qr_src == f"/qr/{article.pk}.svg?s={share['share_token']}"
    context.close()
