"""Synthetic service-engine data for ``bench/cases_bench.py``: an organisation, its staff and
N cases spread over offices, items and statuses, written with COPY.

What the rows look like (as if ``shebao.cases.services`` had made them over three years):

* a city Area, 15 district Areas with a district office each (parent: the city centre, as in
  the demo organisation), the city social-insurance, medical-insurance and card centres;
* per office three window clerks (authority 1), two reviewers (2) and an approver (3), the
  district staff in every skill group (一岗通), the centres' staff in their own groups;
* cases of every catalogue item, weighted towards the frequent ones (card, enrolment,
  contributions), mostly completed, ~7 % in progress, ~1.5 % awaiting materials, a few
  suspended / waiting for an outside party / rejected / withdrawn; a ``CasePhase`` per item
  phase with its working-day clock, a ``CaseStepRecord`` per step done (by the office's staff
  of the step's authority), a ``CaseMaterial`` per item material and an open ``CasePause``
  for the cases waiting on materials or suspended.

Due dates come from the real working-day calendar (``shebao.core.workdays.due_date``,
memoised per start day and limit). Everything is deterministic for a given seed.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import time
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import connection, transaction

CITY = ("420100", "武汉市")
# 13 districts and 2 development zones, with a relative case volume.
DISTRICTS: tuple[tuple[str, str, float], ...] = (
    ("420102", "江岸区", 1.3),
    ("420103", "江汉区", 1.0),
    ("420104", "硚口区", 1.0),
    ("420105", "汉阳区", 1.1),
    ("420106", "武昌区", 1.4),
    ("420107", "青山区", 0.8),
    ("420111", "洪山区", 1.6),
    ("420112", "东西湖区", 0.8),
    ("420113", "汉南区", 0.3),
    ("420114", "蔡甸区", 0.7),
    ("420115", "江夏区", 1.0),
    ("420116", "黄陂区", 1.0),
    ("420117", "新洲区", 0.8),
    ("420118", "东湖新技术开发区", 1.2),
    ("420119", "武汉经济技术开发区", 0.9),
)
CITY_CENTRE, MEDICAL_CENTRE, CARD_CENTRE = "SI-CITY", "MED-CITY", "CARD-CITY"
ALL_GROUPS = ("register", "contribution", "benefit", "medical", "unemployment", "card", "consult")
CENTRE_GROUPS = {
    CITY_CENTRE: ("consult", "benefit", "register"),
    MEDICAL_CENTRE: ("medical",),
    CARD_CENTRE: ("card",),
}
CLERKS_PER_OFFICE, REVIEWERS_PER_OFFICE, APPROVERS_PER_OFFICE = 3, 2, 1
# Relative volume by skill group; instant items (即时办结) are the everyday ones.
GROUP_WEIGHT = {
    "card": 3.0,
    "register": 2.0,
    "contribution": 2.0,
    "medical": 1.5,
    "benefit": 1.0,
    "consult": 0.8,
    "unemployment": 0.7,
}
CHANNEL_WEIGHT = {"hall": 50, "online": 20, "app": 15, "community": 8, "bank": 4, "hotline": 3}
# Status shares of all cases (instant items are rarely left open: see _status_for).
STATUS_SHARES = (
    ("completed", 0.810),
    ("rejected", 0.030),
    ("withdrawn", 0.015),
    ("in_progress", 0.120),
    ("awaiting_materials", 0.015),
    ("suspended", 0.005),
    ("waiting_outside", 0.005),
)
HISTORY_DAYS = 3 * 365
APPLICANTS = 250_000
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建国志文慧鹏飞晓燕海波"
STREETS = ("解放大道", "中山大道", "建设大道", "发展大道", "武珞路", "珞喻路", "汉阳大道", "和平大道")
REJECTION = "申请材料不符合法定形式，经一次性告知后仍未补正"
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)  # GB 11643
_CHECK = "10X98765432"

CASE_COLUMNS = (
    "id",
    "number",
    "item_id",
    "item_version",
    "group_ref",
    "applicant_id_number",
    "applicant_name",
    "applicant_account_id",
    "applicant_unit_code",
    "applicant_phone",
    "channel",
    "receiving_office_id",
    "office_id",
    "received_at",
    "received_by_id",
    "form_data",
    "status",
    "current_step_id",
    "required_authority",
    "due_date",
    "due_provisional",
    "escalation_level",
    "warned_on",
    "closed_at",
    "outcome_note",
    "rejection_reasons",
    "result",
    "version",
)
PHASE_COLUMNS = (
    "id",
    "case_id",
    "phase_id",
    "office_id",
    "status",
    "limit_days",
    "started_on",
    "used_days",
    "extension_days",
    "due_date",
    "finished_on",
)
RECORD_COLUMNS = ("id", "case_id", "step_id", "action", "actor_id", "office_id", "note", "at")
MATERIAL_COLUMNS = ("id", "case_id", "material_id", "status", "updated_at")
PAUSE_COLUMNS = ("id", "case_id", "kind", "started_on", "ended_on", "days", "reason", "actor_id")
# Columns the core corrections of issue 9 added (cases 0004 and 0006), written when the models
# have them, so that this loader fills the schema of the code it runs with (the code before them
# included): who filed the case, its opening key, the promise (the item's promised days and the
# day its clock counts from), the overdue escalations the SLA scan raised; a phase's dispatch
# day; a material's checker and upload.
CASE_COLUMNS_ADDED = ("filer", "opening_id", "clock_start", "overdue_level", "promised_days")
# Added after the first comparison: whether the clock ever stopped (the progress read skips the
# stops query for a case that never did).
CASE_COLUMNS_LATER = ("has_stops",)
PHASE_COLUMNS_ADDED = ("routed_on",)
MATERIAL_COLUMNS_ADDED = ("verified_by_id", "upload_id")
ONLINE_CHANNELS = frozenset({"online", "app"})  # the rest are served at a window that day
OFFICE_CLOSES = 17 * 60  # minutes: an online application after this is received the next working day


def id_number(region: str, birth: dt.date, seq: int) -> str:
    body = f"{region}{birth:%Y%m%d}{seq:03d}"
    return body + _CHECK[sum(int(c) * w for c, w in zip(body, _WEIGHTS, strict=True)) % 11]


# --- organisation and staff ---------------------------------------------------------------------


@dataclass
class Org:
    district_office: dict[str, int]  # district area code → office id
    office_by_code: dict[str, int]
    office_parent: dict[int, int | None]
    staff: dict[tuple[int, str], list[int]]  # (office id, role) → account ids
    bench_users: list[int]  # the clerks whose sessions drive the load
    skill_groups: dict[str, int]


def build_org(*, rng: random.Random) -> Org:
    """The organisation and staff the cases live in (ORM: a few hundred rows)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from shebao.core.models import Account, Area, Office, Role, SkillGroup

    with transaction.atomic():
        city = Area.objects.create(code=CITY[0], name=CITY[1], kind=Area.Kind.CITY)
        city_centre = Office.objects.create(
            code=CITY_CENTRE, name="武汉市社会保险中心", kind=Office.Kind.CITY_CENTRE, area=city
        )
        offices = {
            CITY_CENTRE: city_centre,
            MEDICAL_CENTRE: Office.objects.create(
                code=MEDICAL_CENTRE,
                name="武汉市医疗保险中心",
                kind=Office.Kind.MEDICAL_CENTRE,
                area=city,
                parent=city_centre,
            ),
            CARD_CENTRE: Office.objects.create(
                code=CARD_CENTRE,
                name="武汉市社会保障卡中心",
                kind=Office.Kind.CARD_CENTRE,
                area=city,
                parent=city_centre,
            ),
        }
        district_office = {}
        for code, name, _weight in DISTRICTS:
            area = Area.objects.create(code=code, name=name, kind=Area.Kind.DISTRICT, parent=city)
            area.district = area
            area.save(update_fields=["district"])
            office = Office.objects.create(
                code=f"SI-{code}",
                name=f"{name}社会保险管理处",
                kind=Office.Kind.DISTRICT_OFFICE,
                area=area,
                parent=city_centre,
            )
            offices[office.code] = office
            district_office[code] = office.pk
        groups = {g.code: g for g in SkillGroup.objects.all()}
        for code in ALL_GROUPS:
            if code not in groups:
                groups[code] = SkillGroup.objects.create(code=code, name=code)

        staff: dict[tuple[int, str], list[int]] = {}
        seq = 990  # staff ID numbers use sequence codes 990-999: never an applicant's
        for office in offices.values():
            region = office.area.code if office.area.kind == Area.Kind.DISTRICT else DISTRICTS[1][0]
            office_groups = [groups[g] for g in CENTRE_GROUPS.get(office.code, ALL_GROUPS)]
            for role, level, count in (
                (Role.CLERK, 1, CLERKS_PER_OFFICE),
                (Role.REVIEWER, 2, REVIEWERS_PER_OFFICE),
                (Role.APPROVER, 3, APPROVERS_PER_OFFICE),
            ):
                for i in range(count):
                    birth = dt.date(1970, 1, 1) + dt.timedelta(days=rng.randrange(12_000))
                    person = Account(
                        username=f"{role}-{office.code.lower()}-{i + 1}",
                        kind=Account.Kind.STAFF,
                        role=role,
                        full_name=rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN),
                        id_number=id_number(region, birth, seq + (i % 10)),
                        office=office,
                        authority_level=level,
                    )
                    person.set_unusable_password()
                    person.save()
                    person.skill_groups.set(office_groups)
                    staff.setdefault((office.pk, str(role)), []).append(person.pk)
        # The load's users: the first clerk of 14 district offices and of the medical and card centres.
        bench_codes = [f"SI-{code}" for code, _n, _w in DISTRICTS[:14]] + [MEDICAL_CENTRE, CARD_CENTRE]
        bench_users = [staff[(offices[c].pk, str(Role.CLERK))][0] for c in bench_codes]
        for pk in bench_users:
            TOTPDevice.objects.create(user_id=pk, name="default", confirmed=True)
    return Org(
        district_office=district_office,
        office_by_code={code: o.pk for code, o in offices.items()},
        office_parent={o.pk: o.parent_id for o in offices.values()},
        staff=staff,
        bench_users=bench_users,
        skill_groups={code: g.pk for code, g in groups.items()},
    )


def staff_sessions(*, user_ids: list[int]) -> list[str]:
    """A database session per user, signed in and past the second factor (django_otp)."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from shebao.core.models import Account

    keys = []
    for user in Account.objects.filter(pk__in=user_ids).order_by("pk"):
        device = TOTPDevice.objects.get(user=user, name="default")
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "shebao.core.backends.AccountBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.create()
        keys.append(session.session_key)
    by_user = dict(zip(sorted(user_ids), keys, strict=True))
    return [by_user[u] for u in user_ids]


# --- the catalogue as plain tuples -------------------------------------------------------------


@dataclass(frozen=True)
class StepDef:
    id: int
    kind: str
    min_authority: int


@dataclass(frozen=True)
class PhaseDef:
    id: int
    party: str
    rule: str
    limit: int | None
    steps: tuple[StepDef, ...]


@dataclass(frozen=True)
class ItemDef:
    id: int
    code: str
    version: int
    group: str
    channels: tuple[str, ...]
    phases: tuple[PhaseDef, ...]
    materials: tuple[tuple[int, bool, bool], ...]  # (id, required, commitment allowed)
    instant: bool
    promised: int | None = None  # the item's promised working days (承诺时限) across its phases


def catalogue() -> list[ItemDef]:
    from shebao.catalog.models import ServiceItem

    items = []
    qs = ServiceItem.objects.filter(is_active=True).select_related("skill_group")
    for item in qs.prefetch_related("phases__steps", "materials").order_by("code"):
        phases_db = sorted(item.phases.all(), key=lambda p: p.order)
        phases = tuple(
            PhaseDef(
                id=p.pk,
                party=p.party,
                rule=p.jurisdiction or item.jurisdiction,
                limit=p.promised_days
                if p.promised_days is not None
                else (item.promised_days if len(phases_db) == 1 else None),
                steps=tuple(
                    StepDef(s.pk, s.kind, s.min_authority) for s in sorted(p.steps.all(), key=lambda s: s.order)
                ),
            )
            for p in phases_db
        )
        if not phases or not all(p.steps for p in phases):
            continue
        items.append(
            ItemDef(
                id=item.pk,
                code=item.code,
                version=item.version,
                group=item.skill_group.code,
                channels=tuple(c for c in item.channels if c in CHANNEL_WEIGHT) or ("hall",),
                phases=phases,
                materials=tuple((m.pk, m.required, m.commitment_allowed) for m in item.materials.all()),
                instant=item.promised_days == 0,
                promised=item.promised_days,
            )
        )
    return items


# --- case generation ----------------------------------------------------------------------------


@dataclass
class Batch:
    cases: list[tuple] = field(default_factory=list)
    phases: list[tuple] = field(default_factory=list)
    records: list[tuple] = field(default_factory=list)
    materials: list[tuple] = field(default_factory=list)
    pauses: list[tuple] = field(default_factory=list)


@dataclass
class LoadReport:
    cases: int = 0
    phases: int = 0
    records: int = 0
    materials: int = 0
    pauses: int = 0
    by_status: dict[str, int] = field(default_factory=dict)
    overdue: int = 0
    seconds: float = 0.0
    analyze_seconds: float = 0.0

    @property
    def rows(self) -> int:
        return self.cases + self.phases + self.records + self.materials + self.pauses


class CaseMaker:
    """Makes the rows of one case at a time; ids are assigned here (the tables start empty)."""

    def __init__(self, *, org: Org, items: list[ItemDef], today: dt.date, seed: int) -> None:
        from shebao.core import workdays

        self.workdays = workdays
        self.org, self.items, self.today = org, items, today
        self.rng = random.Random(seed)
        self.item_cw = self._cumulative([GROUP_WEIGHT.get(i.group, 1.0) * (1.5 if i.instant else 1.0) for i in items])
        self.district_codes = [c for c, _n, _w in DISTRICTS]
        self.district_cw = self._cumulative([w for _c, _n, w in DISTRICTS])
        self.status_names = [s for s, _ in STATUS_SHARES]
        self.status_cw = self._cumulative([w for _, w in STATUS_SHARES])
        self.next_phase = self.next_record = self.next_material = self.next_pause = 1
        self._due: dict[tuple[dt.date, int], tuple[dt.date, bool]] = {}
        self._between: dict[tuple[dt.date, dt.date], int] = {}
        self._actionable: dict[int, list[tuple[int, int]]] = {}
        self._applicants: list[tuple[str, str, str, str]] = []  # (id number, name, district, phone)
        for _ in range(APPLICANTS):
            district = self.rng.choices(self.district_codes, cum_weights=self.district_cw)[0]
            birth = dt.date(1955, 1, 1) + dt.timedelta(days=self.rng.randrange(18_250))
            name = self.rng.choice(SURNAMES) + "".join(self.rng.choices(GIVEN, k=self.rng.choice((1, 2))))
            phone = f"1{self.rng.choice('3589')}{self.rng.randrange(10**9):09d}"
            self._applicants.append((id_number(district, birth, self.rng.randrange(1, 990)), name, district, phone))
        self.tomorrow = self.due(today, 1)[0]

    @staticmethod
    def _cumulative(weights: list[float]) -> list[float]:
        total, out = 0.0, []
        for w in weights:
            total += w
            out.append(total)
        return out

    def due(self, start: dt.date, workdays: int) -> tuple[dt.date, bool]:
        key = (start, workdays)
        hit = self._due.get(key)
        if hit is None:
            result = self.workdays.due_date(start=start, workdays=workdays)
            hit = self._due[key] = (result.due_date, result.provisional)
        return hit

    def between(self, start: dt.date, end: dt.date) -> int:
        key = (start, end)
        hit = self._between.get(key)
        if hit is None:
            hit = self._between[key] = self.workdays.workdays_between(start=start, end=end)
        return hit

    def _office_for(self, rule: str, district: str, receiving: int | None) -> int:
        if rule == "medical_centre":
            return self.org.office_by_code[MEDICAL_CENTRE]
        if rule == "card_centre":
            return self.org.office_by_code[CARD_CENTRE]
        if rule == "city_centre":
            return self.org.office_by_code[CITY_CENTRE]
        if rule == "receiving_office" and receiving is not None:
            return receiving
        return self.org.district_office[district]

    def _actor(self, office: int, kind: str) -> int | None:
        role = {"accept": "clerk", "callback": "clerk", "review": "reviewer", "reply": "reviewer"}.get(kind)
        if kind == "outside":
            return None
        pool = self.org.staff.get((office, role or "approver"))
        return self.rng.choice(pool) if pool else None

    def _status_for(self, item: ItemDef) -> str:
        status = self.rng.choices(self.status_names, cum_weights=self.status_cw)[0]
        if status == "waiting_outside" and not any(p.party == "outside" for p in item.phases):
            status = "in_progress"
        if status == "awaiting_materials" and not any(req for _m, req, _c in item.materials):
            status = "in_progress"
        if item.instant and status in ("in_progress", "suspended") and self.rng.random() < 0.7:
            status = "completed"  # instant items are mostly done at the window
        return status

    @staticmethod
    def _stamp(day: dt.date, minute: int) -> str:
        """A UTC timestamp for ``minute`` (local, Asia/Shanghai, 08:00-23:59) of ``day``."""
        return f"{day.isoformat()} {minute // 60 - 8:02d}:{minute % 60:02d}:00+00"

    def _span_days(self, limit: int | None) -> int:
        """Working days a finished phase took: within its limit, a few late."""
        if limit is None:
            return self.rng.randint(3, 20)
        if limit == 0:
            return 0
        if self.rng.random() < 0.04:
            return limit + self.rng.randint(1, 3)
        return self.rng.randint(max(1, limit // 5), limit)

    def make(self, case_id: int, out: Batch, report: LoadReport) -> None:
        rng = self.rng
        item = self.items[min(bisect_right(self.item_cw, rng.random() * self.item_cw[-1]), len(self.items) - 1)]
        ident, name, district, phone = self._applicants[rng.randrange(APPLICANTS)]
        channel = rng.choices(item.channels, weights=[CHANNEL_WEIGHT[c] for c in item.channels])[0]
        status = self._status_for(item)
        home = self.org.district_office[district]
        first_rule = item.phases[0].rule
        receiving: int | None = None
        if first_rule == "receiving_office":
            channel, receiving = "hall", home
        elif channel == "hall":
            receiving = self._office_for(first_rule, district, None)
        elif channel == "community":
            receiving = home
        offices = [self._office_for(p.rule, district, receiving) for p in item.phases]
        received_by = None
        if receiving is not None:
            pool = self.org.staff.get((receiving, "clerk"))
            received_by = rng.choice(pool) if pool else None

        # -- the timeline: when each phase started and finished, which step is current --------
        n_phases = len(item.phases)
        starts: list[dt.date | None] = [None] * n_phases
        ends: list[dt.date | None] = [None] * n_phases
        current: tuple[int, int] | None = None  # (phase index, step index within the phase)
        closed_on: dt.date | None = None
        if status in ("completed", "rejected", "withdrawn"):
            day = self.today - dt.timedelta(days=rng.randint(1, HISTORY_DAYS))
            received = day
            stop = n_phases
            if status == "rejected":
                current = self._pick_step(item, rng)
                stop = current[0]
            elif status == "withdrawn":
                current = (0, rng.randrange(len(item.phases[0].steps)))
                stop = 0
            for i in range(stop):
                starts[i] = day
                day = min(self.due(day, self._span_days(item.phases[i].limit))[0], self.today)
                ends[i] = day
            if status != "completed":
                starts[stop] = day
            closed_on = day
        elif status == "awaiting_materials":
            received = self.today - dt.timedelta(days=rng.randint(0, 20))
        else:
            if status == "waiting_outside":
                pi = next(i for i, p in enumerate(item.phases) if p.party == "outside")
                current = (pi, 0)
            else:
                current = self._pick_step(item, rng)
            pi = current[0]
            limit = item.phases[pi].limit
            # The running phase started within its limit (7 calendar days ≈ 5 working days),
            # about one in ten a little before: those are overdue. Instant items: today.
            if limit is None:
                back = rng.randint(0, 10)
            elif limit == 0:
                back = 0 if rng.random() < 0.85 else 1
            else:
                back = rng.randint(0, int(limit * 1.4 * 1.1))
            day = self.today - dt.timedelta(days=back)
            starts[pi] = day
            for i in range(pi - 1, -1, -1):  # earlier phases, backwards in calendar days
                ends[i] = day
                day = day - dt.timedelta(days=max(0, int(self._span_days(item.phases[i].limit) * 1.4)))
                starts[i] = day
            received = day

        # -- rows ---------------------------------------------------------------------------------
        minute = (
            rng.randrange(9 * 60, 17 * 60)
            if channel in ("hall", "community", "bank")
            else rng.randrange(8 * 60, 22 * 60)
        )
        received_at = self._stamp(received, minute)
        last_day, last_minute = received, minute
        version = 1
        due_date = None
        provisional = False
        current_step_id = None
        required_authority = 1
        case_office = offices[0]
        for i, phase in enumerate(item.phases):
            start, end = starts[i], ends[i]
            phase_status, phase_due = "pending", None
            if start is not None and phase.limit is not None:
                phase_due, phase_prov = self.due(start, phase.limit)
            if end is not None or (status == "rejected" and start is not None):
                phase_status = "done"
            elif start is not None:
                phase_status = "paused" if status == "suspended" else "running"
            if status == "rejected" and start is None and current is not None and i > current[0]:
                phase_status = "done"  # case_reject closes every phase still open
            finished = end if end is not None else (closed_on if phase_status == "done" else None)
            out.phases.append(
                (
                    self.next_phase,
                    case_id,
                    phase.id,
                    offices[i],
                    phase_status,
                    phase.limit,
                    start,
                    0,
                    0,
                    phase_due,
                    finished,
                    None,  # routed_on: dispatched by hand or rule after opening; none here
                )
            )
            self.next_phase += 1
            if start is None:
                continue
            # steps done in this phase
            done = len(phase.steps) if end is not None else (current[1] if current and current[0] == i else 0)
            span = (end or (closed_on if status in ("rejected", "withdrawn") else self.today)) - start
            for si in range(done):
                step = phase.steps[si]
                day = start + dt.timedelta(days=(span.days * (si + 1)) // max(1, len(phase.steps)))
                last_day, last_minute = self._advance(day, last_day, last_minute, rng)
                action = "outside_done" if step.kind == "outside" else step.kind
                actor = self._actor(offices[i], step.kind)
                out.records.append(
                    (
                        self.next_record,
                        case_id,
                        step.id,
                        action,
                        actor,
                        offices[i] if actor else None,
                        "",
                        self._stamp(last_day, last_minute),
                    )
                )
                self.next_record += 1
                version += 1
            if current is not None and current[0] == i and status not in ("completed",):
                step = phase.steps[current[1]]
                case_office = offices[i]
                if status == "rejected":
                    last_day, last_minute = self._advance(closed_on, last_day, last_minute, rng)  # type: ignore[arg-type]
                    actor = self._actor(offices[i], step.kind)
                    out.records.append(
                        (
                            self.next_record,
                            case_id,
                            step.id,
                            "reject",
                            actor,
                            offices[i],
                            REJECTION,
                            self._stamp(last_day, last_minute),
                        )
                    )
                    self.next_record += 1
                    version += 1
                elif status != "withdrawn":
                    current_step_id, required_authority = step.id, step.min_authority
                    if status in ("in_progress", "waiting_outside"):
                        due_date, provisional = phase_due, phase_prov if phase_due else False
        if status == "completed":
            case_office = offices[-1]
            closed_at = self._stamp(*self._advance(closed_on, last_day, last_minute, rng))  # type: ignore[arg-type]
        elif status in ("rejected", "withdrawn"):
            closed_at = self._stamp(*self._advance(closed_on, last_day, last_minute, rng))  # type: ignore[arg-type]
            version += 1
        else:
            closed_at = None

        escalation, warned_on = 0, None
        if status == "in_progress" and due_date is not None:
            if due_date < self.today:
                report.overdue += 1
                escalation = min(2, self.between(due_date, self.today))
                warned_on = due_date - dt.timedelta(days=1)
                version += escalation
            elif due_date <= self.tomorrow:
                warned_on = self.today
        if status in ("awaiting_materials", "suspended"):
            kind = "materials" if status == "awaiting_materials" else "suspension"
            reason = "收件时材料不全" if kind == "materials" else "申请人涉及司法程序，依法中止"
            out.pauses.append((self.next_pause, case_id, kind, last_day, None, 0, reason, received_by))
            self.next_pause += 1
        missing_one = status == "awaiting_materials"
        for material_id, required, commitment in item.materials:
            state = "received"
            if missing_one and required:
                state, missing_one = "missing", False
            elif commitment and rng.random() < 0.2:
                state = "commitment"
            out.materials.append((self.next_material, case_id, material_id, state, received_at, None, None))
            self.next_material += 1

        form = {"phone": phone, "address": f"{rng.choice(STREETS)}{rng.randint(1, 999)}号"}
        out.cases.append(
            (
                case_id,
                f"{received:%y%m%d}{case_id:08d}",
                item.id,
                item.version,
                "",
                ident,
                name,
                None,
                "",
                phone if channel in ("hall", "community") else "",
                channel,
                receiving,
                case_office,
                received_at,
                received_by,
                json.dumps(form, ensure_ascii=False),
                status,
                current_step_id,
                required_authority,
                due_date,
                provisional,
                escalation,
                warned_on,
                closed_at,
                "申请人撤回" if status == "withdrawn" else "",
                json.dumps([REJECTION], ensure_ascii=False) if status == "rejected" else "[]",
                None,
                version,
                # the columns added by the core corrections (CASE_COLUMNS_ADDED), as the services
                # write them now: a window's receipt is filed by staff, the rest by the person
                "staff" if received_by is not None else "citizen",
                None,
                self._clock_start(received, minute, channel),
                escalation,  # the SLA scan raised escalation_level by its overdue level
                item.promised,
                status in ("awaiting_materials", "suspended"),  # CASE_COLUMNS_LATER: the pause below
            )
        )
        report.by_status[status] = report.by_status.get(status, 0) + 1

    def _clock_start(self, received: dt.date, minute: int, channel: str) -> dt.date:
        """The day the case's clock counts from (``cases.rules.clock_start_day``): the day of
        receipt, or the next working day for an online application on a rest day or after the
        office closed. Consumes no random numbers: the rows stay those of the same seed."""
        if channel not in ONLINE_CHANNELS:
            return received
        if self.between(received - dt.timedelta(days=1), received) == 1 and minute < OFFICE_CLOSES:
            return received
        return self.due(received, 1)[0]

    def _pick_step(self, item: ItemDef, rng: random.Random) -> tuple[int, int]:
        """A current step that staff act on (not an outside party's), uniformly over the steps."""
        choices = self._actionable.get(item.id)
        if choices is None:
            choices = self._actionable[item.id] = [
                (pi, si) for pi, p in enumerate(item.phases) for si, s in enumerate(p.steps) if s.kind != "outside"
            ]
        return rng.choice(choices)

    @staticmethod
    def _advance(day: dt.date, last_day: dt.date, last_minute: int, rng: random.Random) -> tuple[dt.date, int]:
        """The next moment after (last_day, last_minute), on ``day`` if that is later."""
        if day > last_day:
            return day, rng.randrange(9 * 60, 17 * 60)
        return last_day, min(last_minute + rng.randint(3, 45), 23 * 60 + 59)


def _schema_columns() -> dict[str, tuple[str, ...]]:
    """The columns to write per model: the base lists, plus the added ones when the models have
    them (all of them or none). Fails early if the models moved away from the lists above."""
    from shebao.cases.models import Case, CaseMaterial, CasePause, CasePhase, CaseStepRecord

    out = {}
    for model, base, added, later in (
        (Case, CASE_COLUMNS, CASE_COLUMNS_ADDED, CASE_COLUMNS_LATER),
        (CasePhase, PHASE_COLUMNS, PHASE_COLUMNS_ADDED, ()),
        (CaseStepRecord, RECORD_COLUMNS, (), ()),
        (CaseMaterial, MATERIAL_COLUMNS, MATERIAL_COLUMNS_ADDED, ()),
        (CasePause, PAUSE_COLUMNS, (), ()),
    ):
        actual = {f.column for f in model._meta.concrete_fields}
        for columns in (base + added + later, base + added, base):
            if actual == set(columns):
                out[model.__name__] = columns
                break
        else:
            raise SystemExit(f"{model.__name__}: columns changed: {sorted(actual ^ set(base + added))}")
    return out


def load_cases(
    *, org: Org, count: int, batch: int, seed: int, today: dt.date, progress: Callable[[str], None] = print
) -> LoadReport:
    """Write ``count`` cases and their phases, step records, materials and pauses with COPY,
    one transaction per ``batch`` cases, then VACUUM ANALYZE the database."""
    from shebao.cases.models import Case, CaseMaterial, CasePause, CasePhase, CaseStepRecord

    columns = _schema_columns()
    tables = [
        (model._meta.db_table, columns[model.__name__], attr)
        for model, attr in (
            (Case, "cases"),
            (CasePhase, "phases"),
            (CaseStepRecord, "records"),
            (CaseMaterial, "materials"),
            (CasePause, "pauses"),
        )
    ]
    maker = CaseMaker(org=org, items=catalogue(), today=today, seed=seed)
    report = LoadReport()
    started = time.perf_counter()
    next_case = 1
    while next_case <= count:
        out = Batch()
        last = min(count, next_case + batch - 1)
        for case_id in range(next_case, last + 1):
            maker.make(case_id, out, report)
        with transaction.atomic(), connection.cursor() as cursor:
            for table, columns, attr in tables:
                rows = getattr(out, attr)
                with cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                    width = len(columns)  # the rows carry the added columns last: cut to the schema
                    for row in rows:
                        copy.write_row(row[:width])
                setattr(report, attr, getattr(report, attr) + len(rows))
        next_case = last + 1
        elapsed = time.perf_counter() - started
        progress(f"  {last:>9,} cases, {report.rows:>10,} rows, {elapsed:6.1f} s ({report.rows / elapsed:,.0f} rows/s)")
    with connection.cursor() as cursor:
        for table, _columns, _attr in tables:
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence(%s, 'id'), COALESCE((SELECT max(id) FROM {table}), 1))",
                [table],
            )
    report.seconds = time.perf_counter() - started
    analyze_started = time.perf_counter()
    with connection.cursor() as cursor:
        # The whole database, not only the case tables: the queue's plan depends on the
        # statistics of the small catalogue and account tables too (and autovacuum may be off).
        cursor.execute("VACUUM (ANALYZE)")
    report.analyze_seconds = time.perf_counter() - analyze_started
    return report
