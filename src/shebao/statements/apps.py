from django.apps import AppConfig


class StatementsConfig(AppConfig):
    name = "shebao.statements"
    label = "statements"
    verbose_name = "个人权益记录 / Rights statements"

    def ready(self) -> None:
        from shebao.core.audit import audit_actions
        from shebao.statements import items
        from shebao.statements.audit_actions import StatementAction

        audit_actions.register(StatementAction)
        items.register_items()
