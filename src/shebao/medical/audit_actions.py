"""The audit actions of medical insurance."""

from shebao.core.audit import AuditActions


class MedicalAction(AuditActions):
    AUTHORISE = "medical.authorise", "记录就医备案或审批 / Care filing or approval recorded"
    ASSESS = "medical.assess", "录入报销审核数据 / Reimbursement assessed"
    DECIDE = "medical.decide", "报销核定 / Reimbursement decided"
    PAY = "medical.pay", "报销支付 / Reimbursement paid"
    CADRES_MOVE = "medical.cadres_move", "军转干部属地化管理移交 / Cadres moved to district management"
    CADRE_VIEW = "medical.cadre_view", "查看军转干部 / Cadre viewed"
