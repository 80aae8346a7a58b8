"""The national transfer platform (部级网上转移平台): the message contract and the adapters.

Every message is an envelope — a message id, its kind, the sending and receiving agency codes
(six-digit administrative division codes of the agencies' pooling areas), the time it was sent,
the transfer's reference (转移业务编号, made by the new agency and carried by every message of
one transfer) and whom it is about — with a body per kind:

===============  =========================================================================
application      转移接续申请 (filed online with the national public service platform, which
                 sends it to the new agency): from_agency, applied_on, sex, birth_date,
                 hukou_place, period_from/to
letter           联系函（同意接收函）: applied_on, letter_date, to_hukou_place
refusal          不予办理告知: reason
info_form        信息表: first_month, last_month, years [{year, months, base_total,
                 personal_amount, pooled}], balance, pooled_total, total
fund_notice      基金转移通知: amount, balance, pooled, value_date, bank_ref
receipt          接续完成回执: completed_on
===============  =========================================================================

:func:`message_parse` checks what arrives and refuses it with a reason (:class:`BadMessage`);
money travels as strings with two decimals, dates as ISO dates. The adapter that sends is
chosen by the ``PENSION_TRANSFER_PLATFORM`` setting (``SHEBAO_TRANSFER_PLATFORM``): ``simulated``
(the default outside production, refused in production) answers as the other agency would, after ``PENSION_TRANSFER_SIMULATED_DAYS``
working days, when the platform job runs (:func:`shebao.pensions.transfers.services.
platform_simulate`); ``national`` is the real platform, which this installation cannot reach:
it raises :class:`PlatformNotConfigured`.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any, Protocol

from django.conf import settings
from django.utils import timezone

from shebao.core.errors import ShebaoError
from shebao.core.identifiers import id_number_validate

# Wuhan's agency on the platform: its pooling area's division code (武汉市)
OUR_AGENCY = "420100"
OUR_AGENCY_NAME = "武汉市社会保险中心"

# The other agencies the demo and the simulated counterpart know (division code -> name)
AGENCIES: dict[str, str] = {
    "440300": "深圳市社会保险基金管理局",
    "310000": "上海市社会保险事业管理中心",
    "330100": "杭州市社会保险管理服务中心",
    "510100": "成都市社会保险事业管理局",
    "110000": "北京市社会保险基金管理中心",
    "430100": "长沙市社会劳动保险经办中心",
}

KINDS = ("application", "letter", "refusal", "info_form", "fund_notice", "receipt")
AGENCY_CODE = re.compile(r"[1-8][0-9]{5}")
MESSAGE_ID = re.compile(r"[0-9A-Za-z-]{8,40}")
REF = re.compile(r"[0-9A-Za-z-]{6,40}")
MONEY = re.compile(r"-?[0-9]{1,12}\.[0-9]{2}")


class BadMessage(ShebaoError):
    """A message that does not meet the contract: refused, with the reason."""

    status = 422
    code = "bad_message"


class PlatformNotConfigured(ShebaoError):
    """The real national platform is not reachable from this installation."""

    status = 503
    code = "platform_not_configured"


@dataclass(frozen=True)
class Message:
    message_id: str
    kind: str
    sender: str
    receiver: str
    sent_at: dt.datetime
    transfer_ref: str
    id_number: str
    name: str
    body: dict[str, Any] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        return {
            "message_id": self.message_id,
            "kind": self.kind,
            "sender": self.sender,
            "receiver": self.receiver,
            "sent_at": self.sent_at.isoformat(),
            "transfer_ref": self.transfer_ref,
            "person": {"id_number": self.id_number, "name": self.name},
            "body": self.body,
        }


def message_new(
    *,
    kind: str,
    receiver: str,
    transfer_ref: str,
    id_number: str,
    name: str,
    body: dict[str, Any],
    sender: str = OUR_AGENCY,
    at: dt.datetime | None = None,
) -> Message:
    """A message to send (our outbox), with a fresh id."""
    return Message(
        message_id=uuid.uuid4().hex,
        kind=kind,
        sender=sender,
        receiver=receiver,
        sent_at=at or timezone.now(),
        transfer_ref=transfer_ref,
        id_number=id_number,
        name=name,
        body=body,
    )


def _bad(zh: str, en: str, field_name: str = "") -> BadMessage:
    return BadMessage(zh, en, field=field_name or None)


def _text(raw: dict[str, Any], key: str, *, where: str = "", pattern: re.Pattern[str] | None = None) -> str:
    value = raw.get(key)
    name = f"{where}{key}"
    if not isinstance(value, str) or not value.strip():
        raise _bad(f"缺少字段 {name}", f"Missing field {name}", name)
    value = value.strip()
    if len(value) > 200 or "\x00" in value:
        raise _bad(f"字段 {name} 过长或含非法字符", f"Field {name} is too long or has bad characters", name)
    if pattern is not None and not pattern.fullmatch(value):
        raise _bad(f"字段 {name} 格式不正确", f"Field {name} is malformed", name)
    return value


def _date(raw: dict[str, Any], key: str, *, where: str = "body.") -> dt.date:
    value = _text(raw, key, where=where)
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        raise _bad(f"日期 {where}{key} 格式不正确", f"Date {where}{key} is not YYYY-MM-DD", f"{where}{key}") from None
    if not dt.date(1950, 1, 1) <= day <= dt.date(2100, 12, 31):
        raise _bad(f"日期 {where}{key} 超出范围", f"Date {where}{key} is out of range", f"{where}{key}")
    return day


def _money(raw: dict[str, Any], key: str, *, where: str = "body.") -> Decimal:
    value = raw.get(key)
    if not isinstance(value, str) or not MONEY.fullmatch(value):
        raise _bad(
            f"金额 {where}{key} 应为保留两位小数的字符串",
            f"Amount {where}{key} must be a string with two decimals",
            f"{where}{key}",
        )
    try:
        amount = Decimal(value)
    except InvalidOperation:  # pragma: no cover - the pattern admits only decimals
        raise _bad(f"金额 {where}{key} 格式不正确", f"Amount {where}{key} is malformed", f"{where}{key}") from None
    if amount < 0:
        raise _bad(f"金额 {where}{key} 不能为负", f"Amount {where}{key} cannot be negative", f"{where}{key}")
    return amount


def _int(raw: dict[str, Any], key: str, lo: int, hi: int, *, where: str) -> int:
    value = raw.get(key)
    if not isinstance(value, int) or isinstance(value, bool) or not lo <= value <= hi:
        raise _bad(f"字段 {where}{key} 应为 {lo}-{hi} 的整数", f"Field {where}{key} must be an integer {lo}-{hi}")
    return value


def _body(kind: str, body: dict[str, Any]) -> dict[str, Any]:
    """The checked body of ``kind``, normalised (amounts and dates as strings again)."""
    if kind == "application":
        sex = _text(body, "sex", where="body.")
        if sex not in ("M", "F"):
            raise _bad("性别应为 M 或 F", "body.sex must be M or F", "body.sex")
        out: dict[str, Any] = {
            "from_agency": _text(body, "from_agency", where="body.", pattern=AGENCY_CODE),
            "applied_on": _date(body, "applied_on").isoformat(),
            "sex": sex,
            "birth_date": _date(body, "birth_date").isoformat(),
            "hukou_place": str(body.get("hukou_place") or "")[:128],
        }
        first, last = _date(body, "period_from"), _date(body, "period_to")
        if last < first:
            raise _bad("缴费截止早于起始", "body.period_to is before body.period_from", "body.period_to")
        return {**out, "period_from": first.isoformat(), "period_to": last.isoformat()}
    if kind == "letter":
        applied, dated = _date(body, "applied_on"), _date(body, "letter_date")
        if dated < applied:
            raise _bad("联系函日期早于申请日期", "body.letter_date is before body.applied_on", "body.letter_date")
        return {
            "applied_on": applied.isoformat(),
            "letter_date": dated.isoformat(),
            "to_hukou_place": bool(body.get("to_hukou_place", False)),
        }
    if kind == "refusal":
        return {"reason": _text(body, "reason", where="body.")}
    if kind == "info_form":
        years = body.get("years")
        if not isinstance(years, list) or not years or len(years) > 80:
            raise _bad("信息表缺少缴费年度明细", "body.years must list 1-80 years", "body.years")
        lines: list[dict[str, Any]] = []
        seen: set[int] = set()
        for i, line in enumerate(years):
            where = f"body.years[{i}]."
            if not isinstance(line, dict):
                raise _bad(f"{where} 应为对象", f"{where} must be an object")
            year = _int(line, "year", 1950, 2100, where=where)
            if year in seen:
                raise _bad(f"年度 {year} 重复", f"Year {year} is listed twice", "body.years")
            seen.add(year)
            lines.append(
                {
                    "year": year,
                    "first_month": _int(line, "first_month", 1, 12, where=where) if "first_month" in line else 1,
                    "months": _int(line, "months", 1, 12, where=where),
                    "base_total": str(_money(line, "base_total", where=where)),
                    "personal_amount": str(_money(line, "personal_amount", where=where)),
                    "pooled": str(_money(line, "pooled", where=where)),
                }
            )
        balance, pooled, total = _money(body, "balance"), _money(body, "pooled_total"), _money(body, "total")
        if sum((Decimal(str(x["pooled"])) for x in lines), Decimal("0.00")) != pooled:
            raise _bad("各年度统筹基金之和与合计不符", "The years' pooled amounts do not add up to pooled_total")
        if balance + pooled != total:
            raise _bad("转移总额不等于个人账户与统筹基金之和", "total is not balance + pooled_total", "body.total")
        return {
            "years": sorted(lines, key=lambda x: x["year"]),
            "balance": str(balance),
            "pooled_total": str(pooled),
            "total": str(total),
        }
    if kind == "fund_notice":
        amount, balance, pooled = _money(body, "amount"), _money(body, "balance"), _money(body, "pooled")
        if balance + pooled != amount:
            raise _bad("基金转移金额不等于个人账户与统筹基金之和", "amount is not balance + pooled", "body.amount")
        return {
            "amount": str(amount),
            "balance": str(balance),
            "pooled": str(pooled),
            "value_date": _date(body, "value_date").isoformat(),
            "bank_ref": _text(body, "bank_ref", where="body.")[:64],
        }
    if kind == "receipt":
        return {"completed_on": _date(body, "completed_on").isoformat()}
    raise _bad(f"未知报文类型 {kind}", f"Unknown message kind {kind!r}", "kind")


def message_parse(raw: Any) -> Message:
    """A message as it arrived (JSON), checked against the contract; :class:`BadMessage` with the
    reason otherwise. A message addressed to another agency is refused too."""
    if not isinstance(raw, dict):
        raise _bad("报文应为 JSON 对象", "A message is a JSON object")
    message_id = _text(raw, "message_id", pattern=MESSAGE_ID)
    kind = _text(raw, "kind")
    if kind not in KINDS:
        raise _bad(f"未知报文类型 {kind}", f"Unknown message kind {kind!r}", "kind")
    sender = _text(raw, "sender", pattern=AGENCY_CODE)
    receiver = _text(raw, "receiver", pattern=AGENCY_CODE)
    if receiver != OUR_AGENCY:
        raise _bad(
            f"报文不是发给本机构的（{receiver}）", f"The message is addressed to {receiver}, not to us", "receiver"
        )
    if sender == OUR_AGENCY:
        raise _bad("发送机构不能是本机构", "The sender cannot be this agency", "sender")
    stamp = _text(raw, "sent_at")
    try:
        sent_at = dt.datetime.fromisoformat(stamp)
    except ValueError:
        raise _bad("报文时间格式不正确", "sent_at is not an ISO date-time", "sent_at") from None
    if sent_at.tzinfo is None:
        raise _bad("报文时间须带时区", "sent_at must carry its time zone", "sent_at")
    if sent_at > timezone.now() + dt.timedelta(minutes=10):
        raise _bad("报文时间晚于当前时间", "sent_at is in the future", "sent_at")
    ref = _text(raw, "transfer_ref", pattern=REF)
    person = raw.get("person")
    if not isinstance(person, dict):
        raise _bad("缺少参保人信息", "Missing person", "person")
    number = id_number_validate(_text(person, "id_number", where="person."), field="person.id_number").number
    name = _text(person, "name", where="person.")[:64]
    body = raw.get("body")
    if not isinstance(body, dict):
        raise _bad("缺少报文内容", "Missing body", "body")
    return Message(
        message_id=message_id,
        kind=kind,
        sender=sender,
        receiver=receiver,
        sent_at=sent_at,
        transfer_ref=ref,
        id_number=number,
        name=name,
        body=_body(kind, body),
    )


def message_from_outbox(payload: dict[str, Any]) -> Message:
    """A message of our outbox as it was written (trusted: we made it with :func:`message_new`)."""
    person = payload["person"]
    return Message(
        message_id=payload["message_id"],
        kind=payload["kind"],
        sender=payload["sender"],
        receiver=payload["receiver"],
        sent_at=dt.datetime.fromisoformat(payload["sent_at"]),
        transfer_ref=payload["transfer_ref"],
        id_number=person["id_number"],
        name=person["name"],
        body=payload["body"],
    )


# --- adapters --------------------------------------------------------------------------------


class Platform(Protocol):
    name: str

    def send(self, message: Message) -> str:
        """Hand ``message`` to the platform; returns the platform's acknowledgement."""
        ...


class NationalPlatform:
    """The ministry's platform. Its endpoint, certificates and agency credentials are issued to a
    production agency only; until they are configured, sending refuses loudly."""

    name = "national"

    def send(self, message: Message) -> str:
        raise PlatformNotConfigured(
            "部级网上转移平台未配置：需要部平台地址、机构证书和接入凭证",
            "The national transfer platform is not configured (endpoint, agency certificate and credentials)",
        )


class SimulatedPlatform:
    """The demo's and the tests' platform: what we send is accepted at once; the counterpart
    answers after the configured number of working days, when the platform job runs."""

    name = "simulated"

    def send(self, message: Message) -> str:
        return f"SIM-{message.message_id[:12]}"


def platform_adapter() -> Platform:
    chosen = getattr(settings, "PENSION_TRANSFER_PLATFORM", "national")
    if chosen == "national":
        return NationalPlatform()
    if chosen == "simulated":
        return SimulatedPlatform()
    raise PlatformNotConfigured(
        f"未知的转移平台适配器 {chosen!r}", f"Unknown PENSION_TRANSFER_PLATFORM {chosen!r} (simulated or national)"
    )


def simulated_days() -> int:
    return int(getattr(settings, "PENSION_TRANSFER_SIMULATED_DAYS", 5))
