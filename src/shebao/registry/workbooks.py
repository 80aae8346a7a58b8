"""The upload reader's old place: the reader is core's (:mod:`shebao.core.workbooks`), shared by
the staff import and the base declaration; its names stay importable from here."""

from shebao.core.workbooks import (
    LIMITS,
    Clock,
    Limits,
    sheet_rows,
    template_meta,
    template_rows,
    upload_bytes,
    workbook_open,
)

__all__ = [
    "LIMITS",
    "Clock",
    "Limits",
    "sheet_rows",
    "template_meta",
    "template_rows",
    "upload_bytes",
    "workbook_open",
]
