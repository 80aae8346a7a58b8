"""One issued statement as a PDF, for the online download, the app and the window print.

The page is the mailing run's writer (``statements.render.statement_pdf``: one A4 page in the
embedded WenQuanYi subset, so the Chinese renders on any device), fed the statement's signed
content (never a fresh computation), the signature's code and the verification address under
``settings.PUBLIC_URL`` that its QR code carries.
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


def statement_document(*, statement: Statement) -> bytes:
    """The PDF of ``statement`` as issued."""
    record = record_from_content(statement.content)
    return statement_pdf(record=record, code=statement.code, verify_url=statement_verify_url(statement))
