"""Identifiers validated at the edge: resident ID numbers (GB 11643), unified social credit
codes (GB 32100) and bank cards (Luhn, ISO/IEC 7812).

The checks are python-stdnum's; this module adds what stdnum leaves to us: the 15-digit
upgrade, the not-in-the-future birth date, messages in Chinese and English, and masking.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone
from stdnum import luhn
from stdnum.cn import ric, uscc
from stdnum.exceptions import (
    InvalidChecksum,
    InvalidComponent,
    InvalidFormat,
    InvalidLength,
    ValidationError,
)

from shebao.core.errors import InvalidInput


class InvalidIdNumber(InvalidInput):
    code = "invalid_id_number"


class InvalidCreditCode(InvalidInput):
    code = "invalid_credit_code"


class InvalidBankCard(InvalidInput):
    code = "invalid_bank_card"


@dataclass(frozen=True)
class IdNumber:
    number: str
    birth_date: dt.date
    sex: str  # "M" or "F": the sequence code is odd for men, even for women
    region_code: str


def _upgrade_15(number: str) -> str:
    """Old 15-digit numbers: insert "19" before the two-digit year, append the check character."""
    body = number[:6] + "19" + number[6:]
    return body + ric.calc_check_digit(body + "0")


def _region_known(code: str) -> bool:
    from stdnum import numdb

    parts = dict(numdb.get("cn/loc").info(code))
    return len(parts) > 1  # the province alone means the county part is unknown


def _check_components(number: str, field: str) -> str:
    """stdnum also rejects an address code created after the birth year; but codes are those
    of the place of first issue (from 1984 on), so people born earlier legitimately carry
    them. We require a real birth date and an address code that exists or existed."""
    try:
        ric.get_birth_date(number)
    except InvalidComponent:
        raise InvalidIdNumber(
            "身份证号码中的出生日期不是有效日期", "The birth date in the ID number is not a real date", field=field
        ) from None
    if not _region_known(number[:6]):
        raise InvalidIdNumber(
            f"身份证号码中的地区代码 {number[:6]} 不存在", f"The address code {number[:6]} does not exist", field=field
        )
    return number


def id_number_validate(value: str, *, today: dt.date | None = None, field: str = "id_number") -> IdNumber:
    """Validate a resident ID number (公民身份号码) and return it normalised with its parts.

    Accepts a lower-case x and 15-digit numbers (upgraded to 18). Rejects a wrong check
    character, an impossible or future birth date, and an unknown address code.
    """
    raw = (value or "").strip().replace(" ", "").upper()
    if len(raw) == 15 and raw.isdigit():
        raw = _upgrade_15(raw)
    shown = raw or "（空）"
    try:
        number = ric.validate(raw)
    except InvalidLength:
        raise InvalidIdNumber(
            f"身份证号码应为18位（或旧式15位），收到 {len(raw)} 位：{shown}",
            f"An ID number has 18 characters (or 15 for old numbers); got {len(raw)}",
            field=field,
        ) from None
    except InvalidFormat:
        raise InvalidIdNumber(
            "身份证号码前17位须为数字，最后一位为数字或X",
            "The first 17 characters of an ID number are digits and the last a digit or X",
            field=field,
        ) from None
    except InvalidChecksum:
        raise InvalidIdNumber(
            "身份证号码校验位不正确，请核对后重新输入",
            "The ID number's check character is wrong; please check the number",
            field=field,
        ) from None
    except InvalidComponent:
        number = _check_components(raw, field)
    except ValidationError:
        raise InvalidIdNumber("身份证号码无效", "Invalid ID number", field=field) from None
    birth = ric.get_birth_date(number)
    if birth > (today or timezone.localdate()):
        raise InvalidIdNumber(
            "身份证号码中的出生日期晚于今天", "The birth date in the ID number is in the future", field=field
        )
    return IdNumber(number=number, birth_date=birth, sex="M" if int(number[16]) % 2 else "F", region_code=number[:6])


def credit_code_validate(value: str, *, field: str = "unit_code") -> str:
    """Validate a unified social credit code (统一社会信用代码, GB 32100-2015)."""
    raw = (value or "").strip().replace(" ", "").upper()
    try:
        return uscc.validate(raw)
    except InvalidLength:
        raise InvalidCreditCode(
            f"统一社会信用代码应为18位，收到 {len(raw)} 位",
            f"A unified social credit code has 18 characters; got {len(raw)}",
            field=field,
        ) from None
    except InvalidChecksum:
        raise InvalidCreditCode(
            "统一社会信用代码校验位不正确", "The credit code's check character is wrong", field=field
        ) from None
    except ValidationError:
        raise InvalidCreditCode(
            "统一社会信用代码格式不正确（不含 I、O、Z、S、V）",
            "The credit code's format is wrong (I, O, Z, S and V are not used)",
            field=field,
        ) from None


def bank_card_validate(value: str, *, field: str = "bank_card") -> str:
    """Validate a bank card number: 16-19 digits with a Luhn check digit."""
    raw = (value or "").strip().replace(" ", "")
    if not raw.isdigit() or not 16 <= len(raw) <= 19:
        raise InvalidBankCard("银行卡号应为16至19位数字", "A bank card number has 16 to 19 digits", field=field)
    try:
        return luhn.validate(raw)
    except ValidationError:
        raise InvalidBankCard(
            "银行卡号校验位不正确", "The bank card number's check digit is wrong", field=field
        ) from None


def mask_id_number(number: str) -> str:
    """4201**********1234: the region's first four and the last four characters."""
    if not number:
        return ""
    if len(number) <= 8:
        return "*" * len(number)
    return number[:4] + "*" * (len(number) - 8) + number[-4:]


def mask_phone(phone: str) -> str:
    """138****5678."""
    digits = (phone or "").strip()
    if len(digits) < 7:
        return "*" * len(digits)
    return digits[:3] + "*" * (len(digits) - 7) + digits[-4:]


def mask_bank_card(number: str) -> str:
    """6222 **** **** 5702 style: first four and last four digits."""
    if len(number) < 8:
        return "*" * len(number)
    return number[:4] + " **** **** " + number[-4:]


def mask_name(name: str) -> str:
    """张*明: keep the surname and the last character."""
    if len(name) <= 1:
        return name
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


def id_number_make(*, region_code: str, birth_date: dt.date, sequence: int) -> str:
    """Compose a valid 18-character ID number (for synthetic and demo data)."""
    body = f"{region_code}{birth_date:%Y%m%d}{sequence % 1000:03d}"
    return body + ric.calc_check_digit(body + "0")


def credit_code_make(*, region_code: str, serial: int) -> str:
    """Compose a valid unified social credit code for an enterprise (登记管理部门 9, 类别 1)."""
    org = f"{serial % 10**8:08d}"
    # the 9-character organisation code carries its own GB 11714 check character
    weights = (3, 7, 9, 10, 5, 8, 4, 2)
    check = 11 - sum(int(c) * w for c, w in zip(org, weights, strict=True)) % 11
    org += {10: "X", 11: "0"}.get(check, str(check))
    body = f"91{region_code}{org}"
    return body + uscc.calc_check_digit(body)
