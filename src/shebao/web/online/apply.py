"""网上申请: what a signed-in person may apply for online, and the application form.

Every active catalogue item whose channels include ``online`` is listed by insurance, except
those an employer files (a form that requires the unit's code); an item of a 一表通 form group
is also offered as the group's one form. The form is the window's receiving form built from the
item's FieldSpecs (:mod:`shebao.web.online.forms`); the case is opened by the same
``cases.services`` call as ``POST /api/v1/cases``, on the online channel, with the page's
submission token as the idempotency key (a double click or a resubmitted page gives the case
the first submission opened). A refusal is shown at its field and nothing is written.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.http import HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from shebao.cases import services
from shebao.cases.applicants import applicant_for
from shebao.cases.models import Case
from shebao.catalog.models import FormGroup, Insurance, ServiceItem
from shebao.catalog.selectors import item_get, items_list
from shebao.core.channels import Channel
from shebao.core.errors import NotAllowed, NotFound, ShebaoError
from shebao.core.http import AccountRequest
from shebao.core.models import Account
from shebao.registry import selectors as registry
from shebao.registry.models import Person
from shebao.registry.services import acting_may_handle
from shebao.registry.views import error_page
from shebao.web.access import signed_in
from shebao.web.online.forms import ApplyForm, both
from shebao.web.workbench.labels import label_of


def citizen_refusal(request: AccountRequest) -> HttpResponse | None:
    """The individuals' online hall is for insured persons' own accounts."""
    if request.user.kind != Account.Kind.CITIZEN:
        return error_page(
            request,
            NotAllowed("网上个人服务大厅供参保人本人使用", "The online hall for individuals is for insured persons"),
        )
    return None


def own_person(user: Account) -> Person | None:
    """The registry's record of the signed-in person (read through the scoped, audited selector),
    or None before their first enrolment."""
    try:
        return registry.person_self(actor=user, channel=Channel.ONLINE)  # the grantor's while acting
    except ShebaoError:
        return None


def _applicant_account(user: Account) -> Account | None:
    """The applicant's account: the signed-in person's, or while acting the grantor's own (the
    registry's link; None lets the applicant resolver take it) — the agent is the filer, in the
    audit chain ("agent for grantor")."""
    return None if registry.acting_for(user) is not None else user


def online_items() -> list[ServiceItem]:
    """The items a person may apply for online: on the online channel, not an employer's."""
    items = items_list(channel=Channel.ONLINE).defer("policy_basis", "description")
    return [
        item
        for item in items
        if not any(f.get("name") == "unit_code" and f.get("required", True) for f in item.form_schema)
    ]


@dataclass(frozen=True)
class Shelf:
    """One insurance's items on the list, with the one-forms they belong to."""

    insurance: str
    label: str
    items: list[ServiceItem]


@require_GET
@signed_in
def apply_index(request: AccountRequest) -> HttpResponse:
    """我可以办理的事项: grouped by insurance, each with its time limit and its one-form."""
    refused = citizen_refusal(request)
    if refused:
        return refused
    items = online_items()
    groups: dict[int, tuple[FormGroup, list[ServiceItem]]] = {}
    for item in items:
        if item.form_group is not None:
            groups.setdefault(item.form_group.pk, (item.form_group, []))[1].append(item)
    shelves = [
        Shelf(insurance=value, label=label_of(label), items=[i for i in items if i.insurance == value])
        for value, label in Insurance.choices
    ]
    return render(
        request,
        "web/online/apply_index.html",
        {
            "shelves": [s for s in shelves if s.items],
            "groups": [(g, members) for g, members in groups.values() if len(members) > 1],
        },
    )


def _online_item(code: str) -> ServiceItem:
    item = item_get(code=code, with_structure=True)
    if not item.is_active or Channel.ONLINE not in item.channels or item not in online_items():
        raise NotAllowed(
            f"“{item.name}”不能在网上申请，请到窗口办理", f"{item.code} cannot be applied for online: apply at a window"
        )
    return item


def _apply_page(
    request: AccountRequest, form: ApplyForm, common: dict[str, object], *, status: int = 200
) -> HttpResponse:
    return render(request, "web/online/apply.html", {**common, "form": form}, status=status)


@require_http_methods(["GET", "POST"])
@signed_in
def apply_item(request: AccountRequest, code: str) -> HttpResponse:
    """The application form of one item; submitted, the case opens and its page shows."""
    refused = citizen_refusal(request)
    if refused:
        return refused
    user = request.user
    try:
        acting_may_handle(actor=user)  # 代办: an agent needs a view-and-act authorisation
        item = _online_item(code)
    except ShebaoError as error:
        return error_page(request, error)
    person = own_person(user)
    group = item.form_group if item.form_group is not None and item.form_group.items.count() > 1 else None
    common: dict[str, object] = {"item": item, "items": [item], "group": group, "person": person}
    if request.method == "GET":
        return _apply_page(request, ApplyForm(account=user, person=person, items=[item]), common)
    form = ApplyForm(request.POST, account=user, person=person, items=[item])
    if not form.is_valid():
        return _apply_page(request, form, common, status=422)
    try:
        applicant = applicant_for(**form.applicant_kwargs(), account=_applicant_account(user), filed_by=user)
        case = services.case_open(
            actor=user,
            item_code=item.code,
            applicant=applicant,
            channel=Channel.ONLINE,
            form=form.schema_values(applicant),
            materials=form.material_states(),
            phone=form.cleaned_data["phone"],
            key=form.submission_key,  # a resubmitted page gives the case it opened
        )
    except ShebaoError as error:
        form.add_domain_error(error)
        return _apply_page(request, form, common, status=error.status)
    _applied_message(request, [case.status])
    return redirect("web:case", number=case.number)


def _applied_message(request: AccountRequest, statuses: list[str]) -> None:
    if Case.Status.AWAITING_MATERIALS in statuses:
        messages.warning(
            request,
            both(
                "申请已提交。请在下方上传所缺材料，材料齐全后次日起计算办理时限。",
                "Submitted. Upload the missing materials below: the time limit runs from the day after they are complete.",
            ),
        )
    else:
        messages.success(request, both("申请已提交。", "Submitted."))


@require_http_methods(["GET", "POST"])
@signed_in
def apply_group(request: AccountRequest, group_code: str) -> HttpResponse:
    """一表通 online: one form for the group's online items; each ticked item becomes its own
    case, all opened together or none."""
    refused = citizen_refusal(request)
    if refused:
        return refused
    user = request.user
    try:
        acting_may_handle(actor=user)  # 代办: an agent needs a view-and-act authorisation
    except ShebaoError as error:
        return error_page(request, error)
    group = FormGroup.objects.filter(code=group_code).first()
    members = [i for i in online_items() if group is not None and i.form_group_id == group.pk]
    if group is None or not members:
        return error_page(request, NotFound("一表通表单组不存在或不能在网上申请", "No such one-form online"))
    items = [item_get(code=i.code, with_structure=True) for i in members]
    person = own_person(user)
    common: dict[str, object] = {"group": group, "items": items, "person": person, "grouped": True}
    if request.method == "GET":
        chosen = request.GET.getlist("items")
        form = ApplyForm(
            account=user, person=person, items=items, grouped=True, initial={"items": chosen} if chosen else None
        )
        return _apply_page(request, form, common)
    form = ApplyForm(request.POST, account=user, person=person, items=items, grouped=True)
    if not form.is_valid():
        return _apply_page(request, form, common, status=422)
    try:
        applicant = applicant_for(**form.applicant_kwargs(), account=_applicant_account(user), filed_by=user)
        cases = services.case_open_group(
            actor=user,
            group_code=group.code,
            item_codes=form.cleaned_data["items"],
            applicant=applicant,
            channel=Channel.ONLINE,
            form=form.schema_values(applicant),
            materials=form.material_states(),
            phone=form.cleaned_data["phone"],
            key=form.submission_key,
        )
    except ShebaoError as error:
        form.add_domain_error(error)
        return _apply_page(request, form, common, status=error.status)
    _applied_message(request, [c.status for c in cases])
    if len(cases) == 1:
        return redirect("web:case", number=cases[0].number)
    query = QueryDict(mutable=True)
    query.setlist("n", [str(c.number) for c in cases])
    return redirect(f"{reverse('web:my_cases')}?{query.urlencode()}")
