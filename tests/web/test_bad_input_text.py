"""Text no page can show and no column can hold, and bodies the API does not read, sent to
several doors: each is refused before any view with a 4xx in Chinese and English (JSON for
the API, the house error page or its notice for pages), never a 500, and nothing is written.

- a lone surrogate escaped in JSON ("\\ud800") was stored, then the staff case page answered
  500 on every view; percent-escaped (%ED%A0%80) it is not UTF-8 in a query or a form;
- a multipart or urlencoded POST to a JSON route answered 500;
- a NUL passed the filter inside ``Content-Type: application/octet-stream``.
"""

from __future__ import annotations

import json
from urllib.parse import urlencode

import pytest
from django.test import Client

from shebao.cases.models import Case, CaseRating
from shebao.core.models import AuditEvent
from tests.cases.test_api import post, staff_client
from tests.cases.test_workflow import act, open_case

pytestmark = pytest.mark.django_db

SURROGATE_JSON = '"\\ud800"'  # a JSON string holding U+D800 alone
SURROGATE_URL = "%ED%A0%80"  # U+D800 as UTF-8 would write it, which UTF-8 forbids


def bilingual(response, status: int) -> dict:
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["message"] and body["message_en"] and body["message"] != body["message_en"]
    return body


def raw_json(client, url: str, text: str, content_type: str = "application/json"):
    return client.post(url, data=text.encode("utf-8"), content_type=content_type)


def with_surrogate(body: dict, key: str) -> str:
    """``body`` as JSON with ``key``'s value replaced by the escaped lone surrogate."""
    marker = "__SURROGATE__"
    return json.dumps({**body, key: marker}).replace(f'"{marker}"', SURROGATE_JSON)


@pytest.fixture
def open_body(citizen, district):
    """A citizen's online application of T-L2 (refused here before any view reads it)."""
    return {
        "item_code": "T-L2",
        "applicant_id_number": citizen.id_number,
        "applicant_name": "张三",
        "district_code": district.code,
        "channel": "online",
        "form": {"address": "江岸区胜利街1号"},
        "materials": {"id_card": "received", "address_proof": "received"},
    }


@pytest.fixture
def accepted_case(engine, clerk, applicant):
    """A case of T-L2 (two steps) accepted by the clerk: the reviewer acts next."""
    case = open_case(clerk, applicant)
    act(clerk, case, "accept")
    case.refresh_from_db()
    return case


@pytest.fixture
def completed_case(accepted_case, reviewer):
    act(reviewer, accepted_case, "review")
    accepted_case.refresh_from_db()
    return accepted_case


# --- a lone surrogate ---------------------------------------------------------------------------


def test_a_lone_surrogate_in_a_case_note_is_refused_and_the_case_page_keeps_working(client, accepted_case, reviewer):
    # given the reviewer on the accepted case
    staff_client(client, reviewer)
    events, version = AuditEvent.objects.count(), accepted_case.version
    url = f"/api/v1/cases/{accepted_case.number}/actions"

    # when the review is sent with a note holding a lone surrogate
    body = with_surrogate({"action": "review", "version": version}, "note")
    response = raw_json(client, url, body)

    # then it is a 422 naming the field, the case did not move and no event was written
    assert bilingual(response, 422)["field"] == "note"
    accepted_case.refresh_from_db()
    assert accepted_case.version == version
    assert not accepted_case.step_records.filter(action="review").exists()
    assert AuditEvent.objects.count() == events
    assert client.get(f"/cases/{accepted_case.number}/").status_code == 200


def test_a_lone_surrogate_in_a_rating_comment_is_refused(client, completed_case, citizen):
    client.force_login(citizen)
    body = with_surrogate({"score": 2}, "comment")
    bilingual(raw_json(client, f"/api/v1/cases/{completed_case.number}/rating", body), 422)
    assert not CaseRating.objects.exists()


def test_a_lone_surrogate_in_an_application_is_refused(client, engine, citizen, open_body):
    client.force_login(citizen)
    body = with_surrogate(open_body, "applicant_name")
    assert bilingual(raw_json(client, "/api/v1/cases", body), 422)["field"] == "applicant_name"
    assert not Case.objects.exists()


def test_a_lone_surrogate_inside_nested_json_is_refused(client, engine, citizen, open_body):
    client.force_login(citizen)
    body = json.dumps({**open_body, "form": {"address": "__S__"}}).replace('"__S__"', SURROGATE_JSON)
    assert bilingual(raw_json(client, "/api/v1/cases", body), 422)["field"] == "form.address"
    assert not Case.objects.exists()


def test_a_lone_surrogate_in_the_calculators_region_is_refused(client):
    body = with_surrogate({"person_type": "employee", "month": "2025-01", "wage": 5000}, "region")
    assert bilingual(raw_json(client, "/api/v1/calculators/contribution", body), 422)["field"] == "region"


def test_bytes_that_are_not_utf8_in_a_json_body_are_refused(client, accepted_case, reviewer):
    # given the reviewer; when a note holds the bytes of U+D800 raw (json.loads lets them through)
    staff_client(client, reviewer)
    events = AuditEvent.objects.count()
    body = b'{"action": "review", "version": %d, "note": "\xed\xa0\x80"}' % accepted_case.version
    response = client.post(f"/api/v1/cases/{accepted_case.number}/actions", data=body, content_type="application/json")

    # then 422, and nothing was written
    bilingual(response, 422)
    assert not accepted_case.step_records.filter(action="review").exists()
    assert AuditEvent.objects.count() == events


@pytest.mark.parametrize(
    "url",
    [
        f"/api/v1/catalog/items?q={SURROGATE_URL}",
        f"/api/v1/cases/lookup?number={SURROGATE_URL}&id_suffix=123456",
        f"/api/v1/calendar/workday?date={SURROGATE_URL}",
        f"/api/v1/catalog/items?{SURROGATE_URL}=1",  # in a parameter's name
    ],
)
def test_text_that_is_not_utf8_in_an_api_query_is_a_422(client, url):
    bilingual(client.get(url), 422)


def test_bytes_that_are_not_utf8_in_an_api_path_are_a_plain_404(client, engine):
    # Django keeps them percent-escaped: the item "%ED%A0%80" (ASCII) does not exist
    bilingual(client.get(f"/api/v1/catalog/items/{SURROGATE_URL}"), 404)


def test_text_that_is_not_utf8_in_a_page_query_is_the_house_error_page(client):
    # given an anonymous visitor; when a page is asked with a bad query
    response = client.get(f"/guide/?q={SURROGATE_URL}")

    # then the error page in Chinese (the default language), not a 500
    assert response.status_code == 422
    page = response.content.decode()
    assert "<html" in page and "无效的字符" in page


@pytest.mark.parametrize("encoding", ["urlencoded", "htmx"])
def test_a_lone_surrogate_in_a_case_form_is_refused_and_nothing_changes(client, accepted_case, reviewer, encoding):
    # given the reviewer on the staff case page
    staff_client(client, reviewer)
    events = AuditEvent.objects.count()
    form = f"action=review&version={accepted_case.version}&note={SURROGATE_URL}"
    headers = {"HX-Request": "true"} if encoding == "htmx" else {}

    # when the page's form is posted with the surrogate in the note
    response = client.post(
        f"/cases/{accepted_case.number}/act/",
        data=form,
        content_type="application/x-www-form-urlencoded",
        headers=headers,
    )

    # then a 422 with the Chinese message (htmx gets the notice fragment), and nothing changed
    assert response.status_code == 422
    page = response.content.decode()
    assert "无效的字符" in page
    assert ("<html" in page) is (encoding != "htmx")
    accepted_case.refresh_from_db()
    assert accepted_case.status != Case.Status.COMPLETED
    assert not accepted_case.step_records.filter(action="review").exists()
    assert AuditEvent.objects.count() == events


def test_a_valid_pair_and_an_escaped_backslash_are_not_mistaken_for_a_surrogate(client, accepted_case, reviewer):
    # given the reviewer; when the note holds an emoji (a surrogate pair in JSON) and the text \ud800
    staff_client(client, reviewer)
    note = "\U0001f44d 已核 \\ud800"
    response = post(
        client,
        f"/api/v1/cases/{accepted_case.number}/actions",
        {"action": "review", "version": accepted_case.version, "note": note},
    )

    # then the review is done and the note is kept as written
    assert response.status_code == 200, response.content
    assert accepted_case.step_records.get(action="review").note == note


# --- bodies the API does not read ---------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["multipart", "urlencoded", "octet-stream", "text"])
def test_a_body_that_is_not_json_to_a_json_route_is_a_415(client, encoding):
    fields = {"person_type": "employee", "month": "2025-01", "wage": "5000"}
    url = "/api/v1/calculators/contribution"
    if encoding == "multipart":
        response = client.post(url, fields)
    elif encoding == "urlencoded":
        response = client.post(url, urlencode(fields), content_type="application/x-www-form-urlencoded")
    else:
        kind = "application/octet-stream" if encoding == "octet-stream" else "text/plain"
        response = client.post(url, json.dumps(fields), content_type=kind)
    assert bilingual(response, 415)["code"] == "unsupported_media_type"


@pytest.mark.parametrize("encoding", ["multipart", "octet-stream"])
def test_a_form_or_octet_stream_to_open_a_case_is_refused_and_opens_nothing(engine, citizen, open_body, encoding):
    # given a citizen's session with the CSRF check on (it reads a form's fields first)
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(citizen)
    strict.cookies["csrftoken"] = token = "a" * 32
    headers = {"X-CSRFToken": token}

    # when the application is sent as a form, or as JSON labelled octet-stream
    if encoding == "multipart":
        flat = {k: v for k, v in open_body.items() if isinstance(v, str)}
        response = strict.post("/api/v1/cases", flat, headers=headers)
    else:
        response = strict.post(
            "/api/v1/cases", json.dumps(open_body), content_type="application/octet-stream", headers=headers
        )

    # then 415, and no case
    bilingual(response, 415)
    assert not Case.objects.exists()


def test_a_nul_in_an_octet_stream_body_is_refused_and_not_stored(client, accepted_case, reviewer):
    # given the reviewer; when a note with NUL is sent as application/octet-stream (it was stored)
    staff_client(client, reviewer)
    events = AuditEvent.objects.count()
    body = json.dumps({"action": "review", "version": accepted_case.version, "note": "a\x00b"})
    response = client.post(
        f"/api/v1/cases/{accepted_case.number}/actions", data=body, content_type="application/octet-stream"
    )

    # then 400 naming NUL; the case did not move and no event was written
    assert "NUL" in bilingual(response, 400)["message_en"]
    accepted_case.refresh_from_db()
    assert accepted_case.status != Case.Status.COMPLETED
    assert not accepted_case.step_records.filter(action="review").exists()
    assert AuditEvent.objects.count() == events


def test_a_raw_nul_byte_is_refused_whatever_the_content_type(client):
    for content_type in ("application/octet-stream", "application/xml", "image/png"):
        response = client.post("/api/v1/calculators/contribution", data=b"{}\x00", content_type=content_type)
        assert "NUL" in bilingual(response, 400)["message_en"]
