"""The cadres' move pages (city administrators and monitors): start the move from central to
district management, follow a run's progress and its count per district, resume a run that
stopped. Parameter parsing plus one service call; medical.cadres decides who may."""

from __future__ import annotations

import datetime as dt

from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from shebao.core.errors import InvalidInput, ShebaoError
from shebao.core.http import AccountRequest, signed_in
from shebao.medical import cadres
from shebao.registry.views import channel_for, error_page


def _day(raw: str) -> dt.date | None:
    raw = raw.strip()
    if not raw:
        return None
    try:
        day = dt.date.fromisoformat(raw)
    except ValueError:
        raise InvalidInput("日期格式应为 YYYY-MM-DD", "The date is YYYY-MM-DD", field="day") from None
    # the run happens now: a later day would record splits and continuations not yet made
    if day > timezone.localdate():
        raise InvalidInput("移交日期不能晚于今天", "The day of the move cannot be after today", field="day")
    return day


@require_http_methods(["GET", "POST"])
@signed_in
def move(request: AccountRequest) -> HttpResponse:
    """属地化移交: the runs so far and the form that starts one (planned and run at once)."""
    actor = request.user
    error = None
    try:
        if request.method == "POST":
            try:
                job = cadres.cadres_move_start(
                    actor=actor, day=_day(request.POST.get("day", "")), channel=channel_for(actor)
                )
            except InvalidInput as invalid:
                error = invalid
            else:
                cadres.cadres_move_run(actor=actor, job_id=job.pk)
                return redirect("medical:cadres_move_job", job_id=job.pk)
        reports = [cadres.cadres_move_report(actor=actor, job_id=j.pk) for j in cadres.cadres_move_jobs(actor=actor)]
    except ShebaoError as refusal:
        return error_page(request, refusal)
    return render(
        request,
        "medical/cadres_move.html",
        {"reports": reports, "error": error, "form": request.POST},
        status=422 if error else 200,
    )


@require_http_methods(["GET", "POST"])
@signed_in
def move_job(request: AccountRequest, job_id: int) -> HttpResponse:
    """One run: its progress and count per district; POST resumes the chunks not done."""
    actor = request.user
    try:
        if request.method == "POST":
            cadres.cadres_move_run(actor=actor, job_id=job_id)
            return redirect("medical:cadres_move_job", job_id=job_id)
        report = cadres.cadres_move_report(actor=actor, job_id=job_id)
    except ShebaoError as refusal:
        return error_page(request, refusal)
    context = {"report": report, "rows": cadres.cadres_move_rows(report)}
    if getattr(request, "htmx", False):
        return render(request, "medical/_cadres_move_progress.html", context)
    return render(request, "medical/cadres_move_job.html", context)
