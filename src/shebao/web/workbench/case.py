"""The staff case page: the file, the materials, the phases and their clocks, the history
with who did what, and the actions the signed-in staff member may take, each posted with the
case's version. htmx swaps the case's panel (or its card on the batch page) in place."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.http import FileResponse, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from shebao.cases import facts, rules, selectors, services
from shebao.cases import materials as supplies
from shebao.cases.models import Case, CaseMaterial, CaseRating
from shebao.cases.services import materials as verify
from shebao.catalog.models import ItemStep
from shebao.core.errors import InvalidInput, NotAllowed, NotFound, ShebaoError, StaleVersion
from shebao.core.http import AccountRequest
from shebao.core.identifiers import mask_id_number, mask_phone
from shebao.core.models import Account, Office
from shebao.registry.views import channel_for, error_page
from shebao.web.access import signed_in
from shebao.web.applicant import applicant_case
from shebao.web.forms import error_text
from shebao.web.papers import paper_links
from shebao.web.workbench.labels import chinese, countdown, label_of, schema_labels

STEP_ACTIONS = ("accept", "review", "approve", "callback", "reply")
ACTION_LABELS = {
    "accept": gettext_lazy("Accepted"),
    "review": gettext_lazy("Reviewed"),
    "approve": gettext_lazy("Approved"),
    "callback": gettext_lazy("Called back"),
    "reply": gettext_lazy("Replied"),
    "reject": gettext_lazy("Rejected"),
    "outside_done": gettext_lazy("Outside party finished"),
    "dispatch": gettext_lazy("Dispatched"),
    "return": gettext_lazy("Returned as wrongly dispatched"),
    "transfer": gettext_lazy("Transferred"),
}


@dataclass(frozen=True)
class StepOffer:
    """The current step and whether the signed-in staff member may do it (and if not, why)."""

    kind: str
    label: str
    allowed: bool
    why: str = ""


# The staff page never offers these: the applicant withdraws, and the system records an
# outside party only when nobody at the office does.
_NOT_ON_STAFF_PAGE = frozenset({rules.Action.WITHDRAW})


def staff_actions(user: Account, case: Case, *, done: dict[int, frozenset[int]]) -> dict[str, Any]:
    """Which action forms to show: what ``cases.rules`` offers this staff member on this case
    now (the services ask the same rules again when the form is posted). The current step is
    shown even when refused, with the reason."""
    if user.kind != Account.Kind.STAFF or user.role not in rules.HANDLING_ROLES:
        return {}
    offered = selectors.case_offers(actor=user, case=case, done=done)
    offers: dict[str, Any] = {}
    step = case.current_step
    for action, refused in offered.items():
        if action in rules.STEP_ACTIONS and step is not None:
            label = step.name if chinese() else step.name_en or step.name
            why = error_text(refused.error()) if refused is not None else ""
            offers["step"] = StepOffer(kind=action, label=label, allowed=refused is None, why=why)
        elif action not in _NOT_ON_STAFF_PAGE:
            offers[str(action)] = refused is None
    offers["any"] = any(v for k, v in offers.items() if k != "step") or "step" in offers
    return offers


def _transfer_choices(case: Case) -> list[Office]:
    """Offices a phase may be transferred to: the other active offices of its office's kind."""
    return list(
        Office.objects.filter(is_active=True, kind=case.office.kind).exclude(pk=case.office_id).order_by("code")
    )


def _dispatch_choices(case: Case, offers: dict[str, Any]) -> list[Office]:
    """Where the clerk may dispatch the next phase by hand when their step ends the current one
    (the offices of the kind the next phase's rule names); empty when nothing is dispatched."""
    step = case.current_step
    offer = offers.get("step")
    if step is None or offer is None or not offer.allowed:
        return []
    if ItemStep.objects.filter(phase_id=step.phase_id, order__gt=step.order).exists():
        return []
    following = (
        case.phases.select_related("phase", "office")
        .filter(phase__order__gt=step.phase.order, phase__party="agency")
        .order_by("phase__order")
        .first()
    )
    if following is None or following.phase.order != step.phase.order + 1:
        return []
    kind = facts.phase_office_kind(case, following)
    offices = Office.objects.filter(is_active=True).exclude(pk=case.office_id)
    return list(offices.filter(kind=kind).order_by("code") if kind else offices.none())


def case_context(user: Account, case: Case, *, compact: bool = False, **extra: Any) -> dict[str, Any]:
    """Everything the staff case panel shows. ``compact``: the batch page's card."""
    records = list(case.step_records.select_related("step", "actor", "office").order_by("at", "id"))
    done: dict[int, frozenset[int]] = {}
    for r in records:
        if r.step_id is not None and r.actor_id is not None:
            done[r.actor_id] = done.get(r.actor_id, frozenset()) | {r.step_id}
    actions = staff_actions(user, case, done=done)
    materials = list(case.materials.select_related("material", "upload").order_by("material_id"))
    may_check = case.is_open and verify.may_verify(user, case)
    for row in materials:
        # what the page shows of each material, and whether this clerk may decide on its file now
        row.state_label = label_of(supplies.state_shown(row))  # type: ignore[attr-defined]  # for the template
        row.checkable = may_check and row.verification == CaseMaterial.Verification.PENDING  # type: ignore[attr-defined]  # for the template
    left = selectors.case_countdown(case)
    overdue = -left if left is not None and left < 0 else 0
    shown, shown_zh, shown_en = rules.shown_state(rules.State(case.status), overdue=overdue)
    context: dict[str, Any] = {
        "case": case,
        "applicant_masked": mask_id_number(case.applicant_id_number),
        "clock": countdown(left),
        "status_shown": shown,
        "status_label": label_of(f"{shown_zh} / {shown_en}"),
        "actions": actions,
        "materials": materials,
        # the supplement form offers every missing material; the warning names the required ones
        "missing_materials": [m for m in materials if m.status == CaseMaterial.Status.MISSING],
        "missing_required": [m for m in materials if m.status == CaseMaterial.Status.MISSING and m.is_required],
        "compact": compact,
        "channel_label": label_of(case.channel),
    }
    if not compact:
        labels = schema_labels(case.item.form_schema)
        context.update(
            {
                "form_rows": form_rows(case.item.form_schema, case.form_data, labels),
                "progress": selectors.case_progress(case=case),
                "phases": list(case.phases.select_related("phase", "office").order_by("phase__order")),
                "history": [(r, ACTION_LABELS.get(r.action, r.action)) for r in records],
                "pauses": list(case.pauses.select_related("actor").order_by("started_on", "id")),
                "rating": CaseRating.objects.filter(case=case).select_related("follow_up").first(),
                "papers": paper_links(case),
                "dispatch_offices": _dispatch_choices(case, actions),
                "transfer_offices": _transfer_choices(case) if actions.get("transfer") else [],
            }
        )
    context.update(extra)
    return context


# Form values shown masked, as everywhere else in staff pages: a full ID number is revealed only
# through the person's page (clerks, audited), and a phone number only to its owner.
_MASKS = {"id_number": mask_id_number, "phone": mask_phone}


def form_rows(schema: list[dict[str, Any]], data: dict[str, Any], labels: dict[str, str]) -> list[tuple[str, Any]]:
    kinds = {f["name"]: f.get("type", "text") for f in schema}
    choices = {f["name"]: dict(map(tuple, f.get("choices") or ())) for f in schema}
    rows = []
    for name, value in data.items():
        mask = _MASKS.get(kinds.get(name, ""))
        if mask and value:
            value = mask(str(value))
        elif kinds.get(name) == "choice":
            value = choices[name].get(value, value)  # the choice's label (Chinese first), never its code
        rows.append((labels.get(name, name), value))
    return rows


@require_GET
@signed_in
def case_page(request: AccountRequest, number: str) -> HttpResponse:
    """One case. Staff see the file, the clocks, the history and their actions; the applicant
    (citizen or unit) sees its progress (``shebao.web.applicant``)."""
    user = request.user
    try:
        case = selectors.case_get(actor=user, number=number)
    except NotFound as error:
        return error_page(request, error)
    if user.kind != Account.Kind.STAFF:
        return applicant_case(request, case)
    return render(request, "web/cases/case.html", case_context(user, case))


@require_GET
@signed_in
def case_material_file(request: AccountRequest, number: str, code: str) -> HttpResponse:
    """The file uploaded for a material, to whoever may see the case (staff viewing is audited).
    Always a download: an uploaded file is never rendered as a page of ours."""
    user = request.user
    try:
        case = selectors.case_get(actor=user, number=number)
        upload = supplies.upload_open(actor=user, case=case, material_code=code, channel=channel_for(user))
    except ShebaoError as error:
        return error_page(request, error)
    response = FileResponse(
        upload.file.open("rb"), as_attachment=True, filename=upload.name, content_type=upload.content_type
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response  # type: ignore[return-value]  # a streamed FileResponse; signed_in's type names HttpResponse


def _next_url(request: HttpRequest, case: Case) -> str:
    candidate = request.POST.get("next", "")
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse("web:case", args=[case.number])


def _act(user: Account, case: Case, post: QueryDict, channel: str) -> Case:
    action = post.get("action", "")
    try:
        version = int(post.get("version", ""))
    except ValueError:
        raise InvalidInput("页面已过期，请刷新后重试", "The page is out of date; reload it", field="version") from None
    note = post.get("note", "").strip()
    common: dict[str, Any] = {"actor": user, "case_id": case.pk, "version": version, "channel": channel}
    if action in STEP_ACTIONS:
        return services.case_act(action=action, note=note, dispatch_to=post.get("dispatch_to", ""), **common)
    if action == "return":
        return services.case_return(reason=note, **common)
    if action == "transfer":
        return services.case_transfer(office_code=post.get("office", ""), reason=note, **common)
    if action == "reject":
        reasons = [line for line in post.get("reasons", "").splitlines() if line.strip()]
        return services.case_reject(reasons=reasons, **common)
    if action == "request_materials":
        return services.case_request_materials(missing=post.getlist("missing"), note=note, **common)
    if action == "supplement":
        states = {
            code[2:]: state
            for code, state in post.items()
            if code.startswith("m_") and state in (CaseMaterial.Status.RECEIVED, CaseMaterial.Status.COMMITMENT)
        }
        if not states:
            raise InvalidInput("请选择已收到的材料", "Choose the materials received", field="materials")
        return services.case_supplement(materials=states, **common)
    if action == "verify_material":
        return verify.case_material_verify(
            code=post.get("code", ""), decision=post.get("decision", ""), reason=note, **common
        )
    if action == "suspend":
        return services.case_suspend(reason=note, **common)
    if action == "resume":
        return services.case_resume(note=note, **common)
    if action == "extend":
        try:
            days = int(post.get("workdays", ""))
        except ValueError:
            raise InvalidInput("请填写延期工作日数", "Give the number of working days", field="workdays") from None
        return services.case_extend(workdays_added=days, reason=note, **common)
    if action == "escalate":
        if not note:
            raise InvalidInput("请填写上报理由", "Give the reason for the referral", field="note")
        return services.case_escalate(reason=note, **common)
    if action == "outside_done":
        return services.case_outside_done(note=note, **common)
    raise InvalidInput(f"未知操作：{action}", f"Unknown action: {action}", field="action")


def _conflict_text(error: ShebaoError) -> str:
    return "{} {}".format(
        error_text(error), _("Someone else acted on this case first. The page now shows it as it is.")
    )


@require_POST
@signed_in
def case_act(request: AccountRequest, number: str) -> HttpResponse:
    """One action on a case, posted with the version the page showed. htmx swaps the case's
    panel (or its card on the batch page); without JavaScript the browser is redirected."""
    user = request.user
    try:
        case = selectors.case_get(actor=user, number=number)
    except NotFound as error:
        return error_page(request, error)
    if user.kind != Account.Kind.STAFF:
        return error_page(request, NotAllowed("仅限经办人员办理", "Only agency staff may do this"))
    compact = request.POST.get("fragment") == "card"
    htmx = bool(getattr(request, "htmx", False))
    try:
        case = _act(user, case, request.POST, channel_for(user))
    except ShebaoError as error:
        fresh = selectors.case_get(actor=user, number=number)
        # "someone acted first" only when someone did; a rule's refusal (also a 409) speaks alone
        text = _conflict_text(error) if isinstance(error, StaleVersion) else error_text(error)
        context = case_context(
            user, fresh, compact=compact, notice=text, notice_kind="error", next=_next_url(request, fresh)
        )
        if htmx:
            # The fresh panel with the refusal as its notice, under the refusal's own status
            # (base.html tells htmx to swap 403/404/409/422 answers).
            template = "web/cases/_card.html" if compact else "web/cases/_panel.html"
            return render(request, template, context, status=error.status)
        return render(request, "web/cases/case.html", context, status=error.status)
    done = _("Done. The case is now: %(status)s.") % {"status": label_of(case.get_status_display())}
    if htmx:
        fresh = selectors.case_get(actor=user, number=number)
        context = case_context(
            user, fresh, compact=compact, notice=done, notice_kind="ok", next=_next_url(request, fresh)
        )
        return render(request, "web/cases/_card.html" if compact else "web/cases/_panel.html", context)
    messages.success(request, done)
    return redirect(_next_url(request, case))
