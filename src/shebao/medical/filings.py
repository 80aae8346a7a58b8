"""Recording filings and approvals when their case completes, and the cross-region filing type
a reimbursement reads from them (DOMAIN.md §5.1: emergency rescue counts as filed; a filing can
be added after the event, 补办备案; temporary filings are valid at least 6 months)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from shebao.core import audit
from shebao.core.months import month_add
from shebao.medical.models import CareAuthorisation
from shebao.medical.models.hospitals import HospitalLocation

TEMPORARY_MIN_MONTHS = 6
TEMPORARY = {"emergency", "referral", "transfer"}


def six_months_after(day: dt.date) -> dt.date:
    """The same day six months on, less one (1 Feb → 31 Jul); at a month's end, its last day."""
    first = month_add(day, TEMPORARY_MIN_MONTHS)
    try:
        return first.replace(day=day.day) - dt.timedelta(days=1)
    except ValueError:  # 31 Aug + 6 months: no 31 Feb
        return month_add(day, TEMPORARY_MIN_MONTHS + 1) - dt.timedelta(days=1)


def authorisation_record(*, case: Any, actor: Any, kind: str, form: dict[str, Any]) -> dict[str, Any]:
    """Record the filing or approval of a completing case (inside its transaction)."""
    received = timezone.localtime(case.received_at).date()
    valid_from = dt.date.fromisoformat(form.get("valid_from") or form.get("admission_date") or received.isoformat())
    valid_to: dt.date | None = None
    changeable_from: dt.date | None = None
    category = form.get("filing_type", "")
    if kind in TEMPORARY:
        asked = dt.date.fromisoformat(form["valid_to"]) if form.get("valid_to") else None
        floor = six_months_after(valid_from)
        valid_to = max(asked, floor) if asked else floor
    elif kind == CareAuthorisation.Kind.NON_DESIGNATED:
        valid_to = valid_from  # the one admission the emergency approval is for
    elif kind == CareAuthorisation.Kind.LONG_TERM:
        changeable_from = month_add(valid_from, TEMPORARY_MIN_MONTHS).replace(day=1)
    row = CareAuthorisation.objects.create(
        id_number=form["id_number"],
        name=form.get("name", ""),
        kind=kind,
        category=category,
        place=form.get("place", ""),
        hospital=form.get("hospital") or form.get("to_hospital", ""),
        valid_from=valid_from,
        valid_to=valid_to,
        changeable_from=changeable_from,
        retroactive=valid_from < received,
        case_number=case.number,
    )
    summary = {
        "authorisation": row.pk,
        "kind": kind,
        "valid_from": valid_from.isoformat(),
        "valid_to": valid_to.isoformat() if valid_to else None,
        "retroactive": row.retroactive,
    }
    audit.record(
        actor=actor,
        action="medical.authorise",
        subject_type="medical.CareAuthorisation",
        subject_id=row.pk,
        subject_person=row.id_number,
        after=summary,
    )
    return summary


def filing_type_for(*, id_number: str, admitted_on: dt.date, location: str) -> tuple[str, CareAuthorisation | None]:
    """The cross-region filing type of an admission: local care in Wuhan; elsewhere the filing
    or approval covering the day (long-term first, then referral, then emergency), else unfiled."""
    if location == HospitalLocation.CITY:
        return ("local", None)
    for kinds, filing_type in (
        ((CareAuthorisation.Kind.LONG_TERM,), "long_term"),
        ((CareAuthorisation.Kind.REFERRAL, CareAuthorisation.Kind.TRANSFER), "referral"),
        ((CareAuthorisation.Kind.EMERGENCY, CareAuthorisation.Kind.NON_DESIGNATED), "emergency"),
    ):
        found = _covering(id_number, admitted_on, kinds)
        if found is not None:
            return filing_type, found
    return "unfiled", None


def _covering(id_number: str, day: dt.date, kinds: tuple[str, ...]) -> CareAuthorisation | None:
    from django.db.models import Q

    return (
        CareAuthorisation.objects.filter(id_number=id_number, kind__in=kinds, valid_from__lte=day)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=day))
        .order_by("-valid_from")
        .first()
    )


def non_designated_approval(*, id_number: str, day: dt.date) -> CareAuthorisation | None:
    """The YB-003 approval of emergency care at a non-designated hospital covering ``day``."""
    return _covering(id_number, day, (CareAuthorisation.Kind.NON_DESIGNATED,))
