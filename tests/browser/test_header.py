"""Headless Chromium: on a phone the header, the brand and the home search read as they should.

Measured, not just photographed: each label's text must sit on one line, every nav link must
be on screen and big enough to tap, the search placeholder must fit its box, and nothing may
push the page wider than the phone.
"""

import pytest

from content.site_setup import ensure_site
from tests.browser.chromium import ARTIFACTS

pytestmark = pytest.mark.browser

# One object per element: how many lines its text takes and where its box is.
MEASURE = """
() => {
  const lines = (el) => {
    const range = document.createRange();
    range.selectNodeContents(el);
    const tops = [...range.getClientRects()].filter((r) => r.width > 0).map((r) => r.top);
    return new Set(tops.map((t) => Math.round(t / 4))).size;  // 4 px tolerance per line
  };
  const box = (el) => {
    const r = el.getBoundingClientRect();
    return {left: r.left, right: r.right, top: r.top, bottom: r.bottom, height: r.height};
  };
  const input = document.querySelector(".hero .search-box input");
  const style = getComputedStyle(input, "::placeholder");
  const context = document.createElement("canvas").getContext("2d");
  context.font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
  const own = getComputedStyle(input);
  return {
    viewport: innerWidth,
    documentWidth: document.documentElement.scrollWidth,
    brand: {lines: lines(document.querySelector(".brand span")),
            box: box(document.querySelector(".brand"))},
    links: [...document.querySelectorAll(".site-header .nav a")].map(
      (a) => ({text: a.textContent.trim(), lines: lines(a), box: box(a)})),
    lang: box(document.querySelector(".site-header .lang a")),
    placeholder: {
      text: input.placeholder,
      width: context.measureText(input.placeholder).width,
      room: input.clientWidth - parseFloat(own.paddingLeft) - parseFloat(own.paddingRight),
    },
  };
}
"""
LABELS = {
    "zh-hans": ["药材", "供应商", "行业洞察", "搜索"],
    "en": ["Materials", "Suppliers", "Insights", "Search"],
}


def _overlap(a: dict, b: dict) -> bool:
    return a["left"] < b["right"] and b["left"] < a["right"] and a["top"] < b["bottom"]


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("width", [360, 390])
def test_phone_header_and_home_search_fit(live_server, transactional_db, browser, width, language):
    ensure_site()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(
        viewport={"width": width, "height": 780}, locale="zh-CN", device_scale_factor=2
    )
    context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    page = context.new_page()

    response = page.goto(live_server.url + "/")
    page.screenshot(path=str(ARTIFACTS / f"header-{language}-{width}.png"))
    found = page.evaluate(MEASURE)

    assert response.status == 200
    assert found["viewport"] == width
    assert found["documentWidth"] <= width, "the page scrolls sideways"
    assert found["brand"]["lines"] == 1
    assert [link["text"] for link in found["links"]] == LABELS[language]
    for link in found["links"]:
        assert link["lines"] == 1, f"{link['text']} wraps"
        assert link["box"]["left"] >= 0, f"{link['text']} off screen"
        assert link["box"]["right"] <= width, f"{link['text']} off screen"
        assert link["box"]["height"] >= 32, f"{link['text']} is too small to tap"
        assert not _overlap(link["box"], found["brand"]["box"]), f"{link['text']} covers the brand"
        assert not _overlap(link["box"], found["lang"]), f"{link['text']} covers the language link"
    assert found["lang"]["right"] <= width
    placeholder = found["placeholder"]
    assert placeholder["width"] <= placeholder["room"], f"placeholder cut off: {placeholder}"
    context.close()


def test_desktop_header_stays_on_one_row(live_server, transactional_db, browser):
    ensure_site()
    page = browser.new_page(viewport={"width": 1280, "height": 800}, locale="zh-CN")

    page.goto(live_server.url + "/")
    page.screenshot(path=str(ARTIFACTS / "header-zh-hans-1280.png"))
    found = page.evaluate(MEASURE)

    tops = {round(link["box"]["top"]) for link in found["links"]}
    assert len(tops) == 1, "the nav links are on more than one row"
    assert found["brand"]["box"]["top"] < tops.pop() < found["brand"]["box"]["bottom"]
    assert all(link["lines"] == 1 for link in found["links"])
    page.close()


@pytest.mark.parametrize("width", [360, 390])
def test_verified_badge_stays_on_one_line_on_a_phone(live_server, transactional_db, browser, width):
    from content.workspaces import create_supplier

    ensure_site()
    for name in ("宜春岐和中药饮片有限公司", "山西平顺农业科技有限公司", "亳州药业有限公司"):
        create_supplier(name, region="江西省宜春市", verified=True)
    page = browser.new_page(viewport={"width": width, "height": 780}, locale="zh-CN")

    page.goto(live_server.url + "/suppliers/")
    page.screenshot(path=str(ARTIFACTS / f"suppliers-{width}.png"))
    lines = page.evaluate(
        """() => [...document.querySelectorAll(".verified-badge")].map((badge) => {
          const range = document.createRange();
          range.selectNodeContents(badge);
          return new Set([...range.getClientRects()].map((r) => Math.round(r.top / 4))).size;
        })"""
    )

    assert lines == [1, 1, 1]
    page.close()
