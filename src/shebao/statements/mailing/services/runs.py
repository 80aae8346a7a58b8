"""A mailing run: starting it, planning its chunks, and running a chunk (statements issued,
one PDF batch written, electronic notices sent).
"""

from __future__ import annotations

import hashlib
import io
import json
import os
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, NamedTuple

import psycopg
from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Max, Min, Window
from django.db.models.functions import RowNumber
from django.urls import reverse

from shebao.core import audit
from shebao.core.channels import Channel
from shebao.core.errors import InvalidInput, NotAllowed, NotFound
from shebao.core.identifiers import mask_id_number
from shebao.core.jobs import job_create
from shebao.core.models import Account, Area
from shebao.core.notify import notification_enqueue
from shebao.registry.models import Person
from shebao.registry.selectors import persons_visible
from shebao.statements.document import statement_verify_url
from shebao.statements.mailing.bulk import statements_issue_bulk
from shebao.statements.mailing.models import (
    DeliveryPreference,
    MailingBatch,
    MailingItem,
    MailingRun,
    MailingSlot,
    ReturnedMail,
)
from shebao.statements.mailing.services.common import CHUNK_SIZE, _require_run_starter, mailing_year_check
from shebao.statements.mailing.services.overlap import run_overlap_check, run_start_lock
from shebao.statements.models import Statement
from shebao.statements.render import StatementBook
from shebao.statements.selectors import year_check

JOB_KIND = "statement_mailing.run"


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
    reprint: bool = False,
) -> MailingRun:
    """Plan the year's mailing as a job: everyone insured, one district, or a list of ID numbers.
    ``variant`` ``pension_notice``: the retirees among them get the pension information notice
    (养老待遇明细表, from the pensions app) instead of the annual statement. The annual
    statement is of a year that has ended (``common.mailing_year_check``: this year, 422).

    Who (``common``): the city administrator (everyone, a district, a list) or a district office's
    supervisor (their district, a list of its persons); a list: the persons the actor may see
    (an ID number outside that is refused, by line, with nothing written). A run sharing a
    person with an earlier run of the year and variant is refused (``overlap``: Conflict, 409,
    naming that run), unless a list is printed again as a ``reprint``; the check and the new run
    are one transaction under the year's lock, so starts sent at the same moment make one run.
    A pension-notice list leaves out (and says so: ``MailingRun.left_out``) the persons listed
    who are not retirees or whose pension is not determined.
    """
    area = _require_run_starter(actor)
    year_check(year)
    if variant not in MailingRun.Variant.values:
        raise InvalidInput("寄送内容不正确", "Unknown variant", field="variant")
    mailing_year_check(year=year, variant=variant)  # the annual statement: a finished year only
    city_wide = area.kind == Area.Kind.CITY
    district: Area | None = None
    persons: list[int] = []
    left_out: list[dict[str, str]] = []
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
        if variant == MailingRun.Variant.PENSION_NOTICE:
            persons, left_out = _notice_list(persons)
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
    # the year's lock, the check and the new run in one transaction: starts sent at the same
    # moment are taken in turn, and each after the first is refused naming the first's run
    with transaction.atomic():
        run_start_lock(year=year)
        run_overlap_check(year=year, variant=variant, district=district, persons=persons, reprint=reprint)
        return _run_create(
            actor=actor,
            year=year,
            scope=scope,
            district=district,
            persons=persons,
            channel=channel,
            chunk_size=chunk_size,
            variant=variant,
            left_out=left_out,
        )


def _notice_list(persons: list[int]) -> tuple[list[int], list[dict[str, str]]]:
    """A pension-notice list split into those it mails (retirees whose pension is determined,
    as ``_notice_chunk`` takes them) and those it leaves out and why (issue 14's review: a
    worker listed with a retiree was dropped without a word). Nobody to mail: refused."""
    from shebao.pensions.models import PensionDetermination

    listed = list(Person.objects.filter(pk__in=persons).order_by("pk").only("pk", "name", "id_number", "category"))
    determined = set(
        PensionDetermination.objects.filter(
            person_id__in=persons, status=PensionDetermination.Status.APPROVED
        ).values_list("person_id", flat=True)
    )
    kept: list[int] = []
    left_out: list[dict[str, str]] = []
    for person in listed:
        if person.category != Person.Category.RETIREE:
            reason = "not_retiree"
        elif person.pk not in determined:
            reason = "not_determined"
        else:
            kept.append(person.pk)
            continue
        left_out.append({"name": person.name, "id_number": mask_id_number(person.id_number), "reason": reason})
    if not kept:
        shown_zh = "；".join(
            f"{e['name']}（{e['id_number']}）：{MailingRun.LEFT_OUT_REASONS[e['reason']][0]}" for e in left_out
        )
        shown_en = "; ".join(f"{e['id_number']}: {MailingRun.LEFT_OUT_REASONS[e['reason']][1]}" for e in left_out)
        raise InvalidInput(
            f"名单中没有可寄送养老金信息告知的退休人员：{shown_zh}",
            f"No one on the list can be sent the pension notice: {shown_en}",
            field="id_numbers",
        )
    return kept, left_out


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
    left_out: list[dict[str, str]] | None = None,
) -> MailingRun:
    with transaction.atomic():
        run = MailingRun.objects.create(
            year=year,
            variant=variant,
            scope=scope,
            district=district,
            persons=persons,
            left_out=left_out or [],
            created_by=actor,
            directory="",
            postal_order=True,
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
                "left_out": [[entry["id_number"], entry["reason"]] for entry in left_out or []] or None,
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


_SLOTS_INSERT = """INSERT INTO {table} (run_id, position, person_id)
SELECT %s, u."position", u."pk" FROM ({ordered}) u"""


def _slots_lay_out(run: MailingRun) -> int:
    """Number the run's persons 1…N in postal order (postcode, delivery route, person id) as
    its ``MailingSlot`` rows, in one ``INSERT … SELECT ROW_NUMBER() OVER (…)`` (a million
    persons never pass through Python); the count."""
    MailingSlot.objects.filter(run=run).delete()  # a plan made again starts afresh
    ordered = _run_persons(run).annotate(
        position=Window(RowNumber(), order_by=[F("postcode").asc(), F("delivery_route").asc(), F("pk").asc()])
    )
    sql, params = ordered.values_list("position", "pk").query.sql_with_params()
    table = connection.ops.quote_name(MailingSlot._meta.db_table)
    with connection.cursor() as cursor:
        # the table's name quoted by the backend, the SELECT compiled by the ORM with its own parameters
        cursor.execute(_SLOTS_INSERT.format(table=table, ordered=sql), [run.pk, *params])
    return MailingSlot.objects.filter(run=run).count()


def run_plan(params: dict[str, Any]) -> list[tuple[int, int]]:
    """The job kind's plan: the run's positions in postal order (laid out now, in the job's own
    transaction), or for a run started before that layout the person id ranges of its scope."""
    run = MailingRun.objects.get(pk=params["run"])
    if run.postal_order:
        count = _slots_lay_out(run)
        return [(1, count)] if count else []
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
        # once a person, year, kind and document: a run again sends nothing, a corrected version is told
        key=f"statement-mailing:{run.year}:{run.variant}:{person.pk}:{statement.ref}",
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
        _chunk_persons(run, lo=lo, hi=hi)
        .exclude(pk__in=MailingItem.objects.filter(run=run).values("person_id"))
        .select_related("account")
        .order_by("postcode", "delivery_route", "pk")
    )
    if not persons:
        return {"persons": 0}
    if run.variant == MailingRun.Variant.PENSION_NOTICE:
        return _notice_chunk(run=run, persons=persons, lo=lo, hi=hi)
    electronic = _electronic_of(run=run, persons=persons, lo=lo, hi=hi)
    book = StatementBook()
    rows: list[_ItemRow] = []
    notified = 0
    issued = statements_issue_bulk(actor=run.created_by, persons=persons, year=run.year, channel=Channel.SYSTEM)
    for person in persons:
        statement, record = issued[person.pk]
        if person.pk in electronic and _electronic_notice(run=run, person=person, statement=statement):
            rows.append(_ItemRow(person, statement.pk, statement.ref, MailingItem.Delivery.ELECTRONIC, None))
            notified += 1
        else:
            page = book.add(
                record=record,
                code=statement.code,
                verify_url=statement_verify_url(statement),
                ref=statement.ref,
            )
            rows.append(_ItemRow(person, statement.pk, statement.ref, MailingItem.Delivery.PAPER, page))
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
    _items_insert(run=run, batch=batch, rows=rows)
    _mark_resent(run=run, persons=persons)
    return {"persons": len(rows), "paper": len(rows) - notified, "electronic": notified, "file": batch and batch.file}


def _chunk_persons(run: MailingRun, *, lo: int, hi: int) -> Any:
    """The persons of a chunk: those at positions lo…hi of the run's postal order, or (a run
    started before that layout) of its scope with ids lo…hi."""
    if run.postal_order:
        slots = MailingSlot.objects.filter(run=run, position__gte=lo, position__lte=hi)
        return Person.objects.filter(pk__in=slots.values("person_id"))
    return _run_persons(run).filter(pk__range=(lo, hi))


def _electronic_of(*, run: MailingRun, persons: Sequence[Person], lo: int, hi: int) -> set[int]:
    """The chunk's persons who chose electronic delivery. Read by the chunk's range (one range
    condition — of positions through the run's slots, or of person ids for a run without them —
    instead of 500 placeholders each resolved by the ORM and quoted by psycopg in Python) and
    kept to the chunk's persons."""
    wanted = {person.pk for person in persons}
    preferences = DeliveryPreference.objects.filter(mode=DeliveryPreference.Mode.ELECTRONIC)
    if run.postal_order:
        slots = MailingSlot.objects.filter(run=run, position__gte=lo, position__lte=hi)
        preferences = preferences.filter(person_id__in=slots.values("person_id"))
    else:
        preferences = preferences.filter(person_id__gte=lo, person_id__lte=hi)
    return wanted.intersection(preferences.values_list("person_id", flat=True))


class _ItemRow(NamedTuple):
    """A manifest row before it is written: the person (name, address, postcode, route are
    copied from them), the document sent and how; paper rows get the chunk's batch."""

    person: Person
    statement_id: int | None
    document_ref: str
    delivery: str
    page: int | None


# MailingItem's columns as the one-statement insert below writes them (checked against the
# model: a column added later sends the rows through bulk_create until the insert names it)
_ITEM_COLUMNS = (
    "id",
    "run_id",
    "person_id",
    "statement_id",
    "document_ref",
    "delivery",
    "batch_id",
    "page",
    "postcode",
    "route",
    "name",
    "address",
)
_ITEM_INSERT = """
INSERT INTO {table} (run_id, person_id, statement_id, document_ref, delivery, batch_id, page, postcode, route,
                     name, address)
SELECT %s::bigint, (r->>0)::bigint, (r->>1)::bigint, r->>2, r->>3, (r->>4)::bigint, (r->>5)::int, r->>6, r->>7,
       r->>8, r->>9
FROM json_array_elements(%s::text::json) AS u(r)"""


def _items_insert(*, run: MailingRun, batch: MailingBatch | None, rows: Sequence[_ItemRow]) -> None:
    """Write a chunk's manifest rows (paper ones in ``batch``). On PostgreSQL one statement
    whose rows are one JSON text parameter (json's C encoder writes it, the server takes it
    apart with ``json_array_elements``), bound server-side by a psycopg cursor of the same
    connection, like the statements' insert (``mailing.bulk._insert``): ``bulk_create`` built a
    model instance per row and had psycopg split and quote eleven placeholders a row in Python.
    Elsewhere (SQLite) ``bulk_create``; the rows are the same either way."""
    if not rows:
        return
    paper = MailingItem.Delivery.PAPER
    batch_id = batch.pk if batch is not None else None
    columns = tuple(field.column for field in MailingItem._meta.concrete_fields)
    if connection.vendor != "postgresql" or sorted(columns) != sorted(_ITEM_COLUMNS):
        MailingItem.objects.bulk_create(
            [
                MailingItem(
                    run=run,
                    person=row.person,
                    statement_id=row.statement_id,
                    document_ref=row.document_ref,
                    delivery=row.delivery,
                    batch_id=batch_id if row.delivery == paper else None,
                    page=row.page,
                    postcode=row.person.postcode,
                    route=row.person.delivery_route,
                    name=row.person.name,
                    address=row.person.address,
                )
                for row in rows
            ],
            batch_size=1000,
        )
        return
    data = json.dumps(
        [
            [
                row.person.pk,
                row.statement_id,
                row.document_ref,
                row.delivery,
                batch_id if row.delivery == paper else None,
                row.page,
                row.person.postcode,
                row.person.delivery_route,
                row.person.name,
                row.person.address,
            ]
            for row in rows
        ],
        ensure_ascii=False,
    )
    connection.ensure_connection()
    with psycopg.Cursor(connection.connection) as cursor:
        cursor.execute(_ITEM_INSERT.format(table=connection.ops.quote_name(MailingItem._meta.db_table)), [run.pk, data])
        if cursor.rowcount != len(rows):  # pragma: no cover - the database wrote other than it was given
            raise RuntimeError(f"wrote {cursor.rowcount} manifest rows of {len(rows)}")


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

    electronic = _electronic_of(run=run, persons=persons, lo=lo, hi=hi)
    archive = io.BytesIO()
    rows: list[_ItemRow] = []
    notified = skipped = pages = 0
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
            reachable = bool(person.phone) or person.account_id is not None
            if person.pk in electronic and reachable:
                notification_enqueue(
                    # once a person, year, kind and determination: a new determination is told
                    key=f"statement-mailing:{run.year}:{run.variant}:{person.pk}:{ref}",
                    channel="sms" if person.phone else "push",
                    recipient=person.phone or str(person.account_id),
                    account=person.account,
                    subject="养老待遇信息告知",
                    body=f"您的基本养老金待遇明细（核定编号 {ref}）可在线查看：{link}",
                )
                rows.append(_ItemRow(person, None, ref, MailingItem.Delivery.ELECTRONIC, None))
                notified += 1
            else:
                pages += 1
                bundle.writestr(f"{pages:05d}-{ref}.pdf", pension_notice_pdf(view=view))
                rows.append(_ItemRow(person, None, ref, MailingItem.Delivery.PAPER, pages))
    batch = None
    if pages:
        data = archive.getvalue()
        path = Path(run.directory) / f"notices-{lo:010d}-{hi:010d}.zip"
        _write_atomically(path, data)
        batch = MailingBatch.objects.create(
            run=run, first_id=lo, last_id=hi, file=path.name, pages=pages, sha256=hashlib.sha256(data).hexdigest()
        )
    _items_insert(run=run, batch=batch, rows=rows)
    _mark_resent(run=run, persons=persons)
    return {
        "persons": len(rows),
        "paper": pages,
        "electronic": notified,
        "not_determined": skipped,
        "file": batch and batch.file,
    }
