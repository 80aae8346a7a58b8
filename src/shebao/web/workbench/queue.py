"""一岗通: the queue of every case the staff member may act on, and receiving applications —
one item, or a 一表通 form group whose result page shows the cases opened together."""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from shebao.cases import authority, selectors, services
from shebao.cases.applicants import applicant_for
from shebao.cases.models import Case
from shebao.cases.verify_queue import materials_to_verify_rows
from shebao.catalog.models import FormGroup, ServiceItem
from shebao.catalog.selectors import Offering, item_get, items_list, offering_at
from shebao.core.errors import NotAllowed, NotFound, ShebaoError
from shebao.core.http import AccountRequest
from shebao.core.identifiers import mask_id_number
from shebao.core.models import Account, Role
from shebao.core.org import OfficeDay
from shebao.registry.views import channel_for, error_page
from shebao.web.access import signed_in
from shebao.web.forms import error_text
from shebao.web.workbench.case import case_context
from shebao.web.workbench.forms import ReceiveForm
from shebao.web.workbench.labels import Countdown, chinese, countdown, label_of

PAGE_SIZE = 20
_NUMBER_SLOT = "__number__"  # a case number's place in the reversed case URL, filled per row
RECEIVE_CACHE_SECONDS = 60  # the items a clerk may receive: catalogue edits show within a minute


# --- who may use the workbench ----------------------------------------------------------------


def _handler_refusal(request: AccountRequest) -> HttpResponse | None:
    """The workbench is for staff who handle cases (window, review, approval, hotline, bank)."""
    try:
        authority.require_workbench(request.user)  # the same rule as the queue API
    except NotAllowed as error:
        return error_page(request, error)
    return None


def receivable_items(user: Account, query: str = "") -> list[ServiceItem]:
    """Items this staff member may receive at their own office, on their own channel, in their
    skill groups (一岗通); a bank agent only card items."""
    office = user.office
    if office is None:
        return []
    skills = {g.pk for g in user.skill_groups.all()}
    return [
        item
        for item in items_list(channel=channel_for(user), query=query).defer(
            "form_schema", "policy_basis", "description"
        )
        if office.kind in item.office_kinds
        and item.skill_group_id in skills
        and (user.role != Role.BANK_AGENT or item.insurance == "card")
    ]


def _refuse_item(user: Account, item: ServiceItem) -> NotAllowed | None:
    if not item.is_active:
        return NotAllowed(f"服务事项“{item.name}”已停办", f"Service item {item.code} is not offered")
    if item.pk not in {i.pk for i in receivable_items(user)}:
        return NotAllowed(
            f"您不能在本机构受理“{item.name}”（技能组、渠道或机构类别不符）",
            f"You cannot receive {item.code} at your office (skill group, channel or office kind)",
        )
    return None


def _offering(user: Account, *, max_age: int = 0) -> Offering:
    """What may be received at the user's office, on their channel, now (the day's hours and
    set: a Saturday offers the Saturday service's items, a 调休 Saturday everything)."""
    return offering_at(channel=channel_for(user), office=user.office, max_age=max_age)


def _offered_now(item: ServiceItem, offering: Offering) -> str:
    """Why the item cannot be received at this hour (closed, not a Saturday item), or ''."""
    refusal = offering.refusal(item)
    return error_text(refusal) if refusal is not None else ""


@dataclass(frozen=True)
class QueueRow:
    """One line of the queue: plain values (selectors.workbench_queue_rows), no model objects."""

    number: str
    item_code: str
    item_name: str
    applicant_name: str
    applicant: str  # the ID number, masked
    step: str
    due_date: dt.date | None
    due_provisional: bool
    escalation_level: int
    clock: Countdown | None
    url: str
    due_iso: str  # the due date as shown, Y-m-d (formatted here: the page has up to 20 of them)

    @classmethod
    def of(cls, row: dict[str, Any], case_url: str) -> QueueRow:
        english = not chinese()
        return cls(
            url=case_url.replace(_NUMBER_SLOT, row["number"]),
            due_iso=row["due_date"].isoformat() if row["due_date"] else "",
            number=row["number"],
            item_code=row["item__code"],
            item_name=(english and row["item__name_en"]) or row["item__name"],
            applicant_name=row["applicant_name"],
            applicant=mask_id_number(row["applicant_id_number"]),
            step=(english and row["current_step__name_en"]) or row["current_step__name"] or "",
            due_date=row["due_date"],
            due_provisional=row["due_provisional"],
            escalation_level=row["escalation_level"],
            clock=countdown(row["workdays_left"]),
        )


@dataclass(frozen=True)
class VerifyRow:
    """One case of 待核验材料: a case of the office with an upload waiting for the clerk's check."""

    number: str
    item_code: str
    item_name: str
    applicant_name: str
    applicant: str  # the ID number, masked
    oldest_upload: dt.datetime | None
    url: str

    @classmethod
    def of(cls, row: dict[str, Any], case_url: str) -> VerifyRow:
        english = not chinese()
        return cls(
            number=row["number"],
            item_code=row["item__code"],
            item_name=(english and row["item__name_en"]) or row["item__name"],
            applicant_name=row["applicant_name"],
            applicant=mask_id_number(row["applicant_id_number"]),
            oldest_upload=row["oldest_upload"],
            url=case_url.replace(_NUMBER_SLOT, row["number"]),
        )


def _offset(raw: str | None) -> int:
    try:
        return max(0, int(raw or 0))
    except ValueError:
        return 0


@require_GET
@signed_in
def workbench(request: AccountRequest) -> HttpResponse:
    """一岗通: every case the staff member may act on now, soonest due first, and the place to
    receive a new application."""
    refused = _handler_refusal(request)
    if refused:
        return refused
    user = request.user
    offset = _offset(request.GET.get("offset"))
    cases = selectors.workbench_queue_rows(actor=user, limit=PAGE_SIZE + 1, offset=offset)
    case_url = reverse("web:case", args=[_NUMBER_SLOT])
    rows = [QueueRow.of(c, case_url) for c in cases[:PAGE_SIZE]]
    # 待核验材料: one query, its rows carry the count (an upload counts only once verified)
    to_verify = materials_to_verify_rows(actor=user, limit=PAGE_SIZE)
    query = request.GET.get("q", "").strip()[:64]
    offering = _offering(user, max_age=RECEIVE_CACHE_SECONDS)  # as fresh as the cached list

    @functools.cache
    def receive_lists() -> tuple[list[ServiceItem], list[tuple[FormGroup, list[ServiceItem]]]]:
        # Read only when the template's cached "receive" section is rendered afresh (at most
        # once a minute per clerk, query, language and offering): only what may be received
        # here now, so a Saturday shows the Saturday set instead of refusing after the form.
        items = offering.items(receivable_items(user, query))
        groups: dict[int, tuple[FormGroup, list[ServiceItem]]] = {}
        for item in offering.items(receivable_items(user)) if query else items:
            if item.form_group is not None:
                groups.setdefault(item.form_group.pk, (item.form_group, []))[1].append(item)
        return items, list(groups.values())

    return render(
        request,
        "web/cases/workbench.html",
        {
            "rows": rows,
            "verify_rows": [VerifyRow.of(c, case_url) for c in to_verify],
            "verify_count": to_verify[0]["total"] if to_verify else 0,
            "offset": offset,
            "page_size": PAGE_SIZE,
            "previous_offset": max(0, offset - PAGE_SIZE) if offset else None,
            "next_offset": offset + PAGE_SIZE if len(cases) > PAGE_SIZE else None,
            "query": query,
            "items": lambda: receive_lists()[0],
            "groups": lambda: receive_lists()[1],
            "receive_seconds": RECEIVE_CACHE_SECONDS,
            "offering_key": offering.key,
            "offering_note": _offering_note(offering),
        },
    )


def _offering_note(offering: Offering) -> str:
    """A line above the receive list when the day limits it: closed now, or the Saturday set."""
    day = offering.day
    if day is None:
        return ""
    hours = _hours_text(day, zh=chinese())
    if not offering.open_now:
        return f"本机构当前不在办公时间{hours}" if chinese() else f"Closed at this hour{hours}"
    if day.saturday_only:
        if chinese():
            return f"今日为周六延时服务{hours}：只列出周六可办事项"
        return f"Saturday service today{hours}: only the Saturday items are listed"
    return ""


def _hours_text(day: OfficeDay, *, zh: bool) -> str:
    if not day.spans:
        return ""
    spans = ", ".join(f"{opens:%H:%M}–{closes:%H:%M}" for opens, closes in day.spans)
    return f"（今日 {spans}）" if zh else f" (today {spans})"


# --- receiving -------------------------------------------------------------------------------


def _then_accept(user: Account, case: Case, channel: str) -> Case:
    """受理 at the window straight after 收件, when the clock runs (materials complete)."""
    if case.status != Case.Status.IN_PROGRESS or case.current_step is None or case.current_step.kind != "accept":
        return case
    return services.case_act(actor=user, case_id=case.pk, version=case.version, action="accept", channel=channel)


def _received_message(request: HttpRequest, case: Case) -> None:
    if case.status == Case.Status.COMPLETED:
        messages.success(request, _("Case %(number)s received, accepted and completed.") % {"number": case.number})
    elif case.status == Case.Status.AWAITING_MATERIALS:
        messages.warning(
            request,
            _("Case %(number)s received. Materials are missing: the applicant was told once, in full.")
            % {"number": case.number},
        )
    else:
        messages.success(request, _("Case %(number)s received.") % {"number": case.number})


@require_http_methods(["GET", "POST"])
@signed_in
def receive(request: AccountRequest, code: str) -> HttpResponse:
    """收件 for one item: its form from the catalogue schema, the applicant, the materials."""
    refused = _handler_refusal(request)
    if refused:
        return refused
    user = request.user
    try:
        item = item_get(code=code, with_structure=True)
    except NotFound as error:
        return error_page(request, error)
    problem = _refuse_item(user, item)
    if problem:
        return error_page(request, problem)
    may_accept = item.risk_level == 1
    if request.method == "GET":
        form = ReceiveForm(items=[item])
        return _receive_page(request, "web/cases/receive.html", form, item=item, may_accept=may_accept)
    form = ReceiveForm(request.POST, items=[item])
    if not form.is_valid():
        return _receive_page(request, "web/cases/receive.html", form, item=item, may_accept=may_accept, status=422)
    channel = channel_for(user)
    try:
        with transaction.atomic():  # 收件 and 受理 together, or neither
            applicant = applicant_for(**form.applicant_kwargs(), filed_by=user)
            case = services.case_open(
                actor=user,
                item_code=item.code,
                applicant=applicant,
                channel=channel,
                form=form.schema_values(applicant),
                materials=form.material_states(),
                phone=form.cleaned_data["phone"],
                key=form.submission_key,  # a resubmitted form gives its first case
            )
            if may_accept and request.POST.get("then") == "accept":
                case = _then_accept(user, case, channel)
    except ShebaoError as error:
        form.add_domain_error(error)
        return _receive_page(
            request, "web/cases/receive.html", form, item=item, may_accept=may_accept, status=error.status
        )
    _received_message(request, case)
    return redirect("web:case", number=case.number)


def _receive_page(
    request: AccountRequest, template: str, form: ReceiveForm, *, status: int = 200, **context: Any
) -> HttpResponse:
    items: list[ServiceItem] = context.get("items") or [context["item"]]
    offering = _offering(request.user)
    context.update(
        {
            "form": form,
            # once per reason: five items closed for the same hours say it once
            "not_now": " ".join(dict.fromkeys(filter(None, (_offered_now(i, offering) for i in items)))),
            "channel_label": label_of(channel_for(request.user)),
        }
    )
    return render(request, template, context, status=status)


@require_http_methods(["GET", "POST"])
@signed_in
def one_form(request: AccountRequest, group_code: str) -> HttpResponse:
    """一表通: one form with the union of the group's items' fields; the clerk ticks the items
    the applicant wants and every chosen item becomes its own case, all or none."""
    refused = _handler_refusal(request)
    if refused:
        return refused
    user = request.user
    group = FormGroup.objects.filter(code=group_code).first()
    if group is None:
        return error_page(request, NotFound("一表通表单组不存在", "No such form group"))
    mine = [i for i in receivable_items(user) if i.form_group_id == group.pk]
    if not mine:
        return error_page(
            request, NotAllowed("该表单组中没有您可以受理的事项", "No item of this form group is yours to receive")
        )
    # only the group's items that may be received now (a Saturday: the Saturday set's)
    offering = _offering(user)
    offered = offering.items(mine)
    if not offered:
        return error_page(request, offering.refusal(mine[0]) or NotAllowed("暂不受理", "Not received now"))
    items = [item_get(code=i.code, with_structure=True) for i in offered]
    if request.method == "GET":
        chosen = request.GET.getlist("items")
        form = ReceiveForm(items=items, grouped=True, initial={"items": chosen} if chosen else None)
        return _receive_page(request, "web/cases/one_form.html", form, group=group, items=items)
    form = ReceiveForm(request.POST, items=items, grouped=True)
    if not form.is_valid():
        return _receive_page(request, "web/cases/one_form.html", form, group=group, items=items, status=422)
    try:
        applicant = applicant_for(**form.applicant_kwargs(), filed_by=user)
        cases = services.case_open_group(
            actor=user,
            group_code=group.code,
            item_codes=form.cleaned_data["items"],
            applicant=applicant,
            channel=channel_for(user),
            form=form.schema_values(applicant),
            materials=form.material_states(),
            phone=form.cleaned_data["phone"],
            key=form.submission_key,  # a resubmitted form gives the cases it opened
        )
    except ShebaoError as error:
        form.add_domain_error(error)
        return _receive_page(request, "web/cases/one_form.html", form, group=group, items=items, status=error.status)
    messages.success(request, _("%(count)d cases received with one form.") % {"count": len(cases)})
    query = QueryDict(mutable=True)
    query.setlist("n", [c.number for c in cases])  # type: ignore[misc]  # an opened case has its number
    return redirect(f"{reverse('web:received')}?{query.urlencode()}")


@require_GET
@signed_in
def received(request: AccountRequest) -> HttpResponse:
    """The cases of one receipt side by side (the one-form's result), each with its actions."""
    refused = _handler_refusal(request)
    if refused:
        return refused
    user = request.user
    cards = []
    for number in request.GET.getlist("n")[:20]:
        try:
            case = selectors.case_get(actor=user, number=number)
        except NotFound:
            continue
        cards.append(case_context(user, case, compact=True))
    if not cards:
        return error_page(request, NotFound("办件不存在或无权查看", "Case not found"))
    return render(request, "web/cases/received.html", {"cards": cards, "here": request.get_full_path()})
