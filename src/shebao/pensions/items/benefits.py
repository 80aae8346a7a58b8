"""待遇类 handlers: the shared checks at receipt (``BenefitHandler``), the retiree's check at the window
(``retired``), and the effects of the items acting on a pension (redetermination, suspension,
resumption, account change, certification, survivors' benefits, inheritance)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from shebao.cases.eligibility import Eligibility
from shebao.cases.handlers import FormHandler
from shebao.catalog.definitions import Applicant
from shebao.catalog.models import ServiceItem
from shebao.core.errors import InvalidInput, NotFound
from shebao.core.identifiers import bank_card_validate

if TYPE_CHECKING:
    from shebao.cases.models import Case
    from shebao.core.models import Account
    from shebao.registry.models import Person


def _not_future(cleaned: dict[str, Any], *names: str) -> None:
    today = timezone.localdate().isoformat()
    for name in names:
        if name in cleaned and cleaned[name] > today:
            raise InvalidInput("该日期不能晚于今天", f"{name} cannot be in the future", field=name)


def _in_order(cleaned: dict[str, Any], first: str, then: str) -> None:
    if first in cleaned and then in cleaned and cleaned[then] < cleaned[first]:
        raise InvalidInput("截止日期不能早于起始日期", f"{then} is before {first}", field=then)


def _bank_card(cleaned: dict[str, Any]) -> None:
    if "bank_card" in cleaned:
        cleaned["bank_card"] = bank_card_validate(cleaned["bank_card"], field="bank_card")


class BenefitHandler(FormHandler):
    """待遇类: a valid payment card; events that have happened are not in the future; periods
    in order; a positive amount."""

    def clean(self, *, item: ServiceItem, form: dict[str, Any], applicant: Applicant) -> dict[str, Any]:
        cleaned = super().clean(item=item, form=form, applicant=applicant)
        _bank_card(cleaned)
        _not_future(cleaned, "death_date", "suspend_from", "period_to")
        _in_order(cleaned, "period_from", "period_to")
        if "amount" in cleaned and Decimal(cleaned["amount"]) <= 0:
            raise InvalidInput("金额应大于零", "The amount must be above zero", field="amount")
        return cleaned


def _person(id_number: str) -> Person:
    from shebao.registry.models import Person

    try:
        return Person.objects.select_related("district").get(id_number=id_number)
    except Person.DoesNotExist:
        raise NotFound("未找到该参保人的参保记录", "This person is not registered", field="id_number") from None


def _day(value: str) -> dt.date:
    return dt.date.fromisoformat(value)


def retired(facts: Eligibility) -> None:
    """Items for a retiree (redetermination, suspension, resumption, card, certification)."""
    from shebao.pensions.models import PensionProfile

    if not PensionProfile.objects.filter(
        person__id_number=facts.applicant_id_number, retirement_month__isnull=False
    ).exists():
        raise InvalidInput(
            "该人员尚未办理退休，不能办理养老待遇业务", "Not a retiree: no pension to act on", field="id_number"
        )


class RedeterminationHandler(BenefitHandler):
    """基本养老金核定 (YL-002) for a retiree: recomputed and approved at completion."""

    def complete(self, *, case: Case, actor: Account | None) -> dict[str, Any] | None:
        from shebao.pensions.services import pension_redetermine

        done = pension_redetermine(
            actor=actor, person=_person(case.applicant_id_number), case_number=case.number or "", channel=case.channel
        )
        return {"determination": done.pk, "total": str(done.total), "from": done.effective_from.isoformat()}


class SuspensionHandler(BenefitHandler):
    """暂停发放 (YL-008)."""

    def complete(self, *, case: Case, actor: Account | None) -> dict[str, Any] | None:
        from shebao.pensions.services import pension_suspend

        form = case.form_data
        profile = pension_suspend(
            actor=actor,
            person=_person(case.applicant_id_number),
            from_month=_day(form["suspend_from"]),
            reason=form.get("suspend_reason", ""),
            case_number=case.number or "",
            channel=case.channel,
        )
        return {"suspended_from": str(profile.suspended_from)}


class ResumptionHandler(BenefitHandler):
    """恢复发放 (YL-009) with back payment of the suspended months."""

    def complete(self, *, case: Case, actor: Account | None) -> dict[str, Any] | None:
        from shebao.pensions.services import pension_resume

        form = case.form_data
        done = pension_resume(
            actor=actor,
            person=_person(case.applicant_id_number),
            resume_from=_day(form["resume_from"]),
            reason=form.get("resume_reason", ""),
            bank_card=form.get("bank_card", ""),
            case_number=case.number or "",
            channel=case.channel,
        )
        return {
            "back_paid": [p.month.isoformat() for p in done.back_paid],
            "back_pay_total": str(sum((p.amount for p in done.back_paid), Decimal("0.00"))),
            "not_paid": [m.isoformat() for m in done.not_paid],
        }


class AccountChangeHandler(BenefitHandler):
    """变更发放账户 (YL-012)."""

    def complete(self, *, case: Case, actor: Account | None) -> dict[str, Any] | None:
        from shebao.pensions.services import pension_account_change

        profile = pension_account_change(
            actor=actor,
            person=_person(case.applicant_id_number),
            bank_card=case.form_data["bank_card"],
            case_number=case.number or "",
            channel=case.channel,
        )
        return {"since": str(profile.bank_card_since)}


class CertificationHandler(BenefitHandler):
    """资格认证 (YL-010): recorded with its method and the day."""

    def complete(self, *, case: Case, actor: Account | None) -> dict[str, Any] | None:
        from shebao.pensions.services import pension_certify

        profile = pension_certify(
            actor=actor,
            person=_person(case.applicant_id_number),
            method=case.form_data.get("method", ""),
            on=timezone.localdate(),
            case_number=case.number or "",
            channel=case.channel,
        )
        return {"certified_on": str(profile.certified_on)}


class SurvivorsHandler(BenefitHandler):
    """丧葬补助金和抚恤金 (YL-006): paid once to the claimant; the deceased's pension stops."""

    def complete(self, *, case: Case, actor: Account | None) -> dict[str, Any] | None:
        from shebao.pensions.services import pension_survivors

        form = case.form_data
        done = pension_survivors(
            actor=actor,
            person=_person(form["deceased_id_number"]),
            death_date=_day(form["death_date"]),
            claimant=case.applicant_name,
            relation=form.get("relation", ""),
            bank_card=form.get("bank_card", ""),
            case_number=case.number or "",
            channel=case.channel,
        )
        return {"paid": {p.kind: str(p.amount) for p in done.payments}, "overpaid": list(done.overpaid)}


class InheritanceHandler(BenefitHandler):
    """个人账户余额继承 (YL-007): the balance paid once to the heir; the pension stops."""

    def complete(self, *, case: Case, actor: Account | None) -> dict[str, Any] | None:
        from shebao.contributions.accounts import account_summary
        from shebao.pensions.services import pension_inheritance

        form = case.form_data
        person = _person(form["deceased_id_number"])
        assert actor is not None  # a completing step always has its actor
        done = pension_inheritance(
            actor=actor,
            person=person,
            death_date=_day(form["death_date"]),
            claimant=case.applicant_name,
            relation=form.get("relation", ""),
            bank_card=form.get("bank_card", ""),
            account_balance=account_summary(actor=actor, person=person).balance,
            case_number=case.number or "",
            channel=case.channel,
        )
        return {"paid": str(done.payments[0].amount), "line": done.derivation[0], "overpaid": list(done.overpaid)}
