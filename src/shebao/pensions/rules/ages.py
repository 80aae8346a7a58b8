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


# --- 提前退休 of special cases (DOMAIN.md §1.4), and the minimum working age ----------------------

MINIMUM_WORKING_AGE = 16  # 《劳动法》第十五条：禁止用人单位招用未满十六周岁的未成年人


@dataclass(frozen=True)
class EarlyRetirementAge:
    """The age from which a special case may retire, one row per kind and sex, with its source."""

    kind: str
    sex: Sex
    age_years: int
    source: str
    confidence: str
    note: str


EARLY_RETIREMENT_SOURCE = "国发〔1978〕104号《国务院关于工人退休、退职的暂行办法》第一条"
EARLY_RETIREMENT_NOTE = (
    "2024年全国人大常委会关于实施渐进式延迟法定退休年龄的决定保留特殊工种、因病或非因工致残提前退休的规定"
    "（国家另有规定的，从其规定）；这些年龄不随延迟调整。"
)
EARLY_RETIREMENT_AGES: tuple[EarlyRetirementAge, ...] = (
    EarlyRetirementAge("special_work", "M", 55, EARLY_RETIREMENT_SOURCE, "M", EARLY_RETIREMENT_NOTE),
    EarlyRetirementAge("special_work", "F", 45, EARLY_RETIREMENT_SOURCE, "M", EARLY_RETIREMENT_NOTE),
    EarlyRetirementAge("disability", "M", 50, EARLY_RETIREMENT_SOURCE, "M", EARLY_RETIREMENT_NOTE),
    EarlyRetirementAge("disability", "F", 45, EARLY_RETIREMENT_SOURCE, "M", EARLY_RETIREMENT_NOTE),
)
EARLY_RETIREMENT_LABELS = {"special_work": "特殊工种提前退休", "disability": "因病或非因工致残完全丧失劳动能力退休"}


def early_retirement_age(*, kind: str, sex: Sex) -> EarlyRetirementAge:
    """The row of ``kind`` (``special_work`` or ``disability``) for ``sex``."""
    for row in EARLY_RETIREMENT_AGES:
        if row.kind == kind and row.sex == sex:
            return row
    raise InvalidInput(f"未知的提前退休类别：{kind}", f"Unknown early-retirement kind: {kind}", field="retire_type")


def early_retirement_check(*, kind: str, sex: Sex, birth: YearMonth, retirement: YearMonth) -> EarlyRetirementAge:
    """Refuse a special-case retirement month before the month the row's age is reached."""
    row = early_retirement_age(kind=kind, sex=sex)
    earliest = birth.plus(row.age_years * MONTHS_IN_YEAR)
    if retirement < earliest:
        sex_zh, sex_en = ("男", "men") if sex == "M" else ("女", "women")
        raise InvalidInput(
            f"{EARLY_RETIREMENT_LABELS[kind]}：{sex_zh}职工须年满{row.age_years}周岁（{row.source}），"
            f"最早为 {earliest}，申请的是 {retirement}",
            f"{kind} retirement: {sex_en} must be {row.age_years}; the earliest month is {earliest}, "
            f"{retirement} was asked for",
            field="retire_date",
        )
    return row


def deemed_months_limit(*, birth: YearMonth, work_start: YearMonth | None, account_start: YearMonth) -> int:
    """视同缴费 is the working time before the personal accounts started: at most the months
    from the start of work to the month before ``account_start`` (1990-01 with 1996-01 → 72).
    A start of work before the 16th birthday month is refused; none given allows none."""
    if work_start is None:
        return 0
    sixteen = birth.plus(MINIMUM_WORKING_AGE * MONTHS_IN_YEAR)
    if work_start < sixteen:
        raise InvalidInput(
            f"参加工作时间 {work_start} 早于年满16周岁的月份 {sixteen}，请核对人事档案",
            f"The start of work {work_start} is before the 16th birthday month {sixteen}",
            field="work_start",
        )
    return max(0, work_start.months_until(account_start))


def deemed_months_check(
    *, birth: YearMonth, work_start: YearMonth | None, account_start: YearMonth, deemed_months: int
) -> int:
    """Refuse deemed months above :func:`deemed_months_limit`, naming the field; the limit."""
    limit = deemed_months_limit(birth=birth, work_start=work_start, account_start=account_start)
    if deemed_months <= limit:
        return limit
    if work_start is None:
        raise InvalidInput(
            "填写视同缴费月数时须填写参加工作时间（YYYY-MM）",
            "Deemed months need the start of work (YYYY-MM)",
            field="work_start",
        )
    if limit == 0:
        raise InvalidInput(
            f"参加工作时间 {work_start} 不早于个人账户建立时间 {account_start}，没有视同缴费年限，"
            f"视同缴费月数应为0，填写的是{deemed_months}",
            f"The start of work {work_start} is not before the personal accounts started ({account_start}): "
            f"no deemed months are possible, {deemed_months} were entered",
            field="deemed_months",
        )
    last = account_start.plus(-1)
    raise InvalidInput(
        f"视同缴费月数{deemed_months}超过参加工作时间 {work_start} 至 {last} 的{limit}个月",
        f"{deemed_months} deemed months exceed the {limit} months from {work_start} to {last}",
        field="deemed_months",
    )
