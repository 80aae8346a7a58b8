"""The mailing pages: the runs and their progress for staff (with the manifest downloads),
returned mail and the re-send list, and the insured person's choice of paper or electronic
statements. Each view parses its parameters and calls one service or selector."""

from __future__ import annotations

from pathlib import Path

from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from shebao.core.errors import Conflict, InvalidInput, NotAllowed, NotFound, ShebaoError
from shebao.core.http import AccountRequest, signed_in
from shebao.core.models import Account, Area
from shebao.registry.models import Person
from shebao.registry.selectors import person_find_by_id_number
from shebao.registry.views import channel_for, error_page
from shebao.statements.mailing import selectors, services
from shebao.statements.mailing.models import DeliveryPreference, MailingRun, ReturnedMail
from shebao.statements.mailing.services.common import (
    last_annual_year,
    run_districts,
    run_starter_area,
    run_watcher_area,
)
from shebao.statements.mailing.services.manifest import mailing_unaddressed_count
from shebao.statements.selectors import FIRST_YEAR

UPLOAD_LIMIT = 5 * 1024 * 1024  # a scan file of returned mail: 50,000 short lines at most


def _staff(request: AccountRequest) -> Account:
    user = request.user
    if user.kind != Account.Kind.STAFF or user.role not in services.MAILING_ROLES:
        raise NotAllowed("仅限经办人员", "For agency staff only")
    return user


def _int(raw: object, field: str) -> int:
    try:
        return int(str(raw).strip())
    except ValueError:
        raise InvalidInput("应为整数", "Must be a whole number", field=field) from None


def _district_chosen(actor: Account, raw: str, *, listed: bool) -> str | None:
    """The start form's district: one of those the actor may start a run for, or empty for the
    whole city (the administrator) or a list of ID numbers; anything else is the form's error
    (422), not a refusal page. Someone who may start no run at all is left to the service's 403."""
    code = raw.strip()
    area = run_starter_area(actor)
    if area is None or listed:
        return code or None
    if code and code not in {district.code for district in run_districts(actor)}:
        raise InvalidInput(
            "请从列表中选择可发起寄送的区", "Choose a district you may start a run for from the list", field="district"
        )
    if not code and area.kind != Area.Kind.CITY:
        raise InvalidInput(
            "请选择本区，或填写证件号码名单", "Choose your district, or give a list of ID numbers", field="district"
        )
    return code or None


@require_http_methods(["GET", "POST"])
@signed_in
def runs(request: AccountRequest) -> HttpResponse:
    """寄送批次: the runs the actor may follow, and a form to start one."""
    error = None
    try:
        actor = _staff(request)
        if run_watcher_area(actor) is None:  # a window clerk: returned mail is their page
            raise NotAllowed(
                "寄送批次由市级系统管理员、区经办机构督导员发起，监控人员查看",
                "Mailing runs are for their starters and monitors",
            )
        if request.method == "POST":
            numbers = request.POST.get("id_numbers", "").split()
            district_code = _district_chosen(actor, request.POST.get("district", ""), listed=bool(numbers))
            run = services.mailing_run_start(
                actor=actor,
                year=_int(request.POST.get("year", ""), "year"),
                district_code=district_code,
                id_numbers=numbers or None,
                channel=channel_for(actor),
                variant=request.POST.get("variant", MailingRun.Variant.ANNUAL),
            )
            return redirect("statement_mailing:run", run_id=run.pk)
        listed = list(selectors.runs_visible(actor=actor).order_by("-id")[:50])
    except (InvalidInput, Conflict) as invalid:  # the form again with the message (422; 409: a run covers it)
        error = invalid
        listed = list(selectors.runs_visible(actor=request.user).order_by("-id")[:50])
    except ShebaoError as refusal:
        return error_page(request, refusal)
    progress = {run.pk: selectors.run_progress(run=run) for run in listed}
    starter_area = run_starter_area(request.user)
    last = last_annual_year()
    return render(
        request,
        "statement_mailing/runs.html",
        {
            "runs": [(run, progress[run.pk]) for run in listed],
            "error": error,
            "form": request.POST,
            "variants": MailingRun.Variant.choices,
            "may_start": starter_area is not None,
            "city_wide": starter_area is not None and starter_area.kind == Area.Kind.CITY,
            "districts": run_districts(request.user),
            # the annual statement: finished years only (the service refuses this one); this
            # year is offered, marked, for the pension notice alone
            "years": list(range(last, FIRST_YEAR - 1, -1)),
            "this_year": last + 1,
            "year_chosen": str(request.POST.get("year", "")).strip() or str(last),
        },
        status=error.status if error else 200,
    )


@require_GET
@signed_in
def run(request: AccountRequest, run_id: int) -> HttpResponse:
    """One run's progress; htmx asks for the progress fragment again while the run is going."""
    try:
        mailing = selectors.run_get(actor=_staff(request), run_id=run_id)
    except ShebaoError as refusal:
        return error_page(request, refusal)
    progress = selectors.run_progress(run=mailing)
    unaddressed = mailing_unaddressed_count(run=mailing)
    context = {
        "run": mailing,
        "progress": progress,
        "unaddressed": unaddressed,
        # the paper letters are those posted (the manifest's rows) and those kept for an address
        "to_post": max(int(progress.get("paper") or 0) - unaddressed, 0),
        "needs_address_ready": mailing.manifest_at is not None,
    }
    if getattr(request, "htmx", False):
        return render(request, "statement_mailing/_progress.html", context)
    return render(request, "statement_mailing/run.html", context)


@require_GET
@signed_in  # type: ignore[arg-type]  # signed_in is typed for HttpResponse; the manifest streams as a FileResponse
def manifest(request: AccountRequest, run_id: int, kind: str) -> HttpResponse | FileResponse:
    """The address manifest (CSV or Excel), as the last ``shebao mailing manifest`` wrote it."""
    try:
        mailing = selectors.run_manifest_get(actor=_staff(request), run_id=run_id)
        path = Path(mailing.directory) / f"manifest-{mailing.year}-{mailing.pk}.{kind}"
        if kind not in ("csv", "xlsx") or mailing.manifest_at is None or not path.exists():
            raise NotFound("邮寄清单尚未生成", "The manifest has not been written yet")
    except ShebaoError as refusal:
        return error_page(request, refusal)
    services.mailing_manifest_downloaded(actor=request.user, run=mailing, kind=kind)
    return FileResponse(path.open("rb"), as_attachment=True, filename=path.name)


@require_GET
@signed_in  # type: ignore[arg-type]  # signed_in is typed for HttpResponse; the list streams as a FileResponse
def needs_address(request: AccountRequest, run_id: int) -> HttpResponse | FileResponse:
    """The run's 待补地址 list (letters kept from the post for want of an address), as the last
    ``shebao mailing manifest`` wrote it; as the manifest: who may take it, and audited."""
    try:
        mailing = selectors.run_manifest_get(actor=_staff(request), run_id=run_id)
        path = Path(mailing.directory) / f"needs-address-{mailing.year}-{mailing.pk}.csv"
        if mailing.manifest_at is None or not path.exists():
            raise NotFound("待补地址清单尚未生成", "The needs-address list has not been written yet")
    except ShebaoError as refusal:
        return error_page(request, refusal)
    services.mailing_manifest_downloaded(actor=request.user, run=mailing, kind="needs-address")
    return FileResponse(path.open("rb"), as_attachment=True, filename=path.name)


@require_http_methods(["GET", "POST"])
@signed_in
def returns(request: AccountRequest) -> HttpResponse:
    """登记退信 and the re-send list: one letter by its number, or the post's scan file."""
    try:
        actor = _staff(request)
    except ShebaoError as refusal:
        return error_page(request, refusal)
    error = None
    done = ""
    if request.method == "POST":
        try:
            if request.POST.get("action") == "resend":
                resend = services.mailing_resend_start(
                    actor=actor,
                    year=_int(request.POST.get("year", ""), "year"),
                    variant=request.POST.get("variant", MailingRun.Variant.ANNUAL),
                )
                return redirect("statement_mailing:run", run_id=resend.pk)
            upload = request.FILES.get("file")
            if upload is not None:
                if upload.size is None or upload.size > UPLOAD_LIMIT:
                    raise InvalidInput("文件过大（上限 5 MB）", "The file is too large (5 MB at most)", field="file")
                recorded = services.returned_mail_import(actor=actor, rows=services.scan_rows(upload.read()))
                done = f"已登记 {len(recorded)} 封退信 / {len(recorded)} returned letters recorded"
            else:
                services.returned_mail_record(
                    actor=actor, ref=request.POST.get("ref", ""), reason=request.POST.get("reason", "")
                )
                done = "已登记退信 / Returned letter recorded"
        except (InvalidInput, NotFound) as problem:
            error = problem
        except ShebaoError as refusal:
            return error_page(request, refusal)
    try:  # the re-send list checks who may see the post room: a refusal is the 403 page
        listed = services.resend_list(actor=actor)
    except ShebaoError as refusal:
        return error_page(request, refusal)
    return render(
        request,
        "statement_mailing/returns.html",
        {
            "returned": [(r, services.address_changed(r)) for r in listed],
            "resend_year": listed[0].item.run.year if listed else None,
            "may_resend": run_starter_area(actor) is not None,
            "reasons": ReturnedMail.Reason.choices,
            "variants": MailingRun.Variant.choices,
            "error": error,
            "done": done,
        },
        status=422 if error else 200,
    )


@require_http_methods(["GET", "POST"])
@signed_in
def delivery(request: AccountRequest) -> HttpResponse:
    """我的记录单寄送方式: paper by post or electronic (a message with a link), for the person."""
    user = request.user
    person: Person | None = None
    try:
        if user.kind != Account.Kind.CITIZEN:
            raise NotAllowed("仅限参保人本人设置", "For insured persons only")
        person = person_find_by_id_number(actor=user, id_number=user.id_number or "", channel=channel_for(user))
        if request.method == "POST":
            services.delivery_preference_set(
                actor=user, person=person, mode=request.POST.get("mode", ""), channel=channel_for(user)
            )
            return redirect(reverse("statement_mailing:delivery") + "?saved=1")
    except InvalidInput as invalid:
        if person is None:
            return error_page(request, invalid)
        # the form again with its choices (not an empty fieldset and a false no-phone notice)
        return render(
            request,
            "statement_mailing/delivery.html",
            {
                "mode": selectors.delivery_mode_of(person=person),
                "modes": DeliveryPreference.Mode.choices,
                "has_phone": bool(person.phone),
                "error": invalid,
            },
            status=422,
        )
    except ShebaoError as refusal:
        return error_page(request, refusal)
    assert person is not None  # found above, or the page returned
    return render(
        request,
        "statement_mailing/delivery.html",
        {
            "mode": selectors.delivery_mode_of(person=person),
            "modes": DeliveryPreference.Mode.choices,
            "saved": request.GET.get("saved") == "1",
            "has_phone": bool(person.phone),
        },
    )
