from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "shebao.cases"
    label = "cases"
    verbose_name = "办件 / Cases"

    def ready(self) -> None:
        from shebao.cases import items
        from shebao.cases.audit_actions import CaseAction
        from shebao.core.audit import audit_actions

        items.register_engine_items()
        audit_actions.register(CaseAction)
