"""One issued statement as a PDF, for the online download, the app and the window print.

The page is the mailing run's writer (``statements.render.statement_pdf``: one A4 page in the
embedded WenQuanYi subset, so the Chinese renders on any device), fed the statement's signed
content (never a fresh computation), the signature's code and the verification address under
``settings.PUBLIC_URL`` that its QR code carries; for the verification page, whether a
superseded statement was voided by a correction (:func:`statement_corrected_by`).
"""

from __future__ import annotations

from shebao.core.documents import verification_url
from shebao.statements.models import Statement
from shebao.statements.record import record_from_content
from shebao.statements.render import statement_pdf
from shebao.statements.selectors import STATEMENT_KIND


def statement_verify_url(statement: Statement) -> str:
    """/verify/statement/<ref>/<code> under the agency's public address."""
    return verification_url(kind=STATEMENT_KIND, ref=statement.ref, code=statement.code)


def statement_corrected_by(statement: Statement) -> Statement | None:
    """For the verification page: the first later version of the statement's person and year
    issued by a correction (更正: its ``correction_case`` set) — the statement is then void. None
    when only later issues followed (this year's figures as months are paid, a late payment):
    the statement stays genuine as issued, the records having been updated since."""
    if statement.superseded_at is None:
        return None
    return (
        Statement.objects.filter(person_id=statement.person_id, year=statement.year, version__gt=statement.version)
        .exclude(correction_case="")
        .order_by("version")
        .first()
    )


def statement_document(*, statement: Statement) -> bytes:
    """The PDF of ``statement`` as issued."""
    record = record_from_content(statement.content)
    return statement_pdf(record=record, code=statement.code, verify_url=statement_verify_url(statement))
