"""The guide's flowchart on a phone (390×844, an iPhone 12's viewport) in a real browser
(Debian's Chromium via Playwright): the one-column drawing is shown, nothing runs past the
screen's edge, every line stays inside its box and no text is drawn under 12 CSS px.
Screenshots go to ``test-artifacts/`` for a person to look at."""

from __future__ import annotations

import pytest

from shebao.catalog.models import ItemMaterial, ServiceItem
from tests.browser_fixtures import ARTIFACTS, PHONE, browser_page, chromium  # noqa: F401 (chromium: the fixture)
from tests.web.test_guide import LONG_BASIS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Measured in the page: the figure's and the shown drawing's right edges, the smallest drawn
# text (font size × the drawing's scale) and each line that leaves the shape it sits in.
MEASURE = """() => {
  const figure = document.querySelector('#flowchart figure');
  const shown = [...figure.querySelectorAll('svg')].filter(s => getComputedStyle(s).display !== 'none');
  const svg = shown[0];
  const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
  const sizes = [...svg.querySelectorAll('text')].map(
    t => parseFloat(getComputedStyle(t).fontSize) * scale);
  const overflows = [];
  for (const g of svg.querySelectorAll('g.node')) {
    const shape = g.querySelector('rect, polygon').getBBox();
    for (const t of g.querySelectorAll('text')) {
      const box = t.getBBox();
      if (box.x < shape.x - 0.5 || box.x + box.width > shape.x + shape.width + 0.5) {
        overflows.push(`${t.textContent}: ${box.x.toFixed(0)}..${(box.x + box.width).toFixed(0)} `
          + `outside ${shape.x.toFixed(0)}..${(shape.x + shape.width).toFixed(0)}`);
      }
    }
  }
  return {
    shown: shown.map(s => s.getAttribute('class')),
    viewport: document.documentElement.clientWidth,
    pageWidth: document.documentElement.scrollWidth,
    figureRight: figure.getBoundingClientRect().right,
    figureScroll: figure.scrollWidth - figure.clientWidth,
    svgRight: svg.getBoundingClientRect().right,
    smallest: Math.min(...sizes),
    overflows,
  };
}"""


@pytest.mark.parametrize("language", ["zh-CN", "en-US"])
def test_the_flowchart_is_readable_on_a_phone(chromium, live_server, catalogue, language):  # noqa: F811
    # given an item with a long policy basis and a long material name, and a visitor on a phone
    ServiceItem.objects.filter(code="T-XFER").update(policy_basis=LONG_BASIS)
    ItemMaterial.objects.filter(item__code="T-XFER", code="id_card").update(
        name="居民身份证、社会保障卡或户口簿（本人原件及复印件各一份，委托办理的另附授权委托书及代办人身份证件）",
        name_en="Resident identity card, social security card or household register "
        "(original and one copy; if someone applies for you, a power of attorney and their ID)",
    )
    with browser_page(
        chromium, locale=language, viewport=PHONE, device_scale_factor=3, is_mobile=True, has_touch=True
    ) as page:
        if language == "en-US":
            page.context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])
        # when they open the item's guide
        page.goto(f"{live_server.url}/guide/T-XFER/")
        page.locator("#flowchart").scroll_into_view_if_needed()
        found = page.evaluate(MEASURE)
        ARTIFACTS.mkdir(exist_ok=True)
        page.locator("#flowchart").screenshot(path=str(ARTIFACTS / f"guide-flowchart-phone-{language}.png"))
        # then no text is smaller than 12 CSS px, and every line stays inside its box
        assert found["smallest"] >= 12, found
        assert found["overflows"] == []
        # and neither the page nor the flowchart runs past the screen's edge
        assert found["pageWidth"] <= found["viewport"] == PHONE["width"]
        assert found["figureScroll"] == 0
        assert found["svgRight"] <= found["figureRight"] <= PHONE["width"]
        # because the one-column drawing is the one shown
        assert found["shown"] == ["flowchart flowchart-narrow"]
        if language == "en-US":
            assert "New agency check" in page.locator("#flowchart svg.flowchart-narrow").text_content()


def test_the_wide_flowchart_still_shows_on_a_desk(chromium, live_server, catalogue):  # noqa: F811
    # given a visitor at a desk
    with browser_page(chromium) as page:
        # when they open the item's guide
        page.goto(f"{live_server.url}/guide/T-XFER/")
        found = page.evaluate(MEASURE)
        # then the wide drawing is shown, its lines inside their boxes, its text at 12 px or more
        assert found["shown"] == ["flowchart flowchart-wide"]
        assert found["overflows"] == [] and found["smallest"] >= 11.5, found
