"""The personal rights record (社会保险个人权益记录) of one person for one year, as data.

The dataclasses here are the one shape every channel reads: the online page, the API, the PDF
writer (``statements.render``), the bulk mailing run and the public verification page. They
hold no Django object, so a writer can take one across a process boundary or rebuild it from
an issued statement's stored content (:func:`record_from_content`).

What a record contains follows 人社部令第14号 Art. 2 and the fields of a real annual statement
(DOMAIN.md §4): registration information, for each insurance its enrolment date, status and
every month's base and flag (● paid, △ in arrears, ○ transferred in, – none), the pension
personal account (balance at last year-end, principal and interest credited this year with the
rate, months, paid out, balance), the medical account where kept, notes, and the date the data
is as of.

:func:`record_content` is the canonical content an issued statement stores and signs: plain
JSON types only (Decimals as strings with their two places, dates ISO), so the same record
gives the same bytes on every machine. The selector that computes a record from the ledger is
:func:`shebao.statements.selectors.record_for`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from json.encoder import encode_basestring
from typing import Any, Literal

from shebao.core.documents.signing import canonical_json

__all__ = [
    "FLAG_LABELS",
    "FLAG_SYMBOLS",
    "AccountBlock",
    "Flag",
    "InsuranceBlock",
    "MonthCell",
    "PersonBlock",
    "StatementRecord",
    "content_canonical",
    "record_content",
    "record_from_content",
]

Flag = Literal["paid", "arrears", "transferred_in", "none"]

# The marks printed in the month grid (DOMAIN.md §4) and their words for pages and readers.
FLAG_SYMBOLS: dict[str, str] = {"paid": "●", "arrears": "△", "transferred_in": "○", "none": "–"}
FLAG_LABELS: dict[str, tuple[str, str]] = {
    "paid": ("已缴费", "paid"),
    "arrears": ("欠缴", "in arrears"),
    "transferred_in": ("转入", "transferred in"),
    "none": ("无缴费计划", "none"),
}
_FLAGS = frozenset(FLAG_SYMBOLS)


@dataclass(frozen=True)
class PersonBlock:
    """Registration information. The ID number is masked (it is printed on paper and shown to
    whoever holds the verification code); an empty string where the registry holds nothing."""

    name: str
    id_number_masked: str
    sex: str  # "男" / "女"
    employer: str  # the pension employer at the year's end (or the last one in the year)
    address: str
    postcode: str
    work_start: dt.date | None  # 参加工作时间


@dataclass(frozen=True)
class MonthCell:
    """One month of one insurance: the contribution base (缴费基数) and the flag (缴费情况)."""

    month: int  # 1-12
    base: Decimal | None  # None where the month has no plan (flag "none")
    flag: Flag

    @property
    def symbol(self) -> str:
        return FLAG_SYMBOLS[self.flag]


@dataclass(frozen=True)
class InsuranceBlock:
    """One insurance's year: enrolment (参保时间), status (缴费状态) and the twelve months."""

    insurance: str  # the ledger's code: "pension", "medical", "unemployment", "injury", ...
    label_zh: str  # 养老保险
    enrolled_on: dt.date | None
    status: str  # 正常缴费 / 暂停缴费（中断） / 未参保 ...
    months: tuple[MonthCell, ...]  # always twelve, January first

    @property
    def months_paid(self) -> int:
        """Months that count for the year: paid here or transferred in."""
        return sum(1 for m in self.months if m.flag in ("paid", "transferred_in"))

    @property
    def months_in_arrears(self) -> int:
        return sum(1 for m in self.months if m.flag == "arrears")

    @property
    def base_total(self) -> Decimal:
        """The year's bases added up over the months with a base (the yearly total shown)."""
        return sum((m.base for m in self.months if m.base is not None), Decimal("0.00"))


@dataclass(frozen=True)
class AccountBlock:
    """A personal account's year (个人账户). Amounts in yuan to the fen.

    ``opening_balance`` 截止上年末累计储存额; ``principal`` 本年账户记入本金 (every credit of the
    year but interest: the contribution months, back-payments and transfers in); ``interest``
    本年账户记入利息 at ``rate`` (None when the year's interest is not yet credited);
    ``months`` 账户月数, the months credited to the account up to the year's end;
    ``paid_out`` 本年账户支出额; ``closing_balance`` 累计储存额.
    """

    opening_balance: Decimal
    principal: Decimal
    interest: Decimal
    rate: Decimal | None
    months: int
    paid_out: Decimal
    closing_balance: Decimal

    @property
    def rate_percent(self) -> str | None:
        """The rate as the PDF prints it: 0.01500 → "1.5%", 0.0262 → "2.62%"."""
        if self.rate is None:
            return None
        shown = (self.rate * 100).quantize(Decimal("0.0001")).normalize()
        return f"{shown:f}%"


@dataclass(frozen=True)
class StatementRecord:
    """A person's rights record for ``year``, with the data as of ``as_of``."""

    person: PersonBlock
    year: int
    insurances: tuple[InsuranceBlock, ...]
    pension_account: AccountBlock
    medical_account: AccountBlock | None
    notes: tuple[str, ...]
    as_of: dt.date

    def insurance(self, code: str) -> InsuranceBlock | None:
        return next((block for block in self.insurances if block.insurance == code), None)


# --- canonical content ------------------------------------------------------------------------


_CENT = Decimal("0.01")


def _money(value: Decimal | None) -> str | None:
    """The amount with its two places: ``str(value.quantize(Decimal("0.01")))``, without the
    quantize when the value has two places already (the ledger's amounts and their sums, 53
    a statement): then its plain spelling ends in ``.dd`` and is the quantized one, byte for
    byte (a Decimal with exponent -2 is never written in E notation, "-0.00" keeps its sign)."""
    if value is None:
        return None
    text = str(value)
    if text[-3:-2] == "." and len(text) < 28:  # well inside the context's 28 digits
        return text
    return str(value.quantize(_CENT))


def _cells(months: tuple[MonthCell, ...]) -> list[list[Any]]:
    """The month grid's rows ``[month, base, flag]``, the base as :func:`_money` writes it
    (inlined: 48 cells a statement)."""
    out: list[list[Any]] = []
    for cell in months:
        base = cell.base
        if base is None:
            out.append([cell.month, None, cell.flag])
            continue
        text = str(base)
        if text[-3:-2] != "." or len(text) >= 28:
            text = str(base.quantize(_CENT))
        out.append([cell.month, text, cell.flag])
    return out


def _rate(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _date(value: dt.date | None) -> str | None:
    return None if value is None else value.isoformat()


def record_content(record: StatementRecord) -> dict[str, Any]:
    """The record as plain JSON types (the content a statement stores and signs)."""
    person = record.person

    def account(block: AccountBlock | None) -> dict[str, Any] | None:
        if block is None:
            return None
        return {
            "opening_balance": _money(block.opening_balance),
            "principal": _money(block.principal),
            "interest": _money(block.interest),
            "rate": _rate(block.rate),
            "months": block.months,
            "paid_out": _money(block.paid_out),
            "closing_balance": _money(block.closing_balance),
        }

    return {
        "person": {
            "name": person.name,
            "id_number_masked": person.id_number_masked,
            "sex": person.sex,
            "employer": person.employer,
            "address": person.address,
            "postcode": person.postcode,
            "work_start": _date(person.work_start),
        },
        "year": record.year,
        "insurances": [
            {
                "insurance": block.insurance,
                "label_zh": block.label_zh,
                "enrolled_on": _date(block.enrolled_on),
                "status": block.status,
                "months": _cells(block.months),
            }
            for block in record.insurances
        ],
        "pension_account": account(record.pension_account),
        "medical_account": account(record.medical_account),
        "notes": list(record.notes),
        "as_of": record.as_of.isoformat(),
    }


# The keys of record_content's dicts (the writer below checks them before it trusts the shape)
_TOP_KEYS = frozenset(("as_of", "insurances", "medical_account", "notes", "pension_account", "person", "year"))
_PERSON_KEYS = frozenset(("address", "employer", "id_number_masked", "name", "postcode", "sex", "work_start"))
_BLOCK_KEYS = frozenset(("enrolled_on", "insurance", "label_zh", "months", "status"))
_ACCOUNT_KEYS = frozenset(("closing_balance", "interest", "months", "opening_balance", "paid_out", "principal", "rate"))


_MONTH_OPEN = {month: f"[{month}," for month in range(1, 13)}


class _OtherShape(Exception):
    """Content the direct writer does not take (not record_content's shape and types)."""


def _s(value: Any) -> str:
    """A string or null as json writes it (``encode_basestring`` is the C function json's
    encoder itself writes strings with when ``ensure_ascii`` is off)."""
    return "null" if value is None else encode_basestring(value)


def _i(value: Any) -> str:
    if type(value) is not int:
        raise _OtherShape
    return str(value)


def _account_text(block: Any) -> str:
    if block is None:
        return "null"
    if type(block) is not dict or block.keys() != _ACCOUNT_KEYS:
        raise _OtherShape
    return (
        f'{{"closing_balance":{_s(block["closing_balance"])},"interest":{_s(block["interest"])},'
        f'"months":{_i(block["months"])},"opening_balance":{_s(block["opening_balance"])},'
        f'"paid_out":{_s(block["paid_out"])},"principal":{_s(block["principal"])},"rate":{_s(block["rate"])}}}'
    )


def _canonical_text(content: Any) -> str:
    if type(content) is not dict or content.keys() != _TOP_KEYS:
        raise _OtherShape
    person, insurances, notes = content["person"], content["insurances"], content["notes"]
    if type(person) is not dict or person.keys() != _PERSON_KEYS or type(insurances) is not list:
        raise _OtherShape
    if type(notes) is not list:
        raise _OtherShape
    blocks = []
    tails: dict[tuple[Any, Any], str] = {}
    for block in insurances:
        if type(block) is not dict or block.keys() != _BLOCK_KEYS or type(block["months"]) is not list:
            raise _OtherShape
        cells = []
        for cell in block["months"]:
            if type(cell) is not list or len(cell) != 3:
                raise _OtherShape
            month, base, flag = cell
            if type(month) is not int:
                raise _OtherShape
            # a row's months mostly share their base and flag: each pair written once
            tail = tails.get((base, flag))
            if tail is None:
                tail = tails[(base, flag)] = f"{_s(base)},{encode_basestring(flag)}]"
            cells.append((_MONTH_OPEN.get(month) or f"[{month},") + tail)
        blocks.append(
            f'{{"enrolled_on":{_s(block["enrolled_on"])},"insurance":{_s(block["insurance"])},'
            f'"label_zh":{_s(block["label_zh"])},"months":[{",".join(cells)}],"status":{_s(block["status"])}}}'
        )
    return (
        f'{{"as_of":{_s(content["as_of"])},"insurances":[{",".join(blocks)}],'
        f'"medical_account":{_account_text(content["medical_account"])},'
        f'"notes":[{",".join(encode_basestring(note) for note in notes)}],'
        f'"pension_account":{_account_text(content["pension_account"])},'
        f'"person":{{"address":{_s(person["address"])},"employer":{_s(person["employer"])},'
        f'"id_number_masked":{_s(person["id_number_masked"])},"name":{_s(person["name"])},'
        f'"postcode":{_s(person["postcode"])},"sex":{_s(person["sex"])},"work_start":{_s(person["work_start"])}}},'
        f'"year":{_i(content["year"])}}}'
    )


def content_canonical(content: Mapping[str, Any]) -> str:
    """``core.documents.canonical_json(content)`` for a statement's content, byte for byte:
    written directly for :func:`record_content`'s shape (its keys in sorted order, strings by
    json's own C function, the shape and the ints checked as it goes), a fifth of the generic
    walk and encoding; anything else (another shape, a float, a key too many) goes the generic
    way, so the text, or the refusal, is always canonical_json's. For the issuer, with
    ``core.documents.document_sign_canonical``; tests hold the two equal over random records."""
    try:
        return _canonical_text(content)
    except (_OtherShape, TypeError):
        return canonical_json(content)


def _d(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def _day(value: Any) -> dt.date | None:
    return None if value is None else dt.date.fromisoformat(str(value))


def _account_from(data: Mapping[str, Any] | None) -> AccountBlock | None:
    if data is None:
        return None
    return AccountBlock(
        opening_balance=Decimal(str(data["opening_balance"])),
        principal=Decimal(str(data["principal"])),
        interest=Decimal(str(data["interest"])),
        rate=_d(data["rate"]),
        months=int(data["months"]),
        paid_out=Decimal(str(data["paid_out"])),
        closing_balance=Decimal(str(data["closing_balance"])),
    )


def record_from_content(content: Mapping[str, Any]) -> StatementRecord:
    """The record back from :func:`record_content`'s output (an issued statement's content).

    Raises ``ValueError`` (or ``KeyError``) for content of another shape: callers reading
    stored content treat that as a statement that cannot be shown.
    """
    person = content["person"]
    insurances = []
    for block in content["insurances"]:
        cells = []
        for month, base, flag in block["months"]:
            if flag not in _FLAGS or not 1 <= int(month) <= 12:
                raise ValueError(f"bad month cell {month!r} {flag!r}")
            cells.append(MonthCell(month=int(month), base=_d(base), flag=flag))
        insurances.append(
            InsuranceBlock(
                insurance=str(block["insurance"]),
                label_zh=str(block["label_zh"]),
                enrolled_on=_day(block["enrolled_on"]),
                status=str(block["status"]),
                months=tuple(cells),
            )
        )
    pension = _account_from(content["pension_account"])
    if pension is None:
        raise ValueError("a record has a pension account block")
    return StatementRecord(
        person=PersonBlock(
            name=str(person["name"]),
            id_number_masked=str(person["id_number_masked"]),
            sex=str(person["sex"]),
            employer=str(person["employer"]),
            address=str(person["address"]),
            postcode=str(person["postcode"]),
            work_start=_day(person["work_start"]),
        ),
        year=int(content["year"]),
        insurances=tuple(insurances),
        pension_account=pension,
        medical_account=_account_from(content["medical_account"]),
        notes=tuple(str(n) for n in content["notes"]),
        as_of=dt.date.fromisoformat(str(content["as_of"])),
    )
