"""The audit actions of pensions: retirement, determinations, payments, the benefit's events and
the staff's views of a person's pension."""

from shebao.core.audit import AuditActions


class PensionAction(AuditActions):
    RETIRE = "pension.retire", "退休审批 / Retirement approved"
    DETERMINE = "pension.determine", "养老待遇核定 / Pension determined"
    APPROVE = "pension.approve", "核定审批 / Determination approved"
    PAYMENTS_RUN = "pension.payments.chunk", "按月发放养老金 / Monthly pensions issued"
    RECOMPUTE = "pension.recompute.chunk", "批量重算养老金 / Pensions recomputed"
    SUSPEND = "pension.suspend", "暂停发放 / Payments suspended"
    RESUME = "pension.resume", "恢复发放 / Payments resumed"
    CERTIFY = "pension.certify", "资格认证 / Eligibility certified"
    ACCOUNT_CHANGE = "pension.account_change", "变更发放账户 / Payment card changed"
    SURVIVORS = "pension.survivors", "遗属待遇 / Survivors' benefits paid"
    INHERITANCE = "pension.inheritance", "个人账户余额继承 / Account balance inherited"
    VIEW = "pension.view", "查询养老待遇 / Pension viewed"
    INJURY_RECOGNISE = "pension.injury_recognise", "认定工伤 / Work injury recognised"
    INJURY_BENEFIT = "pension.injury_benefit", "工伤待遇核定 / Work-injury benefit determined"
