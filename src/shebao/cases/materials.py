"""Materials (材料): what counts as supplied, who may say so, and the files applicants upload.

A material is supplied in one of three ways (一次性告知 lists what is still missing):

- ``received``: a window saw it and verified the original (核验原件). Only staff can say so: an
  applicant online cannot hand in an original by ticking a box.
- ``uploaded``: a file was uploaded for it (:func:`upload_store`). It counts only once a clerk
  of the case's office verified it (``verification``: pending → verified, or rejected with a
  reason the applicant reads, the row then missing again so they can upload anew); the clock
  starts, or restarts, when the last required material is verified
  (:func:`counts_as_received`, :func:`still_needed`; ``services.materials.case_material_verify``).
- ``commitment``: a signed commitment (告知承诺) replaces it, where the catalogue allows one
  (``ItemMaterial.commitment_allowed``, 国办发〔2020〕42号 on the 证明事项告知承诺制).

The contract, at opening and in a supplement, is ``{code: state}`` or, for an upload,
``{code: {"state": "uploaded", "file": "<ref>"}}`` where ``ref`` names an upload of the same
account. The applicant's case page uploads through it; the online
hall will too.
"""

from __future__ import annotations

import hashlib
import os
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from shebao.cases.models import Case, CaseMaterial, CaseUpload
from shebao.catalog.models import ItemMaterial
from shebao.core import audit
from shebao.core.errors import InvalidInput, NotAllowed, NotFound
from shebao.core.models import Account
from shebao.core.scan import upload_scan

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
# What a scan or a photo of a paper is, told by its first bytes (never by its name or the
# browser's claim): PDF, JPEG, PNG.
SIGNATURES = (
    (b"%PDF-", "application/pdf", ".pdf"),
    (b"\xff\xd8\xff", "image/jpeg", ".jpg"),
    (b"\x89PNG\r\n\x1a\n", "image/png", ".png"),
)
STATES = frozenset(CaseMaterial.Status.values)


@dataclass(frozen=True)
class Supply:
    """One material's state as a filer gives it, with the upload's reference for ``uploaded``."""

    state: str
    file: str = ""


def supplies_parse(materials: Mapping[str, Any] | None) -> dict[str, Supply]:
    """``{code: state}`` or ``{code: {"state": …, "file": …}}`` as :class:`Supply` values."""
    parsed: dict[str, Supply] = {}
    for code, given in (materials or {}).items():
        field = f"materials.{code}"
        if isinstance(given, Supply):
            supply = given
        elif isinstance(given, str):
            supply = Supply(state=given)
        elif isinstance(given, Mapping) and isinstance(given.get("state"), str):
            ref = given.get("file") or ""
            if not isinstance(ref, str):
                raise InvalidInput("文件编号应为字符串", "The file reference is a string", field=field)
            supply = Supply(state=given["state"], file=ref.strip())
        else:
            raise InvalidInput(f"材料 {code} 的状态不正确", f"Give the state of material {code}", field=field)
        if supply.state not in STATES:
            raise InvalidInput(
                f"材料状态不正确：{supply.state}", f"Unknown material state: {supply.state}", field=field
            )
        if supply.state == CaseMaterial.Status.UPLOADED and not supply.file:
            raise InvalidInput(
                f"材料 {code} 标为已上传，但没有给出文件编号",
                f"Material {code} is marked uploaded but names no file",
                field=field,
            )
        if supply.file and supply.state != CaseMaterial.Status.UPLOADED:
            raise InvalidInput("只有已上传的材料才有文件编号", "Only an uploaded material names a file", field=field)
        parsed[code] = supply
    return parsed


def supply_check(*, actor: Account | None, material: ItemMaterial, supply: Supply) -> CaseUpload | None:
    """Refuse a state ``actor`` may not give ``material``; return the upload an ``uploaded``
    state names."""
    field = f"materials.{material.code}"
    if supply.state == CaseMaterial.Status.COMMITMENT and not material.commitment_allowed:
        raise InvalidInput(
            f"“{material.name}”不适用告知承诺，须提交材料",
            f"'{material.code}' cannot be replaced by a commitment",
            field=field,
        )
    if actor is None:  # the system (a rating's follow-up) names no material
        return None
    if supply.state == CaseMaterial.Status.RECEIVED and actor.kind != Account.Kind.STAFF:
        raise NotAllowed(
            f"“{material.name}”须由经办窗口核验原件后登记，请上传材料或到窗口提交",
            f"Only a window can record that '{material.code}' was handed in and verified: upload it or bring it",
            field=field,
        )
    if supply.state != CaseMaterial.Status.UPLOADED:
        return None
    # An upload is its owner's to name again (one scan of an ID card serves every application,
    # and every case of a one-form); nobody else can name it.
    upload = CaseUpload.objects.filter(ref=supply.file, owner_id=actor.pk).first()
    if upload is None:
        raise InvalidInput(
            f"找不到您上传的文件 {supply.file}", f"No upload of yours is called {supply.file}", field=field
        )
    return upload


def supply_apply(row: CaseMaterial, *, actor: Account | None, supply: Supply, upload: CaseUpload | None) -> None:
    """Set the row (unsaved) to what ``supply`` says: who verified it, or which file it is. A
    file is pending until a clerk verifies it (:func:`verification_apply`)."""
    row.status = supply.state
    row.upload = upload
    received = supply.state == CaseMaterial.Status.RECEIVED
    row.verified_by = actor if received else None
    row.verified_at = timezone.now() if received else None
    row.verification = CaseMaterial.Verification.PENDING if supply.state == CaseMaterial.Status.UPLOADED else ""
    row.rejection_reason = ""


SUPPLY_FIELDS = ["status", "upload", "verified_by", "verified_at", "verification", "rejection_reason", "updated_at"]


# --- what counts as received (pure: values in, values out) ---------------------------------


def counts_as_received(status: str, verification: str) -> bool:
    """A material counts as supplied when a window verified the original, a commitment replaces
    it, or a clerk verified the file uploaded for it — never on the upload alone."""
    if status in (CaseMaterial.Status.RECEIVED, CaseMaterial.Status.COMMITMENT):
        return True
    return status == CaseMaterial.Status.UPLOADED and verification == CaseMaterial.Verification.VERIFIED


def still_needed(rows: Iterable[tuple[str, bool, str, str]]) -> list[str]:
    """The required materials that do not count yet, of ``(name, required, status,
    verification)``: the case's materials are complete — its clock may start — when it is
    empty, so the moment the last required one is verified is the moment they are complete."""
    return [name for name, required, status, check in rows if required and not counts_as_received(status, check)]


def awaiting_check(rows: Iterable[tuple[str, bool, str, str]]) -> list[str]:
    """The required materials uploaded and not yet verified (the office's turn, not the
    applicant's)."""
    return [
        name
        for name, required, status, check in rows
        if required and status == CaseMaterial.Status.UPLOADED and check == CaseMaterial.Verification.PENDING
    ]


def material_facts(case: Case) -> list[tuple[str, bool, str, str]]:
    """The ``(name, required, status, verification)`` of each material of ``case``, required as
    this case requires it (:attr:`CaseMaterial.is_required`)."""
    rows = case.materials.select_related("material").order_by("material_id")
    return [(m.material.name, m.is_required, m.status, m.verification) for m in rows]


def state_shown(row: CaseMaterial) -> str:
    """A material's state as the applicant (and the clerk) reads it, Chinese then English."""
    if row.verification == CaseMaterial.Verification.REJECTED and row.status == CaseMaterial.Status.MISSING:
        return f"未通过核验：{row.rejection_reason} / Not accepted: {row.rejection_reason}"
    if row.status == CaseMaterial.Status.UPLOADED:
        if row.verification == CaseMaterial.Verification.VERIFIED:
            return "已上传，经办机构已核验 / Uploaded and verified by the office"
        return "已上传，待经办机构核验 / Uploaded, to be checked by the office"
    return {
        CaseMaterial.Status.RECEIVED: "已核验原件 / Original verified",
        CaseMaterial.Status.COMMITMENT: "告知承诺 / Signed commitment",
        CaseMaterial.Status.MISSING: "未提交 / Not supplied",
    }.get(CaseMaterial.Status(row.status), row.status)


DECISIONS = frozenset({CaseMaterial.Verification.VERIFIED, CaseMaterial.Verification.REJECTED})
MAX_REASON = 500


def decision_check(decision: str, reason: str) -> str:
    """Refuse an unknown decision, or a rejection without its reason; return the reason."""
    if decision not in DECISIONS:
        raise InvalidInput("请选择核验通过或退回", "Decide: verified or rejected", field="decision")
    reason = reason.strip()
    if decision == CaseMaterial.Verification.REJECTED and not reason:
        raise InvalidInput("退回材料须填写原因", "Give the reason the material is not accepted", field="reason")
    if len(reason) > MAX_REASON:
        raise InvalidInput(
            f"原因不能超过{MAX_REASON}字", f"The reason is at most {MAX_REASON} characters", field="reason"
        )
    return reason


def verification_apply(row: CaseMaterial, *, actor: Account, decision: str, reason: str) -> None:
    """Set the row (unsaved) to a clerk's decision on its upload: verified (it now counts), or
    rejected (missing again, with the reason; the file stays on record)."""
    row.verification = decision
    row.verified_by = actor
    row.verified_at = timezone.now()
    row.rejection_reason = reason if decision == CaseMaterial.Verification.REJECTED else ""
    if decision == CaseMaterial.Verification.REJECTED:
        row.status = CaseMaterial.Status.MISSING


def _sniff(head: bytes) -> tuple[str, str] | None:
    for magic, content_type, extension in SIGNATURES:
        if head.startswith(magic):
            return content_type, extension
    return None


def upload_size_check(size: int) -> None:
    """Refuse an empty file or one over the limit (a page asks before reading the file)."""
    if size <= 0:
        raise InvalidInput("文件是空的", "The file is empty", field="file")
    if size > MAX_UPLOAD_BYTES:
        megabytes = MAX_UPLOAD_BYTES // (1024 * 1024)
        raise InvalidInput(f"文件不能超过 {megabytes} MB", f"A file is at most {megabytes} MB", field="file")


def upload_store(*, actor: Account, name: str, content: bytes, channel: str) -> CaseUpload:
    """Keep a file an applicant (or a window) gives as a material: a PDF, JPEG or PNG of at most
    10 MB, recognised by its first bytes, that the virus scan (:mod:`shebao.core.scan`) passed.
    Returns the upload; its ``ref`` is then named in the opening or the supplement
    (:func:`supplies_parse`)."""
    if not actor.is_authenticated or not actor.is_active:
        raise NotAllowed("请先登录后上传", "Please sign in to upload")
    upload_size_check(len(content))
    kind = _sniff(content[:16])
    if kind is None:
        raise InvalidInput("仅支持 PDF、JPG、PNG 文件", "Upload a PDF, JPEG or PNG file", field="file")
    content_type, extension = kind
    shown = os.path.basename(name.replace("\\", "/")).strip()[:200] or f"upload{extension}"
    scanned = upload_scan(content=content, name=shown)  # an infected file is refused, never stored
    ref = uuid.uuid4().hex
    with transaction.atomic():
        upload = CaseUpload(
            ref=ref,
            owner=actor,
            name=shown,
            content_type=content_type,
            size=len(content),
            sha256=hashlib.sha256(content).hexdigest(),
            uploaded_at=timezone.now(),
        )
        upload.file.save(f"{ref}{extension}", ContentFile(content), save=False)
        upload.save()
        audit.record(
            actor=actor,
            action="case.upload",
            subject_type="case_upload",
            subject_id=ref,
            subject_person=actor.id_number or "",
            after={
                "name": shown,
                "size": upload.size,
                "sha256": upload.sha256,
                "type": content_type,
                "scan": scanned.engine_ref,
            },
            channel=channel,
        )
    return upload


def upload_discard(upload: CaseUpload) -> None:
    """Remove the file of an upload whose row did not commit (the supplement that named it was
    refused and rolled back with it): storage is outside the transaction, so nothing else would."""
    if upload.file.name:
        upload.file.storage.delete(upload.file.name)


def upload_open(*, actor: Account, case: Case, material_code: str, channel: str) -> CaseUpload:
    """The file uploaded for one material of ``case``, which the caller loaded for ``actor``
    through ``selectors.case_get`` (so only who may see the case sees the file). Staff opening
    an applicant's file is recorded, as viewing a person's record is."""
    row = (
        CaseMaterial.objects.select_related("upload")
        .filter(case=case, material__code=material_code, upload__isnull=False)
        .first()
    )
    if row is None or row.upload is None:
        raise NotFound("该材料没有上传的文件", "No file was uploaded for this material")
    if actor.kind == Account.Kind.STAFF:
        audit.record(
            actor=actor,
            action="case.upload.view",
            subject_type="case",
            subject_id=case.pk,
            subject_person=case.applicant_id_number,
            after={"material": material_code, "file": row.upload.ref},
            channel=channel,
        )
    return row.upload
