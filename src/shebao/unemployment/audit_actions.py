"""The audit actions of unemployment insurance."""

from shebao.core.audit import AuditActions


class UnemploymentAction(AuditActions):
    SEPARATION_FILE = "unemployment.separation.file", "失业人员名单备案 / Separation filed"
    CLAIM_CREATE = "unemployment.claim.create", "失业保险金申领登记 / Unemployment claim registered"
    CLAIM_STOP = "unemployment.claim.stop", "失业保险金停发 / Unemployment benefit stopped"
    PAYMENTS_CHUNK = "unemployment.payments.chunk", "按月发放失业保险金 / Monthly unemployment benefit issued"
    CLAIM_VIEW = "unemployment.claim.view", "查询失业保险金 / Unemployment claim viewed"
    ONE_OFF_PAY = "unemployment.one_off.pay", "一次性待遇支付（技能补贴、稳岗返还、一次性生活补助）/ One-off payment"
