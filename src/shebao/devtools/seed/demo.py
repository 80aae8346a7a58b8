"""``shebao seed --demo``: the deterministic, idempotent demo data set, and its printed logins.

Everything is planned first by pure functions seeded with ``SEED`` (same plan on every run and
machine), then written in one transaction that also appends a ``seed.demo`` audit event. That
event is how a second run knows the data is there: it then only prints the accounts.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from shebao.cases.models import Case
from shebao.catalog.models import ServiceItem
from shebao.catalog.services import catalog_sync
from shebao.contributions.models import Bill, ContributionMonth, ContributionYear
from shebao.core import audit
from shebao.core.errors import Conflict, InvalidInput, NotFound
from shebao.core.models import Account, Area, AuditEvent, Office, Role
from shebao.devtools.seed.cadres import write_demo_cadres
from shebao.devtools.seed.cases import write_demo_cases
from shebao.devtools.seed.content import write_demo_content
from shebao.devtools.seed.data import CITY_CODE
from shebao.devtools.seed.ledger import write_demo_ledger
from shebao.devtools.seed.online import write_demo_online
from shebao.devtools.seed.org import OrgPlan, plan_org, write_org
from shebao.devtools.seed.people import DEMO_CITIZENS, IdNumberPool, PeoplePlan, plan_people, write_people
from shebao.devtools.seed.retirees import retiree_logins, write_demo_retirees
from shebao.devtools.seed.staff import STAFF, StaffPlan, plan_staff, totp_code, totp_secret, write_staff
from shebao.pensions.transfers.demo import write_demo_transfers
from shebao.registry.models import Employment, Person, Unit

SEED = 2026
DEFAULT_PERSONS = 2000
DEMO_ACTION = "seed.demo"
# One demo password per kind of account, printed by the command. Demo only: production data
# never comes from this module.
DEMO_PASSWORDS = {
    Account.Kind.STAFF: "Staff#2026demo",
    Account.Kind.CITIZEN: "Citizen#2026demo",
    Account.Kind.UNIT: "Unit#2026demo",
}


class SeedConflict(Conflict):
    code = "seed_conflict"


@dataclass(frozen=True)
class DemoPlan:
    org: OrgPlan
    staff: list[StaffPlan]
    people: PeoplePlan


@dataclass(frozen=True)
class DemoResult:
    created: bool
    counts: dict[str, int]


@dataclass(frozen=True)
class Login:
    role: str
    username: str
    password: str
    full_name: str
    office: str
    totp_secret: str = ""
    totp_code: str = ""


def plan_demo(*, persons: int = DEFAULT_PERSONS) -> DemoPlan:
    """The whole demo data set as plain rows, a pure function of ``persons``."""
    ids = IdNumberPool(random.Random(f"{SEED}:ids"))  # one pool: staff and persons never share a number
    return DemoPlan(
        org=plan_org(seed=SEED),
        staff=plan_staff(seed=SEED, ids=ids),
        people=plan_people(seed=SEED, persons=persons, ids=ids),
    )


def demo_present() -> bool:
    return AuditEvent.objects.filter(action=DEMO_ACTION).exists()


def data_counts() -> dict[str, int]:
    counts = {f"areas.{row['kind']}": row["n"] for row in Area.objects.values("kind").annotate(n=Count("id"))}
    counts |= {f"offices.{row['kind']}": row["n"] for row in Office.objects.values("kind").annotate(n=Count("id"))}
    counts |= {f"accounts.{row['kind']}": row["n"] for row in Account.objects.values("kind").annotate(n=Count("id"))}
    counts |= {
        "persons": Person.objects.count(),
        "units": Unit.objects.count(),
        "employments": Employment.objects.count(),
        "contribution_years": ContributionYear.objects.count(),
        "contribution_months": ContributionMonth.objects.count(),
        "bills": Bill.objects.count(),
        "service_items": ServiceItem.objects.count(),
        "cases": Case.objects.count(),
    }
    return dict(sorted(counts.items()))


def seed_demo(*, persons: int = DEFAULT_PERSONS) -> DemoResult:
    """Write the demo data set once. A second call finds the ``seed.demo`` audit event and
    writes nothing. Refuses to mix into a database whose organisation came from elsewhere."""
    if persons < len(DEMO_CITIZENS):
        raise InvalidInput(
            f"演示数据至少需要 {len(DEMO_CITIZENS)} 名参保人", f"The demo needs at least {len(DEMO_CITIZENS)} persons"
        )
    with transaction.atomic():
        if demo_present():
            write_demo_retirees(today=timezone.localdate())  # a demo made before the retirees came
            write_demo_content(today=timezone.localdate())  # and before the content came
            write_demo_cadres()  # and before the cadres came
            write_demo_online(today=timezone.localdate())  # and before 代办 came
            return DemoResult(created=False, counts=data_counts())
        if Area.objects.filter(code=CITY_CODE).exists():
            raise SeedConflict(
                "数据库中已有非演示种子创建的组织机构数据，演示数据不能与之混合；请使用空数据库",
                "The database already holds an organisation not made by the demo seed; use an empty database",
            )
        plan = plan_demo(persons=persons)
        org = write_org(plan.org)
        write_staff(
            plan.staff,
            office_ids=org.offices,
            group_ids=org.skill_groups,
            password=make_password(DEMO_PASSWORDS[Account.Kind.STAFF]),
        )
        write_people(
            plan.people,
            area_ids=org.areas,
            citizen_password=make_password(DEMO_PASSWORDS[Account.Kind.CITIZEN]),
            unit_password=make_password(DEMO_PASSWORDS[Account.Kind.UNIT]),
        )
        catalog_sync()
        write_demo_ledger(today=timezone.localdate())
        write_demo_cases()
        write_demo_retirees(today=timezone.localdate())
        write_demo_transfers(today=timezone.localdate())
        write_demo_content(today=timezone.localdate())
        write_demo_cadres()
        write_demo_online(today=timezone.localdate())
        counts = data_counts()
        audit.record(actor=None, action=DEMO_ACTION, subject_type="seed", subject_id="demo", after=counts)
    return DemoResult(created=True, counts=counts)


def _short(label: str) -> str:
    """The Chinese half of a bilingual "中文 / English" label."""
    return label.split(" / ")[0]


def _staff_device(account: Account) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=account, confirmed=True).order_by("id").first()


def demo_logins() -> list[Login]:
    """One login per role (two for the district-level staff roles and citizens), from the data
    as stored, so a second run prints exactly what the first did (codes aside)."""
    logins = []
    staff = {a.username: a for a in Account.objects.select_related("office").filter(kind=Account.Kind.STAFF)}
    for row in STAFF:
        account = staff.get(row.username)
        if account is None:
            continue
        device = _staff_device(account)
        logins.append(
            Login(
                role=_short(Role(account.role).label),
                username=account.username,
                password=DEMO_PASSWORDS[Account.Kind.STAFF],
                full_name=account.full_name,
                office=account.office.name if account.office else "",
                totp_secret=totp_secret(device) if device else "",
                totp_code=totp_code(device) if device else "",
            )
        )
    citizens = Account.objects.filter(kind=Account.Kind.CITIZEN).select_related("person").order_by("id")
    for account in citizens[: len(DEMO_CITIZENS)]:
        person = getattr(account, "person", None)
        category = _short(person.get_category_display()) if person else ""
        logins.append(
            Login(
                role=f"{_short(Role.CITIZEN.label)}（{category}）" if category else _short(Role.CITIZEN.label),
                username=account.username,
                password=DEMO_PASSWORDS[Account.Kind.CITIZEN],
                full_name=account.full_name,
                office="",
            )
        )
    logins += [
        Login(role, a.username, DEMO_PASSWORDS[Account.Kind.CITIZEN], a.full_name, "") for role, a in retiree_logins()
    ]
    operator = Account.objects.filter(kind=Account.Kind.UNIT).order_by("id").first()
    if operator is not None:
        logins.append(
            Login(
                role=_short(Role.UNIT.label),
                username=operator.username,
                password=DEMO_PASSWORDS[Account.Kind.UNIT],
                full_name=operator.full_name,
                office="",
            )
        )
    return logins


def staff_totp(*, username: str) -> tuple[TOTPDevice, str]:
    """(device, current code) of a staff account's confirmed TOTP device."""
    account = Account.objects.filter(username=username, kind=Account.Kind.STAFF).first()
    device = _staff_device(account) if account else None
    if device is None:
        raise NotFound(
            f"没有名为 {username} 且已绑定动态口令的工作人员账户",
            f"No staff account {username} with a confirmed TOTP device",
        )
    return device, totp_code(device)
