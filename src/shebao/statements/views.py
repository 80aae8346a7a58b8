"""The rights-statement pages: the insured person's 我的权益记录单 (the years, one year's record
as a table, its PDF, a correction asked for from it), the window print for staff, and an
employer's view of its own employee's months. Each view parses its parameters and calls one
service or selector; the services audit."""

from __future__ import annotations

import datetime as dt
import re
import secrets
from decimal import Decimal, InvalidOperation

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from shebao.core.documents import verification_path
from shebao.core.errors import InvalidInput, NotAllowed, NotFound, ShebaoError
from shebao.core.http import AccountRequest, signed_in
from shebao.core.models import Account
from shebao.registry.selectors import person_find_by_id_number, person_self
from shebao.registry.views import channel_for
from shebao.registry.views import error_page as _house_error_page
from shebao.statements import selectors, services
from shebao.statements.document import statement_verify_url
from shebao.statements.models import Statement
from shebao.statements.record import FLAG_LABELS, FLAG_SYMBOLS
from shebao.statements.selectors import STATEMENT_KIND


def _citizen(request: AccountRequest) -> Account:
    if request.user.kind != Account.Kind.CITIZEN:
        raise NotAllowed("仅限参保人本人查询", "For insured persons only")
    return request.user


WINDOW_AGENTS = "statements.window_agents"  # session key: ref → the agent checked at the window

HEADINGS = {
    403: ("无权访问", "Not allowed"),
    404: ("未找到", "Not found"),
    409: ("操作冲突", "Conflict"),
}


def error_page(request: HttpRequest, error: ShebaoError) -> HttpResponse:
    """A refusal on a statement page: the message in Chinese then English (the house page shows
    one language); to htmx, the house notice."""
    if getattr(request, "htmx", False):
        return _house_error_page(request, error)
    zh, en = getattr(error, "heading", None) or HEADINGS.get(error.status, ("输入有误", "Invalid input"))
    context = {"error": error, "heading_zh": zh, "heading_en": en}
    return render(request, "statements/error.html", context, status=error.status)


def _year(raw: object) -> int:
    try:
        return selectors.year_check(int(str(raw)))
    except ValueError:
        raise InvalidInput("年度不正确", "Not a year", field="year") from None


def _pdf(statement: Statement, pdf: bytes) -> HttpResponse:
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="statement-{statement.ref}.pdf"'
    return response


def _statement_context(statement: Statement) -> dict[str, object]:
    return {
        "statement": statement,
        "record": services.statement_record(statement=statement),
        "verify_url": statement_verify_url(statement),
        "verify_path": verification_path(kind=STATEMENT_KIND, ref=statement.ref, code=statement.code),
        "flags": [(FLAG_SYMBOLS[k], zh, en) for k, (zh, en) in FLAG_LABELS.items()],
        "months": range(1, 13),
    }


@require_GET
@signed_in
def mine(request: AccountRequest) -> HttpResponse:
    """我的权益记录单: this year's and every earlier year's, with the versions issued."""
    try:
        user = _citizen(request)
        person = person_self(actor=user, channel=channel_for(user))
        years = selectors.statement_years(actor=user, person=person)
        issued = list(selectors.statements_of(actor=user, person=person).select_related("superseded_by"))
    except ShebaoError as error:
        return error_page(request, error)
    return render(request, "statements/mine.html", {"years": years, "issued": issued})


@require_GET
@signed_in
def my_year(request: AccountRequest, year: int) -> HttpResponse:
    """One year's statement as a table (issued now if none is current or a figure changed)."""
    try:
        user = _citizen(request)
        number = _year(year)
        person = person_self(actor=user, channel=channel_for(user))
        statement = services.statement_issue(actor=user, person=person, year=number, channel=channel_for(user))
        services.statement_view_record(actor=user, statement=statement, channel=channel_for(user))
    except ShebaoError as error:
        return error_page(request, error)
    return render(request, "statements/statement.html", {**_statement_context(statement), "own": True})


@require_GET
@signed_in
def pdf(request: AccountRequest, ref: str) -> HttpResponse:
    """A statement's PDF by its ref, for whoever may read its person's record (404 otherwise)."""
    try:
        if request.GET.get("print") == "1" and selectors.window_printer(request.user):
            # the agent the window page checked for this statement (kept in the clerk's session,
            # never in the link): the print's audit names them
            agent = request.session.get(WINDOW_AGENTS, {}).get(ref)
            statement, body = services.statement_window_pdf(
                actor=request.user, ref=ref, channel=channel_for(request.user), agent=agent
            )
        else:
            statement = selectors.statement_by_ref(actor=request.user, ref=ref)
            body = services.statement_pdf(actor=request.user, statement=statement, channel=channel_for(request.user))
    except ShebaoError as error:
        return error_page(request, error)
    return _pdf(statement, body)


@require_http_methods(["GET", "POST"])
@signed_in
def correction(request: AccountRequest, ref: str) -> HttpResponse:
    """更正申请 from a statement: the months in question (the first, and the last for a run),
    what is wrong, the correct base."""
    try:
        statement = selectors.statement_by_ref(actor=request.user, ref=ref)
    except ShebaoError as error:
        return error_page(request, error)
    # the form's idempotency key: a resubmitted form opens the case once
    key = request.POST.get("key", "") if request.method == "POST" else secrets.token_urlsafe(16)
    context: dict[str, object] = {
        "statement": statement,
        "values": request.POST,
        "key": key,
        "staff": request.user.kind == Account.Kind.STAFF,
    }
    if request.method == "POST":
        try:
            period = _month(request.POST.get("period", ""))
            raw_to = request.POST.get("period_to", "").strip()
            period_to = _month(raw_to, field="period_to") if raw_to else None
            raw_base = request.POST.get("correct_base", "").strip()
            base = Decimal(raw_base) if raw_base else None
            case = services.statement_correction_request(
                actor=request.user,
                statement=statement,
                period=period,
                period_to=period_to,
                what=request.POST.get("what", ""),
                correct_base=base,
                detail=request.POST.get("detail", ""),
                channel=channel_for(request.user),
                key=key,
                materials=_handed_in(request),
            )
        except InvalidOperation:
            context["error"] = "缴费基数应为金额 / The base must be an amount"
            return render(request, "statements/correction.html", context, status=422)
        except ShebaoError as error:
            context["error"] = f"{error.message_zh} / {error.message_en}"
            return render(request, "statements/correction.html", context, status=error.status)
        return render(request, "statements/correction_done.html", {"statement": statement, "case": case}, status=201)
    return render(request, "statements/correction.html", context)


def _handed_in(request: AccountRequest) -> dict[str, str] | None:
    """At a window the clerk ticks the papers handed in; online they follow (一次性告知)."""
    if request.user.kind != Account.Kind.STAFF:
        return None
    return {code: "received" for code in ("id_card", "employer_evidence") if request.POST.get(f"material_{code}")}


MONTH_WRITTEN = re.compile(r"[0-9]{4}-[0-9]{2}(-[0-9]{2})?")


def _month(raw: str, *, field: str = "period") -> dt.date:
    """A month as the month input gives it (``YYYY-MM``; a full date is its month), as the
    month's first day; anything else (``2024-04x``, ``2024-13``) refused, naming the field."""
    text = raw.strip()
    try:
        if not MONTH_WRITTEN.fullmatch(text):
            raise ValueError(text)
        return dt.date.fromisoformat(text if len(text) == 10 else f"{text}-01").replace(day=1)
    except ValueError:
        raise InvalidInput(
            f"请按 年-月 填写月份（如 2026-03），“{text[:20]}”不是月份",
            f"Give the month as YYYY-MM (e.g. 2026-03): '{text[:20]}' is not one",
            field=field,
        ) from None


@require_http_methods(["GET", "POST"])
@signed_in
def window(request: AccountRequest) -> HttpResponse:
    """窗口打印: the clerk types the ID number shown at the window and the year, and prints."""
    user = request.user
    if not selectors.window_printer(user):  # not the card or medical centre's windows, a bank outlet
        return error_page(
            request,
            NotAllowed(
                "只有社会保险经办机构和社区服务中心的窗口经办员可以打印权益记录单",
                "Only a window clerk of a social-insurance office or community centre prints rights statements",
            ),
        )
    this_year = timezone.localdate().year
    context: dict[str, object] = {"years": range(this_year, this_year - 11, -1), "values": request.POST}
    if request.method == "POST":
        agent_fields = {
            "agent_id_number": request.POST.get("agent_id_number", ""),
            "agent_name": request.POST.get("agent_name", ""),
        }
        written = bool(request.POST.get("agent_written"))
        try:
            printed = services.statement_window_print(
                actor=user,
                id_number=request.POST.get("id_number", ""),
                year=_year(request.POST.get("year", this_year)),
                channel=channel_for(user),
                agent_written=written,
                **agent_fields,
            )
        except ShebaoError as error:
            context["error"] = f"{error.message_zh} / {error.message_en}"
            return render(request, "statements/window.html", context, status=error.status)
        statement, agent = printed.statement, printed.agent
        # the print link's audit names the agent: kept by ref in the clerk's session (a few)
        agents = {ref: a for ref, a in request.session.get(WINDOW_AGENTS, {}).items() if ref != statement.ref}
        request.session[WINDOW_AGENTS] = {**dict(list(agents.items())[-9:]), statement.ref: agent}
        context.update(_statement_context(statement))
        context["agent"] = agent
        # a person of another district (通办): printed here, corrected at their district's office
        context["other_district"] = printed.other_district
    return render(request, "statements/window.html", context)


@require_GET
@signed_in
def unit_employee(request: AccountRequest) -> HttpResponse:
    """单位查询职工缴费记录: an employee of the unit by ID number, the months the unit paid."""
    user = request.user
    if user.kind != Account.Kind.UNIT:
        return error_page(request, NotAllowed("仅限单位经办人查询", "For employer operators only"))
    this_year = timezone.localdate().year
    context: dict[str, object] = {"years": range(this_year, this_year - 11, -1), "values": request.GET}
    if request.GET.get("id_number"):
        try:
            year = _year(request.GET.get("year", this_year))
            person = person_find_by_id_number(actor=user, id_number=request.GET["id_number"], channel=channel_for(user))
            context["seen"] = services.statement_employer_view(
                actor=user, person_id=person.pk, year=year, channel=channel_for(user)
            )
        except ShebaoError as error:
            if isinstance(error, NotFound):
                error = NotFound("未找到本单位的该职工", "No such employee of this unit")
            context["error"] = f"{error.message_zh} / {error.message_en}"
            return render(request, "statements/unit.html", context, status=error.status)
    return render(request, "statements/unit.html", context)
