"""Staff additions and removals (增减员) by Excel upload: the template and the import.

The import checks every row before it writes anything. If one row is wrong, nothing is
written and the report names every bad row, its column and why, in Chinese and English; if
all are right, everything is written in one transaction with bulk statements and one audit
event carrying the counts; on the unit's own hall each row is also a completed case (DJ-011 or
DJ-012, ``shebao.cases.records``) in the unit's case list. The rows are checked as the single
addition checks them (``services.employment_refusals`` and the registry's rules), and the file
is read within ``LIMITS`` (``shebao.registry.workbooks``). Reads are bulk too: the persons by
ID number and the unit's open employments in a few queries, never one per row.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import IO, Any

from django.db import transaction
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet.worksheet import Worksheet

from shebao.catalog.definitions import MOBILE
from shebao.core import audit
from shebao.core.channels import Channel
from shebao.core.errors import InvalidInput, ShebaoError
from shebao.core.identifiers import IdNumber, InvalidIdNumber, id_number_validate
from shebao.core.models import Account
from shebao.registry import rules, services, workbooks
from shebao.registry.models import Employment, Person, Unit

KINDS = ("add", "remove")
# What one upload may hold (the page states it): the rows and columns read, the unpacked size
# and the time spent reading are bounded before and while the file is read.
LIMITS = workbooks.LIMITS
META_SHEET = "meta"
# (header, key, width); the header text is what the unit sees and what the import matches
COLUMNS: dict[str, tuple[tuple[str, str, int], ...]] = {
    "add": (
        ("身份证号码", "id_number", 22),
        ("姓名", "name", 12),
        ("手机", "phone", 14),
        ("开始日期", "start", 14),
        ("月工资", "wage", 12),
    ),
    "remove": (
        ("身份证号码", "id_number", 22),
        ("姓名", "name", 12),
        ("结束日期", "end", 14),
        ("减员原因", "reason", 24),
    ),
}
COLUMN_EN = {
    "id_number": "ID number",
    "name": "Name",
    "phone": "Mobile",
    "start": "Start date",
    "end": "End date",
    "wage": "Monthly wage",
    "reason": "Reason",
    "file": "File",
}
NOTES = {
    "add": (
        "增员模板填写说明",
        "1. 每行一名职工，第一行为表头，请勿修改表头和工作表名称。",
        "2. 身份证号码：18位，末位可为X；请保持本列为文本格式，勿转为数字。",
        "3. 姓名：必填，与居民身份证一致（已参保登记的人员须与登记姓名一致）；中文姓名为2至20个汉字，"
        "可含间隔号“·”；外文姓名只用字母、空格、连字符。尚未参保登记的人员将按本行信息登记。",
        "4. 手机：选填，11位中国大陆手机号码。",
        "5. 开始日期：用工日期，格式 YYYY-MM-DD，不得晚于下月末，不得早于1950年，不得早于本人年满16周岁之日。",
        "6. 月工资：申报月缴费工资（元），大于零。",
        "7. 已在其他单位参保的，须由原单位先办理减员；正以灵活就业人员身份参保的，须本人先办理停保；"
        "退休人员不办理增员。",
        f"8. {LIMITS.describe_zh()}，超出的请分批上传。",
        "9. 任何一行有误时整份文件都不会导入，系统会逐行列出错误，改正后重新上传。",
    ),
    "remove": (
        "减员模板填写说明",
        "1. 每行一名职工，第一行为表头，请勿修改表头和工作表名称。",
        "2. 身份证号码：18位，末位可为X；请保持本列为文本格式，勿转为数字。",
        "3. 姓名：必填，须与登记姓名一致。",
        "4. 结束日期：劳动关系终止或解除日期，格式 YYYY-MM-DD，不得早于用工日期。",
        "5. 减员原因：选填。",
        f"6. {LIMITS.describe_zh()}，超出的请分批上传。",
        "7. 任何一行有误时整份文件都不会导入，系统会逐行列出错误，改正后重新上传。",
    ),
}


@dataclass(frozen=True)
class RowError:
    row: int  # the Excel row number (1 is the header)
    column: str  # the column's Chinese header, or "" for the whole row
    message_zh: str
    message_en: str


@dataclass
class ImportReport:
    kind: str
    rows: int = 0
    accepted: int = 0  # rows written: 0 whenever any row was rejected
    rejected: list[RowError] = field(default_factory=list)
    # For an accepted addition: person id → (year hired, declared monthly wage) of the rows
    # that gave a wage, for the caller to record as declared bases (contributions' table).
    wages: dict[int, tuple[int, Decimal]] = field(default_factory=dict)
    # The cases an accepted file opened (one per row): person id → case number, and the first
    # and last number.
    case_of: dict[int, str] = field(default_factory=dict)
    case_numbers: tuple[str, str] | None = None

    @property
    def ok(self) -> bool:
        return not self.rejected

    @property
    def rejected_rows(self) -> int:
        return len({e.row for e in self.rejected})


def _check_kind(kind: str) -> None:
    if kind not in KINDS:
        raise InvalidInput("模板类型应为增员或减员", "The template kind is add or remove", field="kind")


def staff_import_template(*, kind: str) -> bytes:
    """The Excel template for 增员 (``add``) or 减员 (``remove``): the staff sheet with its
    Chinese headers (ID number kept as text), a sheet of instructions, and a hidden sheet that
    says which kind it is, so that a removal list is not imported as additions."""
    _check_kind(kind)
    book = Workbook()
    sheet = book.active
    assert isinstance(sheet, Worksheet)  # a new workbook's one sheet
    sheet.title = "增员" if kind == "add" else "减员"
    bold, fill = Font(bold=True), PatternFill("solid", fgColor="DDEBF7")
    for i, (header, key, width) in enumerate(COLUMNS[kind], start=1):
        cell = sheet.cell(row=1, column=i, value=header)
        cell.font, cell.fill = bold, fill
        letter = cell.column_letter
        sheet.column_dimensions[letter].width = width
        if key in ("id_number", "phone", "start", "end"):
            for row in range(2, 1002):  # text format so Excel keeps 18 digits and the dates as typed
                sheet.cell(row=row, column=i).number_format = "@"
    sheet.freeze_panes = "A2"
    notes = book.create_sheet("填写说明")
    for row, line in enumerate(NOTES[kind], start=1):
        notes.cell(row=row, column=1, value=line).font = bold if row == 1 else Font()
    notes.column_dimensions["A"].width = 90
    meta = book.create_sheet(META_SHEET)
    meta["A1"], meta["B1"] = "kind", kind
    meta["A2"], meta["B2"] = "version", 1
    meta.sheet_state = "hidden"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# --- reading -----------------------------------------------------------------------------------


def _read(kind: str, file: IO[bytes] | bytes) -> list[tuple[int, dict[str, Any]]]:
    """The data rows of the first sheet as (Excel row number, values by key), blank rows left
    out, within ``LIMITS`` (``shebao.registry.workbooks``: nothing past them is read)."""
    data = file if isinstance(file, bytes) else file.read()
    book = workbooks.workbook_open(data, limits=LIMITS)
    try:
        meta = workbooks.template_meta(book, sheet=META_SHEET, limits=LIMITS) or {}
        if meta.get("kind") in KINDS and meta["kind"] != kind:
            raise InvalidInput(
                "上传的是减员模板，请在减员处上传"
                if meta["kind"] == "remove"
                else "上传的是增员模板，请在增员处上传",
                f"This is the {meta['kind']} template, not the {kind} one",
                field="file",
            )
        expected = [c[0] for c in COLUMNS[kind]]
        keys = [c[1] for c in COLUMNS[kind]]
        rows = workbooks.template_rows(book.worksheets[0], headers=expected, limits=LIMITS)
        return [(number, dict(zip(keys, values, strict=True))) for number, values in rows]
    finally:
        book.close()


def _text(value: Any) -> str:
    if value is None:
        return ""
    return str(value).strip()


def _date_cell(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = _text(value).replace("/", "-").replace(".", "-")
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


# --- checking ----------------------------------------------------------------------------------


class _Rows:
    """Collects row errors; a row with an error is left out of the plan."""

    def __init__(self, kind: str) -> None:
        self.headers = {key: header for header, key, _ in COLUMNS[kind]}
        self.errors: list[RowError] = []

    def bad(self, row: int, key: str, zh: str, en: str) -> None:
        self.errors.append(RowError(row, self.headers.get(key, ""), zh, f"{COLUMN_EN.get(key, key)}: {en}"))


def _id_number(rows: _Rows, number: int, raw: Any) -> IdNumber | None:
    if isinstance(raw, int | float):
        rows.bad(
            number,
            "id_number",
            "身份证号码被保存为数字，请将该列设为文本格式后重新填写",
            "the ID number was stored as a number; format the column as text",
        )
        return None
    if not _text(raw):
        rows.bad(number, "id_number", "必填", "required")
        return None
    try:
        return id_number_validate(_text(raw))
    except InvalidIdNumber as error:
        rows.bad(number, "id_number", error.message_zh, error.message_en)
        return None


def _persons_by_number(numbers: list[str]) -> dict[str, Person]:
    found: dict[str, Person] = {}
    for i in range(0, len(numbers), 900):
        for person in Person.objects.filter(id_number__in=numbers[i : i + 900]):
            found[person.id_number] = person
    return found


def staff_import(
    *, actor: Account, unit: Unit, kind: str, file: IO[bytes] | bytes, channel: str = Channel.ONLINE
) -> ImportReport:
    """Import a filled template for ``unit``: all rows or none (see the module docstring).

    A problem with the file itself (not xlsx, wrong template, wrong header) raises
    ``InvalidInput``; problems with rows come back in the report."""
    _check_kind(kind)
    services.unit_authorise(actor=actor, unit=unit)
    return staff_import_rows(actor=actor, unit=unit, kind=kind, raw_rows=_read(kind, file), channel=channel)


def staff_import_rows(
    *, actor: Account, unit: Unit, kind: str, raw_rows: list[tuple[int, dict[str, Any]]], channel: str
) -> ImportReport:
    """The import of rows already read — from the Excel template (:func:`staff_import`) or
    from the batch API's JSON (row numbers are then positions from 1) — with the same checks,
    the same per-row report and the same all-or-nothing write."""
    _check_kind(kind)
    services.unit_authorise(actor=actor, unit=unit)
    report = ImportReport(kind=kind, rows=len(raw_rows))
    if not raw_rows:
        raise InvalidInput("文件中没有数据行", "The file has no data rows", field="file")
    rows = _Rows(kind)
    parsed: list[tuple[int, str, dict[str, Any]]] = []
    first_row: dict[str, int] = {}
    for number, values in raw_rows:
        identity = _id_number(rows, number, values["id_number"])
        id_number = identity.number if identity is not None else None
        if id_number is not None:
            if id_number in first_row:
                rows.bad(
                    number,
                    "id_number",
                    f"与第{first_row[id_number]}行重复",
                    f"duplicate of row {first_row[id_number]}",
                )
                id_number = None
            else:
                first_row[id_number] = number
        name = _text(values["name"])
        if not name:
            rows.bad(number, "name", "必填", "required")
        elif len(name) > 64:
            rows.bad(number, "name", "内容过长", "too long")
            name = ""
        checked = _check_add(rows, number, values) if kind == "add" else _check_remove(rows, number, values)
        if id_number is not None and name and checked is not None:
            parsed.append((number, id_number, {**checked, "name": name, "identity": identity}))
    persons = _persons_by_number([p[1] for p in parsed])
    employed = {
        e.person_id: e
        for e in Employment.objects.filter(unit=unit, end__isnull=True).only("id", "person_id", "start", "unit_id")
    }
    plan = (_plan_add if kind == "add" else _plan_remove)(rows, parsed, persons, employed, unit)
    report.rejected = sorted(rows.errors, key=lambda e: (e.row, e.column))
    if report.rejected:
        return report
    with transaction.atomic():
        counts = (_write_add if kind == "add" else _write_remove)(actor=actor, unit=unit, plan=plan, persons=persons)
        if actor.kind == Account.Kind.UNIT:  # the unit's own online hall: each row is a case
            cases = services.staff_cases_record(actor=actor, unit=unit, kind=kind, rows=_case_rows(kind, plan, persons))
            counts["cases"] = len(cases)
            report.case_of = {p.pk: c.number or "" for p, c in zip(_people(kind, plan, persons), cases, strict=True)}
            report.case_numbers = (cases[0].number or "", cases[-1].number or "")
        audit.record(
            actor=actor,
            action=f"employment.import_{kind}",
            subject_type="unit",
            subject_id=unit.pk,
            after={"unit": unit.credit_code, "rows": report.rows, **counts},
            channel=channel,
        )
    report.accepted = report.rows
    if kind == "add":
        report.wages = {persons[n].pk: (v["start"].year, v["wage"]) for n, v in plan if v.get("wage")}
    return report


def _check_add(rows: _Rows, number: int, values: dict[str, Any]) -> dict[str, Any] | None:
    ok = True
    phone = _text(values["phone"])
    if isinstance(values["phone"], float) and values["phone"].is_integer():
        phone = str(int(values["phone"]))
    if phone and not MOBILE.fullmatch(phone):
        rows.bad(number, "phone", "应为11位中国大陆手机号码（以1开头）", "must be an 11-digit mainland mobile number")
        ok = False
    start = _date_cell(values["start"])
    if values["start"] in (None, ""):
        rows.bad(number, "start", "必填", "required")
        ok = False
    elif start is None:
        rows.bad(number, "start", "日期格式应为 YYYY-MM-DD", "date must be YYYY-MM-DD")
        ok = False
    elif start > services.latest_start_allowed():
        rows.bad(number, "start", "开始日期不能晚于下月末", "cannot be later than the end of next month")
        ok = False
    wage: Decimal | None = None
    try:
        wage = Decimal(_text(values["wage"]))
        if not wage.is_finite() or wage <= 0:
            raise InvalidOperation
    except InvalidOperation:
        rows.bad(number, "wage", "应为大于零的金额（元）", "must be an amount above zero (yuan)")
        ok = False
    return {"phone": phone, "start": start, "wage": wage} if ok else None


def _check_remove(rows: _Rows, number: int, values: dict[str, Any]) -> dict[str, Any] | None:
    end = _date_cell(values["end"])
    if values["end"] in (None, ""):
        rows.bad(number, "end", "必填", "required")
        return None
    if end is None:
        rows.bad(number, "end", "日期格式应为 YYYY-MM-DD", "date must be YYYY-MM-DD")
        return None
    return {"end": end, "reason": _text(values["reason"])[:64]}


def _plan_add(
    rows: _Rows,
    parsed: list[tuple[int, str, dict[str, Any]]],
    persons: dict[str, Person],
    employed: dict[int, Employment],
    unit: Unit,
) -> list[tuple[str, dict[str, Any]]]:
    """Each row's person against the registry, with the same rules as ``employment_add``: a
    registered person's name must be the registered one (which one is not said), a new
    person's must be a plausible name; the hire date not before 1950 nor the 16th birthday; and
    ``services.employment_refusals`` (on the staff, retired, insured elsewhere) in bulk."""
    if not services.unit_insurances(unit):
        rows.bad(0, "", "本单位尚未办理参保登记，不能增员", "the unit is not registered for any insurance")
    checked = []
    for number, id_number, values in parsed:
        person = persons.get(id_number)
        identity = values["identity"]
        try:
            rules.hire_date_check(values["start"], birth_date=identity.birth_date, field="start")
            if person is None:
                values["name"] = rules.person_name_clean(values["name"])
                too_old = services.too_old_to_employ(
                    sex=identity.sex, birth_date=identity.birth_date, start=values["start"]
                )
                if too_old is not None:
                    raise too_old
            elif not rules.person_name_matches(values["name"], person.name):
                raise services.name_mismatch()
        except ShebaoError as error:
            rows.bad(number, _ERROR_FIELDS.get(error.field or "", "id_number"), error.message_zh, error.message_en)
            continue
        checked.append((number, id_number, person, values))
    registered = [p for _, _, p, _ in checked if p is not None]
    refusals = services.employment_refusals(
        persons=registered, unit=unit, starts={p.pk: v["start"] for _, _, p, v in checked if p is not None}
    )
    plan = []
    for number, id_number, person, values in checked:
        refusal = refusals.get(person.pk) if person is not None else None
        if refusal is not None:
            rows.bad(number, "id_number", refusal.message_zh, refusal.message_en)
            continue
        plan.append((id_number, values))
    return plan


# a service error's field → the template column it is about
_ERROR_FIELDS = {"name": "name", "start": "start", "hired_on": "start", "phone": "phone", "id_number": "id_number"}


def _plan_remove(
    rows: _Rows,
    parsed: list[tuple[int, str, dict[str, Any]]],
    persons: dict[str, Person],
    employed: dict[int, Employment],
    unit: Unit,
) -> list[tuple[str, dict[str, Any]]]:
    plan = []
    for number, id_number, values in parsed:
        person = persons.get(id_number)
        employment = employed.get(person.pk) if person is not None else None
        if person is None or employment is None:
            rows.bad(number, "id_number", "不是本单位在职参保职工", "not on the unit's staff")
            continue
        if not rules.person_name_matches(values["name"], person.name):
            # the unit's own employee: the registered name may be shown to it
            rows.bad(number, "name", f"与登记姓名不一致（{person.name}）", "does not match the registered name")
            continue
        if values["end"] < employment.start:
            rows.bad(
                number,
                "end",
                f"结束日期不能早于用工日期 {employment.start:%Y-%m-%d}",
                f"cannot be before the start ({employment.start:%Y-%m-%d})",
            )
            continue
        plan.append((id_number, {**values, "employment": employment, "person": person}))
    return plan


def _write_add(
    *, actor: Account, unit: Unit, plan: list[tuple[str, dict[str, Any]]], persons: dict[str, Person]
) -> dict[str, int]:
    new_people = []
    for id_number, values in plan:
        if id_number not in persons:
            parsed = values["identity"]
            new_people.append(
                Person(
                    id_number=id_number,
                    name=values["name"],
                    sex=parsed.sex,
                    birth_date=parsed.birth_date,
                    category=Person.Category.EMPLOYEE,
                    district_id=unit.district_id,
                    phone=values["phone"],
                )
            )
    if new_people:
        Person.objects.bulk_create(new_people, batch_size=500)
        persons.update(_persons_by_number([p.id_number for p in new_people]))  # ids on every backend
    people = [persons[id_number] for id_number, _ in plan]
    Employment.objects.bulk_create(
        [Employment(person=persons[n], unit=unit, start=v["start"]) for n, v in plan], batch_size=500
    )
    statuses = services.activate_via_unit(
        persons=people,
        unit=unit,
        since={persons[n].pk: v["start"] for n, v in plan},
        insurances=services.unit_insurances(unit),
    )
    flexible = [p.pk for p in people if p.category == Person.Category.FLEXIBLE]
    for i in range(0, len(flexible), 900):
        Person.objects.filter(pk__in=flexible[i : i + 900]).update(category=Person.Category.EMPLOYEE)
    return {"added": len(plan), "registered": len(new_people), "statuses": statuses}


def _people(kind: str, plan: list[tuple[str, dict[str, Any]]], persons: dict[str, Person]) -> list[Person]:
    return [persons[n] if kind == "add" else v["person"] for n, v in plan]


def _case_rows(
    kind: str, plan: list[tuple[str, dict[str, Any]]], persons: dict[str, Person]
) -> list[tuple[Person, dict[str, Any]]]:
    """Each written row as (person, the item's form): DJ-011's or DJ-012's field names."""
    rows = []
    for id_number, values in plan:
        if kind == "add":
            form = {"hired_on": values["start"].isoformat()}
            if values.get("phone"):
                form["phone"] = values["phone"]
            if values.get("wage"):
                form["wage_base"] = str(values["wage"])
            rows.append((persons[id_number], form))
        else:  # the file's reason is free text, not one of the item's choices
            rows.append((values["person"], {"ended_on": values["end"].isoformat()}))
    return rows


def _write_remove(
    *, actor: Account, unit: Unit, plan: list[tuple[str, dict[str, Any]]], persons: dict[str, Person]
) -> dict[str, int]:
    employments = []
    for _, values in plan:
        employment = values["employment"]
        employment.end = values["end"]
        employments.append(employment)
    Employment.objects.bulk_update(employments, ["end"], batch_size=500)
    suspended = services.suspend_after_leaving(
        person_ids=[e.person_id for e in employments], unit=unit, ended={e.person_id: e.end for e in employments}
    )
    return {"removed": len(employments), "statuses": suspended}
