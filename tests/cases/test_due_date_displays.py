"""One case, one time limit: the due date in the staff page's header (with its countdown), the
promise line ("15 working days … promised by …") of the staff page and of the applicant's page,
and the API's progress all name the same last day.

The rule (DOMAIN.md §8): the day of receipt is not counted, day 1 is the next working day, and
the due date is the last working day counted. An application sent online outside the office's
hours (or on a rest day) is received on the next working day. Wuhan's windows serve on
Saturdays: a case received at a window on Saturday counts from Monday.

The reviewer's case: an online application on Monday 7 Dec 2026 after the office closed showed
"Due 2026-12-29" in the header and "promised by 2026-12-28" below it — the promise's last day
was counted from the evening it was sent, not from the day it was received.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest

from shebao.cases import selectors, services
from shebao.cases.handlers import items_register
from shebao.cases.models import Case
from shebao.catalog.definitions import item_specs
from shebao.catalog.services import catalog_sync
from shebao.core import workdays
from tests.cases.conftest import ALL, _item, online, verify_uploads
from tests.cases.test_api import staff_client

D = dt.date
ITEM = "T-DUE15"


@pytest.fixture(scope="module", autouse=True)
def _item15():
    """A 15-working-day item served on Saturdays, for this module only."""
    items_register(_item(ITEM, 2, promised_days=15))
    yield
    item_specs.unregister(ITEM)


@pytest.fixture
def engine15(engine, media):
    catalog_sync()  # the catalogue with this module's item
    return engine


def _open(actor, applicant, *, channel: str) -> Case:
    materials = ALL if channel == "hall" else online(actor)
    case = services.case_open(
        actor=actor,
        item_code=ITEM,
        applicant=applicant,
        channel=channel,
        form={"address": "江岸区胜利街1号"},
        materials=materials,
    )
    if channel != "hall":
        case = verify_uploads(case)  # the office checks the upload the same evening
    return Case.objects.get(pk=case.pk)


def _date_after(html: str, marker: str) -> str:
    """The first <time datetime> after ``marker`` in ``html``."""
    start = html.index(marker)
    found = re.search(r'<time datetime="(\d{4}-\d{2}-\d{2})">', html[start:])
    assert found, f"no date after {marker!r}"
    return found.group(1)


def _staff_page(client, clerk, number: str) -> tuple[str, str, str]:
    """The staff page's header due date, its countdown text and the promise's last day."""
    staff_client(client, clerk)
    page = client.get(f"/cases/{number}/")
    assert page.status_code == 200
    html = page.content.decode()
    header = re.search(
        r'<dd><time datetime="(\d{4}-\d{2}-\d{2})">[^<]*</time> <span class="countdown[^"]*">([^<]*)</span>', html
    )
    assert header, "the header's due date and countdown"
    client.logout()
    return header.group(1), header.group(2), _date_after(html, 'id="case-promise"')


def _applicant_page(client, citizen, number: str) -> tuple[str, str]:
    """The applicant's page: its due date and the promise's last day."""
    client.force_login(citizen)
    page = client.get(f"/cases/{number}/")
    assert page.status_code == 200
    html = page.content.decode()
    due = re.search(r'<dd><time datetime="(\d{4}-\d{2}-\d{2})">', html)
    assert due, "the applicant's due date"
    return due.group(1), _date_after(html, 'id="promise"')


@pytest.mark.parametrize(
    ("when", "channel", "expected"),
    [
        # Monday at the window: day 1 Tue 8 Dec, day 15 Mon 28 Dec
        ((2026, 12, 7, 10, 0), "hall", D(2026, 12, 28)),
        # Monday online after the office closed (17:00): received Tue 8 Dec, day 1 Wed 9 Dec
        ((2026, 12, 7, 17, 30), "online", D(2026, 12, 29)),
        # Saturday at the window (Wuhan's Saturday service): day 1 Mon 7 Dec, day 15 Fri 25 Dec
        ((2026, 12, 5, 10, 0), "hall", D(2026, 12, 25)),
        # Saturday online: received Mon 7 Dec, day 1 Tue 8 Dec
        ((2026, 12, 5, 10, 0), "online", D(2026, 12, 28)),
        # the working day before National Day (off 1-7 Oct, Sat 10 Oct worked): day 1 Thu 8 Oct,
        # 8, 9, Sat 10, 12-16, 19-23, 26, 27
        ((2026, 9, 30, 10, 0), "hall", D(2026, 10, 27)),
        # the same evening online: received Thu 8 Oct, day 1 Fri 9 Oct, … day 15 Wed 28 Oct
        ((2026, 9, 30, 17, 30), "online", D(2026, 10, 28)),
    ],
)
def test_every_display_of_the_time_limit_names_the_same_last_day(
    engine15, client, clerk, citizen, applicant, when, channel, expected
):
    # given a 15-working-day case received as the rule counts it
    engine15(*when)
    case = _open(clerk if channel == "hall" else citizen, applicant, channel=channel)
    today = D(*when[:3])
    assert not workdays.due_date(start=today, workdays=15).provisional  # 2026 is published
    # then the clock's due date is the rule's, and so is the promise's
    assert case.due_date == expected
    progress = selectors.case_progress(case=case)
    assert progress["due_date"] == expected
    assert progress["promise"]["days"] == 15
    assert progress["promise"]["due_date"] == expected
    # and the staff page's header, its countdown and its promise line agree
    header, countdown, promised = _staff_page(client, clerk, case.number)
    assert header == promised == expected.isoformat()
    left = workdays.workdays_between(start=today, end=expected)
    assert re.findall(r"\d+", countdown) == [str(left)]  # "剩余 N 个工作日" / "N working days left"
    # and so do the applicant's page and the API
    due, promised = _applicant_page(client, citizen, case.number)
    assert due == promised == expected.isoformat()
    api = client.get(f"/api/v1/cases/{case.number}").json()
    assert api["due_date"] == api["promise"]["due_date"] == expected.isoformat()


def test_the_promise_keeps_its_last_day_as_the_days_pass(engine15, client, clerk, citizen, applicant):
    # given the reviewer's case: sent online on Monday 7 Dec after hours, due Tue 29 Dec
    engine15(2026, 12, 7, 17, 30)
    case = _open(citizen, applicant, channel="online")
    assert case.due_date == D(2026, 12, 29)
    # when the days pass, a Saturday among them, then the last day comes
    for day in (D(2026, 12, 8), D(2026, 12, 12), D(2026, 12, 28), D(2026, 12, 29)):
        engine15(day.year, day.month, day.day, 10, 0)
        progress = selectors.case_progress(case=Case.objects.get(pk=case.pk))
        # then the header and the promise still name the same day
        assert progress["promise"]["due_date"] == progress["due_date"] == D(2026, 12, 29), day
        assert progress["promise"]["kept"] is True


def test_the_promise_and_the_clock_share_their_last_day_on_rest_days():
    # given a plain week calendar and the rules alone
    from shebao.cases import rules

    cal = rules.WeekCalendar()

    def both(*, promised: int, start: dt.date, today: dt.date) -> tuple[dt.date | None, dt.date | None]:
        clock = rules.clock_start(rules.Clock(limit_days=promised), on=start, cal=cal)
        promise = rules.promise_measure(
            promised_days=promised,
            extension_days=0,
            start=start,
            end=None,
            stops=(),
            running=True,
            today=today,
            cal=cal,
        )
        return clock.due_date, promise.due_date

    # an instant item received at a Saturday window is due on Monday, by both
    assert both(promised=0, start=D(2026, 12, 5), today=D(2026, 12, 5)) == (D(2026, 12, 7), D(2026, 12, 7))
    # a 15-day case whose last day was Friday 25 Dec still says Friday on Saturday 26 Dec
    assert both(promised=15, start=D(2026, 12, 4), today=D(2026, 12, 26)) == (D(2026, 12, 25), D(2026, 12, 25))
    # a clock that counts from tomorrow (sent after hours) is measured from tomorrow, not today
    assert both(promised=15, start=D(2026, 12, 8), today=D(2026, 12, 7)) == (D(2026, 12, 29), D(2026, 12, 29))
