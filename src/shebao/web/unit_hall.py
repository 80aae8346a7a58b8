"""The employer's online hall: a unit operator adds or removes staff (增减员) one at a time or
by Excel upload (template download, upload, per-row report) and follows the unit's cases.

Views parse the form and call one registry service or selector; the services check that the
operator acts for their own unit. Every write comes through the online channel.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from shebao.cases import selectors as case_selectors
from shebao.contributions.services import declared_wage_record
from shebao.core.channels import Channel
from shebao.core.errors import InvalidInput, NotAllowed, ShebaoError
from shebao.core.http import AccountRequest
from shebao.core.identifiers import id_number_validate, mask_id_number
from shebao.core.models import Account
from shebao.registry import imports, selectors, services
from shebao.registry.models import Person, Unit
from shebao.registry.views import error_page
from shebao.web.access import signed_in
from shebao.web.forms import error_text

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_UPLOAD_BYTES = 10 * 1024 * 1024
CASES_LIMIT = 100
END_REASONS = (
    ("contract_end", gettext_lazy("Contract ended")),
    ("employer_ends", gettext_lazy("Dismissed by the unit")),
    ("resigned", gettext_lazy("Resigned")),
    ("transferred", gettext_lazy("Transferred out")),
    ("retired", gettext_lazy("Retired")),
    ("died", gettext_lazy("Died")),
    ("other", gettext_lazy("Other")),
)


def chinese() -> bool:
    return (get_language() or "zh-hans").lower().startswith("zh")


def label_of(label: object) -> str:
    """ "办理中 / In progress" → the half in the page's language."""
    zh, _sep, en = str(label or "").partition(" / ")
    return zh if chinese() or not en else en


def _own_unit(request: AccountRequest) -> Unit | HttpResponse:
    """The operator's unit, or the refusal page for anyone who is not a unit operator."""
    user = request.user
    if user.kind != Account.Kind.UNIT:
        return error_page(request, NotAllowed("仅限单位经办人使用", "For employer operators only"))
    try:
        return selectors.unit_get_own(actor=user)
    except ShebaoError as error:
        return error_page(request, error)


def _date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class IdNumberField(forms.CharField):
    def clean(self, value: Any) -> str:
        value = super().clean(value)
        try:
            return id_number_validate(value).number
        except ShebaoError as error:
            raise forms.ValidationError(error_text(error)) from None


class AddForm(forms.Form):
    id_number = IdNumberField(label=gettext_lazy("Resident ID number"), max_length=24)
    name = forms.CharField(label=gettext_lazy("Name"), max_length=64)
    phone = forms.CharField(label=gettext_lazy("Mobile phone"), max_length=11, required=False)
    start = forms.DateField(label=gettext_lazy("Date hired"), widget=_date_input(), input_formats=["%Y-%m-%d"])


class RemoveForm(forms.Form):
    id_number = IdNumberField(label=gettext_lazy("Resident ID number"), max_length=24)
    end = forms.DateField(label=gettext_lazy("Date employment ended"), widget=_date_input(), input_formats=["%Y-%m-%d"])
    reason = forms.ChoiceField(label=gettext_lazy("Reason"), choices=END_REASONS)


class ImportForm(forms.Form):
    kind = forms.ChoiceField(
        label=gettext_lazy("What the file holds"),
        choices=(("add", gettext_lazy("Staff additions")), ("remove", gettext_lazy("Staff removals"))),
        widget=forms.RadioSelect,
    )
    file = forms.FileField(label=gettext_lazy("Filled template (.xlsx)"))

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("The file is larger than 10 MB; split it into several files."))
        return upload


def _case_done(number: str | None) -> str:
    """The case an act on these pages is (a number the unit's case list and the tracking page know)."""
    return f"{_('Case number')} {number}"


def _domain_error(form: forms.Form, error: ShebaoError, fields: dict[str, str]) -> None:
    target = fields.get(error.field or "", error.field if error.field in form.fields else None)
    form.add_error(target, error_text(error))


@require_http_methods(["GET", "POST"])
@signed_in
def staff_add(request: AccountRequest) -> HttpResponse:
    """增员: one person, registered from the form if new, insured through the unit."""
    unit = _own_unit(request)
    if isinstance(unit, HttpResponse):
        return unit
    user = request.user
    if request.method == "GET":
        form = AddForm(initial={"start": timezone.localdate()})
        return render(request, "web/unit/staff_add.html", {"unit": unit, "form": form})
    form = AddForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            employment, case = services.staff_add_online(
                actor=user,
                unit=unit,
                id_number=data["id_number"],
                name=data["name"],
                phone=data["phone"],
                start=data["start"],
            )
        except ShebaoError as error:
            _domain_error(form, error, {"hired_on": "start", "unit_code": ""})
            return render(request, "web/unit/staff_add.html", {"unit": unit, "form": form}, status=error.status)
        messages.success(
            request,
            _("%(name)s was added to the staff from %(start)s.")
            % {"name": employment.person.name, "start": employment.start.isoformat()}
            + " "
            + _case_done(case.number),
        )
        return redirect("web:home")
    return render(request, "web/unit/staff_add.html", {"unit": unit, "form": form}, status=422)


@require_http_methods(["GET", "POST"])
@signed_in
def staff_remove(request: AccountRequest) -> HttpResponse:
    """减员: one current employee; ``?employment=<id>`` fills the form from the staff list."""
    unit = _own_unit(request)
    if isinstance(unit, HttpResponse):
        return unit
    user = request.user
    context: dict[str, Any] = {"unit": unit}
    if request.method == "GET":
        initial: dict[str, Any] = {"end": timezone.localdate()}
        raw = request.GET.get("employment", "")
        if raw.isdigit():
            try:
                employment = selectors.unit_employment_get(actor=user, unit=unit, employment_id=int(raw))
            except ShebaoError as error:
                return error_page(request, error)
            initial["id_number"] = employment.person.id_number
            context["chosen"] = (employment.person.name, mask_id_number(employment.person.id_number))
        return render(request, "web/unit/staff_remove.html", {**context, "form": RemoveForm(initial=initial)})
    form = RemoveForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            employment, case = services.staff_end_online(
                actor=user, unit=unit, id_number=data["id_number"], end=data["end"], reason=data["reason"]
            )
        except ShebaoError as error:
            _domain_error(form, error, {"ended_on": "end"})
            return render(request, "web/unit/staff_remove.html", {**context, "form": form}, status=error.status)
        messages.success(
            request,
            _("%(name)s was removed from the staff as of %(end)s.")
            % {"name": employment.person.name, "end": data["end"].isoformat()}
            + " "
            + _case_done(case.number),
        )
        return redirect("web:home")
    return render(request, "web/unit/staff_remove.html", {**context, "form": form}, status=422)


@require_GET
@signed_in
def staff_template(request: AccountRequest, kind: str) -> HttpResponse:
    unit = _own_unit(request)
    if isinstance(unit, HttpResponse):
        return unit
    try:
        data = imports.staff_import_template(kind=kind)
    except InvalidInput as error:
        return error_page(request, error)
    filename = "staff-add-template.xlsx" if kind == "add" else "staff-remove-template.xlsx"
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_http_methods(["GET", "POST"])
@signed_in
def staff_import(request: AccountRequest) -> HttpResponse:
    """Upload a filled template; the report lists every bad row, or says all were imported."""
    unit = _own_unit(request)
    if isinstance(unit, HttpResponse):
        return unit
    user = request.user
    limits = imports.LIMITS
    context: dict[str, Any] = {"unit": unit, "limits": limits.describe_zh() if chinese() else limits.describe_en()}
    if request.method == "GET":
        form = ImportForm(initial={"kind": request.GET.get("kind", "add")})
        return render(request, "web/unit/staff_import.html", {**context, "form": form})
    form = ImportForm(request.POST, request.FILES)
    if not form.is_valid():
        return render(request, "web/unit/staff_import.html", {**context, "form": form}, status=422)
    try:
        # the import and the wages it declares commit together, or neither does: each new
        # hire's wage is declared on their addition case, as a 增员 case's completion does
        with transaction.atomic():
            report = imports.staff_import(
                actor=user,
                unit=unit,
                kind=form.cleaned_data["kind"],
                file=form.cleaned_data["file"],
                channel=Channel.ONLINE,
            )
            hired = Person.objects.in_bulk(list(report.wages)) if report.wages else {}
            for person_id, (year, wage) in report.wages.items():
                declared_wage_record(
                    actor=user,
                    unit=unit,
                    person=hired[person_id],
                    year=year,
                    wage=wage,
                    case_number=report.case_of.get(person_id, ""),
                )
    except ShebaoError as error:
        form.add_error("file" if error.field == "file" else None, error_text(error))
        return render(request, "web/unit/staff_import.html", {**context, "form": form}, status=error.status)
    zh = chinese()
    rows = [(e.row or "—", e.column, e.message_zh if zh else e.message_en) for e in report.rejected]
    return render(
        request,
        "web/unit/staff_import_report.html",
        {**context, "report": report, "rows": rows},
        status=200 if report.ok else 422,
    )


@require_GET
@signed_in
def unit_cases(request: AccountRequest) -> HttpResponse:
    """The unit's cases, newest first, each linking to its progress page."""
    unit = _own_unit(request)
    if isinstance(unit, HttpResponse):
        return unit
    cases = list(case_selectors.cases_of_applicant(actor=request.user, limit=CASES_LIMIT))
    rows = [
        (case, label_of(case_selectors.case_status_shown(case)), mask_id_number(case.applicant_id_number))
        for case in cases
    ]
    return render(request, "web/unit/cases.html", {"unit": unit, "rows": rows})
