"""The applicant's pages: my cases (citizen or unit), a case's progress with the rating form
(好差评) and, while materials are missing, a file upload (or a signed commitment where the
catalogue allows one) for each, and the public look-up by case number and the ID number's
last six characters.

The applicant sees progress only — phases, steps, the due date, what is missing and why a
case was refused — never the names of the staff who handled it.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from shebao.cases import authority, selectors, services
from shebao.cases import materials as supplies
from shebao.cases.models import Case, CaseMaterial, CaseRating, CaseUpload
from shebao.core.channels import Channel
from shebao.core.errors import InvalidInput, NotAllowed, NotFound, ShebaoError, TooManyAttempts
from shebao.core.http import AccountRequest
from shebao.core.models import Account
from shebao.core.throttle import client_address
from shebao.registry.services import acting_may_handle
from shebao.registry.views import error_page
from shebao.web.access import signed_in
from shebao.web.forms import error_text
from shebao.web.papers import paper_links
from shebao.web.workbench.labels import label_of

MY_CASES_LIMIT = 50
APPLICANT_KINDS = (Account.Kind.CITIZEN, Account.Kind.UNIT)


def _not_an_applicant(request: AccountRequest) -> HttpResponse | None:
    if request.user.kind not in APPLICANT_KINDS:
        return error_page(
            request, NotAllowed("该页面供参保人和参保单位使用", "This page is for insured persons and employers")
        )
    return None


def _may_not_act(request: AccountRequest) -> HttpResponse | None:
    """For an applicant's commands: an agent (代办) needs a view-and-act authorisation that holds."""
    refused = _not_an_applicant(request)
    if refused is None and request.user.kind == Account.Kind.CITIZEN:
        try:
            acting_may_handle(actor=request.user)
        except ShebaoError as error:
            return error_page(request, error)
    return refused


@require_http_methods(["GET"])
@signed_in
def my_cases(request: AccountRequest) -> HttpResponse:
    """我的办件: every case of the signed-in person (or unit), newest first, with what is missing."""
    refused = _not_an_applicant(request)
    if refused:
        return refused
    cases = list(selectors.cases_of_applicant(actor=request.user, limit=MY_CASES_LIMIT))
    missing: dict[int, list[str]] = {}
    # One query for the whole page: the missing required materials of the cases just loaded.
    rows = (
        CaseMaterial.objects.required()  # the case's own answer (per case), else the catalogue's
        .filter(case_id__in=[c.pk for c in cases], status=CaseMaterial.Status.MISSING)
        .select_related("material")
    )
    for row in rows.order_by("case_id", "material_id"):
        missing.setdefault(row.case_id, []).append(row.material.name)
    return render(
        request,
        "web/cases/my_cases.html",
        {"rows": [(c, label_of(selectors.case_status_shown(c)), missing.get(c.pk, [])) for c in cases]},
    )


class RatingForm(forms.Form):
    score = forms.TypedChoiceField(
        label=gettext_lazy("How satisfied are you with this service?"),
        coerce=int,
        choices=[(s.value, s.label) for s in CaseRating.Score],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=gettext_lazy("Comment (optional)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        score = self.fields["score"]
        assert isinstance(score, forms.TypedChoiceField)  # declared above
        score.choices = [(s.value, label_of(s.label)) for s in CaseRating.Score]


def _progress_context(progress: dict[str, Any]) -> dict[str, Any]:
    """The progress bar: steps done of all steps (every step of a completed case)."""
    steps = [s for phase in progress["phases"] for s in phase["steps"]]
    completed = progress["status"] == Case.Status.COMPLETED
    return {
        "progress": progress,
        "status_label": label_of(progress["status_label"]),
        "steps_done": len(steps) if completed else sum(1 for s in steps if s["done"]),
        "steps_total": len(steps),
    }


class SupplyForm(forms.Form):
    """One missing material: a file (PDF, JPEG or PNG), or a signed commitment where allowed."""

    material = forms.CharField(max_length=32, widget=forms.HiddenInput)
    version = forms.IntegerField(widget=forms.HiddenInput)
    how = forms.ChoiceField(
        choices=[("upload", gettext_lazy("Upload a file")), ("commitment", gettext_lazy("Sign a commitment"))],
        initial="upload",
        widget=forms.HiddenInput,
    )
    file = forms.FileField(
        label=gettext_lazy("File (PDF, JPG or PNG, at most 10 MB)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}),
    )


def _supply_rows(user: Account, case: Case) -> list[CaseMaterial]:
    """The materials the applicant may supply online now (none unless they filed the case)."""
    if case.status != Case.Status.AWAITING_MATERIALS or not authority.applicant_owns(user, case):
        return []
    rows = case.materials.filter(status=CaseMaterial.Status.MISSING).select_related("material")
    return list(rows.order_by("material_id"))


# What each material's state means to the applicant (pending, verified, or not accepted with the
# clerk's reason) is the cases app's to say: shebao.cases.materials.state_shown.


def _material_rows(case: Case) -> list[tuple[CaseMaterial, str]]:
    """Every material of the case with its state as the applicant reads it."""
    rows = case.materials.select_related("material", "upload").order_by("material_id")
    return [(row, label_of(supplies.state_shown(row))) for row in rows]


def applicant_case(
    request: AccountRequest, case: Case, *, form: RatingForm | None = None, error: str = "", status: int = 200
) -> HttpResponse:
    """The applicant's case page (``shebao.web.workbench.case.case_page`` shows it to non-staff)."""
    progress = selectors.case_progress(case=case)
    rating = CaseRating.objects.filter(case=case).select_related("follow_up").first()
    may_rate = case.status == Case.Status.COMPLETED and rating is None
    context = _progress_context(progress)
    context.update(
        {
            "case": case,
            "rating": rating,
            "rating_label": label_of(rating.get_score_display()) if rating else "",
            "rating_form": (form or RatingForm()) if may_rate else None,
            "papers": paper_links(case),
            "supply_rows": _supply_rows(request.user, case),
            "material_rows": _material_rows(case),
            "supply_limit": supplies.MAX_UPLOAD_BYTES // (1024 * 1024),
            "error": error,
        }
    )
    return render(request, "web/cases/applicant_case.html", context, status=status)


@require_POST
@signed_in
def case_supply(request: AccountRequest, number: str) -> HttpResponse:
    """补正 online: a file uploaded for a missing material, or a signed commitment (告知承诺)
    where the catalogue allows one. Never "handed in": only a window verifies an original."""
    refused = _may_not_act(request)
    if refused:
        return refused
    user = request.user
    try:
        case = selectors.case_get(actor=user, number=number)
    except NotFound as error:
        return error_page(request, error)
    form = SupplyForm(request.POST, request.FILES)
    if not form.is_valid():
        return applicant_case(request, case, error=_("Choose a file to upload."), status=422)
    code, how = form.cleaned_data["material"], form.cleaned_data["how"]
    upload = form.cleaned_data["file"]
    stored: CaseUpload | None = None
    committed = False
    try:
        with transaction.atomic():  # the upload and the supplement together, or neither
            if how == "commitment":
                given: dict[str, object] = {code: CaseMaterial.Status.COMMITMENT}
            else:
                if upload is None:
                    raise InvalidInput("请选择要上传的文件", "Choose a file to upload", field="file")
                supplies.upload_size_check(upload.size or 0)  # before reading it into memory
                stored = supplies.upload_store(
                    actor=user, name=upload.name or "", content=upload.read(), channel=Channel.ONLINE
                )
                given = {code: {"state": CaseMaterial.Status.UPLOADED, "file": stored.ref}}
            case = services.case_supplement(
                actor=user,
                case_id=case.pk,
                version=form.cleaned_data["version"],
                materials=given,
                channel=Channel.ONLINE,
            )
        committed = True
    except ShebaoError as error:
        fresh = selectors.case_get(actor=user, number=number)
        return applicant_case(request, fresh, error=error_text(error), status=error.status)
    finally:
        if stored is not None and not committed:
            supplies.upload_discard(stored)  # its row was rolled back with the refusal
    if case.status == Case.Status.AWAITING_MATERIALS:
        messages.success(request, _("Received. Some materials are still missing."))
    else:
        messages.success(request, _("All materials are in: the time limit runs from tomorrow."))
    return redirect("web:case", number=case.number)


@require_POST
@signed_in
def case_rate(request: AccountRequest, number: str) -> HttpResponse:
    """好差评: once per completed case; 不满意 or worse opens a follow-up case at the office."""
    refused = _may_not_act(request)
    if refused:
        return refused
    user = request.user
    try:
        case = selectors.case_get(actor=user, number=number)
    except NotFound as error:
        return error_page(request, error)
    form = RatingForm(request.POST)
    if not form.is_valid():
        return applicant_case(request, case, form=form, status=422)
    try:
        rating = services.case_rate(
            actor=user,
            case_id=case.pk,
            score=form.cleaned_data["score"],
            comment=form.cleaned_data["comment"],
            channel=Channel.ONLINE,
        )
    except ShebaoError as error:
        return applicant_case(request, case, form=form, error=error_text(error), status=error.status)
    if rating.follow_up is not None:
        messages.warning(
            request,
            _(
                "We are sorry. Follow-up case %(number)s was opened: the office will call you back within "
                "5 working days."
            )
            % {"number": rating.follow_up.number},
        )
    else:
        messages.success(request, _("Thank you for your rating."))
    return redirect("web:case", number=case.number)


# --- the public look-up ------------------------------------------------------------------------


class TrackForm(forms.Form):
    number = forms.CharField(label=gettext_lazy("Case number"), max_length=20)
    id_suffix = forms.CharField(
        label=gettext_lazy("Last six characters of the ID number"),
        max_length=6,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )


@require_http_methods(["GET", "POST"])
def track(request: HttpRequest) -> HttpResponse:
    """办件进度查询: anyone with the case number and the ID number's last six characters.
    A wrong pair and an unknown number get the same neutral answer."""
    if request.method == "GET":
        return render(request, "web/cases/track.html", {"form": TrackForm()})
    form = TrackForm(request.POST)
    if not form.is_valid():
        return render(request, "web/cases/track.html", {"form": form}, status=422)
    try:
        progress = selectors.case_lookup_public(
            number=form.cleaned_data["number"],
            id_suffix=form.cleaned_data["id_suffix"],
            client=client_address(request),
        )
    except (NotFound, InvalidInput, TooManyAttempts) as error:
        return render(request, "web/cases/track.html", {"form": form, "error": error_text(error)}, status=error.status)
    return render(request, "web/cases/track.html", {"form": TrackForm(), **_progress_context(progress)})
