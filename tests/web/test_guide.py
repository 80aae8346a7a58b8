"""办事指南: the public guide, each item's page with its flowchart, the A3 poster and the booklet —
all drawn from the catalogue rows on every request."""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse
from pypdf import PdfReader
from reportlab.pdfbase import pdfmetrics

from shebao.catalog import posters
from shebao.catalog.models import ItemMaterial, ItemPhase, ServiceItem
from shebao.catalog.selectors import item_get
from shebao.core.documents import register_fonts
from tests.web.support import sign_in
from tests.web.test_workbench import body

SVG = "{http://www.w3.org/2000/svg}"


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(content)).pages)


def test_the_guide_lists_every_active_item_grouped_by_insurance(client, catalogue):
    ServiceItem.objects.filter(code="T-L3").update(is_active=False)
    html = body(client.get(reverse("web:guide")))
    pension = html[
        html.index('id="insurance-pension"') : html.index("</section>", html.index('id="insurance-pension"'))
    ]
    card = html[html.index('id="insurance-card"') : html.index("</section>", html.index('id="insurance-card"'))]
    assert reverse("web:guide_item", args=["T-L2"]) in pension
    assert reverse("web:guide_item", args=["T-CARD"]) in card and "T-L2" not in card
    assert reverse("web:guide_item", args=["T-L3"]) not in html  # no longer offered
    assert html.index('id="insurance-pension"') < html.index('id="insurance-card"')  # the catalogue's order


def test_the_guide_searches_names_and_codes(client, catalogue):
    html = body(client.get(reverse("web:guide") + "?q=T-XFER"))
    assert re.findall(r'href="/guide/([^/"]+)/"', html) == ["T-XFER"]
    html = body(client.get(reverse("web:guide") + "?q=没有这个事项"))
    assert "没有符合条件的事项" in html


def test_an_items_page_shows_materials_channels_limits_basis_and_the_flowchart(client, catalogue):
    response = client.get(reverse("web:guide_item", args=["T-XFER"]))
    assert response.status_code == 200
    html = body(response)
    svg = html[html.index("<svg") : html.index("</svg>")]
    for phase in ("转入地审核", "转出地办理", "转入办结"):  # the item's phases, drawn from its rows
        assert phase in svg
    assert "居民身份证" in html and "可告知承诺" in html
    assert "服务大厅窗口" in html and "周六 9:00–16:00" in html
    assert "承诺 15 个工作日" in html and "外部单位办理，不计入本机构时限" in html
    assert "《中华人民共和国社会保险法》" in html
    assert f'href="{reverse("web:guide_poster", args=["T-XFER"])}"' in html
    assert f'href="{reverse("web:guide_booklet")}"' in html
    assert "<style" not in html and " style=" not in html and "<script>" not in html


def test_an_administrators_change_shows_on_the_page_at_once(client, catalogue):
    ItemPhase.objects.filter(item__code="T-XFER", order=1).update(promised_days=10)
    html = body(client.get(reverse("web:guide_item", args=["T-XFER"])))
    assert "承诺10个工作日" in html  # in the flowchart: nothing is cached


def test_a_name_from_the_catalogue_is_escaped(client, catalogue):
    ServiceItem.objects.filter(code="T-L1").update(name="<script>alert(1)</script>事项")
    html = body(client.get(reverse("web:guide_item", args=["T-L1"])))
    assert "<script>alert" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;事项" in html


def test_unknown_and_inactive_items_are_not_found(client, catalogue):
    ServiceItem.objects.filter(code="T-L3").update(is_active=False)
    for code in ("NOPE", "T-L3"):
        assert client.get(reverse("web:guide_item", args=[code])).status_code == 404
        assert client.get(reverse("web:guide_poster", args=[code])).status_code == 404


def test_the_poster_is_an_a3_pdf_with_the_items_name(client, catalogue):
    response = client.get(reverse("web:guide_poster", args=["T-XFER"]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert 'filename="poster-T-XFER.pdf"' in response["Content-Disposition"]
    reader = PdfReader(io.BytesIO(response.content))
    assert (round(float(reader.pages[0].mediabox.width)), round(float(reader.pages[0].mediabox.height))) == (842, 1191)
    assert "测试事项T-XFER" in pdf_text(response.content)


def test_the_booklet_holds_the_whole_guide(client, catalogue):
    response = client.get(reverse("web:guide_booklet"))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert "社会保险经办服务指南" in text
    assert "测试事项T-XFER" in text and "测试事项T-CARD" in text


def test_the_guide_is_public_and_in_everyones_navigation(client, catalogue, citizen):
    html = body(client.get(reverse("web:landing")))
    assert f'href="{reverse("web:guide")}"' in html and f'href="{reverse("web:track")}"' in html
    sign_in(client, citizen)
    assert f'href="{reverse("web:guide")}"' in body(client.get(reverse("web:home")))
    assert client.get(reverse("web:guide_item", args=["T-L1"])).status_code == 200


# --- the flowchart: wrapped to its boxes, drawn for a phone, named in English ---------------

LONG_BASIS = (
    "《中华人民共和国社会保险法》第五十八条、第五十九条；《社会保险经办条例》（国务院令第765号）第十条至第十四条；"
    "《湖北省社会保险经办服务规程》（鄂人社发〔2024〕12号）第三章；Interim Measures for Cross-Province Transfer of "
    "Basic Pension Insurance Relations (Guobanfa [2009] No. 66), articles 4-8"
)


def _svgs(html: str) -> list[ET.Element]:
    found = re.findall(r"<svg .*?</svg>", html, re.DOTALL)
    assert found, "no flowchart on the page"
    return [ET.fromstring(svg) for svg in found]


def _shapes(svg: ET.Element) -> list[tuple[float, float, float, float]]:
    """Every box (rect) and decision (polygon) as (left, top, right, bottom)."""
    shapes = []
    for element in svg.iter():
        if element.tag == f"{SVG}rect":
            x, y, w, h = (float(element.get(k)) for k in ("x", "y", "width", "height"))
            shapes.append((x, y, x + w, y + h))
        elif element.tag == f"{SVG}polygon":
            points = [tuple(map(float, p.split(","))) for p in element.get("points").split()]
            xs, ys = [p[0] for p in points], [p[1] for p in points]
            shapes.append((min(xs), min(ys), max(xs), max(ys)))
    return shapes


def _overflows(svg: ET.Element) -> list[str]:
    """Each text line whose measured width (the documents' font metrics, from the SVG's own
    x, text-anchor and font-size) leaves the smallest box its anchor point sits in."""
    shapes = _shapes(svg)
    bad = []
    for text in svg.iter(f"{SVG}text"):
        x, y, size = float(text.get("x")), float(text.get("y")), float(text.get("font-size"))
        inside = [s for s in shapes if s[0] <= x <= s[2] and s[1] <= y <= s[3]]
        if not inside:
            continue  # an arrow's label ("是"/"否"), between the boxes
        left, _, right, _ = min(inside, key=lambda s: (s[2] - s[0]) * (s[3] - s[1]))
        width = pdfmetrics.stringWidth(text.text or "", register_fonts(), size)
        start = {"start": x, "middle": x - width / 2, "end": x - width}[text.get("text-anchor", "start")]
        if start < left or start + width > right:
            bad.append(f"{text.text!r}: {start:.0f}..{start + width:.0f} outside {left:.0f}..{right:.0f}")
    return bad


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_every_line_of_the_flowchart_fits_inside_its_box(client, catalogue, language):
    # given an item whose policy basis, material and step are longer than any box
    from django.conf import settings

    ServiceItem.objects.filter(code="T-XFER").update(policy_basis=LONG_BASIS)
    ItemMaterial.objects.filter(item__code="T-XFER", code="id_card").update(
        name="居民身份证、社会保障卡或户口簿（本人原件及复印件各一份，委托办理的另附授权委托书及代办人身份证件）",
        name_en="Resident identity card, social security card or household register "
        "(original and one copy; if someone applies for you, a power of attorney and their ID)",
    )
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    # when the guide page is drawn
    html = body(client.get(reverse("web:guide_item", args=["T-XFER"])))
    # then both drawings (wide and for a phone) keep every line inside its box
    svgs = _svgs(html)
    for svg in svgs:
        assert _overflows(svg) == [], svg.get("class")
        # and nothing of the policy basis is lost in the wrapping
        drawn = "".join(t.text or "" for t in svg.iter(f"{SVG}text")).replace(" ", "")
        assert LONG_BASIS.replace(" ", "") in drawn
    assert {svg.get("class") for svg in svgs} == {"flowchart flowchart-wide", "flowchart flowchart-narrow"}


def test_the_poster_wraps_a_long_policy_basis_at_a_readable_size(catalogue):
    # given a policy basis longer than the poster's note box
    ServiceItem.objects.filter(code="T-XFER").update(policy_basis=LONG_BASIS)
    item = item_get(code="T-XFER", with_structure=True)
    # when the A3 poster is drawn
    layout = posters.item_layout(item)
    pdf = posters.item_poster_pdf(item)
    # then the basis is drawn as several lines, each inside its box at the poster's own size
    basis = layout.nodes[-1]
    assert len(basis.lines) >= 3 and {line.size for line in basis.lines} == {posters.WIDE.small}
    for line in basis.lines:
        assert posters.text_width(line.text, line.size) <= basis.w - 2 * posters.PAD
    text = pdf_text(pdf).replace(" ", "").replace("\n", "")
    assert "第五十八条" in text and "鄂人社发〔2024〕12号" in text


def test_the_english_guide_names_the_items_phases_steps_and_materials_in_english(client, catalogue):
    from django.conf import settings

    # given a visitor reading in English
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    # when they open the cross-province transfer
    html = body(client.get(reverse("web:guide_item", args=["T-XFER"])))
    # then the page and both flowcharts name the item, its phases, steps and materials in English
    for part in [html, *(ET.tostring(svg, encoding="unicode") for svg in _svgs(html))]:
        for english in ("Test item T-XFER", "New agency check", "Original agency", "Transfer in", "Review", "Approve"):
            assert english in part, english
        for english in ("ID card", "Proof of address", "Photo"):
            assert english in part, english
        for chinese in ("测试事项T-XFER", "转入地审核", "转出地办理", "转入办结", "复核", "审批", "居民身份证", "居住证明", "照片"):
            assert chinese not in part, chinese
    # and the flowchart's own words are English too
    svg = ET.tostring(_svgs(html)[0], encoding="unicode")
    assert "Materials complete?" in svg and "材料是否齐全" not in svg and "阶段" not in svg
    # and the index lists it by its English name
    index = body(client.get(reverse("web:guide")))
    assert "Test item T-XFER" in index and "测试事项T-XFER" not in index


def test_the_english_poster_names_the_item_in_english(client, catalogue):
    from django.conf import settings

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    text = pdf_text(client.get(reverse("web:guide_poster", args=["T-XFER"])).content)
    assert "Test item T-XFER" in text and "New agency check" in text and "Proof of address" in text
    assert "转入地审核" not in text
