"""A service item's form dates lie within the working-day calendar (1900-01-01 to 2199-12-31),
as the API's date parameters do: ``date.fromisoformat`` alone took any year from 1 to 9999."""

from __future__ import annotations

import pytest

from shebao.catalog.definitions import clean_form
from shebao.core.errors import InvalidInput

HIRED_ON = {"name": "hired_on", "label": "参保日期", "label_en": "Hire date", "type": "date"}


@pytest.mark.parametrize("raw", ["0001-01-01", "1899-12-31", "2200-01-01", "9999-12-31"])
def test_a_form_date_outside_the_calendar_is_refused_naming_the_field(raw):
    # given a date field and a day the calendar cannot count from
    # when the form is cleaned
    with pytest.raises(InvalidInput) as refused:
        clean_form([HIRED_ON], {"hired_on": raw})
    # then the refusal names the field, in Chinese and English, with the range
    body = refused.value.as_dict()
    assert body["field"] == "hired_on"
    assert body["message"] == "参保日期：日期应在 1900-01-01 至 2199-12-31 之间"
    assert body["message_en"] == "Hire date: date must be within 1900-01-01 to 2199-12-31"
    assert refused.value.status == 422


@pytest.mark.parametrize("raw", ["1900-01-01", "2026-02-10", "2199-12-31", " 2026-02-10 "])
def test_a_form_date_within_the_calendar_is_kept_as_iso(raw):
    assert clean_form([HIRED_ON], {"hired_on": raw}) == {"hired_on": raw.strip()}
