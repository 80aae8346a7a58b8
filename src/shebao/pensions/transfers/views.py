"""The transfer pages: the list (staff: their district's; a person: their own), one transfer with
its three phases, its amount and messages and the step to do, and the dashboard.

Views parse parameters and call one service or selector; who may see and do what is decided
there (selectors scope by the actor, services check again before writing)."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from shebao.core import audit
from shebao.core.channels import Channel
from shebao.core.errors import InvalidInput, NotAllowed, ShebaoError
from shebao.core.http import AccountRequest, signed_in
from shebao.core.identifiers import mask_id_number
from shebao.core.models import Account, Role
from shebao.pensions.transfers import selectors, services
from shebao.pensions.transfers.models import Transfer
from shebao.registry.views import error_page

# who opens the transfer pages and the dashboard: the window's staff and the monitors
STAFF_ROLES = frozenset(
    {Role.CLERK, Role.REVIEWER, Role.APPROVER, Role.SUPERVISOR, Role.MONITOR_CITY, Role.MONITOR_DISTRICT, Role.ADMIN}
)
ACTING_ROLES = frozenset({Role.CLERK, Role.REVIEWER, Role.APPROVER})


def _may_open(user: Account, *, citizens: bool = True) -> None:
    if user.kind == Account.Kind.STAFF and user.role in STAFF_ROLES:
        return
    if citizens and user.kind == Account.Kind.CITIZEN:
        return
    raise NotAllowed("您的账户不能查看养老保险关系转移", "Your account cannot see pension transfers")


@require_GET
@signed_in
def transfer_list(request: AccountRequest) -> HttpResponse:
    user = request.user
    try:
        _may_open(user)
    except ShebaoError as error:
        return error_page(request, error)
    state = request.GET.get("state", "open" if user.kind == Account.Kind.STAFF else "")
    direction = request.GET.get("direction", "")
    if direction not in ("", "in", "out") or state not in ("", "open", *Transfer.State.values):
        return error_page(request, InvalidInput("筛选条件不正确", "Unknown filter", field="state"))
    transfers = selectors.transfer_list(actor=user, state=state, direction=direction)
    context = {
        "transfers": [(t, mask_id_number(t.id_number)) for t in transfers],
        "unrecorded": selectors.applications_unrecorded(actor=user),
        "state": state,
        "direction": direction,
        "staff": user.kind == Account.Kind.STAFF,
        "states": Transfer.State.choices,
    }
    return render(request, "pension_transfers/list.html", context)


def _detail_context(user: Account, number: str) -> dict[str, object]:
    transfer = selectors.transfer_for_case(actor=user, number=number)
    case = transfer.case
    staff = user.kind == Account.Kind.STAFF
    phases = selectors.transfer_phases(transfer)
    context: dict[str, object] = {
        "transfer": transfer,
        "case": case,
        "phases": phases,
        "staff": staff,
        "id_shown": transfer.id_number if not staff else mask_id_number(transfer.id_number),
        "years": transfer.derivation.get("years") or (transfer.derivation.get("info_form") or {}).get("years") or [],
        "steps": transfer.derivation.get("steps", []),
    }
    if transfer.direction == Transfer.Direction.IN:
        context["temporary"] = services.temporary_account_for(transfer)
    if staff:
        context["messages_"] = list(transfer.messages.order_by("recorded_at", "id")) if transfer.pk else []
        step = case.current_step
        context["may_act"] = (
            user.role in ACTING_ROLES and case.status == "in_progress" and step is not None and step.kind != "outside"
        )
        if transfer.direction == Transfer.Direction.OUT and transfer.state == Transfer.State.LETTER_RECEIVED:
            owed = services.transfer_out_owed(actor=user, transfer=transfer)
            context.update(owed=owed.total, owed_why_zh=owed.why_zh, owed_why_en=owed.why_en)
    return context


def _viewed(user: Account, transfer: Transfer) -> None:
    """Staff looking at someone's transfer is an audit event (ARCHITECTURE.md, Audit)."""
    if user.kind == Account.Kind.STAFF and transfer.pk:
        audit.record(
            actor=user,
            action="transfer.view",
            subject_type="pension_transfers.Transfer",
            subject_id=transfer.pk,
            subject_person=transfer.id_number,
            channel=Channel.HALL,
        )


@require_GET
@signed_in
def transfer_detail(request: AccountRequest, number: str) -> HttpResponse:
    user = request.user
    try:
        _may_open(user)
        context = _detail_context(user, number)
    except ShebaoError as error:
        return error_page(request, error)
    transfer = context["transfer"]
    assert isinstance(transfer, Transfer)
    _viewed(user, transfer)
    return render(request, "pension_transfers/detail.html", context)


def _version(request: AccountRequest) -> int:
    try:
        return int(request.POST.get("version", ""))
    except ValueError:
        raise InvalidInput("页面已过期，请刷新后重试", "The page is stale: reload it", field="version") from None


def _after_error(request: AccountRequest, number: str, error: ShebaoError) -> HttpResponse:
    try:
        context = _detail_context(request.user, number)
    except ShebaoError as again:
        return error_page(request, again)
    context["error"] = error
    return render(request, "pension_transfers/detail.html", context, status=error.status)


@require_POST
@signed_in
def transfer_act(request: AccountRequest, number: str) -> HttpResponse:
    user = request.user
    try:
        _may_open(user, citizens=False)
        transfer = selectors.transfer_for_case(actor=user, number=number)
        action = request.POST.get("action", "")
        if action not in ("accept", "review", "approve"):
            raise InvalidInput("未知操作", "Unknown action", field="action")
        services.transfer_act(
            actor=user,
            case_id=transfer.case.pk,
            version=_version(request),
            action=action,
            note=request.POST.get("note", "")[:500],
        )
    except ShebaoError as error:
        return _after_error(request, number, error)
    messages.success(request, "已办理 / Done")
    return redirect("pensions_transfers:detail", number=number)


@require_POST
@signed_in
def transfer_refuse(request: AccountRequest, number: str) -> HttpResponse:
    user = request.user
    try:
        _may_open(user, citizens=False)
        transfer = selectors.transfer_for_case(actor=user, number=number)
        version = _version(request)
        if request.POST.get("arrears"):
            services.transfer_refuse_arrears(actor=user, case_id=transfer.case.pk, version=version)
        else:
            reasons = [r for r in request.POST.get("reasons", "").splitlines() if r.strip()][:10]
            services.transfer_refuse(actor=user, case_id=transfer.case.pk, version=version, reasons=reasons)
    except ShebaoError as error:
        return _after_error(request, number, error)
    messages.success(request, "已不予办理并书面告知 / Refused, with the reasons given in writing")
    return redirect("pensions_transfers:detail", number=number)


# --- the dashboard -------------------------------------------------------------------------


@dataclass(frozen=True)
class Bar:
    x: int
    y: int
    height: int
    value: int
    label: str
    kind: str  # in / out


@dataclass(frozen=True)
class Chart:
    width: int
    bars: list[Bar]
    years: list[tuple[int, int]]  # (year, x of its label)
    gridlines: list[tuple[int, int]]  # (value, y)


def _chart(years: list[tuple[int, int, int]]) -> Chart:
    """Transfers completed per year, in and out side by side: bars scaled to the largest year."""
    top = max([1, *(max(i, o) for _, i, o in years)])
    step = 10 ** max(0, len(str(top)) - 1)
    ceiling = max(2, -(-top // step) * step)  # two gridlines above zero, never the same number
    bars, labels = [], []
    for n, (year, done_in, done_out) in enumerate(years):
        x = 40 + n * 70
        for k, (kind, value) in enumerate((("in", done_in), ("out", done_out))):
            height = round(110 * value / ceiling)
            bars.append(
                Bar(x + k * 26, 130 - height, height, value, f"{year} {'转入' if kind == 'in' else '转出'}", kind)
            )
        labels.append((year, x + 26))
    grid = [(ceiling * i // 2, 130 - 110 * i // 2) for i in range(3)]
    return Chart(width=max(200, 40 + 70 * len(years)), bars=bars, years=labels, gridlines=grid)


@require_GET
@signed_in
def transfers_dashboard(request: AccountRequest) -> HttpResponse:
    user = request.user
    try:
        _may_open(user, citizens=False)
    except ShebaoError as error:
        return error_page(request, error)
    today = timezone.localdate()
    raw = request.GET.get("year", "")
    if raw and (not raw.isdigit() or not 2010 <= int(raw) <= today.year):
        return error_page(
            request,
            InvalidInput(f"年度应在2010年至{today.year}年之间", f"The year is 2010 to {today.year}", field="year"),
        )
    board = selectors.transfers_dashboard(actor=user, year=int(raw) if raw else today.year)
    pending = selectors.outbox_pending()
    context = {
        "board": board,
        "chart": _chart(board.years),
        "today": today,
        "pending": pending,
        "year_choices": list(range(today.year, 2009, -1))[:10],
        "waiting": [(w, mask_id_number(w.transfer.id_number)) for w in board.waiting[:100]],
    }
    return render(request, "pension_transfers/dashboard.html", context)
