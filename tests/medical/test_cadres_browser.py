"""In a real browser: the city monitor starts the cadres' move on its page and reads the count per
district; no serious axe-core violation on the two pages, no CSP error."""

from __future__ import annotations

import pytest

from shebao.medical.models import Cadre
from tests.browser_fixtures import (
    axe_serious,
    browser_page,
    chromium,  # noqa: F401 (the browser fixture, found by name)
    screenshot,
    sign_in_staff,
    watch_csp,
)
from tests.medical.test_cadres import (  # noqa: F401  (the fixtures "cadres", "huangpi", "huangpi_office", "medical_centre")
    cadres_fixture,
    huangpi_fixture,
    huangpi_office_fixture,
    medical_centre,
)
from tests.web.support import confirmed_device

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_monitor_runs_the_move_and_reads_the_count_per_district(
    chromium,  # noqa: F811
    live_server,
    cadres,
    monitor,
):
    with browser_page(chromium) as page:
        sign_in_staff(page, live_server.url, monitor.username, confirmed_device(monitor))
        csp_errors = watch_csp(page)
        page.goto(f"{live_server.url}/medical/cadres/move/")
        assert axe_serious(page) == []
        page.click("#move-start button.primary")
        page.wait_for_selector("#move-districts")
        # 江岸 3, 武昌 1, 黄陂 kept central 1
        rows = page.inner_text("#move-districts")
        assert "江岸区\t420102\t3" in rows and "武昌区\t420106\t1" in rows and "central\t1" in rows
        assert page.inner_text("#move-total") == "5" and page.inner_text("#move-status") == "done"
        screenshot(page, "medical-cadres-move.png")
        assert axe_serious(page) == []
    assert Cadre.objects.filter(management=Cadre.Management.DISTRICT).count() == 4
    assert csp_errors == []
