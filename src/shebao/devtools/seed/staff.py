"""Demo staff, one or more for every staff role, each with a confirmed TOTP device.

The TOTP keys are derived from the username with a fixed demo salt, so the secret printed by
``shebao seed --demo`` stays valid across re-seeds. They are demo keys: anyone who reads this
file can compute them, which is why only the demo seed uses them.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import random
from dataclasses import dataclass

from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from shebao.core.models import Account, Role
from shebao.devtools.seed.data import DISTRICTS
from shebao.devtools.seed.org import CARD_CENTRE, CITY_CENTRE, HOTLINE, MEDICAL_CENTRE, SKILL_GROUPS
from shebao.devtools.seed.people import IdNumberPool, random_date, random_mobile

DEMO_TOTP_SALT = b"shebao-demo-totp-2026"
ALL_GROUPS = tuple(code for code, _ in SKILL_GROUPS)  # 一岗通: a window clerk handles every group
# benefit: the pension account query (YL-005, in the Saturday set) and the certification of
# pensioners (YL-010) are community-window items too
COMMUNITY_GROUPS = ("register", "contribution", "benefit", "card", "consult")


@dataclass(frozen=True)
class StaffRow:
    username: str
    role: str
    office: str  # Office code
    authority_level: int
    full_name: str
    sex: str
    skill_groups: tuple[str, ...] = ()
    superuser: bool = False


# Authority: clerk 1, reviewer 2, approver 3 (三级风险控制). 江岸区 is the demo's home district
# and 武昌区 the "other" one, as in the test actors.
STAFF: tuple[StaffRow, ...] = (
    StaffRow("clerk", Role.CLERK, "SI-420102", 1, "王晓燕", "F", ALL_GROUPS),
    StaffRow("reviewer", Role.REVIEWER, "SI-420102", 2, "李建国", "M", ALL_GROUPS),
    StaffRow("approver", Role.APPROVER, "SI-420102", 3, "赵志刚", "M", ALL_GROUPS),
    # a transfer in takes four people (受理, 复核, 复核 after the other agency, 审批)
    StaffRow("reviewer_yl", Role.REVIEWER, "SI-420102", 2, "孔繁华", "F", ALL_GROUPS),
    StaffRow("clerk_wc", Role.CLERK, "SI-420106", 1, "钱丽娟", "F", ALL_GROUPS),
    StaffRow("reviewer_wc", Role.REVIEWER, "SI-420106", 2, "孙海涛", "M", ALL_GROUPS),
    StaffRow("approver_wc", Role.APPROVER, "SI-420106", 3, "周红梅", "F", ALL_GROUPS),
    StaffRow("clerk_cc", Role.CLERK, "CC-420102001", 1, "郑佳怡", "F", COMMUNITY_GROUPS),
    # the city centres' windows, weekdays and the Saturday service
    StaffRow("clerk_med", Role.CLERK, MEDICAL_CENTRE, 1, "何静", "F", ("medical", "consult")),
    StaffRow("reviewer_med", Role.REVIEWER, MEDICAL_CENTRE, 2, "吕志强", "M", ("medical",)),
    StaffRow("approver_med", Role.APPROVER, MEDICAL_CENTRE, 3, "施慧敏", "F", ("medical",)),
    StaffRow("clerk_card", Role.CLERK, CARD_CENTRE, 1, "张伟", "M", ("card", "consult")),
    StaffRow("supervisor", Role.SUPERVISOR, "SI-420102", 2, "吴敏", "F", ("consult",)),
    StaffRow("hotline", Role.HOTLINE, HOTLINE, 1, "冯雪", "F", ("consult",)),
    StaffRow("bank_agent", Role.BANK_AGENT, "BANK-01", 1, "陈鹏", "M", ("card",)),
    StaffRow("monitor", Role.MONITOR_CITY, CITY_CENTRE, 3, "褚文博", "M"),
    StaffRow("monitor_ja", Role.MONITOR_DISTRICT, "SI-420102", 3, "卫东", "M"),
    StaffRow("admin", Role.ADMIN, CITY_CENTRE, 3, "蒋立", "M", superuser=True),
)


def demo_totp_key(username: str) -> str:
    """The demo TOTP key of a username: 20 bytes, hex-encoded as django-otp stores it."""
    return hmac.new(DEMO_TOTP_SALT, username.encode(), hashlib.sha1).hexdigest()


def totp_secret(device: TOTPDevice) -> str:
    """The base32 secret an authenticator app is given."""
    return base64.b32encode(device.bin_key).decode()


def totp_code(device: TOTPDevice, *, at: float | None = None) -> str:
    """The device's code now (or at ``at``, a Unix time), zero-padded to its digits."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    if at is not None:
        totp.time = at
    return f"{totp.token():0{device.digits}d}"


@dataclass(frozen=True)
class StaffPlan:
    row: StaffRow
    id_number: str
    phone: str


def plan_staff(*, seed: int, ids: IdNumberPool) -> list[StaffPlan]:
    rng = random.Random(f"{seed}:staff")
    regions = {f"SI-{d.code}": d.id_region for d in DISTRICTS}
    plans = []
    for row in STAFF:
        birth = random_date(rng, dt.date(1970, 1, 1), dt.date(1998, 12, 31))
        number = ids.new(region=regions.get(row.office, "420103"), birth_date=birth, sex=row.sex)
        plans.append(StaffPlan(row, number, random_mobile(rng)))
    return plans


def write_staff(
    plans: list[StaffPlan], *, office_ids: dict[str, int], group_ids: dict[str, int], password: str
) -> list[Account]:
    """Create the staff accounts and their TOTP devices. Runs inside the caller's transaction."""
    accounts = []
    for plan in plans:
        row = plan.row
        account = Account.objects.create(
            username=row.username,
            password=password,
            kind=Account.Kind.STAFF,
            role=row.role,
            full_name=row.full_name,
            id_number=plan.id_number,
            phone=plan.phone,
            office_id=office_ids[row.office],
            authority_level=row.authority_level,
            is_staff=row.superuser,
            is_superuser=row.superuser,
        )
        account.skill_groups.set([group_ids[g] for g in row.skill_groups])
        TOTPDevice.objects.create(user=account, name="演示令牌 / demo", key=demo_totp_key(row.username), confirmed=True)
        accounts.append(account)
    return accounts
