"""The audit actions of the case engine: ``case.<step kind>`` for the steps, and the rest of a
case's life (receipt, materials, clock stops, escalation, rating)."""

from shebao.core.audit import AuditActions


class CaseAction(AuditActions):
    OPEN = "case.open", "收件 / Received"
    DISPATCH = "case.dispatch", "派发 / Dispatched"
    RETURN = "case.return", "退回（派单错误）/ Returned as wrongly dispatched"
    TRANSFER = "case.transfer", "移交 / Transferred to another office"
    REROUTE = "case.reroute", "改派（管理机构变更）/ Reassigned: the handling office changed"
    ACCEPT = "case.accept", "受理 / Accepted"
    REVIEW = "case.review", "复核 / Reviewed"
    APPROVE = "case.approve", "审批 / Approved"
    OUTSIDE = "case.outside", "外部办理 / Outside party"
    REPLY = "case.reply", "答复 / Replied"
    CALLBACK = "case.callback", "回访 / Called back"
    REJECT = "case.reject", "不予受理/不予办理 / Rejected"
    REQUEST_MATERIALS = "case.request_materials", "一次性告知补正材料 / Materials requested"
    SUPPLEMENT = "case.supplement", "补正材料 / Materials supplemented"
    SUSPEND = "case.suspend", "中止 / Suspended"
    RESUME = "case.resume", "恢复办理 / Resumed"
    EXTEND = "case.extend", "延期 / Extended"
    OUTSIDE_DONE = "case.outside_done", "外部办理完成 / Outside phase done"
    WITHDRAW = "case.withdraw", "撤回 / Withdrawn"
    ESCALATE = "case.escalate", "提交上级 / Referred up"
    OVERDUE_ESCALATE = "case.overdue_escalate", "超期提级 / Escalated as overdue"
    RATE = "case.rate", "评价 / Rated"
    UPLOAD = "case.upload", "上传材料 / Material uploaded"
    UPLOAD_VIEW = "case.upload.view", "查看上传材料 / Uploaded material viewed"
    MATERIAL_VERIFY = "case.material_verify", "核验上传材料 / Uploaded material verified or not accepted"
