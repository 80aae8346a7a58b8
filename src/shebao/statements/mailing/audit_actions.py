"""The audit actions of the annual mailing: starting a run, a person's delivery choice, returned
mail recorded (each statement issued by a run is the statements app's ``statement.issue``)."""

from shebao.core.audit import AuditActions


class MailingAction(AuditActions):
    RUN_START = "mailing.run_start", "发起权益记录单寄送 / Statement mailing run started"
    PREFERENCE = "mailing.preference", "变更记录单寄送方式 / Statement delivery preference changed"
    RETURNED = "mailing.returned", "登记退信 / Returned mail recorded"
    MANIFEST = "mailing.manifest_download", "下载邮寄清单 / Mailing manifest downloaded"
    ISSUE = "mailing.issue", "寄送批量出具权益记录单 / Statements issued by a mailing chunk"
