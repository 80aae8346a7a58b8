"""Flexible workers' contribution grades (缴费档次): the choice at enrolment and a change
through a case (JF-001), each in force from a month until the next grade.

Rule: within the bounds and on the step of the GradeRule row in force in the grade's first
month (60%-300% of the 全口径 average wage by 1%, 国办发〔2019〕13号), checked by the one rule
``rules.grade_check`` that the calculator and the forms use too; a grade starts in the current
month at the earliest (a grade never rewrites months already assessed); a change made
mid-year leaves the months before it on the old grade.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from shebao.contributions.models import FlexibleGrade
from shebao.contributions.rulebook import grade_validate
from shebao.core import audit
from shebao.core.errors import InvalidInput
from shebao.core.models import Account
from shebao.core.months import month_start
from shebao.registry.models import Person


def flexible_grade_set(
    *, actor: Account | None, person: Person, ratio: Decimal | str, effective_month: dt.date, case_number: str = ""
) -> FlexibleGrade:
    """Set ``person``'s grade from ``effective_month`` (the first of a month, not before the
    current month). A second choice for the same month replaces the first."""
    month = month_start(effective_month)
    ratio = grade_validate(ratio=ratio, months=(month,))
    current = timezone.localdate().replace(day=1)
    if month < current:
        raise InvalidInput(
            f"缴费档次不能从过去的月份（{month:%Y-%m}）起执行，最早为本月（{current:%Y-%m}）",
            f"A grade cannot start in a past month ({month:%Y-%m}); the earliest is {current:%Y-%m}",
            field="effective_month",
        )
    with transaction.atomic():
        before = FlexibleGrade.objects.filter(person=person, effective_month=month).first()
        grade, _ = FlexibleGrade.objects.update_or_create(
            person=person, effective_month=month, defaults={"ratio": ratio, "case_number": case_number}
        )
        audit.record(
            actor=actor,
            action="grade.set",
            subject_type="contributions.FlexibleGrade",
            subject_id=grade.pk,
            subject_person=person.id_number,
            before={"ratio": before.ratio} if before else None,
            after={"ratio": ratio, "effective_month": month, "case": case_number},
        )
    return grade


def flexible_grade_on(*, person: Person, month: dt.date) -> FlexibleGrade | None:
    """The grade in force in ``month``: the latest starting on or before it."""
    return (
        FlexibleGrade.objects.filter(person=person, effective_month__lte=month_start(month))
        .order_by("-effective_month")
        .first()
    )


def flexible_grade_history(*, person: Person) -> list[FlexibleGrade]:
    return list(FlexibleGrade.objects.filter(person=person).order_by("effective_month"))
