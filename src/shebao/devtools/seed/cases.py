"""A day's work for the demo: citizens of 江岸区 and 武昌区 apply online, and the district's
clerks, reviewers and approvers have taken some of the cases forward, so the workbench, the
case pages and "my cases" show something real. Every case goes through the engine's services,
with the same rules as any other."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from shebao.cases import services
from shebao.cases.materials import upload_store
from shebao.cases.models import Case
from shebao.cases.services.materials import case_material_verify
from shebao.catalog.definitions import Applicant
from shebao.catalog.models import Jurisdiction, ServiceItem
from shebao.core.errors import ShebaoError
from shebao.core.models import Account
from shebao.registry.models import Person

DISTRICT_CODES = ("420102", "420106")
TARGET = 36
DEMO_SCAN = b"%PDF-1.4\n% a demo applicant's scanned materials\n%%EOF\n"


def _form(schema: list[dict[str, Any]], person: Person, rng: random.Random) -> dict[str, str]:
    form: dict[str, str] = {}
    day = dt.date(2026, 3, 1)
    for field in schema:
        name, kind = field["name"], field["type"]
        if kind == "id_number":
            form[name] = person.id_number
        elif kind == "date":
            form[name] = day.isoformat()
            day += dt.timedelta(days=40)
        elif kind == "decimal":
            form[name] = str(rng.choice([4498, 6000, 7496]))
        elif kind == "int":
            form[name] = "1"
        elif kind == "choice":
            form[name] = field["choices"][0][0]
        elif kind == "phone":
            form[name] = person.phone or "13800138000"
        elif kind == "bool":
            form[name] = "1"
        elif name in ("name", "applicant_name"):
            form[name] = person.name
        elif name == "new_value" and form.get("change_item") == "phone":
            form[name] = f"139{rng.randrange(10**8):08d}"  # a new number for a phone change
        else:
            form[name] = person.address or "武汉市江岸区胜利街1号"
    return form


def write_demo_cases(*, seed: int = 2026) -> int:
    """Open and advance about three dozen cases. Runs inside the caller's transaction; items
    whose own checks refuse the generated form are passed over."""
    rng = random.Random(f"{seed}:cases")
    items = [
        i
        for i in ServiceItem.objects.filter(is_active=True, jurisdiction=Jurisdiction.APPLICANT_DISTRICT).order_by(
            "code"
        )
        if "online" in i.channels and not i.phases.filter(party="outside").exists()
    ]
    people = list(
        Person.objects.filter(account__isnull=False, district__code__in=DISTRICT_CODES)
        .select_related("account", "district")
        .order_by("id")
    )
    staff = {
        a.username: a
        for a in Account.objects.filter(
            username__in=["clerk", "reviewer", "approver", "clerk_wc", "reviewer_wc", "approver_wc"]
        )
    }
    opened = 0
    scans: dict[int, str] = {}
    for n in range(TARGET * 3):
        if opened >= TARGET or not people or not items:
            break
        person = people[n % len(people)]
        item = items[(n * 7) % len(items)]
        applicant = Applicant(
            id_number=person.id_number, name=person.name, district=person.district, account=person.account
        )
        # online, a material is a file the applicant uploads (only a window verifies an original)
        if person.account is None:  # (the people chosen have accounts)
            continue
        if person.pk not in scans:
            scans[person.pk] = upload_store(
                actor=person.account, name="材料扫描件.pdf", content=DEMO_SCAN, channel="online"
            ).ref
        materials = {m.code: {"state": "uploaded", "file": scans[person.pk]} for m in item.materials.all()}
        if n % 6 == 5 and materials:  # now and then something is missing (一次性告知)
            materials.pop(next(iter(materials)))
        try:
            case = services.case_open(
                actor=person.account,
                item_code=item.code,
                applicant=applicant,
                channel="online",
                form=_form(item.form_schema, person, rng),
                materials=materials,
                phone=person.phone,
            )
        except ShebaoError:
            continue
        opened += 1
        suffix = "" if person.district.code == "420102" else "_wc"
        if n % 4:  # the office verifies most uploads at once (issue 13); a quarter wait for a clerk
            _verify_uploads(case, staff["clerk" + suffix])
        for username in ("clerk", "reviewer", "approver")[: rng.choice([0, 0, 1, 2, 3])]:
            case = Case.objects.get(pk=case.pk)
            if case.status != Case.Status.IN_PROGRESS or case.current_step is None:
                break
            try:
                case = services.case_act(
                    actor=staff[username + suffix], case_id=case.pk, version=case.version, action=case.current_step.kind
                )
            except ShebaoError:
                break
    return opened


def _verify_uploads(case: Case, clerk: Account) -> None:
    """A clerk verifies every file of ``case`` still waiting (the clock starts with the last)."""
    for code in case.materials.filter(verification="pending").values_list("material__code", flat=True):
        fresh = Case.objects.get(pk=case.pk)
        try:
            case_material_verify(actor=clerk, case_id=fresh.pk, version=fresh.version, code=code, decision="verified")
        except ShebaoError:
            return
