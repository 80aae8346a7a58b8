"""/api/v1/docs: Swagger UI from django-ninja's own files (no CDN, no integrity gap), under the
site's Content-Security-Policy that allows our own origin only; a browser shows the API's
routes with no request to another origin and no CSP violation."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest

from shebao.web.middleware import CSP
from tests.browser_fixtures import browser_page, chromium, screenshot  # noqa: F401 (chromium: a fixture, found by name)

pytestmark = pytest.mark.django_db


def test_the_docs_page_references_no_other_origin_and_carries_the_csp(client):
    # when anyone opens the API's docs
    response = client.get("/api/v1/docs")

    # then every file it loads is ours, and the page is under the site's CSP
    assert response.status_code == 200
    page = response.content.decode()
    assert not re.search(r"""(?:src|href)=["'](?:https?:)?//""", page), page
    assert "/static/ninja/swagger-ui-bundle.js" in page
    policy = response["Content-Security-Policy"]
    assert policy == CSP
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy and "http" not in policy


def test_the_swagger_files_are_served_from_here(client):
    for name in ("swagger-ui-bundle.js", "swagger-ui-init.js", "swagger-ui.css"):
        response = client.get(f"/static/ninja/{name}")
        assert response.status_code == 200, name


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_swagger_ui_shows_the_routes_asking_nothing_of_another_origin(chromium, live_server):  # noqa: F811
    # given a browser that notes every request and every console complaint
    with browser_page(chromium, locale=None) as page:
        origins: set[str] = set()
        complaints: list[str] = []
        page.on("request", lambda request: origins.add(urlsplit(request.url).netloc))
        page.on("console", lambda msg: complaints.append(msg.text) if msg.type == "error" else None)
        # when it opens the docs
        page.goto(f"{live_server.url}/api/v1/docs")
        page.wait_for_selector(".opblock-summary-path", timeout=15000)

        # then the routes are listed, every request went to our server and the CSP held
        paths = page.locator(".opblock-summary-path").all_inner_texts()
        assert any("/api/v1/calendar/due-date" in p for p in paths), paths
        assert origins == {urlsplit(live_server.url).netloc}, origins
        assert not [c for c in complaints if "Content Security Policy" in c], complaints
        screenshot(page, "api-docs.png", full_page=False)
