"""Returned mail (one by one or a scanned file), the re-send list and the re-send run."""

from __future__ import annotations

import csv
import io

from django.db import transaction
from django.utils import timezone

from shebao.core import audit
from shebao.core.channels import Channel
from shebao.core.errors import InvalidInput, NotFound
from shebao.core.models import Account
from shebao.registry.selectors import persons_visible
from shebao.statements.mailing.models import MailingItem, MailingRun, ReturnedMail
from shebao.statements.mailing.services.common import (
    CHUNK_SIZE,
    _require_mailing_staff,
    _require_run_starter,
    mailing_year_check,
)
from shebao.statements.mailing.services.manifest import NO_ADDRESS
from shebao.statements.mailing.services.overlap import resend_overlap_check, run_start_lock
from shebao.statements.mailing.services.runs import _run_create
from shebao.statements.selectors import year_check

SCAN_MAX_ROWS = 50_000


def ref_normal(ref: str) -> str:
    """A statement number as typed or scanned, as the statements store it: refs are the year, a
    dash and symbols of ``core.documents.CODE_ALPHABET``, upper case (``statements.services``),
    so case and surrounding spaces do not tell two refs apart."""
    return (ref or "").strip().upper()


class NeverPosted(InvalidInput):
    """The letter numbered so was kept from the post for want of an address (待补地址): it
    cannot have come back."""


def _item_for_ref(*, actor: Account, ref: str) -> MailingItem:
    """The paper letter numbered ``ref`` (any case) that went to the post, of a person ``actor``
    may see (the latest run's, if printed twice). NotFound: no such letter for them;
    ``NeverPosted``: the letter was kept back on its run's needs-address list (no postcode or
    no address: ``manifest``), so the post cannot have returned it (issue 14's review: such a
    letter was recorded as returned and then listed to re-send)."""
    normal = ref_normal(ref)
    letters = (
        MailingItem.objects.filter(document_ref=normal, delivery=MailingItem.Delivery.PAPER)
        .filter(person__in=persons_visible(actor=actor))
        .select_related("person", "run", "statement")
        .order_by("-run_id")
    )
    item = letters.exclude(NO_ADDRESS).first()
    if item is None:
        if letters.exists():
            raise NeverPosted(
                f"编号为 {normal} 的记录单因缺少邮寄地址未寄出（在待补地址清单上），不能登记退信",
                f"Statement {normal} was never posted (it is on the needs-address list): it cannot be returned mail",
                field="ref",
            )
        raise NotFound(f"未找到编号为 {normal} 的已寄出记录单", f"No statement {normal} was mailed")
    return item


def returned_mail_record(
    *, actor: Account, ref: str, reason: str, source: str = ReturnedMail.Source.CLERK
) -> ReturnedMail:
    """登记退信: the post brought back the statement numbered ``ref`` (printed at the top left of
    the statement, after 记录单编号; any case).
    A clerk of the person's district (or the city); recording it twice is refused."""
    _require_mailing_staff(actor)
    return returned_mail_import(actor=actor, rows=[(ref, reason)], source=source, single=True)[0]


def _reason_of(text: str) -> str | None:
    text = text.strip()
    for value, label in ReturnedMail.Reason.choices:
        if text in (value, str(label).split(" / ")[0], str(label).split(" / ")[-1]):
            return str(value)
    return None


class ScanRow(tuple[str, str]):
    """(ref, reason) of a scan file's line, knowing its line number in the file (``line``)."""

    line: int

    def __new__(cls, ref: str, reason: str, line: int) -> ScanRow:
        row = super().__new__(cls, (ref, reason))
        row.line = line
        return row


def returned_mail_import(
    *, actor: Account, rows: list[tuple[str, str]], source: str = ReturnedMail.Source.SCAN, single: bool = False
) -> list[ReturnedMail]:
    """Returned mail from the post's scan file (ref, reason per line), all or nothing: one bad
    line (unknown ref, unknown reason, recorded before, repeated) refuses the file, and the
    message names every bad line by its number in the file, once in each language. All or
    nothing because the file is the post's list of one bag of letters: half of it recorded
    would leave the post-room clerk to work out which half; they fix the named lines and
    import the file again. ``single``: one letter typed in (no line number to name)."""
    _require_mailing_staff(actor)
    if len(rows) > SCAN_MAX_ROWS:
        raise InvalidInput(
            f"一次最多登记 {SCAN_MAX_ROWS} 条退信", f"At most {SCAN_MAX_ROWS} returns per file", field="file"
        )
    problems: list[tuple[str, str]] = []  # (Chinese, English)
    found: list[tuple[MailingItem, str]] = []
    seen: set[str] = set()
    for index, (typed, reason_text) in enumerate(rows, start=1):
        line = getattr(rows[index - 1], "line", index)
        # found and compared in upper case (refs are); named in messages as the line gives it
        ref, shown = ref_normal(typed), typed.strip()
        at_zh, at_en = ("", "") if single else (f"第{line}行：", f"line {line}: ")
        reason = _reason_of(reason_text)
        if reason is None:
            problems.append((f"{at_zh}退信原因“{reason_text}”不正确", f"{at_en}unknown reason “{reason_text}”"))
            continue
        if ref in seen:
            problems.append((f"{at_zh}编号 {shown} 重复", f"{at_en}{shown} repeated"))
            continue
        seen.add(ref)
        try:
            item = _item_for_ref(actor=actor, ref=ref)
        except NotFound:
            problems.append((f"{at_zh}未找到编号为 {shown} 的已寄出记录单", f"{at_en}no statement {shown} was mailed"))
            continue
        except NeverPosted:
            problems.append(
                (
                    f"{at_zh}编号 {shown} 的记录单因缺少地址未寄出（待补地址），不能登记退信",
                    f"{at_en}{shown} was never posted (needs an address): not returned mail",
                )
            )
            continue
        if ReturnedMail.objects.filter(item=item).exists():
            problems.append((f"{at_zh}编号 {shown} 的退信已登记", f"{at_en}{shown} already recorded"))
            continue
        found.append((item, reason))
    if problems:
        more_zh = f"；另有 {len(problems) - 20} 行有误" if len(problems) > 20 else ""
        more_en = f"; {len(problems) - 20} more bad lines" if len(problems) > 20 else ""
        lead_zh, lead_en = (
            ("", "") if single else ("文件未导入，请更正以下行后重新导入：", "Nothing imported; fix these lines: ")
        )
        raise InvalidInput(
            lead_zh + "；".join(zh for zh, _ in problems[:20]) + more_zh,
            lead_en + "; ".join(en for _, en in problems[:20]) + more_en,
            field="ref" if single else "file",
        )
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


def address_changed(returned: ReturnedMail) -> bool:
    """Whether the registry's address of the person differs from the one the letter came back
    from (postcode or address): only then is the letter worth posting again."""
    item, person = returned.item, returned.item.person
    return (person.postcode.strip(), person.address.strip()) != (item.postcode.strip(), item.address.strip())


def resend_needs_address(*, actor: Account, year: int | None = None) -> list[ReturnedMail]:
    """The re-send list's letters whose person still has the address the letter came back from:
    they wait for a new address (待补地址), they are not posted again."""
    return [returned for returned in resend_list(actor=actor, year=year) if not address_changed(returned)]


def mailing_resend_start(
    *, actor: Account, year: int, chunk_size: int = CHUNK_SIZE, variant: str = MailingRun.Variant.ANNUAL
) -> MailingRun:
    """A run over the re-send list of ``year`` to the addresses as the registry holds them now;
    a person whose address has not changed since the return stays on the list as needing an
    address (``resend_needs_address``), not posted to the address that bounced. Each returned
    letter is marked resent by the chunk that mails it. Who: as a run (``common``)."""
    _require_run_starter(actor)
    year_check(year)
    mailing_year_check(year=year, variant=variant)  # as a run's start: the annual statement of a finished year
    with transaction.atomic():
        # under the year's lock, as a run's start: two re-sends at once would post each letter twice
        run_start_lock(year=year)
        returned = [r for r in resend_list(actor=actor, year=year) if r.item.run.variant == variant]
        persons = sorted({r.item.person_id for r in returned if address_changed(r)})
        if not persons:
            if returned:
                raise InvalidInput(
                    f"{year}年度的退信均未更新地址：请先在参保登记中更正地址，再重寄",
                    f"No returned letter of {year} has a new address: correct the registry's address first",
                    field="year",
                )
            raise InvalidInput(f"{year}年度没有待重寄的退信", f"Nothing to re-send for {year}", field="year")
        resend_overlap_check(year=year, variant=variant, persons=persons)
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
    lines = [
        (number, row)
        for number, row in enumerate(csv.reader(io.StringIO(text)), start=1)
        if any(cell.strip() for cell in row)
    ]
    if not lines:
        raise InvalidInput("文件为空", "The file is empty", field="file")
    head = [cell.strip().lower() for cell in lines[0][1]]
    ref_at, reason_at = 0, 1
    if any(name in head for name in ("记录单编号", "ref")):
        ref_at = next(i for i, name in enumerate(head) if name in ("记录单编号", "ref"))
        reason_at = next((i for i, name in enumerate(head) if name in ("退信原因", "reason")), -1)
        lines = lines[1:]
    rows: list[tuple[str, str]] = []
    for number, line in lines:
        if reason_at < 0 or len(line) <= max(ref_at, reason_at):
            raise InvalidInput(
                f"第{number}行：每行应有记录单编号和退信原因两列",
                f"line {number}: each line needs a ref and a reason",
                field="file",
            )
        rows.append(ScanRow(line[ref_at].strip(), line[reason_at].strip(), number))
    return rows
