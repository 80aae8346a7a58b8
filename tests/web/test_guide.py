"""办事指南: the public guide, each item's page with its flowchart, the A3 poster and the booklet —
all drawn from the catalogue rows on every request."""

from __future__ import annotations

import io
import re

from django.urls import reverse
from pypdf import PdfReader

from shebao.catalog.models import ItemPhase, ServiceItem
from tests.web.support import sign_in
from tests.web.test_workbench import body


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
