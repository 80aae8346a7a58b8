"""JSON API of the service engine: the catalogue, opening and following cases, staff actions,
the clerk's queue and ratings. The same services (and so the same validation and authority)
as the pages."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal, TypedDict

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from ninja.params.functions import Header
from ninja.security import SessionAuth

from shebao.cases import selectors, services, verify_queue
from shebao.cases.applicants import applicant_for
from shebao.cases.services import materials as verify
from shebao.catalog.definitions import MOBILE, Applicant
from shebao.catalog.selectors import item_get, items_list
from shebao.core.api import answers
from shebao.core.channels import Channel
from shebao.core.errors import InvalidInput, NotAllowed
from shebao.core.http import ApiRequest
from shebao.core.models import Account
from shebao.core.throttle import client_address
from shebao.core.tokens import app_bearer


class StaffVerifiedSession(SessionAuth):
    """A signed-in session; staff must also have passed their second factor."""

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = super().authenticate(request, key)
        if user and user.kind == Account.Kind.STAFF and not getattr(user, "is_verified", lambda: False)():
            raise NotAllowed("工作人员须先完成动态口令验证", "Staff must sign in with their second factor")
        return user


session = StaffVerifiedSession()
router = Router(tags=["cases 办件"])
catalog_router = Router(tags=["catalogue 服务事项"])


# --- schemas ---------------------------------------------------------------------------------


class ItemOut(Schema):
    code: str
    name: str
    name_en: str
    insurance: str
    risk_level: int
    promised_days: int | None
    legal_days: int | None
    channels: list[str]
    saturday: bool
    form_group: str | None = None


class MaterialOut(Schema):
    code: str
    name: str
    required: bool
    commitment_allowed: bool


class StepOut(Schema):
    kind: str
    name: str
    min_authority: int


class PhaseOut(Schema):
    code: str
    name: str
    party: str
    promised_days: int | None
    legal_days: int | None
    steps: list[StepOut]


class GuideOut(ItemOut):
    policy_basis: str
    description: str
    office_kinds: list[str]
    materials: list[MaterialOut]
    phases: list[PhaseOut]
    form_schema: list[dict[str, Any]]


class MaterialIn(Schema):
    """A material given as an upload: ``{"state": "uploaded", "file": "<the upload's ref>"}``."""

    state: Literal["uploaded", "commitment", "received", "missing"]
    file: str = Field("", max_length=64)


# A material's state ("commitment"; "received" — verified at a window, staff only; "missing"),
# or an upload naming its file (shebao.cases.materials).
MaterialsIn = dict[str, Literal["received", "commitment", "missing"] | MaterialIn]


class OpenIn(Schema):
    item_code: str | None = None
    group_code: str | None = None
    item_codes: list[str] = Field(default_factory=list)
    applicant_id_number: str = Field(max_length=18)
    applicant_name: str = Field("", max_length=64)
    district_code: str = Field("", max_length=12)
    unit_code: str = Field("", max_length=18)
    phone: str = Field("", pattern=f"^({MOBILE.pattern})?$", description="11-digit mobile number, or empty")
    channel: Literal["hall", "community", "online", "app", "bank", "hotline"]
    form: dict[str, Any] = Field(default_factory=dict)
    materials: MaterialsIn = Field(default_factory=dict)


class StepProgress(Schema):
    name: str
    name_en: str = ""
    kind: str
    done: bool
    current: bool
    rejected: bool = Field(False, description="the application was refused at this step")


class PhaseProgress(Schema):
    name: str
    name_en: str = ""
    party: str
    office: str
    status: str
    limit_days: int | None
    due_date: dt.date | None
    used_days: int = Field(0, description="working days this phase has used (pauses excluded)")
    on_time: bool | None = Field(None, description="the phase kept its own clock; null: not run or no limit")
    steps: list[StepProgress]


class PromiseOut(Schema):
    """承诺时限: the item's promised working days measured across all its phases."""

    days: int | None = Field(description="promised working days, approved extensions included; null: no promise")
    used: int
    left: int | None
    due_date: dt.date | None = Field(description="the promise's last day while our clock runs")
    kept: bool | None


class CaseMaterialOut(Schema):
    """One material of a case, required as this case requires it (the catalogue's flag unless
    the item's handler decided otherwise for the case at receipt)."""

    code: str
    name: str
    name_en: str = ""
    required: bool = Field(description="this case requires it; false: optional (可选)")
    status: str = Field(description="received, uploaded, commitment or missing")


class ProgressOut(Schema):
    number: str
    item_code: str
    item: str
    item_en: str = ""
    status: str
    status_label: str
    shown_status: str = Field(description="status, or 'overdue' for a case in progress past its due date")
    overdue_days: int = Field(0, description="working days past the due date")
    on_time: bool | None = Field(
        description="each phase within its clock and the promise kept; null for a refused or withdrawn case"
    )
    promise: PromiseOut
    due_date: dt.date | None
    due_provisional: bool
    current_step: str | None
    current_step_en: str | None = None
    missing_materials: list[str] = Field(description="the materials this case requires that are missing")
    materials: list[CaseMaterialOut] = Field(default_factory=list)
    rejection_reasons: list[str]
    version: int
    phases: list[PhaseProgress]


class PublicProgressOut(ProgressOut):
    applicant: str


class QueueRow(Schema):
    number: str
    item_code: str
    item: str
    applicant: str
    step: str
    due_date: dt.date | None
    workdays_left: int | None
    escalation_level: int
    version: int


class ActionIn(Schema):
    action: Literal[
        "accept",
        "review",
        "approve",
        "callback",
        "reply",
        "reject",
        "request_materials",
        "supplement",
        "suspend",
        "resume",
        "extend",
        "withdraw",
        "escalate",
        "return",
        "transfer",
    ]
    version: int
    note: str = ""
    dispatch_to: str = Field(
        "", max_length=32, description="a step that ends its phase: the office code the next phase goes to (派单)"
    )
    office: str = Field("", max_length=32, description="transfer: the office code the case moves to")
    reasons: list[str] = Field(default_factory=list)
    missing: list[str] = Field(default_factory=list)
    materials: MaterialsIn = Field(default_factory=dict)
    workdays: int = 0


class RatingIn(Schema):
    score: int
    comment: str = ""


class RatingOut(Schema):
    score: int
    follow_up: str | None


def _item_out(item: Any) -> dict[str, Any]:
    return {
        "code": item.code,
        "name": item.name,
        "name_en": item.name_en,
        "insurance": item.insurance,
        "risk_level": item.risk_level,
        "promised_days": item.promised_days,
        "legal_days": item.legal_days,
        "channels": item.channels,
        "saturday": item.saturday,
        "form_group": item.form_group.code if item.form_group else None,
    }


# --- catalogue -------------------------------------------------------------------------------


@catalog_router.get("/items", response=answers(list[ItemOut]), summary="服务事项目录 / The catalogue")
def catalog_items(
    request: HttpRequest, insurance: str | None = None, channel: str | None = None, q: str = ""
) -> list[dict[str, Any]]:
    return [_item_out(i) for i in items_list(insurance=insurance, channel=channel, query=q)]


@catalog_router.get("/items/{code}", response=answers(GuideOut, errors=(404,)), summary="办事指南 / An item's guide")
def catalog_item(request: HttpRequest, code: str) -> dict[str, Any]:
    item = item_get(code=code, with_structure=True)
    return {
        **_item_out(item),
        "policy_basis": item.policy_basis,
        "description": item.description,
        "office_kinds": item.office_kinds,
        "form_schema": item.form_schema,
        "materials": [
            {"code": m.code, "name": m.name, "required": m.required, "commitment_allowed": m.commitment_allowed}
            for m in item.materials.all()
        ],
        "phases": [
            {
                "code": p.code,
                "name": p.name,
                "party": p.party,
                "promised_days": p.promised_days if p.promised_days is not None else item.promised_days,
                "legal_days": p.legal_days if p.legal_days is not None else item.legal_days,
                "steps": [{"kind": s.kind, "name": s.name, "min_authority": s.min_authority} for s in p.steps.all()],
            }
            for p in item.phases.all()
        ],
    }


# --- cases -----------------------------------------------------------------------------------


def _channel_for(user: Account, asked: str) -> str:
    """Citizens and units cannot claim a counter channel through the API."""
    if user.kind != Account.Kind.STAFF and asked not in (Channel.ONLINE, Channel.APP):
        raise NotAllowed("个人和单位只能通过网上大厅或App申请", "Citizens and units apply online or in the app")
    return asked


IDEMPOTENCY_HELP = (
    "幂等键：每份申请一个（如 UUID），重发同一申请时不变 / One key per application (a UUID, say), the same "
    "when the same application is sent again: the same key and body give the cases opened the first time; "
    "the same key with another body is a 409."
)


class _Opening(TypedDict):
    """What opening one case and opening a one-form group take alike."""

    actor: Account
    applicant: Applicant
    channel: str
    form: dict[str, Any]
    materials: dict[str, Any]
    phone: str
    key: str


class _Acting(TypedDict):
    """What every action on a case takes."""

    actor: Account
    case_id: int
    version: int
    channel: str


def _materials(given: dict[str, Any]) -> dict[str, Any]:
    return {code: m if isinstance(m, str) else m.model_dump() for code, m in given.items()}


@router.post(
    "/cases",
    response=answers(list[ProgressOut], status=201, errors=(401, 403, 404, 409)),
    auth=session,
    summary="申请 / Open a case (or a one-form group)",
)
def cases_open(
    request: ApiRequest,
    payload: OpenIn,
    idempotency_key: str = Header(
        ..., alias="Idempotency-Key", pattern=f"^{services.IDEMPOTENCY_KEY.pattern}$", description=IDEMPOTENCY_HELP
    ),
) -> Status[Any]:
    user = request.auth
    channel = _channel_for(user, payload.channel)
    applicant = applicant_for(
        id_number=payload.applicant_id_number,
        name=payload.applicant_name,
        district_code=payload.district_code,
        unit_code=payload.unit_code,
        account=user if user.kind == Account.Kind.CITIZEN else None,
        filed_by=user,
    )
    common: _Opening = {
        "actor": user,
        "applicant": applicant,
        "channel": channel,
        "form": payload.form,
        "materials": _materials(payload.materials),
        "phone": payload.phone,
        "key": idempotency_key,
    }
    if payload.group_code:
        cases = services.case_open_group(group_code=payload.group_code, item_codes=payload.item_codes, **common)
    elif payload.item_code:
        cases = [services.case_open(item_code=payload.item_code, **common)]
    else:
        raise InvalidInput(
            "请指定申请事项", "Name the item (item_code) or the form group (group_code)", field="item_code"
        )
    return Status(201, [selectors.case_progress(case=c) for c in cases])


@router.get(
    "/cases/lookup",
    response=answers(PublicProgressOut, errors=(404, 429)),
    summary="办件进度查询（匿名）/ Follow a case by number",
)
def cases_lookup(request: HttpRequest, number: str, id_suffix: str) -> dict[str, Any]:
    return selectors.case_lookup_public(number=number, id_suffix=id_suffix, client=client_address(request))


@router.get(
    "/cases/mine",
    response=answers(list[ProgressOut], errors=(401, 429)),
    auth=[session, app_bearer],
    summary="我的办件 / My cases",
)
def cases_mine(request: ApiRequest) -> list[dict[str, Any]]:
    """An applicant's own cases; a staff member's: those they received or acted on. A session,
    or the app's bearer token (a citizen's own; 429 over the app's rate limits)."""
    return [selectors.case_progress(case=c) for c in selectors.cases_mine(actor=request.auth)]


@router.get(
    "/cases/{number}",
    response=answers(ProgressOut, errors=(401, 404)),
    auth=session,
    summary="办件进度 / A case's progress",
)
def cases_get(request: ApiRequest, number: str) -> dict[str, Any]:
    return selectors.case_progress_get(actor=request.auth, number=number)


@router.post(
    "/cases/{number}/actions",
    response=answers(ProgressOut, errors=(401, 403, 404, 409)),
    auth=session,
    summary="办理操作 / Act on a case",
)
def cases_act(request: ApiRequest, number: str, payload: ActionIn) -> dict[str, Any]:
    user = request.auth
    case = selectors.case_get(actor=user, number=number)
    channel = Channel.ONLINE if user.kind != Account.Kind.STAFF else Channel.HALL
    common: _Acting = {"actor": user, "case_id": case.pk, "version": payload.version, "channel": channel}
    action = payload.action
    if action in ("accept", "review", "approve", "callback", "reply"):
        case = services.case_act(action=action, note=payload.note, dispatch_to=payload.dispatch_to, **common)
    elif action == "return":
        case = services.case_return(reason=payload.note, **common)
    elif action == "transfer":
        case = services.case_transfer(office_code=payload.office, reason=payload.note, **common)
    elif action == "reject":
        case = services.case_reject(reasons=payload.reasons or [payload.note], **common)
    elif action == "request_materials":
        case = services.case_request_materials(missing=payload.missing, note=payload.note, **common)
    elif action == "supplement":
        case = services.case_supplement(materials=_materials(payload.materials), **common)
    elif action == "suspend":
        case = services.case_suspend(reason=payload.note, **common)
    elif action == "resume":
        case = services.case_resume(note=payload.note, **common)
    elif action == "extend":
        case = services.case_extend(workdays_added=payload.workdays, reason=payload.note, **common)
    elif action == "withdraw":
        case = services.case_withdraw(reason=payload.note, **common)
    else:
        case = services.case_escalate(reason=payload.note, **common)
    return selectors.case_progress(case=case)


class ActionOffer(Schema):
    action: str
    allowed: bool
    reason: str | None = Field(None, description="why not, in Chinese")
    reason_en: str | None = Field(None, description="why not, in English")


@router.get(
    "/cases/{number}/actions",
    response=answers(list[ActionOffer], errors=(401, 403, 404)),
    auth=session,
    summary="可办理的操作 / What a staff member may do on a case now",
)
def cases_actions(request: ApiRequest, number: str) -> list[dict[str, Any]]:
    """The actions the case's state allows now, each allowed or refused with the reason, as the
    case page offers them (``cases.rules``): the same answer ``POST …/actions`` would give."""
    user = request.auth
    if user.kind != Account.Kind.STAFF:
        raise NotAllowed("仅限经办人员查询", "Only agency staff may ask this")
    case = selectors.case_get(actor=user, number=number)
    return [
        {
            "action": str(action),
            "allowed": refused is None,
            "reason": refused.zh if refused else None,
            "reason_en": refused.en if refused else None,
        }
        for action, refused in selectors.case_offers(actor=user, case=case).items()
    ]


class MaterialDecisionIn(Schema):
    """A clerk's decision on the file uploaded for one material (核验)."""

    decision: Literal["verified", "rejected"]
    reason: str = Field("", max_length=500, description="required when rejected: the applicant reads it")
    version: int | None = Field(None, description="the case's version as last seen; omitted: as it is now")


@router.post(
    "/cases/{number}/materials/{code}/verify",
    response=answers(ProgressOut, errors=(401, 403, 404, 409)),
    auth=session,
    summary="核验上传材料 / Verify (or reject) an uploaded material",
)
def cases_material_verify(request: ApiRequest, number: str, code: str, payload: MaterialDecisionIn) -> dict[str, Any]:
    """Verified, the material counts as received (the clock starts when it was the last required
    one); rejected, it is missing again and the applicant is told the reason. Staff of the
    case's office only (``cases.services.materials.case_material_verify``)."""
    user = request.auth
    if user.kind != Account.Kind.STAFF:
        raise NotAllowed("仅限经办人员核验材料", "Only agency staff verify materials")
    case = selectors.case_get(actor=user, number=number)
    case = verify.case_material_verify(
        actor=user,
        case_id=case.pk,
        version=case.version if payload.version is None else payload.version,
        code=code,
        decision=payload.decision,
        reason=payload.reason,
        channel=Channel.HALL,
    )
    return selectors.case_progress(case=case)


@router.post(
    "/cases/{number}/rating",
    response=answers(RatingOut, status=201, errors=(401, 403, 404, 409)),
    auth=session,
    summary="好差评 / Rate a completed case",
)
def cases_rate(request: ApiRequest, number: str, payload: RatingIn) -> Status[Any]:
    case = selectors.case_get(actor=request.auth, number=number)
    rating = services.case_rate(actor=request.auth, case_id=case.pk, score=payload.score, comment=payload.comment)
    return Status(201, {"score": rating.score, "follow_up": rating.follow_up.number if rating.follow_up else None})


@router.get(
    "/workbench/queue",
    response=answers(list[QueueRow], errors=(401, 403)),
    auth=session,
    summary="一岗通待办队列 / The clerk's queue",
)
def workbench(
    request: ApiRequest, limit: int = 50, offset: int = 0, waiting: Literal["", "verification"] = ""
) -> list[dict[str, Any]]:
    """``waiting=verification``: instead, the cases of the clerk's office with an uploaded material
    waiting for their check (待核验材料), oldest upload first, in the same row shape."""
    from shebao.core.identifiers import mask_id_number

    limit = max(1, min(limit, 200))
    if waiting == "verification":
        offset = max(0, min(offset, selectors.QUEUE_MAX_OFFSET))
        rows = verify_queue.materials_to_verify_rows(actor=request.auth, limit=limit, offset=offset)
        for row in rows:
            row["workdays_left"] = selectors.days_left(row["due_date"])
    else:
        rows = selectors.workbench_queue_rows(actor=request.auth, limit=limit, offset=offset)  # it bounds the offset
    return [
        {
            "number": r["number"],
            "item_code": r["item__code"],
            "item": r["item__name"],
            "applicant": mask_id_number(r["applicant_id_number"]),
            "step": r["current_step__name"] or "",
            "due_date": r["due_date"],
            "workdays_left": r["workdays_left"],
            "escalation_level": r["escalation_level"],
            "version": r["version"],
        }
        for r in rows
    ]
