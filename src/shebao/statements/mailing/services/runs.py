"""Commands of the annual mailing: a person's delivery preference, starting a run (and its
chunks), the address manifest, returned mail and the re-send run.

《社会保险法》第七十四条: the agency sends every insured person their rights record free of
charge, regularly; 人社部令第14号 makes it at least once a year. A person may take it
electronically instead (a message with a link, no paper): the run respects the choice.
"""

from __future__ import annotations

import csv
import hashlib
import io
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Max, Min
from django.urls import reverse
from django.utils import timezone

from shebao.core import audit
from shebao.core.channels import Channel
from shebao.core.errors import InvalidInput, NotAllowed, NotFound
from shebao.core.jobs import job_create
from shebao.core.models import Account, Area, Role
from shebao.core.notify import notification_enqueue
from shebao.registry.models import Person
from shebao.registry.selectors import persons_visible
from shebao.statements.document import statement_verify_url
from shebao.statements.mailing.bulk import statements_issue_bulk
from shebao.statements.mailing.models import DeliveryPreference, MailingBatch, MailingItem, MailingRun, ReturnedMail
from shebao.statements.models import Statement
from shebao.statements.render import StatementBook
from shebao.statements.selectors import year_check

JOB_KIND = "statement_mailing.run"
CHUNK_SIZE = 500  # persons per chunk: one PDF batch of at most this many pages
MAILING_ROLES = frozenset({Role.CLERK, Role.REVIEWER, Role.APPROVER})  # those who may issue statements
MANIFEST_COLUMNS = ("序号", "邮政编码", "投递道段", "姓名", "邮寄地址", "记录单编号", "批次文件", "页码")
XLSX_SHEET_ROWS = 1_000_000  # Excel holds 1,048,576 rows a sheet: a larger manifest takes more sheets
SCAN_MAX_ROWS = 50_000


def _staff_area(actor: Account) -> Area | None:
    """The area a staff member's office covers (None for anyone else)."""
    if actor is None or not actor.is_authenticated or not actor.is_active or actor.kind != Account.Kind.STAFF:
        return None
    office = actor.office
    return office.area if office is not None else None


def _require_mailing_staff(actor: Account) -> Area:
    area = _staff_area(actor)
    if area is None or actor.role not in MAILING_ROLES:
        raise NotAllowed("只有经办人员可以寄送权益记录单", "Only agency staff send rights statements")
    return area


# --- delivery preference ----------------------------------------------------------------------


def delivery_preference_set(*, actor: Account, person: Person, mode: str, channel: str) -> DeliveryPreference:
    """The person's choice of paper or electronic statements: by the person themself (online,
    app) or by a clerk who may see them (window). NotFound for anyone else, nothing written."""
    if mode not in DeliveryPreference.Mode.values:
        raise InvalidInput("寄送方式应为纸质或电子", "Delivery is paper or electronic", field="mode")
    own = person.account_id is not None and actor is not None and person.account_id == actor.pk
    staff = _staff_area(actor) is not None and actor.role in MAILING_ROLES
    if not (own or staff) or not persons_visible(actor=actor).filter(pk=person.pk).exists():
        raise NotFound("未找到该参保人", "No such insured person")
    with transaction.atomic():
        before = DeliveryPreference.objects.filter(person=person).values_list("mode", flat=True).first()
        preference, _ = DeliveryPreference.objects.update_or_create(
            person=person,
            defaults={"mode": mode, "changed_at": timezone.now(), "changed_by": actor, "channel": channel},
        )
        audit.record(
            actor=actor,
            action="mailing.preference",
            subject_type="registry.Person",
            subject_id=person.pk,
            subject_person=person.id_number,
            before={"mode": before or DeliveryPreference.Mode.PAPER},
            after={"mode": mode},
            channel=channel,
        )
    return preference


# --- runs ---------------------------------------------------------------------------------------


def _run_directory(*, year: int, run_id: int) -> Path:
    return Path(settings.VAR_DIR) / "statements" / str(year) / str(run_id)


def mailing_run_start(
    *,
    actor: Account,
    year: int,
    district_code: str | None = None,
    id_numbers: Iterable[str] | None = None,
    channel: str = Channel.HALL,
    chunk_size: int = CHUNK_SIZE,
    variant: str = MailingRun.Variant.ANNUAL,
) -> MailingRun:
    """Plan the year's mailing as a job: everyone insured, one district, or a list of ID numbers.
    ``variant`` ``pension_notice``: the retirees among them get the pension information notice
    (养老待遇明细表, from the pensions app) instead of the annual statement.

    Who: a statement clerk (clerk, reviewer, approver). Everyone: only from a city-level office;
    a district: the actor's own (or any, from the city); a list: the persons the actor may see
    (an ID number outside that is refused, by line, with nothing written).
    """
    area = _require_mailing_staff(actor)
    year_check(year)
    if variant not in MailingRun.Variant.values:
        raise InvalidInput("寄送内容不正确", "Unknown variant", field="variant")
    city_wide = area.kind == Area.Kind.CITY
    district: Area | None = None
    persons: list[int] = []
    if id_numbers is not None:
        wanted = [number.strip().upper() for number in id_numbers if number.strip()]
        if not wanted:
            raise InvalidInput("名单为空", "The list of ID numbers is empty", field="id_numbers")
        found = dict(persons_visible(actor=actor).filter(id_number__in=wanted).values_list("id_number", "pk"))
        missing = [number for number in wanted if number not in found]
        if missing:
            raise InvalidInput(
                f"以下证件号码未找到或不在管辖范围内：{'、'.join(missing[:10])}",
                f"ID numbers not found or outside your jurisdiction: {', '.join(missing[:10])}",
                field="id_numbers",
            )
        scope = MailingRun.Scope.LIST
        persons = sorted(set(found.values()))
    elif district_code:
        district = Area.objects.filter(code=district_code, kind__in=(Area.Kind.DISTRICT, Area.Kind.ZONE)).first()
        if district is None:
            raise InvalidInput(f"没有代码为 {district_code} 的区", f"No district {district_code}", field="district")
        if not city_wide and area.district_id != district.pk:
            raise NotAllowed("只能寄送本区的权益记录单", "You may mail your own district's statements only")
        scope = MailingRun.Scope.DISTRICT
    else:
        if not city_wide:
            raise NotAllowed("全市寄送须由市级经办机构发起", "A city-wide run is started from a city-level office")
        scope = MailingRun.Scope.ALL
    return _run_create(
        actor=actor,
        year=year,
        scope=scope,
        district=district,
        persons=persons,
        channel=channel,
        chunk_size=chunk_size,
        variant=variant,
    )


def _run_create(
    *,
    actor: Account,
    year: int,
    scope: str,
    district: Area | None,
    persons: list[int],
    channel: str,
    chunk_size: int = CHUNK_SIZE,
    variant: str = MailingRun.Variant.ANNUAL,
) -> MailingRun:
    with transaction.atomic():
        run = MailingRun.objects.create(
            year=year,
            variant=variant,
            scope=scope,
            district=district,
            persons=persons,
            created_by=actor,
            directory="",
        )
        run.directory = str(_run_directory(year=year, run_id=run.pk))
        run.job = job_create(
            kind=JOB_KIND, params={"run": run.pk, "chunk_size": chunk_size}, actor=actor, chunk_size=chunk_size
        )
        run.save(update_fields=["directory", "job"])
        audit.record(
            actor=actor,
            action="mailing.run_start",
            subject_type="statement_mailing.MailingRun",
            subject_id=run.pk,
            after={
                "year": year,
                "variant": variant,
                "scope": scope,
                "district": district.code if district else None,
                "persons": len(persons) if persons else None,
                "job": run.job.pk,
                "chunks": run.job.total_chunks,
            },
            channel=channel,
        )
    return run


def _list_ranges(ids: list[int], *, size: int) -> list[tuple[int, int]]:
    """Sorted ids grouped into ranges no wider than ``size`` (each one chunk), so a short list
    spread over a million ids does not plan thousands of empty chunks."""
    ranges: list[tuple[int, int]] = []
    for pid in ids:
        if ranges and pid - ranges[-1][0] < size:
            ranges[-1] = (ranges[-1][0], pid)
        else:
            ranges.append((pid, pid))
    return ranges


def _run_persons(run: MailingRun) -> Any:
    persons = Person.objects.all()
    if run.scope == MailingRun.Scope.DISTRICT:
        persons = persons.filter(district_id=run.district_id)
    elif run.scope in (MailingRun.Scope.LIST, MailingRun.Scope.RESEND):
        persons = persons.filter(pk__in=run.persons)
    if run.variant == MailingRun.Variant.PENSION_NOTICE:
        persons = persons.filter(category=Person.Category.RETIREE)
    return persons


def run_plan(params: dict[str, Any]) -> list[tuple[int, int]]:
    """The job kind's plan: the person id ranges of the run's scope."""
    run = MailingRun.objects.get(pk=params["run"])
    if run.scope in (MailingRun.Scope.LIST, MailingRun.Scope.RESEND):
        return _list_ranges(sorted(run.persons), size=int(params.get("chunk_size", CHUNK_SIZE)))
    span = _run_persons(run).aggregate(lo=Min("id"), hi=Max("id"))
    return [] if span["lo"] is None else [(span["lo"], span["hi"])]


def _write_atomically(path: Path, data: bytes) -> None:
    """Write the file whole or not at all (a crash leaves no half-written batch); a chunk run
    again after a crash overwrites the file its rolled-back first attempt left."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    temporary.write_bytes(data)
    os.replace(temporary, path)


def _electronic_notice(*, run: MailingRun, person: Person, statement: Statement) -> bool:
    """The e-statement message (app and SMS with a link); False when the person cannot be
    reached electronically (no mobile number, no account), who then gets paper."""
    if not person.phone and person.account_id is None:
        return False
    link = str(getattr(settings, "PUBLIC_URL", "")).rstrip("/") + reverse("statements:mine")
    notification_enqueue(
        key=f"statement-mailing:{run.pk}:{person.pk}",
        channel="sms" if person.phone else "push",
        recipient=person.phone or str(person.account_id),
        account=person.account,
        subject=f"{run.year}年度社会保险个人权益记录单",
        body=(
            f"您的{run.year}年度社会保险个人权益记录单已出具（编号 {statement.ref}，验证码 {statement.code}），"
            f"请登录 {link} 查看和下载。"
        ),
    )
    return True


def run_chunk(*, params: dict[str, Any], lo: int, hi: int) -> dict[str, Any]:
    """One chunk of a run, inside the chunk's transaction: issue each person's statement
    (``bulk.statements_issue_bulk``: statement_issue's rule, idempotent on the figures, read
    and written for the whole chunk at once), draw the paper ones
    into one PDF in postal order (postcode, route), notify the electronic ones, and write the
    manifest rows and the batch row. Persons already in the run (none, unless a chunk ran
    twice) are left out, and ``mailing_item_unique`` refuses a second row for anyone."""
    run = MailingRun.objects.select_related("created_by__office__area").get(pk=params["run"])
    persons = list(
        _run_persons(run)
        .filter(pk__range=(lo, hi))
        .exclude(pk__in=MailingItem.objects.filter(run=run).values("person_id"))
        .select_related("account")
        .order_by("postcode", "delivery_route", "pk")
    )
    if not persons:
        return {"persons": 0}
    if run.variant == MailingRun.Variant.PENSION_NOTICE:
        return _notice_chunk(run=run, persons=persons, lo=lo, hi=hi)
    electronic = set(
        DeliveryPreference.objects.filter(person__in=persons, mode=DeliveryPreference.Mode.ELECTRONIC).values_list(
            "person_id", flat=True
        )
    )
    book = StatementBook()
    items: list[MailingItem] = []
    notified = 0
    issued = statements_issue_bulk(actor=run.created_by, persons=persons, year=run.year, channel=Channel.SYSTEM)
    for person in persons:
        statement, record = issued[person.pk]
        item = MailingItem(
            run=run,
            person=person,
            statement=statement,
            document_ref=statement.ref,
            postcode=person.postcode,
            route=person.delivery_route,
            name=person.name,
            address=person.address,
        )
        if person.pk in electronic and _electronic_notice(run=run, person=person, statement=statement):
            item.delivery = MailingItem.Delivery.ELECTRONIC
            notified += 1
        else:
            item.delivery = MailingItem.Delivery.PAPER
            item.page = book.add(
                record=record,
                code=statement.code,
                verify_url=statement_verify_url(statement),
                ref=statement.ref,
            )
        items.append(item)
    batch = None
    if len(book):
        data = book.finish()
        path = Path(run.directory) / f"batch-{lo:010d}-{hi:010d}.pdf"
        _write_atomically(path, data)
        batch = MailingBatch.objects.create(
            run=run,
            first_id=lo,
            last_id=hi,
            file=path.name,
            pages=len(book),
            sha256=hashlib.sha256(data).hexdigest(),
        )
        for item in items:
            if item.delivery == MailingItem.Delivery.PAPER:
                item.batch = batch
    MailingItem.objects.bulk_create(items, batch_size=1000)
    _mark_resent(run=run, persons=persons)
    return {"persons": len(items), "paper": len(items) - notified, "electronic": notified, "file": batch and batch.file}


def _mark_resent(*, run: MailingRun, persons: list[Person]) -> None:
    """A re-send run's chunk takes its persons' returned letters (same year and variant) off the list."""
    if run.scope == MailingRun.Scope.RESEND:
        ReturnedMail.objects.filter(
            item__person__in=persons, resent_in__isnull=True, item__run__year=run.year, item__run__variant=run.variant
        ).update(resent_in=run)


def _notice_chunk(*, run: MailingRun, persons: list[Person], lo: int, hi: int) -> dict[str, Any]:
    """A pension-notice chunk: each retiree's 养老待遇明细表 (the pensions app's PDF of the
    figures its page and API show, read through its scoped, audited selector), paper ones in a
    zip numbered in postal order, electronic ones a message with the link; retirees whose
    pension is not yet determined are counted and left out."""
    import zipfile

    from shebao.pensions.documents import statement_pdf as pension_notice_pdf
    from shebao.pensions.selectors import pension_for_staff

    electronic = set(
        DeliveryPreference.objects.filter(person__in=persons, mode=DeliveryPreference.Mode.ELECTRONIC).values_list(
            "person_id", flat=True
        )
    )
    archive = io.BytesIO()
    items: list[MailingItem] = []
    notified = skipped = 0
    link = str(getattr(settings, "PUBLIC_URL", "")).rstrip("/") + reverse("pensions:my_pension")
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_STORED) as bundle:
        for person in persons:
            try:
                view = pension_for_staff(actor=run.created_by, id_number=person.id_number, channel=Channel.SYSTEM)
            except NotFound:
                skipped += 1
                continue
            if view.determination is None or view.certificate is None:
                skipped += 1
                continue
            ref = view.determination.ref
            item = MailingItem(
                run=run,
                person=person,
                document_ref=ref,
                postcode=person.postcode,
                route=person.delivery_route,
                name=person.name,
                address=person.address,
            )
            reachable = bool(person.phone) or person.account_id is not None
            if person.pk in electronic and reachable:
                notification_enqueue(
                    key=f"statement-mailing:{run.pk}:{person.pk}",
                    channel="sms" if person.phone else "push",
                    recipient=person.phone or str(person.account_id),
                    account=person.account,
                    subject="养老待遇信息告知",
                    body=f"您的基本养老金待遇明细（核定编号 {ref}）可在线查看：{link}",
                )
                item.delivery = MailingItem.Delivery.ELECTRONIC
                notified += 1
            else:
                item.delivery = MailingItem.Delivery.PAPER
                item.page = sum(1 for i in items if i.delivery == MailingItem.Delivery.PAPER) + 1
                bundle.writestr(f"{item.page:05d}-{ref}.pdf", pension_notice_pdf(view=view))
            items.append(item)
    paper = [item for item in items if item.delivery == MailingItem.Delivery.PAPER]
    batch = None
    if paper:
        data = archive.getvalue()
        path = Path(run.directory) / f"notices-{lo:010d}-{hi:010d}.zip"
        _write_atomically(path, data)
        batch = MailingBatch.objects.create(
            run=run, first_id=lo, last_id=hi, file=path.name, pages=len(paper), sha256=hashlib.sha256(data).hexdigest()
        )
        for item in paper:
            item.batch = batch
    MailingItem.objects.bulk_create(items, batch_size=1000)
    _mark_resent(run=run, persons=persons)
    return {
        "persons": len(items),
        "paper": len(paper),
        "electronic": notified,
        "not_determined": skipped,
        "file": batch and batch.file,
    }


# --- the manifest -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Manifest:
    csv: Path
    xlsx: Path
    rows: int


def _manifest_rows(run: MailingRun) -> Iterable[tuple[Any, ...]]:
    rows = (
        MailingItem.objects.filter(run=run, delivery=MailingItem.Delivery.PAPER)
        .order_by("postcode", "route", "person_id")
        .values_list("postcode", "route", "name", "address", "document_ref", "batch__file", "page")
    )
    for n, row in enumerate(rows.iterator(chunk_size=5000), start=1):
        yield (n, *row)


def mailing_manifest_write(*, run: MailingRun) -> Manifest:
    """邮寄清单: the paper items sorted by postcode, delivery route and person, as CSV (UTF-8
    with a byte-order mark, so Excel opens the Chinese right) and Excel (one sheet per million
    rows), beside the batches. Written again from the rows whenever asked: the rows are the truth."""
    from openpyxl import Workbook

    directory = Path(run.directory)
    directory.mkdir(parents=True, exist_ok=True)
    csv_path = directory / f"manifest-{run.year}-{run.pk}.csv"
    xlsx_path = directory / f"manifest-{run.year}-{run.pk}.xlsx"
    csv_temporary = csv_path.with_name(f".{csv_path.name}.{os.getpid()}.tmp")
    xlsx_temporary = xlsx_path.with_name(f".{xlsx_path.name}.{os.getpid()}.tmp")
    workbook = Workbook(write_only=True)
    sheet = None
    count = 0
    # streamed to disk row by row (a city's manifest is a million rows), then renamed whole
    with csv_temporary.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(MANIFEST_COLUMNS)
        for row in _manifest_rows(run):
            writer.writerow(row)
            if count % XLSX_SHEET_ROWS == 0:
                sheet = workbook.create_sheet(f"邮寄清单{count // XLSX_SHEET_ROWS + 1}")
                sheet.append(MANIFEST_COLUMNS)
            assert sheet is not None
            sheet.append(row)
            count += 1
    if sheet is None:
        workbook.create_sheet("邮寄清单1").append(MANIFEST_COLUMNS)
    workbook.save(xlsx_temporary)
    os.replace(csv_temporary, csv_path)
    os.replace(xlsx_temporary, xlsx_path)
    MailingRun.objects.filter(pk=run.pk).update(manifest_at=timezone.now())
    return Manifest(csv=csv_path, xlsx=xlsx_path, rows=count)


def mailing_manifest_downloaded(*, actor: Account, run: MailingRun, kind: str) -> None:
    """The manifest names and addresses everyone in the run: who took a copy is recorded."""
    with transaction.atomic():
        audit.record(
            actor=actor,
            action="mailing.manifest_download",
            subject_type="statement_mailing.MailingRun",
            subject_id=run.pk,
            after={"kind": kind, "year": run.year},
            channel=Channel.HALL,
        )


# --- returned mail --------------------------------------------------------------------------------


def _item_for_ref(*, actor: Account, ref: str) -> MailingItem:
    item = (
        MailingItem.objects.filter(document_ref=ref.strip(), delivery=MailingItem.Delivery.PAPER)
        .select_related("person", "run", "statement")
        .order_by("-run_id")
        .first()
    )
    if item is None or not persons_visible(actor=actor).filter(pk=item.person_id).exists():
        raise NotFound(f"未找到编号为 {ref} 的已寄出记录单", f"No statement {ref} was mailed")
    return item


def returned_mail_record(
    *, actor: Account, ref: str, reason: str, source: str = ReturnedMail.Source.CLERK
) -> ReturnedMail:
    """登记退信: the post brought back the statement numbered ``ref`` (printed under the QR).
    A clerk of the person's district (or the city); recording it twice is refused."""
    _require_mailing_staff(actor)
    return returned_mail_import(actor=actor, rows=[(ref, reason)], source=source)[0]


def _reason_of(text: str) -> str | None:
    text = text.strip()
    for value, label in ReturnedMail.Reason.choices:
        if text in (value, str(label).split(" / ")[0], str(label).split(" / ")[-1]):
            return str(value)
    return None


def returned_mail_import(
    *, actor: Account, rows: list[tuple[str, str]], source: str = ReturnedMail.Source.SCAN
) -> list[ReturnedMail]:
    """Returned mail from the post's scan file (ref, reason per line), all or nothing: one bad
    line (unknown ref, unknown reason, recorded before, repeated) refuses the file naming it."""
    _require_mailing_staff(actor)
    if len(rows) > SCAN_MAX_ROWS:
        raise InvalidInput(
            f"一次最多登记 {SCAN_MAX_ROWS} 条退信", f"At most {SCAN_MAX_ROWS} returns per file", field="file"
        )
    problems: list[str] = []
    found: list[tuple[MailingItem, str]] = []
    seen: set[str] = set()
    for line, (ref, reason_text) in enumerate(rows, start=1):
        reason = _reason_of(reason_text)
        if reason is None:
            problems.append(f"第{line}行：退信原因“{reason_text}”不正确 / line {line}: unknown reason")
            continue
        if ref in seen:
            problems.append(f"第{line}行：编号 {ref} 重复 / line {line}: {ref} repeated")
            continue
        seen.add(ref)
        try:
            item = _item_for_ref(actor=actor, ref=ref)
        except NotFound:
            problems.append(f"第{line}行：未找到编号 {ref} / line {line}: no statement {ref} was mailed")
            continue
        if ReturnedMail.objects.filter(item=item).exists():
            problems.append(f"第{line}行：编号 {ref} 的退信已登记 / line {line}: {ref} already recorded")
            continue
        found.append((item, reason))
    if problems:
        raise InvalidInput("；".join(problems[:20]), "; ".join(problems[:20]), field="file")
    now = timezone.now()
    with transaction.atomic():
        returned = ReturnedMail.objects.bulk_create(
            [
                ReturnedMail(item=item, reason=reason, source=source, recorded_at=now, recorded_by=actor)
                for item, reason in found
            ]
        )
        audit.record(
            actor=actor,
            action="mailing.returned",
            subject_type="statement_mailing.MailingRun",
            subject_id=found[0][0].run_id if found else "",
            after={"source": source, "refs": [item.document_ref for item, _ in found][:1000], "count": len(found)},
            channel=Channel.HALL,
        )
    return returned


def resend_list(*, actor: Account, year: int | None = None) -> list[ReturnedMail]:
    """重寄名单: returned statements not yet mailed again, that ``actor`` may see."""
    _require_mailing_staff(actor)
    returned = ReturnedMail.objects.filter(
        resent_in__isnull=True, item__person__in=persons_visible(actor=actor)
    ).select_related("item__person", "item__statement", "item__run")
    if year is not None:
        returned = returned.filter(item__run__year=year)
    return list(returned.order_by("item__postcode", "item__route", "item__person_id"))


def mailing_resend_start(
    *, actor: Account, year: int, chunk_size: int = CHUNK_SIZE, variant: str = MailingRun.Variant.ANNUAL
) -> MailingRun:
    """A run over the re-send list of ``year`` (the addresses as the registry holds them now:
    correct the address first); each returned letter is marked resent by the chunk that mails it."""
    _require_mailing_staff(actor)
    year_check(year)
    returned = [r for r in resend_list(actor=actor, year=year) if r.item.run.variant == variant]
    persons = sorted({r.item.person_id for r in returned})
    if not persons:
        raise InvalidInput(f"{year}年度没有待重寄的退信", f"Nothing to re-send for {year}", field="year")
    return _run_create(
        actor=actor,
        year=year,
        scope=MailingRun.Scope.RESEND,
        district=None,
        persons=persons,
        channel=Channel.HALL,
        chunk_size=chunk_size,
        variant=variant,
    )


def scan_rows(data: bytes) -> list[tuple[str, str]]:
    """(ref, reason) rows of the post's scan file: CSV, UTF-8 (with or without BOM) or GBK, a
    header line naming 记录单编号/ref and 退信原因/reason (in any order), or two bare columns."""
    for encoding in ("utf-8-sig", "gbk"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise InvalidInput("文件编码应为 UTF-8 或 GBK", "The file must be UTF-8 or GBK text", field="file")
    lines = [row for row in csv.reader(io.StringIO(text)) if any(cell.strip() for cell in row)]
    if not lines:
        raise InvalidInput("文件为空", "The file is empty", field="file")
    head = [cell.strip().lower() for cell in lines[0]]
    ref_at, reason_at = 0, 1
    if any(name in head for name in ("记录单编号", "ref")):
        ref_at = next(i for i, name in enumerate(head) if name in ("记录单编号", "ref"))
        reason_at = next((i for i, name in enumerate(head) if name in ("退信原因", "reason")), -1)
        lines = lines[1:]
    rows = []
    for line in lines:
        if reason_at < 0 or len(line) <= max(ref_at, reason_at):
            raise InvalidInput("每行应有记录单编号和退信原因两列", "Each line needs a ref and a reason", field="file")
        rows.append((line[ref_at].strip(), line[reason_at].strip()))
    return rows
