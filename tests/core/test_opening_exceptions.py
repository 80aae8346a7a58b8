"""An office's opening exception is closed or has special hours, never both (the admin's trap)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from shebao.core.models import OpeningException

pytestmark = pytest.mark.django_db


def test_special_hours_with_closed_still_ticked_are_refused_with_a_clear_message(office):
    exception = OpeningException(
        office=office, date=dt.date(2026, 2, 14), closed=True, opens=dt.time(9), closes=dt.time(12)
    )
    with pytest.raises(ValidationError, match="取消“闭馆”"):
        exception.full_clean()


@pytest.mark.parametrize(
    "fields",
    [{"closed": True}, {"closed": False, "opens": dt.time(9), "closes": dt.time(12)}],
)
def test_closed_or_special_hours_are_accepted(office, fields):
    OpeningException(office=office, date=dt.date(2026, 2, 14), **fields).full_clean()
