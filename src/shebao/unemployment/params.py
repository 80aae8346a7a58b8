"""The rule rows in force on a day, as the pure rules take them (``rules.Params``), and the
monthly window period (异动期) the items read."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from shebao.core.errors import InvalidInput
from shebao.core.months import month_add, month_start
from shebao.unemployment import rules
from shebao.unemployment.models import DurationStep, Parameter, RuleRow, SeparationReason

REGION = "wuhan"


def _ref(row: RuleRow, key: str, value: object) -> rules.RuleRef:
    return rules.RuleRef(
        ref=row.ref,
        key=key,
        value=str(value),
        effective_from=row.effective_from.isoformat(),
        confidence=row.confidence,
        source=row.source,
    )


def _latest(rows: list[RuleRow], key: str) -> list[RuleRow]:
    """Of the rows in force (effective_from <= day, newest first), the newest per ``key``."""
    seen: dict[str, RuleRow] = {}
    for row in rows:
        seen.setdefault(str(getattr(row, key)), row)
    return list(seen.values())


def _no_rules(region: str, on: dt.date) -> InvalidInput:
    return InvalidInput(
        f"统筹区“{region}”在{on:%Y-%m}没有失业保险规则",
        f"No unemployment rules for region '{region}' in {on:%Y-%m}",
        field="region",
    )


def params_on(*, on: dt.date, region: str = REGION) -> rules.Params:
    """The rules in force on ``on``: for each parameter key, duration step and reason, its
    newest row from on or before that day. A region with no rows: ``InvalidInput`` on region."""
    scalars = {
        p.key: p
        for p in _latest(
            list(Parameter.objects.filter(region=region, effective_from__lte=on).order_by("-effective_from", "-id")),
            "key",
        )
        if isinstance(p, Parameter)
    }
    needed = (
        Parameter.Key.BENEFIT_SHARE,
        Parameter.Key.MINIMUM_WAGE,
        Parameter.Key.ENTITLEMENT_CAP,
        Parameter.Key.CLAIM_DEADLINE_DAYS,
    )
    if any(k not in scalars for k in needed):
        raise _no_rules(region, on)
    steps = [
        s
        for s in _latest(
            list(DurationStep.objects.filter(region=region, effective_from__lte=on).order_by("-effective_from", "-id")),
            "min_months",
        )
        if isinstance(s, DurationStep)
    ]
    reasons = [
        r
        for r in _latest(
            list(
                SeparationReason.objects.filter(region=region, effective_from__lte=on).order_by(
                    "-effective_from", "-id"
                )
            ),
            "code",
        )
        if isinstance(r, SeparationReason)
    ]
    if not steps or not reasons:
        raise _no_rules(region, on)
    return rules.Params(
        benefit_share=scalars[Parameter.Key.BENEFIT_SHARE].value,
        minimum_wage=scalars[Parameter.Key.MINIMUM_WAGE].value.quantize(Decimal("0.01")),
        entitlement_cap=int(scalars[Parameter.Key.ENTITLEMENT_CAP].value),
        deadline_days=int(scalars[Parameter.Key.CLAIM_DEADLINE_DAYS].value),
        durations=tuple(
            rules.DurationStep(s.min_months, s.months, _ref(s, f"duration/{s.min_months}", s.months))
            for s in sorted(steps, key=lambda s: s.min_months)
        ),
        reasons={
            r.code: rules.SeparationRule(
                r.code, r.eligible, r.label_zh, r.label_en, r.basis, _ref(r, f"reason/{r.code}", r.eligible)
            )
            for r in reasons
        },
        rules=tuple(_ref(scalars[k], str(k), format(scalars[k].value.normalize(), "f")) for k in needed),
    )


def reason_codes(*, on: dt.date, region: str = REGION) -> list[SeparationReason]:
    rows = SeparationReason.objects.filter(region=region, effective_from__lte=on).order_by("-effective_from", "-id")
    return [r for r in _latest(list(rows), "code") if isinstance(r, SeparationReason)]


def window_on(*, on: dt.date, region: str = REGION) -> tuple[dt.date, dt.date] | None:
    """The monthly window period (异动期) around ``on``: this month's when ``on`` is in it or
    before it, else next month's. None when the administrator set no window (always open)."""
    rows = {
        p.key: p
        for p in _latest(
            list(
                Parameter.objects.filter(
                    region=region,
                    effective_from__lte=on,
                    key__in=(Parameter.Key.WINDOW_FIRST_DAY, Parameter.Key.WINDOW_LAST_DAY),
                ).order_by("-effective_from", "-id")
            ),
            "key",
        )
        if isinstance(p, Parameter)
    }
    if len(rows) < 2:
        return None
    first, last = int(rows[Parameter.Key.WINDOW_FIRST_DAY].value), int(rows[Parameter.Key.WINDOW_LAST_DAY].value)

    def window(month: dt.date) -> tuple[dt.date, dt.date]:
        end = month_add(month, 1) - dt.timedelta(days=1)
        return month.replace(day=min(first, end.day)), month.replace(day=min(last, end.day))

    this = window(month_start(on))
    return this if on <= this[1] else window(month_add(month_start(on), 1))
