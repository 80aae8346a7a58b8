"""The app's six functions as mobile pages under /app/: what each shows to whom, publish and
expiry respected, the kiosk mode, the nearby list, and what makes the pages installable (the
manifest with icons that exist, the service worker's type, scope and policy)."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
import time_machine
from django.utils import timezone
from PIL import Image

from shebao.content.models import JobNotice, Status
from shebao.core.notify import notification_enqueue
from tests.catalog.test_outlets import HERE, TUESDAY, _item, enquiry, outlets  # noqa: F401
from tests.content.test_content import job, policy
from tests.web.support import sign_in

pytestmark = pytest.mark.django_db

TILES = ["政策法规查询", "办事指南", "我的信息", "就业服务信息", "消息通知", "附近服务网点"]


def text(response) -> str:
    return response.content.decode()


# --- home and the kiosk -------------------------------------------------------------------


def test_home_has_the_six_tiles_and_links_the_manifest(client):
    page = text(client.get("/app/"))
    assert [t for t in TILES if t in page] == TILES
    assert 'rel="manifest" href="/app/manifest.webmanifest"' in page
    assert "/login/citizen/?next=/app/" in page  # the sign-in


def test_the_kiosk_flag_enlarges_hides_sign_in_and_personal_tiles_and_is_remembered(client):
    response = client.get("/app/", {"kiosk": "1"})
    page = text(response)
    assert 'class="app large-text kiosk"' in page
    assert "/login/citizen/" not in page and "我的信息" not in page and "消息通知" not in page
    assert response.cookies["shebao_kiosk"].value == "1"
    # the next page of the same screen stays in kiosk mode, until ?kiosk=0
    assert "kiosk" in text(client.get("/app/guides/")).split("<body", 1)[1].split(">", 1)[0]
    off = client.get("/app/", {"kiosk": "0"})
    assert "我的信息" in text(off) and off.cookies["shebao_kiosk"].value == ""


def test_a_signed_in_person_on_a_kiosk_sees_nothing_personal(client, citizen):
    notification_enqueue(key="k1", channel="sms", recipient="13800000000", body="您的办件已办结", account=citizen)
    sign_in(client, citizen)
    page = text(client.get("/app/messages/", {"kiosk": "1"}))
    assert "您的办件已办结" not in page and "自助服务终端不显示个人消息" in page
    assert "/my/cases/" not in text(client.get("/app/me/"))


# --- policies and employment: only the visible -------------------------------------------


def test_policy_search_by_chinese_word_shows_only_the_visible(client):
    policy("关于实施渐进式延迟法定退休年龄的决定", body="男职工法定退休年龄逐步延迟到六十三周岁")
    policy("失业保险条例")
    policy("退休草稿", status=Status.DRAFT)
    policy("退休通知（已过期）", expire_at=timezone.now() - dt.timedelta(minutes=1))
    policy("退休通知（明天发布）", publish_at=timezone.now() + dt.timedelta(days=1))
    page = text(client.get("/app/policies/", {"q": "六十三"}))
    assert "关于实施渐进式延迟法定退休年龄的决定" in page and "失业保险条例" not in page
    page = text(client.get("/app/policies/", {"q": "退休"}))
    assert "关于实施渐进式延迟法定退休年龄的决定" in page
    assert "退休草稿" not in page and "已过期" not in page and "明天发布" not in page


def test_employment_page_by_kind_and_only_the_visible(client):
    job("江岸区招聘会", district="江岸区")
    job("养老护理员培训", kind=JobNotice.Kind.TRAINING)
    job("已结束的招聘会", expire_at=timezone.now() - dt.timedelta(days=1))
    page = text(client.get("/app/jobs/"))
    assert "江岸区招聘会" in page and "养老护理员培训" in page and "已结束的招聘会" not in page
    training = text(client.get("/app/jobs/", {"kind": "training"}))
    assert "养老护理员培训" in training and "江岸区招聘会" not in training


# --- guides -------------------------------------------------------------------------------


def test_guides_list_and_one_guide_from_the_catalogue(client):
    from shebao.catalog.models import ItemMaterial

    item = _item("G2", channels=["hall", "app"], kinds=["district_office"], name="社保卡挂失", saturday=True)
    ItemMaterial.objects.create(item=item, code="ID", name="居民身份证原件", name_en="ID card")
    _item("G3", channels=["online"], kinds=[], name="养老保险关系转移")
    listing = text(client.get("/app/guides/", {"q": "挂失"}))
    assert "社保卡挂失" in listing and "养老保险关系转移" not in listing
    page = text(client.get("/app/guides/G2/"))
    assert "居民身份证原件" in page and "即时办结" in page and "服务大厅窗口 / Service hall" in page
    assert "/guide/G2/poster.pdf" in page
    assert client.get("/app/guides/NOPE/").status_code == 404


# --- my information and messages ----------------------------------------------------------


def test_my_information_asks_a_visitor_to_sign_in_and_links_a_citizen_to_their_pages(client, citizen):
    assert "/login/citizen/?next=/app/me/" in text(client.get("/app/me/"))
    sign_in(client, citizen)
    page = text(client.get("/app/me/"))
    for url in ("/my/cases/", "/my/contributions/", "/my/pension/", "/statements/my/"):
        assert url in page


def test_messages_are_the_person_s_own_only(client, citizen, other_citizen):
    notification_enqueue(
        key="mine", channel="sms", recipient="1", subject="办件已办结", body="您的办件已办结", account=citizen
    )
    notification_enqueue(
        key="theirs", channel="sms", recipient="2", subject="账单", body="李四的账单", account=other_citizen
    )
    assert "/login/citizen/?next=/app/messages/" in text(client.get("/app/messages/"))
    sign_in(client, citizen)
    page = text(client.get("/app/messages/"))
    assert "您的办件已办结" in page and "李四的账单" not in page


# --- nearby -------------------------------------------------------------------------------


def test_nearby_lists_the_outlets_nearest_first_with_distance_and_hours(client, outlets, enquiry):  # noqa: F811
    with time_machine.travel(TUESDAY, tick=False):
        response = client.get("/app/nearby/", {"lat": HERE[0], "lng": HERE[1], "item": "Q1"})
    assert response.status_code == 200
    assert "geolocation=(self)" in response["Permissions-Policy"]
    page = text(response)
    names = [outlets[code].name for code in ("BANK", "COMM", "JA", "WC")]
    positions = [page.index(name) for name in names]
    assert positions == sorted(positions)
    assert "363 米 / 363 m" in page and "4.7 公里 / 4.7 km" in page
    assert "正在办公 / Open now" in page and "周六 02-14 / Saturday" in page


@pytest.mark.parametrize("params", [{"lat": "north", "lng": "114.29"}, {"lat": "91", "lng": "114.29"}])
def test_nearby_refuses_bad_coordinates_with_a_message(client, db, params):
    response = client.get("/app/nearby/", params)
    assert response.status_code == 422
    assert "位置坐标不正确" in text(response) and "not valid coordinates" in text(response)


def test_nearby_without_a_position_offers_the_button_and_the_form(client, db):
    page = text(client.get("/app/nearby/"))
    assert 'id="locate"' in page and 'name="lat"' in page and 'id="outlet-list"' not in page


# --- installable --------------------------------------------------------------------------


def test_the_manifest_is_valid_json_whose_icons_exist(client):
    response = client.get("/app/manifest.webmanifest")
    assert response["Content-Type"] == "application/manifest+json"
    manifest = json.loads(response.content)
    assert manifest["start_url"] == "/app/" and manifest["scope"] == "/app/" and manifest["display"] == "standalone"
    assert manifest["name"].startswith("武汉社保")
    sizes = set()
    for icon in manifest["icons"]:
        image_response = client.get(icon["src"])
        assert image_response.status_code == 200 and image_response["Content-Type"] == "image/png"
        image = Image.open(io.BytesIO(image_response.content))
        assert image.format == "PNG" and f"{image.width}x{image.height}" == icon["sizes"]
        sizes.add(icon["sizes"])
    assert {"192x192", "512x512"} <= sizes
    assert any(i.get("purpose") == "maskable" for i in manifest["icons"])
    assert client.get("/app/icons/icon-64.png").status_code == 404


def test_the_service_worker_is_javascript_with_the_app_scope_and_our_csp(client):
    response = client.get("/app/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/javascript; charset=utf-8"
    assert response["Service-Worker-Allowed"] == "/app/"
    assert response["Cache-Control"] == "no-cache"
    assert "script-src 'self'" in response["Content-Security-Policy"]
    source = text(response)
    # what it keeps up front answers (the guides page among them)
    precache = json.loads(source.split("const PRECACHE = ", 1)[1].split(";\n", 1)[0])
    assert "/app/guides/" in precache
    for url in precache:
        if not url.startswith("/static/"):
            assert client.get(url).status_code == 200, url
    # and it never keeps personal pages
    assert "/app/me/" not in source.split("function cacheKey", 1)[1].split("}\n", 1)[0]


def test_every_page_sends_the_csp_and_only_nearby_may_ask_for_the_position(client, db):
    for url in ("/app/", "/app/policies/", "/app/guides/", "/app/me/", "/app/jobs/", "/app/messages/"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "default-src 'self'" in response["Content-Security-Policy"]
        assert "geolocation=()" in response["Permissions-Policy"], url
