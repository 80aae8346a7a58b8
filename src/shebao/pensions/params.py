"""The region's rule rows for a retirement month → the pure formula's ``PensionParams``.

计发基数 (PensionBase) is the row whose period holds the retirement month; a month after the
last row's end uses the latest row *carried forward* (沿用: the year's figure is published
mid-year and applied back to January) and the answer is provisional, saying which row stood
in. A month before the first row has no figure: refused, naming the field. The transition
rule (TransitionRule) is the row in force on the month (it has no end in the data)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import cast

from shebao.core.errors import InvalidInput
from shebao.pensions.models import PensionBase, TransitionRule
from shebao.pensions.rules.formula import DeemedIndexRule, PensionParams

DEFAULT_REGION = "wuhan"


@dataclass(frozen=True)
class BaseRow:
    """The 计发基数 a retirement month uses, and whether it is carried forward."""

    row: PensionBase
    carried: bool


def _first_of(year: int, month: int) -> dt.date:
    try:
        return dt.date(year, month, 1)
    except ValueError:
        raise InvalidInput(
            f"退休月份不正确：{year}-{month}", f"Not a valid retirement month: {year}-{month}", field="retirement"
        ) from None


def region_normalise(region: str) -> str:
    key = (region or "").strip().lower()
    if not PensionBase.objects.filter(region=key).exists():
        raise InvalidInput(f"未知的统筹区：{region}", f"Unknown pooling region: {region}", field="region")
    return key


def pension_base_for(*, region: str, on: dt.date) -> BaseRow:
    rows = list(PensionBase.objects.filter(region=region).order_by("effective_from"))
    if not rows:
        raise InvalidInput(f"未知的统筹区：{region}", f"Unknown pooling region: {region}", field="region")
    in_force = [r for r in rows if r.effective_from <= on and (r.effective_to is None or on <= r.effective_to)]
    if in_force:
        return BaseRow(in_force[-1], False)
    earlier = [r for r in rows if r.effective_from <= on]
    if earlier:
        return BaseRow(earlier[-1], True)
    raise InvalidInput(
        f"{region} 在 {on:%Y-%m} 没有公布的计发基数（最早为 {rows[0].year} 年）",
        f"No average wage for pensions published for {region} in {on:%Y-%m} (the first is {rows[0].year})",
        field="average_wage",
    )


def transition_rule_for(*, region: str, on: dt.date) -> TransitionRule:
    row = (
        TransitionRule.objects.filter(region=region, effective_from__lte=on)
        .exclude(effective_to__lt=on)
        .order_by("-effective_from")
        .first()
    )
    if row is None:
        raise InvalidInput(
            f"{region} 在 {on:%Y-%m} 没有过渡性养老金规则",
            f"No transition pension rule for {region} in {on:%Y-%m}",
            field="region",
        )
    return row


def pension_params_for(
    *, region: str, retirement_year: int, retirement_month: int, average_wage: Decimal | None = None
) -> PensionParams:
    """The params of a retirement in ``retirement_year-retirement_month`` in ``region``.
    ``average_wage`` given by the caller (a what-if) replaces the 计发基数 row and is never
    provisional on its account."""
    on = _first_of(retirement_year, retirement_month)
    region = region_normalise(region)
    transition = transition_rule_for(region=region, on=on)
    transition_ref = transition.ref
    refs: list[str] = [transition_ref]
    provisional = False
    note_zh = note_en = ""
    base_year: int | None = None
    if average_wage is None:
        base = pension_base_for(region=region, on=on)
        c, base_year = base.row.amount, base.row.year
        average_ref: str | None = base.row.ref
        refs.insert(0, base.row.ref)
        if base.carried:
            provisional = True
            note_zh = (
                f"{retirement_year}年计发基数尚未公布，沿用{base.row.year}年的{base.row.amount}元（{base.row.ref}）"
            )
            note_en = (
                f"the {retirement_year} average wage for pensions is not published; "
                f"{base.row.year}'s {base.row.amount} is used ({base.row.ref})"
            )
    else:
        c, average_ref = average_wage, None
    return PensionParams(
        average_wage=c,
        transition_coefficient=transition.coefficient,
        deemed_index_rule=cast(DeemedIndexRule, transition.deemed_index_rule),
        rule_refs=tuple(refs),
        provisional=provisional,
        average_wage_ref=average_ref,
        transition_ref=transition_ref,
        provisional_note_zh=note_zh,
        provisional_note_en=note_en,
        average_wage_year=base_year,
    )


def deemed_cutoff(*, region: str, on: dt.date) -> dt.date:
    """The month the region's personal accounts started: deemed years run up to the month before."""
    return transition_rule_for(region=region, on=on).account_start
