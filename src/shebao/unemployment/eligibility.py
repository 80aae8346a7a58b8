"""Checks at the window for unemployment items (``shebao.cases.eligibility``)."""

from __future__ import annotations

from django.utils import timezone

from shebao.cases.eligibility import Eligibility
from shebao.core.errors import Conflict, InvalidInput


def employment_has_ended(facts: Eligibility) -> None:
    """失业保险金申领: benefit is for a person whose employment ended (社会保险法 第四十五条;
    《失业保险条例》第十四条). A claim by someone whose employment is still open in the records is
    refused at receipt, naming the employer, which must first end it (减员)."""
    person = facts.person
    if person is None or not person.open_employments:
        return
    job = person.open_employments[0]
    raise Conflict(
        f"您在{job.unit_name}的劳动关系尚未终止（自{job.start:%Y-%m-%d}起在职），"
        "须由单位办理减员（终止或解除劳动关系）后再申领失业保险金",
        f"Your employment at {job.unit_name} (since {job.start:%Y-%m-%d}) has not ended: the employer must "
        "record its end before you can claim unemployment benefit",
        field="id_number",
    )


# Where the window period binds (issue 12): the employer's separation filing and the claim
# registration received at the office's window or online. A claim registered at a community
# centre or in the app, and every other item, is not held to it; nor is a case's acceptance (a
# file received inside the window is not refused because the clerk accepts it a day later).
WINDOW_CHANNELS = frozenset({"hall", "online"})


def within_window_period(facts: Eligibility) -> None:
    """SY-001 and SY-002 received at the window or online are received in the monthly window
    period (异动期) the administrator set (a rule row, e.g. the 1st to the 20th); outside it,
    refused with the next window's dates."""
    from shebao.unemployment.params import window_on

    if facts.stage != "receipt" or facts.channel not in WINDOW_CHANNELS:
        return
    today = timezone.localdate()
    window = window_on(on=today)
    if window is None or window[0] <= today <= window[1]:
        return
    first, last = window
    raise Conflict(
        f"今天不在失业保险业务异动期内，请于{first:%Y年%m月%d日}至{last:%Y年%m月%d日}办理",
        f"Today is outside the monthly window period: come from {first:%Y-%m-%d} to {last:%Y-%m-%d}",
        field="item",
    )


def claim_is_eligible(facts: Eligibility) -> None:
    """SY-002 against the records (条例第十四条, 申领发放办法): at least 12 months of contributions
    in the ledger, an involuntary separation (the form's reason, or the employer's filing when
    it says voluntary), claimed within the deadline. The first reason refuses, exactly."""
    from shebao.unemployment.services import claim_assess

    if facts.person is None:
        raise InvalidInput("该参保人未登记", "This person is not registered", field="id_number")
    result = claim_assess(id_number=facts.applicant_id_number, form=facts.form, on=timezone.localdate())
    if not result.eligible:
        reason = result.reasons[0]
        field = {"voluntary": "end_reason", "deadline": "terminated_on"}.get(reason.code, "id_number")
        raise Conflict(reason.message, reason.message_en, field=field)
