"""The forms of the shared pages: the three sign-ins, TOTP enrolment, the working-day calculator.

Identifiers are validated here, at the edge, by ``shebao.core.identifiers`` so a mistyped
number gets its own clear message before any password is checked.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shebao.core.errors import ShebaoError
from shebao.core.identifiers import credit_code_validate, id_number_validate
from shebao.core.workdays import MAX_WORKDAYS

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


def error_text(error: ShebaoError) -> str:
    """A domain error's message as the pages say everything: Chinese first, then English,
    whatever the browser's language (a clerk's English browser still shows the Chinese)."""
    return f"{error.message_zh} / {error.message_en}"


def _text(label: StrOrPromise, *, max_length: int, autocomplete: str, **attrs: str) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=max_length,
        strip=True,
        widget=forms.TextInput(attrs={"autocomplete": autocomplete, "autocapitalize": "none", **attrs}),
    )


def _password() -> forms.CharField:
    return forms.CharField(
        label=_("Password"),
        max_length=128,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


def _otp(required: bool) -> forms.CharField:
    return forms.CharField(
        label=_("One-time code"),
        required=required,
        min_length=6,
        max_length=8,
        help_text=_("The 6-digit code shown by your authenticator app."),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "pattern": "[0-9]*", "maxlength": "8"}
        ),
    )


class StaffSignInForm(forms.Form):
    username = _text(_("Username"), max_length=150, autocomplete="username")
    password = _password()
    # Optional on the form: a staff member who has not enrolled an authenticator yet has no
    # code; the view sends them to enrolment once the password is right.
    otp_token = _otp(required=False)

    def clean_otp_token(self) -> str:
        token = self.cleaned_data.get("otp_token", "").replace(" ", "")
        if token and not token.isdigit():
            raise forms.ValidationError(_("The one-time code is made of digits only."))
        return token

    def login_username(self) -> str:
        return self.cleaned_data["username"]


class CitizenSignInForm(forms.Form):
    id_number = _text(_("Resident ID number"), max_length=24, autocomplete="username", inputmode="text")
    password = _password()

    def clean_id_number(self) -> str:
        try:
            return id_number_validate(self.cleaned_data["id_number"]).number
        except ShebaoError as error:
            raise forms.ValidationError(error_text(error)) from None

    def login_username(self) -> str:
        return self.cleaned_data["id_number"]


class UnitSignInForm(forms.Form):
    credit_code = _text(_("Unified social credit code"), max_length=24, autocomplete="organization")
    operator = _text(_("Operator"), max_length=64, autocomplete="username")
    password = _password()

    def clean_credit_code(self) -> str:
        try:
            return credit_code_validate(self.cleaned_data["credit_code"])
        except ShebaoError as error:
            raise forms.ValidationError(error_text(error)) from None

    def clean_operator(self) -> str:
        operator = self.cleaned_data["operator"]
        if ":" in operator:
            raise forms.ValidationError(_("The operator name may not contain a colon."))
        return operator

    def login_username(self) -> str:
        """Unit operators' usernames are derived: ``<USCC>:<operator>``."""
        return f"{self.cleaned_data['credit_code']}:{self.cleaned_data['operator']}"


class TotpConfirmForm(forms.Form):
    otp_token = _otp(required=True)

    def clean_otp_token(self) -> str:
        token = self.cleaned_data["otp_token"].replace(" ", "")
        if not token.isdigit():
            raise forms.ValidationError(_("The one-time code is made of digits only."))
        return token


class DueDateForm(forms.Form):
    start = forms.DateField(
        label=_("Date received"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d"],
    )
    workdays = forms.IntegerField(
        label=_("Time limit (working days)"),
        min_value=0,
        max_value=MAX_WORKDAYS,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )

    @classmethod
    def initial_today(cls) -> DueDateForm:
        return cls(initial={"start": timezone.localdate(), "workdays": 15})

    def clean_start(self) -> dt.date:
        start: dt.date = self.cleaned_data["start"]
        if not 1990 <= start.year <= 2100:
            raise forms.ValidationError(_("Enter a date between 1990 and 2100."))
        return start
