"""Browser fixtures: Debian's Chromium driven by Playwright, with the flags a module asks for."""

import pytest

from tests.browser.chromium import CHROMIUM_ARGS, require_chromium


@pytest.fixture
def chromium_args() -> list[str]:
    """Command-line flags for Chromium; a test module overrides this fixture to add its own."""
    return CHROMIUM_ARGS


@pytest.fixture
def browser(chromium_args):
    executable = require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=executable, args=chromium_args)
        yield chromium
        chromium.close()


@pytest.fixture(autouse=True)
def _site_url_is_the_live_server(request, settings) -> None:
    """Share links and QR codes start with SITE_URL; in browser tests that is the live server."""
    if "live_server" in request.fixturenames:
        settings.SITE_URL = request.getfixturevalue("live_server").url
