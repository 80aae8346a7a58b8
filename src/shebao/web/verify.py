"""文件核验: anyone holding a printed document (a receipt, a statement, a sample) checks that
shebao issued it, by scanning its QR code (/verify/<kind>/<ref>/<code>) or by typing its
number and verification code into the menu the paper names (/verify/, in the public
navigation)."""

from __future__ import annotations

import re
import unicodedata

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from shebao.cases.papers import PAPER_LABELS
from shebao.core.documents import document_verify
from shebao.pensions.documents import CERTIFICATE_KIND as PENSION_CERTIFICATE_KIND
from shebao.pensions.documents import STATEMENT_KIND as PENSION_STATEMENT_KIND
from shebao.pensions.documents import PaperCheck, pension_certificate_verify, pension_statement_verify
from shebao.statements.document import statement_corrected_by
from shebao.statements.record import FLAG_LABELS, FLAG_SYMBOLS, record_from_content
from shebao.statements.selectors import STATEMENT_KIND, statement_verify

# Every kind of document shebao prints with a verification code: the menu tries each, so a
# person types only what the paper shows (a new kind of document adds its line here).
KIND_LABELS = {
    "receipt": "缴费凭证 / Payment receipt",
    "statement": "权益记录单 / Rights statement",
    "sample": "样张 / Sample",
    "retirement-cert": "退休证 / Retirement certificate",
    "pension-voucher": "养老金发放开户凭证 / Pension account voucher",
    "pension-statement": "养老待遇明细表 / Pension detail statement",
    "medical-decision": "医疗费用零星报销核定通知书 / Medical reimbursement decision",
    "medical-settlements": "医疗费用结算清单 / Medical settlement list",
    **PAPER_LABELS,  # a case's receipt and notices
}


# dashes a person may type for the printed hyphen (NFKC leaves these apart from "-")
_DASHES = str.maketrans(dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212\u30fc", "-"))
_SPACES = re.compile(r"\s+")


def paper_text(typed: str) -> str:
    """A number or code as typed from paper, in the form shebao prints it: full-width characters
    as ASCII (ＡＢ１２ → AB12, NFKC), any dash as "-", no spaces anywhere (inner ones included)
    and upper case — every document number and code shebao issues is upper case and digits, so
    ``2025-ac8bgn4yvd5g`` is the statement ``2025-AC8BGN4YVD5G`` and a bank does not call it fake."""
    return _SPACES.sub("", unicodedata.normalize("NFKC", typed).translate(_DASHES)).upper()


# A rights statement's number as printed is the year, a dash and twelve symbols; typed with a
# space for the dash (which paper_text drops) or without it, it is still that number.
_STATEMENT_REF_UNDASHED = re.compile(r"((?:19|20)[0-9]{2})([0-9A-Z]{12})")


def statement_ref_typed(ref: str) -> str:
    """``ref`` (already :func:`paper_text`) with a statement number's dash put back where it was
    left out: ``2025SH8PVVVRMTQV`` is ``2025-SH8PVVVRMTQV``; anything else unchanged."""
    undashed = _STATEMENT_REF_UNDASHED.fullmatch(ref)
    return f"{undashed[1]}-{undashed[2]}" if undashed else ref


class VerifyForm(forms.Form):
    ref = forms.CharField(
        label="文件编号 / Document number",
        max_length=64,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    code = forms.CharField(
        label="验证码 / Verification code",
        max_length=40,
        help_text="16 位字母和数字，照文件上所印输入 / Sixteen letters and digits, as printed: ABCD-EFGH-JKLM-NPQR.",
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}),
    )

    def clean_ref(self) -> str:
        return paper_text(self.cleaned_data["ref"])

    def clean_code(self) -> str:
        return paper_text(self.cleaned_data["code"])


def _statement_answer(request: HttpRequest, ref: str, code: str, *, form: VerifyForm | None = None) -> HttpResponse:
    """A signed statement: genuine only when the code is the one its signature prints and the
    stored content still matches the signature; then what it contains (the masked ID, name,
    year, the yearly totals and the account figures, no address) and whether it is current,
    void because a correction replaced it (with the date), or genuine as issued with newer
    records since (reissued as the figures changed). Not genuine: a 404 that reveals nothing."""
    checked = statement_verify(ref=ref, code=code)
    context: dict[str, object] = {
        "genuine": checked.genuine,
        "ref": ref,
        "code": code,
        "form": form,
        "menu": form is not None,
    }
    if checked.statement is not None:
        context.update(
            {
                "statement": checked.statement,
                "record": record_from_content(checked.statement.content),
                "current": checked.current,
                "superseded_at": checked.superseded_at,
                "corrected_by": statement_corrected_by(checked.statement),
                "public": True,
                "months": range(1, 13),
                "flags": [(FLAG_SYMBOLS[k], zh, en) for k, (zh, en) in FLAG_LABELS.items()],
            }
        )
    return render(request, "statements/verify.html", context, status=200 if checked.genuine else 404)


# pension papers signed over their figures: (kind) → the check of its number and code
PENSION_PAPERS = {
    PENSION_STATEMENT_KIND: pension_statement_verify,
    PENSION_CERTIFICATE_KIND: pension_certificate_verify,
}


def _pension_paper_answer(request: HttpRequest, kind: str, ref: str, code: str, checked: PaperCheck) -> HttpResponse:
    """A 养老待遇明细表 or 退休证: genuine only when the code is the one its figures' signature
    prints (the kind-and-number code of before no longer passes); then the figures, and whether
    the determination behind them is current or superseded (when)."""
    context = {
        "genuine": checked.genuine,
        "kind_label": KIND_LABELS[kind],
        "ref": ref,
        "code": code,
        "facts": checked.facts,
        "current": checked.current,
        "superseded_at": checked.superseded_at,
    }
    return render(request, "pensions/verify_paper.html", context, status=200 if checked.genuine else 404)


@require_GET
def verify(request: HttpRequest, kind: str, ref: str, code: str) -> HttpResponse:
    """The page a document's QR code opens: genuine (200) or not (404). The number and code are
    read as from paper (:func:`paper_text`): an address typed by hand in lower case still checks."""
    ref, code = paper_text(ref), paper_text(code)
    if kind == STATEMENT_KIND:
        return _statement_answer(request, ref, code)
    if kind in PENSION_PAPERS:
        return _pension_paper_answer(request, kind, ref, code, PENSION_PAPERS[kind](ref=ref, code=code))
    genuine = document_verify(kind=kind, ref=ref, code=code)
    context = {"genuine": genuine, "kind": kind, "kind_label": KIND_LABELS.get(kind, kind), "ref": ref, "code": code}
    return render(request, "web/verify.html", context, status=200 if genuine else 404)


@require_GET
def verify_menu(request: HttpRequest) -> HttpResponse:
    """The menu: an empty form, then the answer for the number and code typed (a GET, so the
    answer can be bookmarked and needs no sign-in). Not issued is a 404, as on the QR page."""
    if not request.GET:
        return render(request, "web/verify.html", {"form": VerifyForm(), "menu": True})
    form = VerifyForm(request.GET)
    if not form.is_valid():
        return render(request, "web/verify.html", {"form": form, "menu": True}, status=422)
    ref, code = form.cleaned_data["ref"], form.cleaned_data["code"]
    statement_ref = statement_ref_typed(ref)
    if statement_verify(ref=statement_ref, code=code).genuine:
        return _statement_answer(request, statement_ref, code, form=form)
    for paper, check in PENSION_PAPERS.items():
        checked = check(ref=ref, code=code)
        if checked.genuine:
            return _pension_paper_answer(request, paper, ref, code, checked)
    # a rights statement and the pension papers are genuine only by their signed content
    # (above): a code of the older kind-and-ref scheme for them has no document behind it
    signed_kinds = {STATEMENT_KIND, *PENSION_PAPERS}
    kind = next((k for k in KIND_LABELS if k not in signed_kinds and document_verify(kind=k, ref=ref, code=code)), None)
    context = {
        "form": form,
        "menu": True,
        "checked": True,
        "genuine": kind is not None,
        "kind_label": KIND_LABELS.get(kind or "", ""),
        "ref": ref,
        "code": code,
    }
    return render(request, "web/verify.html", context, status=200 if kind else 404)


@require_GET
def verify_incomplete(request: HttpRequest, kind: str, ref: str = "") -> HttpResponse:
    """A QR address cut short (/verify/statement/, no number or no code): not verified, a 404
    in both languages with the menu to type the rest, never the list of URL patterns."""
    context = {
        "form": VerifyForm(initial={"ref": ref[:64]}),
        "menu": True,
        "checked": True,
        "genuine": False,
        "kind_label": KIND_LABELS.get(kind, ""),
        "ref": ref,
        "code": "",
    }
    return render(request, "web/verify.html", context, status=404)
