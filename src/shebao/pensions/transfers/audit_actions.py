"""The audit actions of the pension transfers (养老保险关系转移接续)."""

from shebao.core.audit import AuditActions


class TransferAction(AuditActions):
    TRANSFER_RECORD = "transfer.record", "转移接续建档 / Transfer recorded"
    TRANSFER_LETTER = "transfer.letter", "发出联系函 / Acceptance letter sent"
    TRANSFER_REFUSE = "transfer.refuse", "不予转移 / Transfer refused"
    TRANSFER_FUNDS = "transfer.funds", "收到信息表和基金 / Form and funds received"
    TRANSFER_IN = "transfer.in", "转入接续办结 / Transfer-in completed"
    TRANSFER_OUT = "transfer.out", "办理转出 / Transferred out"
    TRANSFER_CLOSE = "transfer.close", "对方接续完成 / The new agency completed"
    TRANSFER_VIEW = "transfer.view", "查看转移接续 / Transfer viewed"
    PLATFORM_RECEIVE = "transfer.platform.receive", "收到转移平台报文 / Platform message received"
    PLATFORM_REJECT = "transfer.platform.reject", "拒收转移平台报文 / Platform message rejected"
    PLATFORM_SEND = "transfer.platform.send", "转移平台报文发出 / Platform message sent"
