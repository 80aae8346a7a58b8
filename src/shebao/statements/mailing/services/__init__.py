"""Commands of the annual mailing: a person's delivery preference, starting a run (and its
chunks), the address manifest, returned mail and the re-send run.

《社会保险法》第七十四条: the agency sends every insured person their rights record free of
charge, regularly; 人社部令第14号 makes it at least once a year. A person may take it
electronically instead (a message with a link, no paper): the run respects the choice.

By concern: ``preference`` (paper or electronic), ``runs`` (start, chunk plan, a chunk's
statements, PDF batch and notices), ``manifest`` (the address list and its download),
``returns`` (returned mail, the re-send list and run) and ``common`` (who may send, chunk size).
Callers import from the package: its names are re-exported here.
"""

from shebao.statements.mailing.services.common import (
    CHUNK_SIZE,
    MAILING_ROLES,
    _require_mailing_staff,
    _require_run_starter,
    _staff_area,
    is_window_staff,
    run_starter_area,
    run_watcher_area,
)
from shebao.statements.mailing.services.execute import mailing_run_execute, mailing_runs_pending_execute
from shebao.statements.mailing.services.manifest import (
    MANIFEST_COLUMNS,
    XLSX_SHEET_ROWS,
    Manifest,
    _manifest_rows,
    mailing_manifest_downloaded,
    mailing_manifest_write,
)
from shebao.statements.mailing.services.preference import delivery_preference_set
from shebao.statements.mailing.services.returns import (
    SCAN_MAX_ROWS,
    ScanRow,
    _item_for_ref,
    _reason_of,
    address_changed,
    mailing_resend_start,
    resend_list,
    resend_needs_address,
    returned_mail_import,
    returned_mail_record,
    scan_rows,
)
from shebao.statements.mailing.services.runs import (
    JOB_KIND,
    _electronic_notice,
    _list_ranges,
    _mark_resent,
    _notice_chunk,
    _run_create,
    _run_directory,
    _run_persons,
    _write_atomically,
    mailing_run_start,
    run_chunk,
    run_plan,
)

__all__ = [
    "CHUNK_SIZE",
    "JOB_KIND",
    "MAILING_ROLES",
    "MANIFEST_COLUMNS",
    "SCAN_MAX_ROWS",
    "XLSX_SHEET_ROWS",
    "Manifest",
    "ScanRow",
    "_electronic_notice",
    "_item_for_ref",
    "_list_ranges",
    "_manifest_rows",
    "_mark_resent",
    "_notice_chunk",
    "_reason_of",
    "_require_mailing_staff",
    "_require_run_starter",
    "_run_create",
    "_run_directory",
    "_run_persons",
    "_staff_area",
    "_write_atomically",
    "address_changed",
    "delivery_preference_set",
    "is_window_staff",
    "mailing_manifest_downloaded",
    "mailing_manifest_write",
    "mailing_resend_start",
    "mailing_run_execute",
    "mailing_run_start",
    "mailing_runs_pending_execute",
    "resend_list",
    "resend_needs_address",
    "returned_mail_import",
    "returned_mail_record",
    "run_chunk",
    "run_plan",
    "run_starter_area",
    "run_watcher_area",
    "scan_rows",
]
