"""Opening cases (受理): who may open which item for whom, one case or a group, and the
idempotency key that makes a repeated submission return the cases first opened."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from shebao.cases import authority
from shebao.cases import materials as supplies
from shebao.cases.applicants import unit_employs
from shebao.cases.eligibility import eligibility_check
from shebao.cases.handlers import item_handlers
from shebao.cases.models import (
    Case,
    CaseMaterial,
    CaseOpening,
    CasePhase,
)
from shebao.cases.services.clock import _receive_clock
from shebao.cases.services.common import COUNTER_ROLES, _audit
from shebao.cases.services.routing import route_office
from shebao.catalog.definitions import MOBILE, Applicant
from shebao.catalog.models import ServiceItem
from shebao.catalog.selectors import item_get, item_offered
from shebao.core.channels import Channel
from shebao.core.errors import Conflict, InvalidInput, NotAllowed
from shebao.core.http import citizen_id_number
from shebao.core.identifiers import credit_code_validate
from shebao.core.models import Account, Office, Role


def _check_may_open(
    actor: Account | None, item: ServiceItem, applicant: Applicant, channel: str, office: Office | None
) -> None:
    if actor is None or not actor.is_authenticated:
        raise NotAllowed("请先登录后申请", "Please sign in to apply")
    if actor.kind == Account.Kind.CITIZEN:
        if channel not in (Channel.ONLINE, Channel.APP):
            raise NotAllowed("个人只能通过网上大厅或App申请", "Citizens apply online or in the app")
        if applicant.id_number != citizen_id_number(actor):  # the grantor while acting (代办)
            raise NotAllowed("只能为本人申请", "You may apply for yourself only")
        # A unit named on a person's own filing is one they work at now; otherwise anyone could
        # put their case in any employer's list.
        if applicant.unit_code and not unit_employs(
            unit_code=applicant.unit_code, id_number=applicant.id_number, current=True
        ):
            raise NotAllowed(
                "您目前不在该单位参保，不能在申请中填写该单位",
                "You may name only the unit you work at now",
                field="unit_code",
            )
        return
    if actor.kind == Account.Kind.UNIT:
        if channel != Channel.ONLINE:
            raise NotAllowed("单位只能通过网上大厅申请", "Units apply through the online hall")
        if applicant.unit_code != actor.unit_code:
            raise NotAllowed("只能为本单位申请", "You may apply for your own unit only")
        return
    authority.require_staff(actor)
    if actor.role == Role.BANK_AGENT:
        if item.insurance != "card" or channel != Channel.BANK:
            raise NotAllowed("银行代理点只能办理社保卡业务", "A bank outlet may handle card services only")
    elif actor.role == Role.HOTLINE:
        if channel != Channel.HOTLINE:
            raise NotAllowed("话务员只能登记热线业务", "Hotline operators register hotline cases only")
    elif actor.role not in COUNTER_ROLES:
        raise NotAllowed("您的岗位不受理业务", "Your role does not receive applications")
    if office is not None and actor.office_id != office.pk:
        raise NotAllowed("只能在本人所在机构受理", "You can receive applications at your own office only")
    if not authority.has_skill(actor, item.skill_group_id):
        raise NotAllowed("该事项不在您的业务技能组内", "This item is not in your skill groups")
    if actor.id_number and actor.id_number == applicant.id_number:
        raise NotAllowed("不能受理本人的业务", "You may not receive your own application")


def _check_subject(
    actor: Account | None, item: ServiceItem, applicant: Applicant, cleaned: dict[str, Any], *, staff_only: bool
) -> None:
    """Whom the case is about, whoever files it: the person the form names is the applicant (a
    form naming someone else would act on them on completion), and an employer files only items
    that name its unit, for people it employs or employed unless the item concerns the unit
    itself or creates the tie (ItemHandler.unit_files_for_staff_only)."""
    named = str(cleaned.get("id_number") or "").upper()
    if named and named != applicant.id_number.upper():
        raise InvalidInput(
            "表单中的身份证号码与申请人不一致", "The form's ID number is not the applicant's", field="id_number"
        )
    if actor is None or actor.kind != Account.Kind.UNIT:
        return
    assert actor.unit_code is not None  # a unit's account has its code (account_unit_has_code)
    if not any(spec.get("name") == "unit_code" for spec in item.form_schema):
        raise NotAllowed(
            f"“{item.name}”须由参保人本人或经办窗口申请，单位不能代办",
            f"{item.code} is applied for by the person or at a window, not by an employer",
        )
    if str(cleaned.get("unit_code") or "").upper() != actor.unit_code.upper():
        raise NotAllowed("只能为本单位申请", "You may apply for your own unit only", field="unit_code")
    if staff_only and not unit_employs(unit_code=actor.unit_code, id_number=applicant.id_number):
        raise NotAllowed("只能为本单位职工申请", "Your unit may apply only for people it employs or employed")


def _open_one(
    *,
    actor: Account | None,
    item: ServiceItem,
    applicant: Applicant,
    channel: str,
    form: dict[str, Any],
    materials: Mapping[str, Any],
    receiving_office: Office | None,
    phone: str,
    group_ref: str,
    opening: CaseOpening | None = None,
) -> Case:
    if phone and not MOBILE.fullmatch(phone):
        raise InvalidInput("联系电话应为11位手机号码", "The phone must be an 11-digit mobile number", field="phone")
    handler = item_handlers.get(item.handler)
    cleaned = handler.clean(item=item, form=form, applicant=applicant)
    _check_subject(actor, item, applicant, cleaned, staff_only=handler.unit_files_for_staff_only)
    eligibility_check(
        item_code=item.code, form=cleaned, applicant_id_number=applicant.id_number, stage="receipt", channel=channel
    )
    phases = list(item.phases.order_by("order"))
    if not phases:
        raise InvalidInput(f"服务事项 {item.code} 未配置办理环节", f"Service item {item.code} has no steps configured")
    offices = [
        route_office(
            item_code=item.code,
            phase_code=p.code,
            rule=p.jurisdiction or item.jurisdiction,
            applicant=applicant,
            receiving_office=receiving_office,
        )
        for p in phases
    ]
    unit_code = applicant.unit_code
    if not unit_code and actor is not None and actor.kind == Account.Kind.STAFF and cleaned.get("unit_code"):
        # a window files for a unit (增减员, 基数申报 at the hall): the case is the unit's too, in
        # its hall's list (to see, not to withdraw: the window filed it)
        unit_code = credit_code_validate(str(cleaned["unit_code"]), field="unit_code")
    now = timezone.now()
    case = Case.objects.create(
        item=item,
        item_version=item.version,
        group_ref=group_ref,
        applicant_id_number=applicant.id_number,
        applicant_name=applicant.name,
        applicant_account=applicant.account,
        applicant_unit_code=unit_code,
        applicant_phone=phone,
        channel=channel,
        filer=actor.kind if actor is not None else Case.Filer.SYSTEM,
        opening=opening,
        receiving_office=receiving_office,
        office=offices[0],
        received_at=now,
        received_by=actor if actor is not None and actor.kind == Account.Kind.STAFF else None,
        form_data=cleaned,
        status=Case.Status.AWAITING_MATERIALS,
    )
    case.number = f"{timezone.localtime(now):%y%m%d}{case.pk:08d}"
    phase_rows = [
        CasePhase(
            case=case,
            phase=p,
            office=o,
            limit_days=p.promised_days
            if p.promised_days is not None
            else (item.promised_days if len(phases) == 1 else None),
        )
        for p, o in zip(phases, offices, strict=True)
    ]
    CasePhase.objects.bulk_create(phase_rows)
    given = supplies.supplies_parse(materials)
    # which materials this case requires, where the handler's answer differs by case
    required = handler.materials_required(item=item, form=cleaned, applicant=applicant)
    rows = []
    for material in item.materials.all():
        supply = given.get(material.code, supplies.Supply(state=CaseMaterial.Status.MISSING))
        upload = supplies.supply_check(actor=actor, material=material, supply=supply)
        row = CaseMaterial(case=case, material=material, required=required.get(material.code))
        supplies.supply_apply(row, actor=actor, supply=supply, upload=upload)
        rows.append(row)
    CaseMaterial.objects.bulk_create(rows)
    missing = _receive_clock(case, actor=actor, channel=channel, first=phase_rows[0])
    case.save()
    _audit(
        case,
        actor=actor,
        action="open",
        channel=channel,
        after={"item": item.code, "number": case.number, "status": case.status, "missing": missing, "group": group_ref},
    )
    return case


IDEMPOTENCY_KEY = re.compile(r"[\x21-\x7e]{1,64}")  # visible ASCII, as a header carries it


@dataclass(frozen=True)
class _Request:
    """What an opening asks for, one item or a one-form's items alike."""

    items: list[str]
    group_code: str
    applicant: Applicant
    channel: str
    form: dict[str, Any]
    materials: Mapping[str, Any]
    phone: str


def _opening_fingerprint(request: _Request, *, office: Office | None) -> str:
    """A digest of what an opening asks for: the same key may only ever mean the same request."""
    applicant = request.applicant
    asked = {
        "items": sorted(request.items),
        "group": request.group_code,
        "applicant": [
            applicant.id_number,
            applicant.name,
            getattr(applicant.district, "code", ""),
            applicant.unit_code,
        ],
        "channel": request.channel,
        "form": request.form,
        "materials": {c: [s.state, s.file] for c, s in supplies.supplies_parse(request.materials).items()},
        "office": office.pk if office is not None else None,
        "phone": request.phone,
    }
    canonical = json.dumps(asked, sort_keys=True, ensure_ascii=False, default=str, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def _opening_replay(*, actor: Account, key: str, fingerprint: str) -> list[Case] | None:
    """The cases an earlier submission under ``key`` opened (None: the key is new)."""
    first = CaseOpening.objects.filter(actor=actor, key=key).first()
    if first is None:
        return None
    if first.fingerprint != fingerprint:
        raise Conflict(
            "该幂等键已用于另一份申请：同一份表单只能提交一次，请重新打开表单后再申请",
            "This idempotency key was used for a different application; open a new form to apply again",
            field="key",
        )
    return list(first.cases.select_related("item", "current_step").order_by("id"))


def _opening_claim(*, actor: Account, key: str, fingerprint: str) -> CaseOpening | list[Case]:
    """Take ``key`` for this opening, or give the cases of the submission that took it first.

    The insert, not the look-up before it, decides: of two concurrent submissions the second
    waits on the unique index until the first commits, then replays its cases."""
    try:
        with transaction.atomic():
            return CaseOpening.objects.create(actor=actor, key=key, fingerprint=fingerprint, created_at=timezone.now())
    except IntegrityError:
        replay = _opening_replay(actor=actor, key=key, fingerprint=fingerprint)
        if not replay:  # pragma: no cover - the row that conflicted cannot vanish once committed
            raise
        return replay


def _idempotency_key(key: str, actor: Account | None) -> str:
    key = (key or "").strip()
    if key and not IDEMPOTENCY_KEY.fullmatch(key):
        raise InvalidInput(
            "幂等键应为 1 至 64 个可见 ASCII 字符",
            "The idempotency key is 1 to 64 visible ASCII characters",
            field="key",
        )
    if key and (actor is None or not actor.is_authenticated):
        raise NotAllowed("请先登录后申请", "Please sign in to apply")
    return key


@dataclass(frozen=True)
class _Start:
    """What an opening knows before it opens anything (:func:`_opening_start`)."""

    key: str
    office: Office | None  # the receiving office
    fingerprint: str
    replay: list[Case] | None  # the cases an earlier submission under the key opened


def _opening_start(*, actor: Account | None, key: str, request: _Request, receiving_office: Office | None) -> _Start:
    """The first checks of one case and of a one-form alike: the idempotency key, the receiving
    office (a staff member's own when none is named), and with a key the request's digest and
    the cases an earlier submission under it opened."""
    key = _idempotency_key(key, actor)
    office = (
        receiving_office
        if receiving_office is not None
        else (actor.office if actor and actor.kind == Account.Kind.STAFF else None)
    )
    if not key:
        return _Start(key=key, office=office, fingerprint="", replay=None)
    assert actor is not None  # _idempotency_key refuses a key without a signed-in filer
    fingerprint = _opening_fingerprint(request, office=office)
    replay = _opening_replay(actor=actor, key=key, fingerprint=fingerprint)
    return _Start(key=key, office=office, fingerprint=fingerprint, replay=replay)


def _open_all(
    *, actor: Account | None, start: _Start, request: _Request, items: list[ServiceItem], group_ref: str
) -> list[Case]:
    """Open a case of each item in one transaction, the key claimed first (a concurrent
    submission under the same key gets the cases of the one that claimed it)."""
    with transaction.atomic():
        opening = None
        if start.key:
            assert actor is not None
            claimed = _opening_claim(actor=actor, key=start.key, fingerprint=start.fingerprint)
            if isinstance(claimed, list):
                return claimed
            opening = claimed
        return [
            _open_one(
                actor=actor,
                item=item,
                applicant=request.applicant,
                channel=request.channel,
                form=request.form,
                materials=request.materials,
                receiving_office=start.office,
                phone=request.phone,
                group_ref=group_ref,
                opening=opening,
            )
            for item in items
        ]


def case_open(
    *,
    actor: Account | None,
    item_code: str,
    applicant: Applicant,
    channel: str,
    form: dict[str, Any],
    materials: Mapping[str, Any] | None = None,
    receiving_office: Office | None = None,
    phone: str = "",
    at: dt.datetime | None = None,
    key: str = "",
) -> Case:
    """Receive an application (收件). The item must be offered on this channel, at this office,
    at this hour. With every required material present the clock starts at once (day 1 is the
    next working day); otherwise the applicant is told once, in full, what is missing
    (一次性告知) and the clock waits for the supplement.

    ``key``: the submission's idempotency key (the API's ``Idempotency-Key``, the token a form
    is drawn with). The same key with the same request gives the case it opened the first time;
    with a different request it is a :class:`Conflict`. Materials: :mod:`shebao.cases.materials`."""
    request = _Request([item_code], "", applicant, channel, form, materials or {}, phone)
    start = _opening_start(actor=actor, key=key, request=request, receiving_office=receiving_office)
    if start.replay:
        return start.replay[0]
    item = item_get(code=item_code)
    item_offered(item=item, channel=channel, office=start.office, at=at)
    _check_may_open(actor, item, applicant, channel, start.office)
    return _open_all(actor=actor, start=start, request=request, items=[item], group_ref="")[0]


def case_open_group(
    *,
    actor: Account | None,
    group_code: str,
    item_codes: Iterable[str],
    applicant: Applicant,
    channel: str,
    form: dict[str, Any],
    materials: Mapping[str, Any] | None = None,
    receiving_office: Office | None = None,
    phone: str = "",
    at: dt.datetime | None = None,
    key: str = "",
) -> list[Case]:
    """一表通: one form opens a case for each chosen item of a form group, all or none.
    ``key`` as for :func:`case_open`: a resubmitted form gives the cases it opened."""
    codes = list(dict.fromkeys(item_codes))
    request = _Request(codes, group_code, applicant, channel, form, materials or {}, phone)
    start = _opening_start(actor=actor, key=key, request=request, receiving_office=receiving_office)
    if not codes:
        raise InvalidInput("请至少选择一个事项", "Choose at least one item", field="items")
    if start.replay:
        return start.replay
    items = [item_get(code=c) for c in codes]
    for item in items:
        if item.form_group is None or item.form_group.code != group_code:
            raise InvalidInput(
                f"事项 {item.code} 不属于该表单组", f"Item {item.code} is not in form group {group_code}", field="items"
            )
    for item in items:
        item_offered(item=item, channel=channel, office=start.office, at=at)
        _check_may_open(actor, item, applicant, channel, start.office)
    return _open_all(actor=actor, start=start, request=request, items=items, group_ref=uuid.uuid4().hex)
