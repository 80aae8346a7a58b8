"""The audit actions of contributions: assessment, bills and payments, declared bases, grades,
back-payment, the personal account, and the rule rows administrators correct."""

from shebao.core.audit import AuditActions


class ContributionAction(AuditActions):
    ASSESSMENT_RUN = "contributions.assessment.run", "月度核定 / Monthly assessment run"
    ASSESSMENT_CHUNK = "contributions.assessment.chunk", "月度核定分块 / Assessment chunk done"
    PAYMENT_RECORD = "contributions.payment.record", "缴费到账 / Payment recorded"
    ARREARS_MARK = "contributions.arrears.mark", "标记欠费 / Arrears marked"
    BASE_DECLARE = "contributions.base.declare", "缴费工资申报 / Contribution base declared"
    GRADE_SET = "grade.set", "选定缴费档次 / Contribution grade chosen"
    BACKPAY_CREATE = "backpay.create", "补缴核定 / Back-payment assessed"
    ACCOUNT_CREDIT = "account.credit", "个人账户记账 / Personal account credited"
    ACCOUNT_INTEREST = "account.interest", "个人账户计息 / Account interest credited"
    ACCOUNT_VIEW = "account.view", "查询个人账户 / Personal account viewed"
    ACCOUNT_TRANSFER = "account.transfer", "个人账户转移（转入/转出）/ Account transferred in or out"
    ACCOUNT_PAYOUT = "account.payout", "个人账户养老金支出 / Account pension paid out of the account"
    MONTH_CORRECT = "contributions.month.correct", "更正缴费记录 / Contribution month corrected"
    DIFFERENCE_REFUND_SETTLE = "contributions.difference.refund_settle", "更正退差已退付 / Correction refund paid"
    DIFFERENCE_BILL_CANCEL = (
        "contributions.difference.bill_cancel",
        "撤销更正补差缴费单 / Correction difference bill cancelled",
    )
    DIFFERENCE_REBILL = "contributions.difference.rebill", "重新开具更正补差缴费单 / Correction difference billed again"
    MONTH_RESTORE = "contributions.month.restore", "补记缺失的缴费月份 / Missing contribution month restored"
    HISTORY_LOAD = "contributions.history.load", "历年缴费记录入账 / Annual records loaded into the ledger"
    RULE_ADD = "rule.add", "新增规则 / Rule row added"
    RULE_CHANGE = "rule.change", "修改规则 / Rule row changed"
    RULE_DELETE = "rule.delete", "删除规则 / Rule row deleted"


# The same fact once had two spellings; events stored under the old one keep it (the hash
# covers it) and are shown and found as the new one.
ALIASES = {"contributions.base_declare": ContributionAction.BASE_DECLARE.value}
