"""法定退休年龄 under the gradual delay, the flexible window, and the minimum contribution.

Sources (DOMAIN.md §1.4, conf H): 《全国人民代表大会常务委员会关于实施渐进式延迟法定退休年龄的
决定》(2024-09-13, in force 2025-01-01) and its annexed tables; 弹性退休: 人社部发〔2024〕94号.

- men, original age 60: born from 1965-01, +1 month for every 4 months of birth, to 63;
- women cadre/technical, original age 55: born from 1970-01, +1 month per 4 months, to 58;
- women workers, original age 50: born from 1975-01, +1 month per **2** months, to 55.

delay = min(cap, max(0, 1 + floor(months since the first delayed birth month / step))); the
retirement month is the birth month plus the new age (born 1965-01 → 60y1m → 2025-02).
Which original age applies (the job type) is the caller's input.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, NamedTuple

from shebao.core.errors import InvalidInput

Sex = Literal["M", "F"]
BaseAge = Literal[60, 55, 50]
MONTHS_IN_YEAR = 12
# 弹性退休 (人社部发〔2024〕94号): up to 3 years before the new age (never before the original
# one) and up to 3 years after it.
FLEXIBLE_EARLY_MONTHS = 36
FLEXIBLE_LATE_MONTHS = 36


class YearMonth(NamedTuple):
    """A calendar month; orders as (year, month); ``str`` is ``YYYY-MM``."""

    year: int
    month: int

    def plus(self, months: int) -> YearMonth:
        index = self.year * MONTHS_IN_YEAR + (self.month - 1) + months
        return YearMonth(index // MONTHS_IN_YEAR, index % MONTHS_IN_YEAR + 1)

    def months_until(self, other: YearMonth) -> int:
        """Whole months from this month to ``other`` (negative when ``other`` is earlier)."""
        return (other.year - self.year) * MONTHS_IN_YEAR + (other.month - self.month)

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"


@dataclass(frozen=True)
class DelaySchedule:
    """One row of the 2024 decision: who is delayed from which birth month, how fast, how far."""

    sex: Sex
    base_age: BaseAge
    first_birth: YearMonth  # the first birth month whose age is delayed (by one month)
    step_months: int  # months of birth per month of delay
    cap_months: int  # the delay at the end state
    label_zh: str
    label_en: str


DELAY_SOURCE = "全国人大常委会关于实施渐进式延迟法定退休年龄的决定（2024-09-13）"
DELAY_SCHEDULES: tuple[DelaySchedule, ...] = (
    DelaySchedule("M", 60, YearMonth(1965, 1), 4, 36, "男职工（原60周岁）", "men (originally 60)"),
    DelaySchedule("F", 55, YearMonth(1970, 1), 4, 36, "女职工（原55周岁）", "women cadre/technical (originally 55)"),
    DelaySchedule("F", 50, YearMonth(1975, 1), 2, 60, "女职工（原50周岁）", "women workers (originally 50)"),
)

# 最低缴费年限 (same decision, art. 2 of its annex, conf H): 15 years until 2029; from 2030-01-01
# six months more each year until 20 years. A table, not arithmetic, so a change is one row.
MINIMUM_CONTRIBUTION_SOURCE = DELAY_SOURCE + "：自2030年1月1日起最低缴费年限每年提高6个月，至20年"
MINIMUM_CONTRIBUTION_SCHEDULE: tuple[tuple[int, int], ...] = (
    # (from retirement year, months)
    (0, 180),
    (2030, 186),
    (2031, 192),
    (2032, 198),
    (2033, 204),
    (2034, 210),
    (2035, 216),
    (2036, 222),
    (2037, 228),
    (2038, 234),
    (2039, 240),
)


@dataclass(frozen=True)
class RetirementAge:
    """The statutory retirement age of one birth month: the delay, the age, the month it is reached."""

    delay_months: int
    age_years: int
    age_months: int
    retirement_year: int
    retirement_month: int
    base_age: int = 60

    @property
    def retirement(self) -> YearMonth:
        return YearMonth(self.retirement_year, self.retirement_month)

    @property
    def total_months(self) -> int:
        return self.age_years * MONTHS_IN_YEAR + self.age_months


def delay_schedule(*, sex: Sex, base_age: int) -> DelaySchedule:
    for schedule in DELAY_SCHEDULES:
        if schedule.sex == sex and schedule.base_age == base_age:
            return schedule
    raise InvalidInput(
        "原法定退休年龄与性别不符：男职工为60周岁，女职工为55或50周岁",
        "base_age does not fit sex: men 60; women 55 or 50",
        field="base_age",
    )


def _birth(birth_year: int, birth_month: int) -> YearMonth:
    if not 1900 <= birth_year <= 2100:
        raise InvalidInput(f"出生年份不正确：{birth_year}", f"Not a valid birth year: {birth_year}", field="birth")
    if not 1 <= birth_month <= MONTHS_IN_YEAR:
        raise InvalidInput(f"出生月份不正确：{birth_month}", f"Not a valid birth month: {birth_month}", field="birth")
    return YearMonth(birth_year, birth_month)


def retirement_age(*, birth_year: int, birth_month: int, sex: Sex, base_age: BaseAge) -> RetirementAge:
    """法定退休年龄 of a person born in ``birth_year-birth_month`` (2024 NPC decision)."""
    birth = _birth(birth_year, birth_month)
    schedule = delay_schedule(sex=sex, base_age=base_age)
    since = schedule.first_birth.months_until(birth)
    delay = 0 if since < 0 else min(schedule.cap_months, 1 + since // schedule.step_months)
    total = schedule.base_age * MONTHS_IN_YEAR + delay
    reached = birth.plus(total)
    return RetirementAge(
        delay_months=delay,
        age_years=total // MONTHS_IN_YEAR,
        age_months=total % MONTHS_IN_YEAR,
        retirement_year=reached.year,
        retirement_month=reached.month,
        base_age=schedule.base_age,
    )


def flexible_window(*, birth_year: int, birth_month: int, sex: Sex, base_age: BaseAge) -> tuple[YearMonth, YearMonth]:
    """(earliest, latest) month of 弹性退休 (人社部发〔2024〕94号): up to 36 months before the
    statutory month but never before the original age; up to 36 months after it. Whether the
    person may retire early (the minimum contribution reached) is checked by the caller."""
    birth = _birth(birth_year, birth_month)
    age = retirement_age(birth_year=birth_year, birth_month=birth_month, sex=sex, base_age=base_age)
    original = birth.plus(age.base_age * MONTHS_IN_YEAR)
    earliest = max(age.retirement.plus(-FLEXIBLE_EARLY_MONTHS), original)
    return earliest, age.retirement.plus(FLEXIBLE_LATE_MONTHS)


def age_at(*, birth_year: int, birth_month: int, at: YearMonth) -> tuple[int, int]:
    """Age in (years, months) reached in month ``at`` (the retirement month counts whole months)."""
    months = _birth(birth_year, birth_month).months_until(at)
    if months < 0:
        raise InvalidInput("退休月份早于出生月份", "The retirement month is before the birth month", field="retirement")
    return months // MONTHS_IN_YEAR, months % MONTHS_IN_YEAR


def minimum_contribution_months(*, retirement_year: int, retirement_month: int) -> int:
    """最低缴费月数 for a pension paid monthly, by the year of retirement (180 until 2029,
    +6 a year from 2030 to 240 in 2039). The month does not matter: each step starts on 1 January."""
    if not 1 <= retirement_month <= MONTHS_IN_YEAR:
        raise InvalidInput(
            f"退休月份不正确：{retirement_month}", f"Not a valid month: {retirement_month}", field="retirement"
        )
    months = MINIMUM_CONTRIBUTION_SCHEDULE[0][1]
    for from_year, required in MINIMUM_CONTRIBUTION_SCHEDULE:
        if retirement_year >= from_year:
            months = required
    return months
