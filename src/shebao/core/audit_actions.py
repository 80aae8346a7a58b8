"""The audit actions core records: accounts, the calendar, bulk jobs and the admin."""

from shebao.core.audit import AuditActions


class CoreAction(AuditActions):
    TOTP_CONFIRM = "account.totp_confirm", "启用动态口令 / Authenticator confirmed"
    PASSWORD_CHANGE = "account.password_change", "修改密码 / Password changed"
    APP_TOKEN_ISSUE = "app_token.issue", "App 登录 / App signed in"
    APP_TOKEN_REVOKE = "app_token.revoke", "App 退出登录 / App signed out"
    APP_TOKEN_REUSE = "app_token.reuse", "App 刷新令牌被重复使用 / App refresh token reused"
    UNIT_TOKEN_ISSUE = "unit_token.issue", "创建单位接口令牌 / Unit API token made"
    UNIT_TOKEN_REVOKE = "unit_token.revoke", "撤销单位接口令牌 / Unit API token revoked"
    CALENDAR_DAY_SET = "calendar.day_set", "设置日历日 / Calendar day set"
    CALENDAR_YEAR_PUBLISH = "calendar.year_publish", "发布年度日历 / Calendar year published"
    JOB_CREATE = "job.create", "创建批量任务 / Job created"
    JOB_RUN = "job.run", "运行批量任务 / Job run"
    JOB_DONE = "job.done", "批量任务完成 / Job finished"
    JOB_CHUNK_FAILED = "job.chunk_failed", "批量任务分块失败 / Job chunk failed"
    ADMIN_ADD = "admin.add", "后台新增 / Added in the admin"
    ADMIN_CHANGE = "admin.change", "后台修改 / Changed in the admin"
    ADMIN_DELETE = "admin.delete", "后台删除 / Deleted in the admin"
