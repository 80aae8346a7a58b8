"""The public calculators page (online hall, no sign-in): one month's contributions and a
year's personal-account interest. The page works without JavaScript (a full page comes back);
with htmx only the result fragment is swapped in. The figures come from the same functions
as the API and the accounts (``shebao.contributions.api``), the provisional flag too; the
grade field states the grade rule row in force, which the calculator checks."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST

from shebao.contributions.api import ContributionIn, InterestIn, contribution_calculate, interest_calculate
from shebao.contributions.rulebook import grade_bounds_on
from shebao.core.errors import ShebaoError
from shebao.web.forms import error_text

MONEY: dict[str, Any] = {"max_digits": 12, "decimal_places": 2, "min_value": Decimal(0)}


class ContributionForm(forms.Form):
    person_type = forms.ChoiceField(
        label=_("Who pays"), choices=[("employee", _("Employee")), ("flexible", _("Flexible worker"))]
    )
    month = forms.CharField(
        label=_("Month (YYYY-MM)"),
        max_length=7,
        widget=forms.TextInput(attrs={"type": "month", "placeholder": "2025-07"}),
    )
    wage = forms.DecimalField(label=_("Monthly wage (employee, yuan)"), required=False, **MONEY)
    grade = forms.DecimalField(
        label=_("Grade (flexible worker, 0.60-3.00 times the average wage)"),
        required=False,
        max_digits=3,
        decimal_places=2,
    )
    risk_class = forms.IntegerField(label=_("Work-injury risk class (1-8)"), min_value=1, max_value=8, initial=1)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # the label states the grade rule in force today (the row the calculator checks)
        try:
            bounds = grade_bounds_on(on=timezone.localdate())
        except ShebaoError:
            return
        self.fields["grade"].label = _(
            "Grade (flexible worker, %(low)s-%(high)s times the average wage, in steps of %(step)s)"
        ) % {"low": bounds.minimum, "high": bounds.maximum, "step": bounds.step}


class InterestForm(forms.Form):
    opening_balance = forms.DecimalField(label=_("Balance at the start of the year (yuan)"), **MONEY)
    year = forms.IntegerField(label=_("Year"), min_value=1990, max_value=2100)
    monthly_credit = forms.DecimalField(label=_("Credited each month (yuan)"), **MONEY)
    months = forms.IntegerField(
        label=_("Credit up to month (retirement, transfer; blank: whole year)"),
        min_value=1,
        max_value=12,
        required=False,
    )


def _initial() -> dict[str, Any]:
    today = timezone.localdate()
    return {
        "contribution_form": ContributionForm(
            initial={"person_type": "employee", "month": f"{today.year - 1}-12", "risk_class": 1}
        ),
        "interest_form": InterestForm(initial={"year": today.year - 1, "opening_balance": "0"}),
    }


@require_GET
def page(request: HttpRequest) -> HttpResponse:
    return render(request, "web/calculators/page.html", _initial())


def _answer(request: HttpRequest, context: dict[str, Any], fragment: str) -> HttpResponse:
    ok = context.get("result") is not None
    if getattr(request, "htmx", False):
        return render(request, fragment, context, status=200 if ok else 422)
    full = {**_initial(), **context}
    return render(request, "web/calculators/page.html", full, status=200 if ok else 422)


@require_POST
def contribution(request: HttpRequest) -> HttpResponse:
    form = ContributionForm(request.POST)
    context: dict[str, Any] = {"contribution_form": form, "result": None, "error": ""}
    if form.is_valid():
        data = form.cleaned_data
        try:
            _, body = contribution_calculate(
                ContributionIn(
                    person_type=data["person_type"],
                    month=data["month"],
                    wage=data["wage"],
                    grade=data["grade"],
                    risk_class=data["risk_class"],
                )
            )
            context["result"] = body
        except ShebaoError as exc:
            context["error"] = error_text(exc)
    return _answer(request, {**context, "contribution": context}, "web/calculators/_contribution.html")


@require_POST
def interest(request: HttpRequest) -> HttpResponse:
    form = InterestForm(request.POST)
    context: dict[str, Any] = {"interest_form": form, "result": None, "error": ""}
    if form.is_valid():
        data = form.cleaned_data
        try:
            _, body = interest_calculate(
                InterestIn(
                    opening_balance=data["opening_balance"],
                    year=data["year"],
                    monthly_credit=data["monthly_credit"],
                    months=data["months"],
                )
            )
            context["result"] = body
        except ShebaoError as exc:
            context["error"] = error_text(exc)
    return _answer(request, {**context, "interest": context}, "web/calculators/_interest.html")


urlpatterns = [
    path("", page, name="calculators"),
    path("contribution/", contribution, name="calculator_contribution"),
    path("interest/", interest, name="calculator_interest"),
]
