from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "shebao.catalog"
    label = "catalog"
    verbose_name = "服务事项目录 / Service catalogue"

    def ready(self) -> None:
        from shebao.catalog.audit_actions import CatalogAction
        from shebao.core.audit import audit_actions

        audit_actions.register(CatalogAction)
