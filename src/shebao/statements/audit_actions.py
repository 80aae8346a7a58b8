"""The audit actions of statements: issuing, viewing, printing at a window, downloading, a
stored statement refused because it fails its signature (the alert), and the corrections
asked for from a statement."""

from shebao.core.audit import AuditActions


class StatementAction(AuditActions):
    ISSUE = "statement.issue", "出具权益记录单 / Rights statement issued"
    VIEW = "statement.view", "查询权益记录单 / Rights statement viewed"
    PRINT = "statement.print", "窗口打印权益记录单 / Rights statement printed at a window"
    DOWNLOAD = "statement.download", "下载权益记录单 / Rights statement downloaded"
    UNVERIFIED = (
        "statement.unverified",
        "权益记录单签名核验失败，未提供 / Rights statement failed its signature check, not served",
    )
    EMPLOYER_VIEW = "statement.employer_view", "单位查询职工缴费记录 / Employer viewed an employee's months"
