"""The mailing pages in a real browser (Chromium via Playwright) on a phone in large text: the
runs, a run's progress and returned mail for staff, the delivery choice for the person, with no
serious accessibility violation and nothing refused by the content security policy."""

from __future__ import annotations

import pytest

from shebao.core.models import Role
from shebao.statements.mailing.services import mailing_run_start
from shebao.web.middleware import LARGE_TEXT_COOKIE
from tests.web.support import make_person, sign_in
from tests.web.test_browser import ARTIFACTS, chromium  # noqa: F401 (the same launch settings)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def _serious(page) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [
        f"{v['id']}: {v['help']} ({len(v['nodes'])})"
        for v in results.response["violations"]
        if v.get("impact") in ("serious", "critical")
    ]


def _signed(context, client, live_server, user) -> None:
    client.logout()
    sign_in(client, user)
    context.clear_cookies()
    context.add_cookies(
        [
            {"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url},
            {"name": LARGE_TEXT_COOKIE, "value": "1", "url": live_server.url},
        ]
    )


def test_the_mailing_pages_on_a_phone(
    chromium,  # noqa: F811
    live_server,
    client,
    settings,
    tmp_path,
    district,
    city_office,
    citizen,
):
    from tests.conftest import _staff

    settings.VAR_DIR = tmp_path
    city_clerk = _staff("city_admin", Role.ADMIN, city_office, 3, full_name="市级管理员")  # starts runs
    make_person(district=district, name="本人", account=citizen, postcode="430010")
    run = mailing_run_start(actor=city_clerk, year=2024)
    context = chromium.new_context(locale="zh-CN", viewport={"width": 390, "height": 844})
    csp_errors: list[str] = []
    try:
        page = context.new_page()
        page.on("console", lambda msg: csp_errors.append(msg.text) if "Content Security Policy" in msg.text else None)
        _signed(context, client, live_server, city_clerk)
        ARTIFACTS.mkdir(exist_ok=True)
        for path, marker in (
            ("/statements/mailing/", "#mailing-run-list"),
            (f"/statements/mailing/{run.pk}/", "#mailing-progress"),
            ("/statements/mailing/returns/", "#resend-list"),
        ):
            page.goto(f"{live_server.url}{path}")
            assert page.locator(marker).count() == 1, path
            assert _serious(page) == [], path
        page.screenshot(path=str(ARTIFACTS / "mailing-run-phone.png"), full_page=True)
        # the person chooses electronic statements
        _signed(context, client, live_server, citizen)
        page.goto(f"{live_server.url}/statements/my/delivery/")
        assert _serious(page) == []
        page.check("#mode-electronic")
        page.click("#statement-delivery button[type=submit]")
        assert page.locator("#delivery-saved").count() == 1
        assert page.is_checked("#mode-electronic")
    finally:
        context.close()
    assert csp_errors == []
