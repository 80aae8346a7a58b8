"""The registry's pure rules (no Django): what a person's name may look like, when a person can
have been hired, and the statutory retirement age an enrolment is measured against.

Each check returns the cleaned value or raises ``InvalidInput`` naming the form field, with the
message in Chinese and English.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

from shebao.core.errors import InvalidInput

# --- names -------------------------------------------------------------------------------------

# CJK unified ideographs (basic block, extension A, the compatibility block, extensions B-H in
# planes 2 and 3) and 〇. The middle dot joins the parts of a transliterated name (阿卜杜·买买提).
_CJK = "\u3007\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
CHINESE_NAME = re.compile(rf"[{_CJK}]+(?:·[{_CJK}]+)*")
CHINESE_NAME_LENGTH = (2, 20)
# Dots people type for the middle dot (bullet, katakana middle dot, hyphenation point, full
# stop variants); the registry keeps U+00B7.
_DOT_VARIANTS = str.maketrans({"•": "·", "・": "·", "‧": "·", "∙": "·", "⋅": "·", "．": "·", "｡": "·"})
# A foreigner's name as on the passport or permanent-residence card: Latin letters (accented
# too), words joined by one space, hyphen or apostrophe.
_LATIN = "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f"
LATIN_NAME = re.compile(rf"[{_LATIN}]+(?:[ '\-][{_LATIN}]+)*")
LATIN_NAME_LENGTH = (2, 64)


def _bad_name(zh: str, en: str, field: str) -> InvalidInput:
    return InvalidInput(zh, en, field=field)


def person_name_clean(name: str, *, field: str = "name") -> str:
    """A plausible person's name, normalised: a Chinese name of 2-20 ideographs whose parts
    may be joined by a middle dot (·), or a Latin name of 2-64 characters (letters, single
    spaces, hyphens, apostrophes). No digits, no other punctuation, no mixture of the two."""
    text = unicodedata.normalize("NFC", (name or "").strip())
    if not text:
        raise _bad_name("请填写姓名", "Give the person's name", field)
    chinese = text.translate(_DOT_VARIANTS)
    if CHINESE_NAME.fullmatch(chinese):
        low, high = CHINESE_NAME_LENGTH
        if not low <= len(chinese) <= high:
            raise _bad_name(f"中文姓名应为{low}至{high}个字", f"A Chinese name has {low} to {high} characters", field)
        return chinese
    latin = " ".join(text.split())
    if LATIN_NAME.fullmatch(latin):
        low, high = LATIN_NAME_LENGTH
        if not low <= len(latin) <= high:
            raise _bad_name(
                f"外文姓名应为{low}至{high}个字母", f"A name in Latin letters has {low} to {high} characters", field
            )
        return latin
    raise _bad_name(
        "姓名格式不正确：中文姓名只能由汉字和间隔号“·”组成，外文姓名只能由字母、空格、连字符和撇号组成，不能含数字或其他符号",
        "Not a valid name: a Chinese name is ideographs with an optional middle dot (·); a foreign name is "
        "letters, spaces, hyphens and apostrophes; no digits or other symbols",
        field,
    )


def person_name_matches(given: str, registered: str) -> bool:
    """Is ``given`` the registered name? Exact for ideographs (after the middle-dot variants);
    Latin names ignore case and repeated spaces."""
    a = unicodedata.normalize("NFC", (given or "").strip()).translate(_DOT_VARIANTS)
    b = unicodedata.normalize("NFC", (registered or "").strip()).translate(_DOT_VARIANTS)
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()


# --- hire dates --------------------------------------------------------------------------------

# No record of this registry starts before the founding of the social-insurance system; a hire
# date earlier than this is a typing error.
EARLIEST_HIRE = dt.date(1950, 1, 1)
# 《中华人民共和国劳动法》第十五条: employers may not recruit minors under sixteen.
MIN_WORKING_AGE = 16


def birthday(birth_date: dt.date, age: int) -> dt.date:
    """The day a person born on ``birth_date`` turns ``age`` (29 February → 1 March)."""
    try:
        return birth_date.replace(year=birth_date.year + age)
    except ValueError:
        return dt.date(birth_date.year + age, 3, 1)


def hire_date_check(start: dt.date, *, birth_date: dt.date, field: str = "hired_on") -> None:
    """A hire date is on or after 1950-01-01 and on or after the person's 16th birthday
    (劳动法 第十五条)."""
    if start < EARLIEST_HIRE:
        raise InvalidInput(
            f"用工日期不能早于{EARLIEST_HIRE:%Y年%m月%d日}，请核对",
            f"The hire date cannot be before {EARLIEST_HIRE:%Y-%m-%d}; check it",
            field=field,
        )
    sixteen = birthday(birth_date, MIN_WORKING_AGE)
    if start < sixteen:
        raise InvalidInput(
            f"用工日期早于该人员年满16周岁之日（{sixteen:%Y-%m-%d}），不能招用未满16周岁的未成年人（劳动法第十五条）",
            f"The hire date is before the person's 16th birthday ({sixteen:%Y-%m-%d}); minors under 16 may "
            "not be employed (Labour Law, art. 15)",
            field=field,
        )


# --- retirement age ----------------------------------------------------------------------------

# 全国人大常委会关于实施渐进式延迟法定退休年龄的决定 (2024-09-13), DOMAIN.md §1.4: (original age,
# first birth month delayed, months of birth per month of delay, the most months of delay).
_RETIREMENT = {
    "M": (60, (1965, 1), 4, 36),
    "F_cadre": (55, (1970, 1), 4, 36),
    "F_worker": (50, (1975, 1), 2, 60),
}
# 人社部发〔2024〕94号 弹性退休: at most three years after the statutory age.
LATEST_FLEXIBLE_YEARS = 3
# 社会保险法 第十六条, 人社部令第13号 第二条: who reaches the retirement age with fewer than
# the minimum years paid may go on paying until they have them (15 years).
LONGEST_EXTENSION_YEARS = 15


def retirement_age_months(*, sex: str, birth_date: dt.date, group: str = "cadre") -> int:
    """The statutory retirement age in months: 60/55/50 years, delayed by one month for every
    four (women workers: two) months of birth from 1965-01 / 1970-01 / 1975-01, to 63/58/55."""
    key = "M" if sex == "M" else f"F_{group}"
    years, (first_year, first_month), step, cap = _RETIREMENT[key]
    since = (birth_date.year - first_year) * 12 + (birth_date.month - first_month)
    delay = 0 if since < 0 else min(cap, 1 + since // step)
    return years * 12 + delay


def past_any_working_age(*, sex: str, birth_date: dt.date, on: dt.date) -> bool:
    """Is the person on ``on`` clearly past retirement: older than the statutory age (for a
    woman the later, cadre age) plus three years of late flexible retirement plus the longest
    extension of contributions the law allows? Nobody that old can still be enrolled through
    an employer; a person born in 1938 is, a man of 66 paying on to reach his 15 years is not."""
    months = retirement_age_months(sex=sex, birth_date=birth_date, group="cadre")
    months += (LATEST_FLEXIBLE_YEARS + LONGEST_EXTENSION_YEARS) * 12
    total = birth_date.year * 12 + birth_date.month - 1 + months  # the month the limit is reached
    return on >= dt.date(total // 12, total % 12 + 1, 1)
