"""The app's public routes: nearby service points (WGS-84 and GCJ-02) and service guides."""

from __future__ import annotations

import pytest
import time_machine

from shebao.catalog.models import ItemMaterial
from shebao.core.geo import wgs84_to_gcj02
from tests.catalog.test_outlets import HERE, SATURDAY, TUESDAY, _item, card_loss, enquiry, outlets  # noqa: F401

NEARBY = "/api/v1/app/outlets/nearby"


@pytest.fixture
def tuesday():
    with time_machine.travel(TUESDAY, tick=False):
        yield


def test_nearby_answers_the_offering_outlets_nearest_first_without_a_token(client, outlets, enquiry, tuesday):  # noqa: F811
    response = client.get(NEARBY, {"lat": HERE[0], "lng": HERE[1], "item": "Q1"})
    assert response.status_code == 200
    body = response.json()
    assert [(o["code"], o["distance_m"]) for o in body] == [("BANK", 363), ("COMM", 385), ("JA", 1923), ("WC", 4714)]
    first = body[0]
    assert first["kind"] == "bank_outlet" and first["open_now"] is True and first["next_opening"] is None
    assert first["hours_today"] == [{"opens": "09:00", "closes": "17:00"}]
    assert first["waiting"] is None and first["day_kind"] == "workday"


def test_gcj02_input_gives_the_answer_of_its_wgs84_point(client, outlets, enquiry, tuesday):  # noqa: F811
    gcj_lat, gcj_lng = wgs84_to_gcj02(*HERE)
    # the GCJ-02 point is about 500 m off in WGS-84 terms: read as WGS-84 it would rank differently
    assert abs(gcj_lng - HERE[1]) > 0.004
    wgs = client.get(NEARBY, {"lat": HERE[0], "lng": HERE[1], "item": "Q1"}).json()
    gcj = client.get(NEARBY, {"lat": gcj_lat, "lng": gcj_lng, "crs": "gcj02", "item": "Q1"}).json()
    assert [o["code"] for o in gcj] == [o["code"] for o in wgs]
    assert all(abs(a["distance_m"] - b["distance_m"]) <= 2 for a, b in zip(gcj, wgs, strict=True))


def test_on_a_saturday_the_app_says_when_the_halls_open_for_a_weekday_item(client, outlets, enquiry):  # noqa: F811
    with time_machine.travel(SATURDAY, tick=False):
        body = {o["code"]: o for o in client.get(NEARBY, {"lat": HERE[0], "lng": HERE[1], "item": "Q1"}).json()}
    assert body["BANK"]["open_now"] is True
    assert body["JA"]["open_now"] is False and body["JA"]["next_opening"].startswith("2026-03-09T09:00:00")
    assert body["JA"]["day_kind"] == "saturday_service"


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"lat": 91, "lng": 114.29}, "lat"),
        ({"lat": 30.58, "lng": -181}, "lng"),
        ({"lat": "north", "lng": 114.29}, "lat"),
        ({"lng": 114.29}, "lat"),
        ({"lat": 30.58, "lng": 114.29, "crs": "bd09"}, "crs"),
        ({"lat": 30.58, "lng": 114.29, "limit": 0}, "limit"),
    ],
)
def test_bad_coordinates_are_a_422_naming_the_field(client, db, params, field):
    response = client.get(NEARBY, params)
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == [field]


def test_an_unknown_item_is_a_404(client, outlets):  # noqa: F811
    response = client.get(NEARBY, {"lat": HERE[0], "lng": HERE[1], "item": "NOPE"})
    assert response.status_code == 404 and response.json()["code"] == "not_found"


def test_guides_answer_materials_channels_limits_and_the_poster(client, db):
    item = _item("G2", channels=["hall", "app"], kinds=["district_office"], name="社保卡挂失", saturday=True)
    ItemMaterial.objects.create(item=item, code="ID", name="居民身份证原件", name_en="ID card")
    _item("G3", channels=["online"], kinds=[], name="养老保险关系转移")
    response = client.get("/api/v1/app/guides", {"q": "挂失"})
    assert response.status_code == 200
    [guide] = response.json()
    assert guide["code"] == "G2" and guide["channels"] == ["hall", "app"] and guide["saturday"] is True
    assert guide["promised_days"] == 0 and guide["instant"] is True
    assert guide["materials"] == [
        {"code": "ID", "name": "居民身份证原件", "name_en": "ID card", "required": True, "commitment_allowed": False}
    ]
    assert guide["poster_url"] == "/guide/G2/poster.pdf"
    assert [g["code"] for g in client.get("/api/v1/app/guides", {"q": "身份证"}).json()] == ["G2"]


def test_the_app_s_schemas_do_not_replace_the_catalogue_s_in_the_openapi_document():
    # ninja names components by class name: an app "GuideOut" once replaced the catalogue's,
    # and /catalog/items/{code} answered against the wrong schema
    from shebao.api import api

    components = api.get_openapi_schema()["components"]["schemas"]
    assert "phases" in components["GuideOut"]["properties"]
    assert "poster_url" in components["AppGuideOut"]["properties"]
    assert "poster_url" not in components["GuideOut"]["properties"]
