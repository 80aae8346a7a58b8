"""In a real browser: the city monitor starts the cadres' move on its page and reads the count per
district; no serious axe-core violation on the two pages, no CSP error."""

from __future__ import annotations

import pytest

from shebao.medical.models import Cadre
from tests.medical.test_cadres import (  # noqa: F401  (the fixtures "cadres", "huangpi", "huangpi_office", "medical_centre")
    cadres_fixture,
    huangpi_fixture,
    huangpi_office_fixture,
    medical_centre,
)
from tests.pensions.test_retiree_browser import _serious
from tests.web.support import confirmed_device
from tests.web.test_browser import ARTIFACTS, chromium  # noqa: F401 (the browser fixture)
from tests.web.test_engine_browser import staff_sign_in, watch_csp

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_monitor_runs_the_move_and_reads_the_count_per_district(
    chromium,  # noqa: F811
    live_server,
    cadres,
    monitor,
):
    ARTIFACTS.mkdir(exist_ok=True)
    csp_errors: list[str] = []
    context, page = staff_sign_in(chromium, live_server, monitor, confirmed_device(monitor))
    try:
        watch_csp(page, csp_errors)
        page.goto(f"{live_server.url}/medical/cadres/move/")
        assert _serious(page) == []
        page.click("#move-start button.primary")
        page.wait_for_selector("#move-districts")
        # 江岸 3, 武昌 1, 黄陂 kept central 1
        rows = page.inner_text("#move-districts")
        assert "江岸区\t420102\t3" in rows and "武昌区\t420106\t1" in rows and "central\t1" in rows
        assert page.inner_text("#move-total") == "5" and page.inner_text("#move-status") == "done"
        page.screenshot(path=str(ARTIFACTS / "medical-cadres-move.png"), full_page=True)
        assert _serious(page) == []
    finally:
        context.close()
    assert Cadre.objects.filter(management=Cadre.Management.DISTRICT).count() == 4
    assert csp_errors == []
