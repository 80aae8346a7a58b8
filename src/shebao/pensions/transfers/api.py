"""The pension transfers over the API (mounted by shebao.api): a person's own transfers, one
transfer with its three phases and its amount, and the staff dashboard's figures. The same
selectors as the pages, so the channels agree."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from ninja import Router, Schema

from shebao.cases.api import session
from shebao.core.api import answers
from shebao.core.errors import NotAllowed
from shebao.core.http import ApiRequest
from shebao.core.identifiers import mask_id_number
from shebao.core.models import Account
from shebao.core.tokens import app_bearer
from shebao.pensions.transfers import selectors
from shebao.pensions.transfers.models import Transfer
from shebao.pensions.transfers.views import STAFF_ROLES

router = Router(tags=["transfers 养老保险关系转移接续"])


class TransferPhaseOut(Schema):
    number: int
    name: str
    ours: bool
    started: dt.date | None
    due: dt.date | None
    finished: dt.date | None
    working_days: int | None
    on_time: bool | None


class TransferOut(Schema):
    case_number: str
    ref: str
    direction: str
    state: str
    state_label: str
    name: str
    id_number: str
    other_agency: str
    other_agency_name: str
    applied_on: dt.date
    completed_on: dt.date | None
    balance: Decimal | None
    pooled: Decimal | None
    total: Decimal | None
    refusal_reason: str
    phases: list[TransferPhaseOut]


class RateOut(Schema):
    direction: str
    phase: int
    ours: bool
    finished: int
    on_time: int


class YearOut(Schema):
    year: int
    completed_in: int
    completed_out: int


class DashboardOut(Schema):
    open: int
    refused: int
    years: list[YearOut]
    rates: list[RateOut]
    waiting: list[str]  # case numbers waiting on the other agency, longest first


def _out(transfer: Transfer, *, actor: Account) -> dict[str, Any]:
    own = actor.kind == Account.Kind.CITIZEN
    return {
        "case_number": transfer.case.number or "",
        "ref": transfer.ref,
        "direction": transfer.direction,
        "state": transfer.state,
        "state_label": transfer.get_state_display(),
        "name": transfer.name,
        "id_number": transfer.id_number if own else mask_id_number(transfer.id_number),
        "other_agency": transfer.other_agency,
        "other_agency_name": transfer.other_agency_name,
        "applied_on": transfer.applied_on,
        "completed_on": transfer.completed_on,
        "balance": transfer.balance,
        "pooled": transfer.pooled,
        "total": transfer.total,
        "refusal_reason": transfer.refusal_reason,
        "phases": [
            {
                "number": p.number,
                "name": p.name,
                "ours": p.ours,
                "started": p.started,
                "due": p.due,
                "finished": p.finished,
                "working_days": p.used,
                "on_time": p.on_time,
            }
            for p in selectors.transfer_phases(transfer)
        ],
    }


@router.get(
    "/transfers/mine",
    response=answers(list[TransferOut], errors=(401, 403, 429)),
    auth=[session, app_bearer],  # a session, or the app's bearer token (429: the app's rate limits)
    summary="我的养老保险关系转移 / My pension transfers",
)
def transfers_mine(request: ApiRequest) -> list[dict[str, Any]]:
    """The insured person's own transfers, newest first, each with its three phases."""
    user = request.auth
    if user.kind != Account.Kind.CITIZEN:
        raise NotAllowed("仅限参保人本人查询", "For insured persons only")
    return [_out(t, actor=user) for t in selectors.transfer_list(actor=user, limit=50)]


@router.get(
    "/transfers/dashboard",
    response=answers(DashboardOut, errors=(401, 403)),
    auth=session,
    summary="转移接续统计 / Transfers dashboard",
)
def transfers_dashboard(request: ApiRequest) -> dict[str, Any]:
    """Completed per year in and out, on time per phase, cases waiting on the other agency."""
    user = request.auth
    if user.kind != Account.Kind.STAFF or user.role not in STAFF_ROLES:
        raise NotAllowed("仅限经办和监控人员", "For window staff and monitors")
    board = selectors.transfers_dashboard(actor=user)
    return {
        "open": board.open_count,
        "refused": board.refused,
        "years": [{"year": y, "completed_in": i, "completed_out": o} for y, i, o in board.years],
        "rates": [
            {"direction": r.direction, "phase": r.number, "ours": r.ours, "finished": r.finished, "on_time": r.on_time}
            for r in board.rates
        ],
        "waiting": [w.transfer.case.number or "" for w in board.waiting],
    }


@router.get(
    "/transfers/{number}",
    response=answers(TransferOut, errors=(401, 403, 404)),
    auth=session,
    summary="转移接续详情 / One transfer",
)
def transfer_detail(request: ApiRequest, number: str) -> dict[str, Any]:
    """One transfer by its case number, for the person themself or staff who may see it."""
    user = request.auth
    if user.kind == Account.Kind.UNIT or (user.kind == Account.Kind.STAFF and user.role not in STAFF_ROLES):
        raise NotAllowed("您的账户不能查看养老保险关系转移", "Your account cannot see pension transfers")
    return _out(selectors.transfer_for_case(actor=user, number=number[:32]), actor=user)
