from django.apps import AppConfig


class DevtoolsConfig(AppConfig):
    name = "shebao.devtools"
    label = "devtools"
    verbose_name = "开发与演示工具 / Dev tools"

    def ready(self) -> None:
        from shebao.core.audit import audit_actions
        from shebao.devtools.audit_actions import DevtoolsAction

        audit_actions.register(DevtoolsAction)
